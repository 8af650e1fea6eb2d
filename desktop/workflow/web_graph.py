"""A checked, read-only model of a UI-format ("workflow") graph.

The web editor saves graphs in two schemas (0.4 with array links, 1.0 with object links) and
nests subgraph definitions under ``definitions.subgraphs``. This module turns any of them into
small frozen values with string node ids, and records every structural defect as a problem
instead of raising, so the converter can report all of them at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Ids of the two pseudo-nodes inside a subgraph definition (litegraph's SUBGRAPH_INPUT_ID and
# SUBGRAPH_OUTPUT_ID): links from -10 come from the instance's inputs, links to -20 feed its
# outputs.
SUBGRAPH_INPUT_ID = "-10"
SUBGRAPH_OUTPUT_ID = "-20"

MODE_ALWAYS = 0
MODE_NEVER = 2
MODE_BYPASS = 4


@dataclass(frozen=True, slots=True)
class GraphProblem:
    node_id: str
    node_type: str
    message: str


@dataclass(frozen=True, slots=True)
class InputSlot:
    name: str
    type: str
    link: int | None
    widget: str | None  # name of the widget this socket belongs to, if any


@dataclass(frozen=True, slots=True)
class OutputSlot:
    name: str
    type: str
    links: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class UiNode:
    id: str
    type: str
    mode: int
    title: str | None
    inputs: tuple[InputSlot, ...]
    outputs: tuple[OutputSlot, ...]
    widgets_values: Any  # list, dict (custom nodes) or None, exactly as saved
    properties: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class UiLink:
    id: int
    origin_id: str
    origin_slot: int
    target_id: str
    target_slot: int
    type: str


@dataclass(frozen=True, slots=True)
class SubgraphPort:
    name: str
    type: str
    link_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class UiGraph:
    """One graph level: the root workflow or the body of a subgraph definition."""

    nodes: Mapping[str, UiNode]
    links: Mapping[int, UiLink]
    # Subgraph bodies only: the ports of the definition, in slot order.
    inputs: tuple[SubgraphPort, ...] = ()
    outputs: tuple[SubgraphPort, ...] = ()
    name: str = ""
    id: str = ""


@dataclass(frozen=True, slots=True)
class UiWorkflow:
    root: UiGraph
    subgraphs: Mapping[str, UiGraph]
    group_node_names: frozenset[str] = field(default_factory=frozenset)


def _as_id(value: Any) -> str | None:
    """Node ids are numbers (or numeric strings) in saved files; keep them as strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _type_name(value: Any) -> str:
    # Slot types are strings; litegraph also allows 0/-1 for "any" and event slots.
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "COMBO"
    return "*"


