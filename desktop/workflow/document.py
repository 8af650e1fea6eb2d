"""The API-format graph an artist edits: node id -> class type + inputs.

The document stores literal values unwrapped (a multi-select value is a plain ``list``) and
wraps them again as ``{"__value__": [...]}`` in :meth:`Workflow.to_prompt`, because a bare
list in a prompt is read as a link by the server.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeGuard

from desktop.base import atomic
from desktop.comfy.object_info import ObjectInfo
from desktop.workflow.errors import InvalidWorkflow

WRAPPED_LIST_KEY = "__value__"


def is_link(value: object) -> TypeGuard[list[Any]]:
    """True for ``[source_node_id: str, output_index: int]``, the only shape of a link."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], int)
        and not isinstance(value[1], bool)
    )


def _unwrap(value: Any) -> Any:
    if (
        isinstance(value, dict)
        and len(value) == 1
        and isinstance(value.get(WRAPPED_LIST_KEY), list)
        and not is_link(value[WRAPPED_LIST_KEY])
    ):
        return value[WRAPPED_LIST_KEY]
    return value


def _wrap(value: Any) -> Any:
    if isinstance(value, list) and not is_link(value):
        return {WRAPPED_LIST_KEY: copy.deepcopy(value)}
    return copy.deepcopy(value)


@dataclass(slots=True)
class Node:
    """One node of the graph. Change values through :meth:`Workflow.set`."""

    class_type: str
    inputs: dict[str, Any]
    title: str | None = None
    # Other ``_meta`` keys and other node keys, kept so a round trip loses nothing.
    meta: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _describe(name: str) -> str:
    return f"“{name}”" if name else "This workflow"


def _parse_node(node_id: str, raw: object, label: str) -> Node:
    if not isinstance(raw, Mapping):
        raise InvalidWorkflow(f"{label} is not a valid workflow: node {node_id} is not an object.")
    class_type = raw.get("class_type")
    if not isinstance(class_type, str) or not class_type.strip():
        raise InvalidWorkflow(f"{label} is not a valid workflow: node {node_id} has no class_type.")
    inputs = raw.get("inputs", {})
    if not isinstance(inputs, Mapping):
        raise InvalidWorkflow(
            f"{label} is not a valid workflow: the inputs of node {node_id} are not an object."
        )
    meta_raw = raw.get("_meta")
    meta = dict(meta_raw) if isinstance(meta_raw, Mapping) else {}
    title = meta.pop("title", None)
    extra = {k: v for k, v in raw.items() if k not in ("class_type", "inputs", "_meta")}
    return Node(
        class_type=class_type,
        inputs={str(k): _unwrap(v) for k, v in inputs.items()},
        title=title if isinstance(title, str) and title else None,
        meta=meta,
        extra=extra,
    )


class Workflow:
    """An editable API-format prompt plus where it came from.

    ``ui_workflow`` (the editor's graph, if the file had one) is an opaque blob passed back in
    ``extra_pnginfo.workflow`` so results still open in the web UI; copies share it because
    nothing mutates it.
    """

    __slots__ = ("_nodes", "name", "source", "ui_workflow")

    def __init__(
        self,
        prompt: Mapping[str, Any],
        *,
        ui_workflow: dict[str, Any] | None = None,
        source: Path | None = None,
        name: str = "",
    ) -> None:
        self.source = source
        self.name = name or (source.name if source is not None else "")
        self.ui_workflow = ui_workflow
        label = _describe(self.name)
        if not isinstance(prompt, Mapping):
            raise InvalidWorkflow(f"{label} is not a valid workflow: it is not a JSON object.")
        if not prompt:
            raise InvalidWorkflow(f"{label} is not a valid workflow: it contains no nodes.")
        raw = copy.deepcopy(dict(prompt))
        self._nodes: dict[str, Node] = {
            str(node_id): _parse_node(str(node_id), node, label) for node_id, node in raw.items()
        }

    # -- reading -----------------------------------------------------------------------------

    @property
    def nodes(self) -> Mapping[str, Node]:
        return MappingProxyType(self._nodes)

    def get(self, node_id: str, input_name: str, default: Any = None) -> Any:
        return self._nodes[node_id].inputs.get(input_name, default)

    @staticmethod
    def is_link(value: object) -> TypeGuard[list[Any]]:
        return is_link(value)

    def title(self, node_id: str, object_info: ObjectInfo | None = None) -> str:
        """``_meta.title``, else the server's display name, else the class type."""
        node = self._nodes[node_id]
        if node.title:
            return node.title
        if object_info is not None and node.class_type in object_info:
            return object_info[node.class_type].display_name or node.class_type
        return node.class_type

    def fingerprint(self) -> str:
        """A stable hash of the graph's shape (nodes, classes, links, input names), not values.

        Editing a value keeps the fingerprint, so values remembered per workflow find their
        workflow again; rewiring or adding nodes makes it a different workflow.
        """
        shape = []
        for node_id in sorted(self._nodes):
            node = self._nodes[node_id]
            inputs = sorted(
                (name, value if is_link(value) else None) for name, value in node.inputs.items()
            )
            shape.append([node_id, node.class_type, inputs])
        blob = json.dumps(shape, ensure_ascii=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("ascii")).hexdigest()[:24]

    # -- writing -----------------------------------------------------------------------------

    def set(self, node_id: str, input_name: str, value: Any) -> None:
        """Set a literal value (or a link) of one input; raises ``KeyError`` for a bad node."""
        self._nodes[node_id].inputs[input_name] = copy.deepcopy(value)

    def copy(self) -> Workflow:
        twin = Workflow.__new__(Workflow)
        twin.name = self.name
        twin.source = self.source
        twin.ui_workflow = self.ui_workflow
        twin._nodes = copy.deepcopy(self._nodes)
        return twin

    def to_prompt(self) -> dict[str, Any]:
        """A fresh dict for ``POST /prompt`` (literal lists wrapped, ``_meta.title`` kept)."""
        prompt: dict[str, Any] = {}
        for node_id, node in self._nodes.items():
            entry: dict[str, Any] = copy.deepcopy(node.extra)
            entry["inputs"] = {name: _wrap(value) for name, value in node.inputs.items()}
            entry["class_type"] = node.class_type
            meta = copy.deepcopy(node.meta)
            if node.title:
                meta["title"] = node.title
            if meta:
                entry["_meta"] = meta
            prompt[node_id] = entry
        return prompt

    def __repr__(self) -> str:
        return f"Workflow(name={self.name!r}, nodes={len(self._nodes)})"


def write_api_json(path: Path, prompt: Mapping[str, Any]) -> None:
    """The API-format JSON ComfyUI's "Export (API)" gives, written atomically (blocking: call
    it through ``asyncio.to_thread``)."""
    atomic.atomic_write(path, json.dumps(prompt, indent=2, ensure_ascii=False) + "\n")
