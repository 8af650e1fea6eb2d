"""Widget values of every node after loading, and the PrimitiveNode pushes the editor makes.

Values are kept per definition node (a subgraph used twice shares its inner nodes' widgets, as
in the editor). Subgraph instances hold the widgets promoted from their inner nodes, keyed by the
instance input's name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from desktop.workflow.web_graph import UiGraph, UiNode
from desktop.workflow.web_resolve import ExecNode
from desktop.workflow.web_text import apply_text_replacements
from desktop.workflow.web_widgets import (
    WidgetLayout,
    WidgetMappingError,
    map_widget_values,
    widget_type,
)

Report = Callable[[str, str, str], None]
StateKey = tuple[str, str]  # (graph id, node id); the root graph's id is ""

REPLACE_PROPERTY = "Run widget replace on values"


class WidgetStates:
    def __init__(self, exec_nodes: dict[str, ExecNode], report: Report) -> None:
        self._report = report
        self._values: dict[StateKey, dict[str, Any] | None] = {}
        self._errors: dict[StateKey, str] = {}
        self._by_key: dict[StateKey, ExecNode] = {}
        self._layouts: dict[str, WidgetLayout] = {}
        for dto in exec_nodes.values():
            self._by_key.setdefault((dto.graph.id, dto.node.id), dto)
        self._graphs = {dto.graph.id: dto.graph for dto in exec_nodes.values()}
        for dto in exec_nodes.values():
            dto.widgets = self.values_of(dto.graph, dto.node.id)

    def error_of(self, dto: ExecNode) -> str | None:
        return self._errors.get((dto.graph.id, dto.node.id))

    def values_of(self, graph: UiGraph, node_id: str) -> dict[str, Any] | None:
        key = (graph.id, node_id)
        if key not in self._values:
            self._values[key] = None  # guards against subgraphs that promote in a circle
            dto = self._by_key.get(key)
            try:
                self._values[key] = self._load(dto) if dto is not None else None
            except WidgetMappingError as err:
                self._errors[key] = str(err)
        return self._values[key]

    def _load(self, dto: ExecNode) -> dict[str, Any] | None:
        if dto.kind == "real" and dto.node_def is not None:
            return map_widget_values(dto.node_def, dto.node.widgets_values, self._layouts)
        if dto.kind == "subgraph":
            return self._promoted(dto)
        return None

    def _promoted(self, dto: ExecNode) -> dict[str, Any]:
        definition = dto.definition
        assert definition is not None
        interior: dict[str, Any] = {}
        companions: dict[str, int] = {}
        for port in definition.inputs:
            for link_id in port.link_ids:
                link = definition.links.get(link_id)
                target = definition.nodes.get(link.target_id) if link else None
                slot = (
                    next((s for s in target.inputs if s.link == link_id), None) if target else None
                )
                if target is None or slot is None or slot.widget is None:
                    continue
                values = self.values_of(definition, target.id)
                if values is not None and slot.widget in values:
                    interior[port.name] = values[slot.widget]
                    companions[port.name] = self._companion_count(definition, target, slot.widget)
                    break
        proxies = dto.node.properties.get("proxyWidgets")
        saved = dto.node.widgets_values
        if isinstance(proxies, list) and proxies:
            return self._proxied(interior, proxies, saved)
        if saved is None:
            return interior
        names = list(interior)
        if isinstance(saved, list) and len(saved) == len(names):
            return dict(zip(names, saved, strict=True))
        # Some editor versions also saved the seed controls of promoted widgets.
        with_controls = [(n, c) for n in names for c in range(1 + companions[n])]
        if isinstance(saved, list) and len(saved) == len(with_controls):
            return {n: v for (n, c), v in zip(with_controls, saved, strict=True) if c == 0}
        raise WidgetMappingError(
            f"it has {len(saved) if isinstance(saved, list) else 'malformed'} widget values "
            f"but the subgraph promotes {len(names)} widgets ({', '.join(names) or 'none'})"
        )

    @staticmethod
    def _proxied(interior: dict[str, Any], proxies: list, saved: Any) -> dict[str, Any]:
        """Newer editors save ``properties.proxyWidgets``: one ``[node id, widget]`` pair per
        value in ``widgets_values``. ``"-1"`` names a widget promoted from a subgraph input (its
        value is the instance's own); any other id shows an inner node's widget, whose value
        lives in the subgraph definition and is already in place."""
        values = dict(interior)
        if saved is None:
            return values
        if not isinstance(saved, list):
            raise WidgetMappingError("its widget values are malformed")
        for index, entry in enumerate(proxies):
            if not (isinstance(entry, list) and len(entry) == 2 and str(entry[0]) == "-1"):
                continue
            name = entry[1]
            value = saved[index] if index < len(saved) else None
            if isinstance(name, str) and name in values and value is not None:
                values[name] = value
        return values

    def _companion_count(self, graph: UiGraph, node: UiNode, widget: str) -> int:
        dto = self._by_key.get((graph.id, node.id))
        inp = dto.node_def.input(widget) if dto and dto.node_def else None
        if inp is None:
            return 0
        flag = inp.options.get("control_after_generate")
        return (
            1
            if flag
            or (flag is None and widget_type(inp) == "INT" and widget in ("seed", "noise_seed"))
            else 0
        )

    # ------------------------------------------------------------------ primitive nodes

    def push_primitives(
        self, lookup: Callable[[str, str], tuple[bool, Any]], now: datetime
    ) -> None:
        """Copy each PrimitiveNode's value into the widgets it is connected to."""
        for graph in self._graphs.values():
            for node in graph.nodes.values():
                if node.type == "PrimitiveNode" and node.outputs and node.outputs[0].links:
                    self._push(graph, node, lookup, now)

    def _push(
        self,
        graph: UiGraph,
        prim: UiNode,
        lookup: Callable[[str, str], tuple[bool, Any]],
        now: datetime,
    ) -> None:
        # Inside a subgraph the primitive has no execution id of its own; name the definition.
        exec_id = prim.id if not graph.id else f"{prim.id} in subgraph “{graph.name}”"
        saved = prim.widgets_values
        if not isinstance(saved, list) or not saved:
            self._report(exec_id, prim.type, "this primitive has no saved value")
            return
        value = saved[0]
        if value and isinstance(value, str) and prim.properties.get(REPLACE_PROPERTY):
            value = apply_text_replacements(value, lookup, now)
        for link_id in prim.outputs[0].links:
            for target, widget in self._targets(graph, prim, link_id, exec_id, set()):
                values = self.values_of(graph, target.id)
                if values is not None and widget in values:  # else the editor warns, moves on
                    values[widget] = value

    def _targets(
        self, graph: UiGraph, prim: UiNode, link_id: int, exec_id: str, seen: set[int]
    ) -> list[tuple[UiNode, str]]:
        link = graph.links.get(link_id)
        target = graph.nodes.get(link.target_id) if link else None
        slot = next((s for s in target.inputs if s.link == link_id), None) if target else None
        if target is None or slot is None:
            self._report(exec_id, prim.type, f"its link {link_id} leads to no node input")
            return []
        if target.type != "Reroute":
            return [(target, slot.widget)] if slot.widget else []
        # Whether the editor forwards a primitive's value through reroutes changed between
        # versions; only accept it when both behaviours give the same prompt.
        if link_id in seen:
            return []
        seen.add(link_id)
        value = prim.widgets_values[0] if isinstance(prim.widgets_values, list) else None
        for out in target.outputs[:1]:
            for next_id in out.links:
                for final, widget in self._targets(graph, prim, next_id, exec_id, seen):
                    values = self.values_of(graph, final.id)
                    if values is not None and widget in values and values[widget] != value:
                        self._report(
                            exec_id,
                            prim.type,
                            f"it reaches “{widget}” of node {final.id} through a reroute and "
                            "the two hold different values — connect the primitive directly",
                        )
        return []