class _Parser:
    def __init__(self) -> None:
        self.problems: list[GraphProblem] = []

    def problem(self, node_id: str, node_type: str, message: str) -> None:
        self.problems.append(GraphProblem(node_id, node_type, message))

    def links(self, raw: Any, where: str) -> dict[int, UiLink]:
        links: dict[int, UiLink] = {}
        if raw is None:
            return links
        if not isinstance(raw, list):
            self.problem("", "", f"the link list{where} is not a list")
            return links
        for item in raw:
            link = self._link(item)
            if link is None:
                self.problem("", "", f"a link{where} is malformed: {_short(item)}")
            elif link.id in links and links[link.id] != link:
                self.problem("", "", f"link {link.id}{where} is defined twice")
            else:
                links[link.id] = link
        return links

    @staticmethod
    def _link(item: Any) -> UiLink | None:
        if isinstance(item, list) and len(item) >= 5:
            fields = item[:6] if len(item) >= 6 else [*item, "*"]
        elif isinstance(item, Mapping):
            fields = [
                item.get("id"),
                item.get("origin_id"),
                item.get("origin_slot"),
                item.get("target_id"),
                item.get("target_slot"),
                item.get("type", "*"),
            ]
        else:
            return None
        link_id, origin, origin_slot = _as_int(fields[0]), _as_id(fields[1]), _as_int(fields[2])
        target, target_slot = _as_id(fields[3]), _as_int(fields[4])
        if link_id is None or origin is None or target is None:
            return None
        if origin_slot is None or target_slot is None or origin_slot < 0:
            return None
        return UiLink(link_id, origin, origin_slot, target, target_slot, _type_name(fields[5]))

    def nodes(self, raw: Any, where: str) -> dict[str, UiNode]:
        nodes: dict[str, UiNode] = {}
        if not isinstance(raw, list):
            self.problem("", "", f"the node list{where} is not a list")
            return nodes
        for item in raw:
            node = self._node(item, where)
            if node is None:
                continue
            if node.id in nodes:
                self.problem(node.id, node.type, f"node id {node.id}{where} is used twice")
                continue
            nodes[node.id] = node
        return nodes

    def _node(self, item: Any, where: str) -> UiNode | None:
        if not isinstance(item, Mapping):
            self.problem("", "", f"a node{where} is not a JSON object: {_short(item)}")
            return None
        node_id = _as_id(item.get("id"))
        node_type = item.get("type")
        if node_id is None or not isinstance(node_type, str) or not node_type:
            self.problem(
                str(node_id or ""), str(node_type or ""), f"a node{where} has no valid id or type"
            )
            return None
        mode = item.get("mode", MODE_ALWAYS)
        if mode is None:
            mode = MODE_ALWAYS
        if _as_int(mode) is None:
            self.problem(node_id, node_type, f"its mode {_short(mode)} is not a number")
            return None
        title = item.get("title")
        if title is not None and not isinstance(title, str):
            self.problem(node_id, node_type, "its title is not text")
            return None
        inputs = self._inputs(item.get("inputs"), node_id, node_type)
        outputs = self._outputs(item.get("outputs"), node_id, node_type)
        if inputs is None or outputs is None:
            return None
        props = item.get("properties")
        return UiNode(
            id=node_id,
            type=node_type,
            mode=mode,
            title=title,
            inputs=inputs,
            outputs=outputs,
            widgets_values=item.get("widgets_values"),
            properties=props if isinstance(props, Mapping) else {},
        )

    def _inputs(self, raw: Any, node_id: str, node_type: str) -> tuple[InputSlot, ...] | None:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(node_id, node_type, "its input list is malformed")
            return None
        slots = []
        for slot in raw:
            if not isinstance(slot, Mapping) or not isinstance(slot.get("name"), str):
                self.problem(node_id, node_type, f"an input slot is malformed: {_short(slot)}")
                return None
            link = slot.get("link")
            if link is not None and _as_int(link) is None:
                self.problem(node_id, node_type, f"input “{slot['name']}” has a bad link id")
                return None
            widget = slot.get("widget")
            widget_name = widget.get("name") if isinstance(widget, Mapping) else None
            slots.append(
                InputSlot(
                    name=slot["name"],
                    type=_type_name(slot.get("type")),
                    link=link,
                    widget=widget_name if isinstance(widget_name, str) else None,
                )
            )
        return tuple(slots)

    def _outputs(self, raw: Any, node_id: str, node_type: str) -> tuple[OutputSlot, ...] | None:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(node_id, node_type, "its output list is malformed")
            return None
        slots = []
        for slot in raw:
            if not isinstance(slot, Mapping):
                self.problem(node_id, node_type, f"an output slot is malformed: {_short(slot)}")
                return None
            links = slot.get("links") or []
            if not isinstance(links, list) or any(_as_int(x) is None for x in links):
                self.problem(node_id, node_type, "an output slot has a malformed link list")
                return None
            name = slot.get("name")
            slots.append(
                OutputSlot(
                    name=name if isinstance(name, str) else "",
                    type=_type_name(slot.get("type")),
                    links=tuple(links),
                )
            )
        return tuple(slots)

    def ports(self, raw: Any, where: str) -> tuple[SubgraphPort, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem("", "", f"the port list of {where} is malformed")
            return ()
        ports = []
        for port in raw:
            link_ids = port.get("linkIds") if isinstance(port, Mapping) else None
            if (
                not isinstance(port, Mapping)
                or not isinstance(port.get("name"), str)
                or not isinstance(link_ids or [], list)
                or any(_as_int(x) is None for x in link_ids or [])
            ):
                self.problem("", "", f"a port of {where} is malformed: {_short(port)}")
                continue
            ports.append(
                SubgraphPort(port["name"], _type_name(port.get("type")), tuple(link_ids or []))
            )
        return tuple(ports)

    def subgraph(self, raw: Any) -> UiGraph | None:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
            self.problem("", "", f"a subgraph definition is malformed: {_short(raw)}")
            return None
        raw_name = raw.get("name")
        name = raw_name if isinstance(raw_name, str) else str(raw["id"])
        where = f" of subgraph “{name}”"
        return UiGraph(
            nodes=self.nodes(raw.get("nodes"), where),
            links=self.links(raw.get("links"), where),
            inputs=self.ports(raw.get("inputs"), f"subgraph “{name}”"),
            outputs=self.ports(raw.get("outputs"), f"subgraph “{name}”"),
            name=name,
            id=raw["id"],
        )


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_ui_workflow(data: Mapping[str, Any]) -> tuple[UiWorkflow, list[GraphProblem]]:
    """Parse a UI-format document; structural defects come back as problems, never raised."""
    parser = _Parser()
    root = UiGraph(
        nodes=parser.nodes(data.get("nodes"), ""), links=parser.links(data.get("links"), "")
    )
    subgraphs: dict[str, UiGraph] = {}
    definitions = data.get("definitions")
    raw_subgraphs = definitions.get("subgraphs") if isinstance(definitions, Mapping) else None
    if raw_subgraphs is not None and not isinstance(raw_subgraphs, list):
        parser.problem("", "", "the subgraph definitions are malformed")
    elif raw_subgraphs is not None:
        for raw in raw_subgraphs:
            graph = parser.subgraph(raw)
            if graph is not None:
                subgraphs[graph.id] = graph
    extra = data.get("extra")
    group_nodes = extra.get("groupNodes") if isinstance(extra, Mapping) else None
    names = frozenset(group_nodes) if isinstance(group_nodes, Mapping) else frozenset()
    return UiWorkflow(root, subgraphs, names), parser.problems
