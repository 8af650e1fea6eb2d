"""Overall progress of one prompt across the nodes that actually run, plus an ETA.

ComfyUI reports progress per node (``progress_state``, ``progress``); cached nodes never run.
The expected set is every node an output depends on, minus the cached ones, so a run where
only the decoder is left to do goes from 0 to 1 over that node instead of jumping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from desktop.comfy.messages import ProgressState
from desktop.workflow.document import is_link


def _links(inputs: Any) -> Iterable[str]:
    if not isinstance(inputs, Mapping):
        return
    for value in inputs.values():
        if is_link(value):
            yield str(value[0])


def nodes_that_run(prompt: Mapping[str, Any], outputs: Iterable[str] | None = None) -> set[str]:
    """Every node the given outputs depend on. Without a list of outputs (it comes from
    ``/queue``), the graph's sinks — nodes nobody links to — stand in for the output nodes."""
    graph = {str(k): v for k, v in prompt.items() if isinstance(v, Mapping)}
    if outputs is None:
        linked = {src for node in graph.values() for src in _links(node.get("inputs"))}
        targets = [nid for nid in graph if nid not in linked]
    else:
        targets = [str(o) for o in outputs if str(o) in graph]
    seen: set[str] = set()
    stack = list(targets)
    while stack:
        nid = stack.pop()
        if nid in seen or nid not in graph:
            continue
        seen.add(nid)
        stack.extend(_links(graph[nid].get("inputs")))
    return seen


class ProgressModel:
    """Fraction done across expected nodes; each node weighs the same (steps fill it in)."""

    def __init__(self, prompt: Mapping[str, Any], outputs: Iterable[str] | None = None) -> None:
        self._expected = nodes_that_run(prompt, outputs)
        self._cached: set[str] = set()  # never run this time, whatever /queue's outputs say
        self._done: dict[str, float] = {}  # node -> fraction 0..1
        self.overall = 0.0  # fraction done, 0..1 (read-only outside)
        self._step_node: str | None = None
        self._step_start: tuple[float, int] | None = None  # (time, value) of first seen step
        self.eta: float | None = None  # seconds left in the current sampler, when known
        self._outputs_seen: tuple[str, ...] | None = None

    def set_outputs(self, prompt: Mapping[str, Any], outputs: Iterable[str]) -> None:
        outputs = tuple(outputs)
        if outputs == self._outputs_seen:
            return  # every /queue refresh repeats them: walking the graph again is waste
        self._outputs_seen = outputs
        expected = nodes_that_run(prompt, outputs) - self._cached
        if expected:
            self._expected = expected | set(self._done)
            self._recompute()

    def cached(self, nodes: Iterable[str]) -> None:
        nodes = set(nodes)
        self._cached |= nodes
        self._expected.difference_update(nodes)
        for node in nodes:
            self._done.pop(node, None)
        self._recompute()

    def node_started(self, node: str) -> None:
        self._expected.add(node)
        self._done.setdefault(node, 0.0)
        self._recompute()

    def node_progress(self, node: str, value: float, maximum: float, now: float) -> None:
        """A ``progress`` message: step ``value`` of ``maximum``; also feeds the ETA."""
        if maximum <= 0:
            return
        self._expected.add(node)
        self._done[node] = max(self._done.get(node, 0.0), min(1.0, value / maximum))
        if node != self._step_node or self._step_start is None or value < self._step_start[1]:
            self._step_node = node
            self._step_start = (now, int(value))
            self.eta = None
        else:
            t0, v0 = self._step_start
            if value > v0:
                per_step = (now - t0) / (value - v0)
                self.eta = max(0.0, per_step * (maximum - value))
        self._recompute()

    def apply_state(self, state: ProgressState) -> None:
        for key, node in state.nodes.items():
            nid = key if key in self._expected else (node.display_node_id or key)
            if nid not in self._expected:
                continue  # an ephemeral node from expansion: its parent carries the progress
            if node.state == "finished":
                fraction = 1.0
            elif node.max > 0:
                fraction = min(1.0, node.value / node.max)
            else:
                fraction = 0.0
            self._done[nid] = max(self._done.get(nid, 0.0), fraction)
        self._recompute()

    def complete(self) -> None:
        self.eta = 0.0
        self.overall = 1.0

    def _recompute(self) -> None:
        if not self._expected:
            return
        total = sum(self._done.get(n, 0.0) for n in self._expected) / len(self._expected)
        # Never move backwards: the expected set only grows by nodes we learn about late.
        self.overall = max(self.overall, min(total, 1.0))
