"""Execution order and cache keys, modelled on ComfyUI 0.3.64's ExecutionList so the demo
runs nodes in the same order as the recordings (e.g. 4, 10, 11, 7, 6, 3, 8, 9 for img2img)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]


def is_link(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], int)
    )


class DependencyCycleError(Exception):
    pass


class ExecutionList:
    """Pending nodes and what blocks them. Nodes whose output is cached are not added as
    dependencies; an output node is always added (a cached one just replays its UI)."""

    def __init__(
        self, prompt: JSON, is_cached: Callable[[str], bool], is_output: Callable[[str], bool]
    ) -> None:
        self.prompt = prompt
        self.is_cached = is_cached
        self.is_output = is_output
        self.pending: dict[str, bool] = {}
        self.block_count: dict[str, int] = {}
        self.blocking: dict[str, dict[str, bool]] = {}

    def add_node(self, node_id: str) -> None:
        stack = [node_id]
        links: list[tuple[str, str]] = []
        while stack:
            current = stack.pop()
            if current in self.pending:
                continue
            self.pending[current] = True
            self.block_count[current] = 0
            self.blocking[current] = {}
            for value in self.prompt[current]["inputs"].values():
                if is_link(value) and not self.is_cached(value[0]):
                    stack.append(value[0])
                    links.append((value[0], current))
        for source, target in links:
            if source not in self.blocking:
                self.add_node(source)
            if target not in self.blocking[source]:
                self.blocking[source][target] = True
                self.block_count[target] += 1

    def is_empty(self) -> bool:
        return not self.pending

    def next_node(self) -> str:
        ready = [node for node in self.pending if self.block_count[node] == 0]
        if not ready:
            raise DependencyCycleError("Dependency cycle detected")
        # The real server's "UX friendly" pick: outputs first, then nodes one or two steps
        # before an output, else the first ready node in insertion order.
        for node in ready:
            if self.is_output(node):
                return node
        for node in ready:
            if any(self.is_output(after) for after in self.blocking[node]):
                return node
        for node in ready:
            for after in self.blocking[node]:
                if any(self.is_output(after2) for after2 in self.blocking.get(after, {})):
                    return node
        return ready[0]

    def complete(self, node_id: str) -> None:
        for target in self.blocking.pop(node_id, {}):
            self.block_count[target] -= 1
        self.pending.pop(node_id, None)
        self.block_count.pop(node_id, None)


def signatures(
    prompt: JSON, salt: Callable[[str, JSON], str] = lambda _id, _n: ""
) -> dict[str, str]:
    """A cache key per node: class, literal inputs and the keys of everything upstream, so a
    node is cached only if neither it nor any ancestor changed since the last run."""
    done: dict[str, str] = {}
    visiting: set[str] = set()

    def key(node_id: str) -> str:
        if node_id in done:
            return done[node_id]
        if node_id in visiting or node_id not in prompt:
            return f"missing:{node_id}"
        visiting.add(node_id)
        node = prompt[node_id]
        parts: list[Any] = [node.get("class_type"), salt(node_id, node)]
        for name in sorted(node.get("inputs", {})):
            value = node["inputs"][name]
            if is_link(value):
                parts.append([name, key(value[0]), value[1]])
            else:
                parts.append([name, value])
        visiting.discard(node_id)
        digest = hashlib.sha256(json.dumps(parts, default=repr).encode()).hexdigest()
        done[node_id] = digest
        return digest

    for node_id in prompt:
        key(node_id)
    return done
