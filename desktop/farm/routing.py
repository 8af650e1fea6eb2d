"""Which capable server gets a job: the shortest expected wait, i.e. the jobs queued there
(ours and other people's) × that server's recent time per job for this workflow."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from desktop.workflow.params import SEED_INPUT_NAMES

#: Before a server has run anything we assume this many seconds per job; only the ratio
#: between servers matters, so an unknown server ranks like an average one.
DEFAULT_JOB_SECONDS = 1.0
_WEIGHT = 0.3  # of the newest measurement in the running average


def workflow_key(prompt: Mapping[str, Any]) -> str:
    """The same workflow with other seeds is the same work: seeds are left out."""
    stripped = {
        str(node_id): {
            "class_type": node.get("class_type"),
            "inputs": {
                k: v for k, v in (node.get("inputs") or {}).items() if k not in SEED_INPUT_NAMES
            },
        }
        for node_id, node in prompt.items()
        if isinstance(node, Mapping)
    }
    text = json.dumps(stripped, sort_keys=True, default=str)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


class Timings:
    """Running averages of seconds per job, per server and workflow (and per server)."""

    def __init__(self) -> None:
        self._by_workflow: dict[tuple[str, str], float] = {}
        self._by_server: dict[str, float] = {}

    def record(self, server: str, key: str, seconds: float) -> None:
        self._by_workflow[(server, key)] = _average(self._by_workflow.get((server, key)), seconds)
        self._by_server[server] = _average(self._by_server.get(server), seconds)

    def per_job(self, server: str, key: str) -> float:
        known = self._by_workflow.get((server, key))
        if known is not None:
            return known
        # Unknown here: scale this workflow's time elsewhere by how fast this server is.
        elsewhere = [t for (s, k), t in self._by_workflow.items() if k == key and s != server]
        if elsewhere:
            return sum(elsewhere) / len(elsewhere)
        return self._by_server.get(server, DEFAULT_JOB_SECONDS)


def _average(old: float | None, new: float) -> float:
    return new if old is None else old + _WEIGHT * (new - old)


def expected_wait(queued: int, per_job: float) -> float:
    """Until a new job would be done there: everything ahead of it, then itself."""
    return (queued + 1) * per_job
