"""Write the form's values back into the editor's (UI-format) workflow before it is embedded.

A result carries two chunks: the API prompt that ran, and the editor's graph. ComfyUI's web UI
restores the graph when a picture is dropped on it, so the graph must hold the values that
ran, not the file's. This is the converter's widget-slot mapping (``web_widgets``) in reverse:
for each value the form changed, find the node's widget slot (or the PrimitiveNode feeding
it) and write the value there.

The values to write are those where the prompt that runs differs from the graph's own
conversion (not from the file's prompt chunk: a picture's two chunks may disagree already).
Exact or nothing: when a change cannot be written so that the editor would send the same
value again (a node inside a subgraph, a value fed through another node, a widget layout we
do not know, a prompt with ``{a|b}`` choices the editor would re-roll), ``GraphWriter.write``
returns ``None`` and the caller embeds no graph; the web UI then loads the API prompt, which
is always right.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from desktop.comfy.object_info import NodeDef, ObjectInfo
from desktop.workflow.document import Workflow
from desktop.workflow.errors import WorkflowError
from desktop.workflow.web_convert import convert_ui_workflow
from desktop.workflow.web_graph import UiGraph, UiNode, UiWorkflow, parse_ui_workflow
from desktop.workflow.web_widgets import WidgetMappingError, default_value, widget_layout

PRIMITIVE = "PrimitiveNode"
# Save nodes whose file name prefix the editor expands (%date:…%, %Node.widget%) on queueing.
_EXPANDED_PREFIX_NODES = frozenset({"SaveImage", "SaveAnimatedWEBP", "SaveAnimatedPNG"})

Change = tuple[str, str, Any]  # node id, input name, new value


def changed_values(before: Mapping[str, Any], edited: Workflow) -> list[Change] | None:
    """Every literal input of ``edited`` whose value differs from the API prompt ``before``;
    ``None`` when ``edited`` has a node or input ``before`` lacks (no widget to write)."""
    changes: list[Change] = []
    for node_id, node in edited.nodes.items():
        old = before.get(node_id)
        old_inputs = old.get("inputs") if isinstance(old, Mapping) else None
        if not isinstance(old_inputs, Mapping):
            return None
        for name, value in node.inputs.items():
            if name not in old_inputs:
                return None
            if _unwrap(old_inputs[name]) != value:
                changes.append((node_id, name, value))
    return changes


class GraphWriter:
    """Prepared once per graph: :meth:`write` gives, for each edited prompt, a copy of the
    graph whose conversion is that prompt, or ``None`` when no exact copy can be made."""

    def __init__(self, ui: Mapping[str, Any], object_info: ObjectInfo) -> None:
        self._ui = ui
        self._info = object_info
        self._parsed: UiWorkflow | None = None
        self._converted: dict[str, Any] | None = None
        try:
            parsed, problems = parse_ui_workflow(ui)
            # Dynamic prompts ({a|b}) convert to their first option here; a job that ran
            # another one differs there, and that value is written as it ran.
            self._converted = convert_ui_workflow(ui, object_info, choose=lambda o: o[0])
        except (WorkflowError, TypeError, ValueError, KeyError, AttributeError):
            return
        self._parsed = None if problems else parsed

    def write(self, edited: Workflow) -> dict[str, Any] | None:
        if self._parsed is None or self._converted is None:
            return None  # a graph this server cannot convert: we cannot tell what it holds
        changes = changed_values(self._converted, edited)
        if changes is None:
            return None
        if not changes:
            return dict(self._ui)
        out = copy.deepcopy(dict(self._ui))
        raw_nodes = {
            str(n.get("id")): n for n in out.get("nodes", ()) if isinstance(n, dict) and "id" in n
        }
        writer = _Writer(self._parsed.root, raw_nodes, self._info, edited)
        if all(writer.write(node_id, name, value) for node_id, name, value in changes):
            return out
        return None


def _unwrap(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"__value__"}:
        return value["__value__"]
    return value


class _Writer:
    def __init__(
        self,
        graph: UiGraph,
        raw_nodes: dict[str, dict[str, Any]],
        object_info: ObjectInfo,
        edited: Workflow,
    ) -> None:
        self._graph = graph
        self._raw = raw_nodes
        self._info = object_info
        self._edited = edited

    def write(self, node_id: str, name: str, value: Any) -> bool:
        node = self._graph.nodes.get(node_id)  # inner nodes of subgraphs ("5:12") are not
        raw = self._raw.get(node_id)
        if node is None or raw is None or isinstance(value, list | dict):
            return False
        node_def = self._node_def(node.type)
        if node_def is None or not _round_trips(node, node_def, name, value):
            return False
        socket = next((s for s in node.inputs if s.widget == name), None)
        if socket is not None and socket.link is not None:
            return self._write_primitive(socket.link, value)
        saved = raw.get("widgets_values")
        if saved is None:  # never edited in the editor: its widgets hold their defaults
            saved = _defaults(node_def)
            if saved is None:
                return False
            raw["widgets_values"] = saved
        index = self._slot_index(node_def, saved, name)
        if index is None:
            return False
        saved[index] = value
        return True

    def _node_def(self, node_type: str) -> NodeDef | None:
        try:
            return self._info[node_type]
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    @staticmethod
    def _slot_index(node_def: NodeDef, saved: Any, name: str) -> int | None:
        layout = widget_layout(node_def)
        if layout.unsupported is not None or not isinstance(saved, list):
            return None
        for slots in (layout.slots, layout.legacy_slots):
            if slots is not None and len(slots) == len(saved):
                return next(
                    (i for i, s in enumerate(slots) if s.name == name and s.input is not None),
                    None,
                )
        return None

    def _write_primitive(self, link_id: int, value: Any) -> bool:
        """A widget fed by a PrimitiveNode: write the primitive, if every widget it feeds
        now holds this same value (else the editor would send the others a wrong one)."""
        link = self._graph.links.get(link_id)
        source = self._graph.nodes.get(link.origin_id) if link is not None else None
        raw = self._raw.get(source.id) if source is not None else None
        if source is None or raw is None or source.type != PRIMITIVE:
            return False
        saved = raw.get("widgets_values")
        if not isinstance(saved, list) or not saved:
            return False
        for target_id, widget in self._targets(source):
            node = self._edited.nodes.get(target_id)
            if node is not None and node.inputs.get(widget) != value:
                return False
        saved[0] = value
        return True

    def _targets(self, primitive: UiNode) -> Iterator[tuple[str, str]]:
        for output in primitive.outputs:
            for link_id in output.links:
                link = self._graph.links.get(link_id)
                node = self._graph.nodes.get(link.target_id) if link is not None else None
                if link is None or node is None or link.target_slot >= len(node.inputs):
                    continue
                widget = node.inputs[link.target_slot].widget
                if widget is not None:
                    yield node.id, widget


# What the editor puts in a companion slot of a fresh node. "fixed": a picture's seed is the
# one that ran, and a graph restored from it should not change it before the next run.
_COMPANION_DEFAULTS = {
    "control_after_generate": "fixed",
    "control_filter_list": "",
    "upload": "image",
}


def _defaults(node_def: NodeDef) -> list[Any] | None:
    layout = widget_layout(node_def)
    if layout.unsupported is not None:
        return None
    values: list[Any] = []
    try:
        for slot in layout.slots:
            if slot.input is not None:
                values.append(default_value(slot.input))
            elif slot.name in _COMPANION_DEFAULTS:
                values.append(_COMPANION_DEFAULTS[slot.name])
            else:
                return None
    except WidgetMappingError:
        return None
    return values


def _round_trips(node: UiNode, node_def: NodeDef, name: str, value: Any) -> bool:
    """Would the editor send ``value`` as it is? Not when it expands it on queueing."""
    if not isinstance(value, str):
        return True
    inp = node_def.input(name)
    if inp is not None and inp.options.get("dynamicPrompts") and any(c in value for c in "{}"):
        return False
    return not (node.type in _EXPANDED_PREFIX_NODES and name == "filename_prefix" and "%" in value)
