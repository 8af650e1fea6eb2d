"""Per-workflow remembered values: what the artist changed, keyed by file and graph shape.

Stored as one small JSON file in the config folder. Unreadable or hand-mangled files are ignored
(logged), never fatal: losing remembered values is better than refusing to open a workflow.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.base import atomic

log = logging.getLogger("comfydesk.ui")

FILE_NAME = "form-memory.json"
MAX_WORKFLOWS = 200  # oldest entries are dropped so the file cannot grow without bound
Key = tuple[str, str]


@dataclass(frozen=True)
class Remembered:
    values: Mapping[Key, Any] = field(default_factory=dict)
    seed_modes: Mapping[Key, str] = field(default_factory=dict)


def memory_path() -> Path:
    return paths.config_dir() / FILE_NAME


def _read_all(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        log.warning("Ignoring unreadable form memory %s: %s", path, err)
        return {}
    workflows = data.get("workflows") if isinstance(data, dict) else None
    return workflows if isinstance(workflows, dict) else {}


def _entries(raw: Any) -> dict[Key, Any]:
    result: dict[Key, Any] = {}
    if not isinstance(raw, list):
        return result
    for item in raw:
        if isinstance(item, list) and len(item) == 3 and all(isinstance(p, str) for p in item[:2]):
            result[(item[0], item[1])] = item[2]
    return result


# Writes leave the GUI thread on one worker, so they land in the order they were asked for.
# Its thread is joined when the interpreter exits: a write asked for is never lost.
_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="form-memory")
_lock = threading.Lock()
_queued: dict[tuple[Path, str], tuple[Future[None], Remembered]] = {}


def remember_later(fingerprint: str, remembered: Remembered, path: Path | None = None) -> None:
    """:func:`remember` on the writer thread; :func:`recall` sees it at once."""
    key = (path or memory_path(), fingerprint)
    future = _writer.submit(remember, fingerprint, remembered, key[0])
    with _lock:
        _queued[key] = (future, remembered)
    future.add_done_callback(lambda done: _written(key, done))


def _written(key: tuple[Path, str], future: Future[None]) -> None:
    with _lock:
        if key in _queued and _queued[key][0] is future:
            del _queued[key]
    err = future.exception()
    if err is not None:
        log.warning("Could not remember form values: %s", err)


def wait_for_writes() -> None:
    """Block until every write asked for has landed (before a write on this thread)."""
    with _lock:
        pending = [future for future, _ in _queued.values()]
    wait(pending)


def recall(fingerprint: str, path: Path | None = None) -> Remembered:
    path = path or memory_path()
    with _lock:
        queued = _queued.get((path, fingerprint))
    if queued is not None:
        return queued[1]
    entry = _read_all(path).get(fingerprint)
    if not isinstance(entry, dict):
        return Remembered()
    modes = {k: v for k, v in _entries(entry.get("seed_modes")).items() if isinstance(v, str)}
    return Remembered(values=_entries(entry.get("values")), seed_modes=modes)


def remember(fingerprint: str, remembered: Remembered, path: Path | None = None) -> None:
    """Store (or, when empty, forget) one workflow's values; written atomically. Writes
    queued by :func:`remember_later` for the same file must have landed first."""
    path = path or memory_path()
    workflows = _read_all(path)
    if remembered.values or remembered.seed_modes:
        workflows[fingerprint] = {
            "saved": time.time(),
            "values": [[n, i, v] for (n, i), v in remembered.values.items()],
            "seed_modes": [[n, i, m] for (n, i), m in remembered.seed_modes.items()],
        }
    else:
        workflows.pop(fingerprint, None)
    if len(workflows) > MAX_WORKFLOWS:
        by_age = sorted(workflows, key=lambda f: _saved_at(workflows[f]))
        for old in by_age[: len(workflows) - MAX_WORKFLOWS]:
            del workflows[old]
    atomic.atomic_write(path, json.dumps({"version": 1, "workflows": workflows}), make_parents=True)


def _saved_at(entry: Any) -> float:
    saved = entry.get("saved") if isinstance(entry, dict) else None
    return float(saved) if isinstance(saved, int | float) else 0.0
