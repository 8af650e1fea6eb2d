"""Flatten a UI graph into executable nodes and resolve their input links.

This follows the web editor's ``ExecutableNodeDTO``: subgraph instances are expanded into their
inner nodes with colon-joined ids (``"106:89"``), and an input link is followed through reroutes
and other virtual nodes (same slot), bypassed nodes (an input of the same type, the same slot
preferred) and subgraph boundaries, ending at a real node's output, at a widget value promoted to
a subgraph instance, or at nothing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop.comfy.object_info import NodeDef, ObjectInfo
from desktop.workflow.web_graph import (
    MODE_BYPASS,
    SUBGRAPH_INPUT_ID,
    UiGraph,
    UiLink,
    UiNode,
    UiWorkflow,
)
from desktop.workflow.web_widgets import widget_type

# Nodes that exist only in the editor; they are never sent to the server.
VIRTUAL_TYPES = frozenset({"Reroute", "PrimitiveNode", "Note", "MarkdownNote"})


# Subgraphs nest: a few KB of definitions can describe millions of nodes. The editor would hang
# on such a file; we stop counting here. Real workflows stay in the hundreds or low thousands.
NODE_BUDGET = 50_000


class ExpansionTooLarge(Exception):
    """Flattening the subgraphs would create more than ``budget`` nodes."""

    def __init__(self, budget: int) -> None:
        super().__init__(budget)
        self.budget = budget


class Unresolvable(Exception):
    """A link the editor itself could not follow; ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class LiveInput:
    """An input socket as the editor holds it after loading (one per definition input)."""

    name: str
    type: str
    link: int | None
    widget: str | None


@dataclass(frozen=True, slots=True)
class LinkTo:
    origin_id: str
    origin_slot: int


@dataclass(frozen=True, slots=True)
class WidgetValue:
    value: Any


Resolved = LinkTo | WidgetValue | None


@dataclass(eq=False)
class ExecNode:
    exec_id: str
    path: tuple[str, ...]  # ids of the subgraph instances that contain this node
    node: UiNode
    graph: UiGraph
    kind: str  # "real", "virtual", "subgraph", "missing"
    inputs: tuple[LiveInput, ...]
    outputs: tuple[str, ...]
    instance: ExecNode | None = None
    node_def: NodeDef | None = None
    definition: UiGraph | None = None
    # Widget values by name, shared by every instance of the same definition node (the editor
    # keeps one node object per definition); None when the widgets could not be mapped.
    widgets: dict[str, Any] | None = field(default=None)

    @property
    def mode(self) -> int:
        return self.node.mode


def is_valid_connection(type_a: str, type_b: str) -> bool:
    """litegraph's ``isValidConnection``: wildcards, case-insensitive, comma-separated unions."""
    if type_a in ("", "*") or type_b in ("", "*") or type_a == type_b:
        return True
    a, b = type_a.lower(), type_b.lower()
    if "," not in a and "," not in b:
        return a == b
    return any(x == y for x in a.split(",") for y in b.split(","))


def live_inputs(node: UiNode, node_def: NodeDef | None) -> tuple[LiveInput, ...]:
    saved = tuple(LiveInput(s.name, s.type, s.link, s.widget) for s in node.inputs)
    if node_def is None:
        return saved
    by_name: dict[str, LiveInput] = {}
    for slot in saved:
        by_name.setdefault(slot.name, slot)
    rebuilt = []
    for inp in node_def.inputs:
        found = by_name.get(inp.name)
        if found is None:
            is_widget = inp.is_widget or "widgetType" in inp.options
            found = LiveInput(inp.name, widget_type(inp), None, inp.name if is_widget else None)
        rebuilt.append(found)
    used = {id(by_name[i.name]) for i in node_def.inputs if i.name in by_name}
    return (*rebuilt, *(s for s in saved if id(s) not in used))


def subgraph_inputs(node: UiNode, definition: UiGraph) -> tuple[LiveInput, ...]:
    """An instance's sockets follow the definition's ports; saved sockets are matched by name."""
    saved = list(node.inputs)
    rebuilt = []
    for port in definition.inputs:
        match = next((s for s in saved if s.name == port.name and s.type == port.type), None)
        match = match or next((s for s in saved if s.name == port.name), None)
        if match is not None:
            saved.remove(match)
        rebuilt.append(LiveInput(port.name, port.type, match.link if match else None, None))
    return tuple(rebuilt)


def execution_order(graph: UiGraph) -> list[UiNode]:
    """litegraph's ``computeExecutionOrder``: Kahn's algorithm with a first-in-first-out queue
    seeded in saved order; nodes left over (loops, links that lead nowhere) come last, in the
    order a JavaScript object lists their ids. Linear in nodes plus links."""
    remaining: dict[str, int] = {}
    queue: deque[UiNode] = deque()
    for node in graph.nodes.values():
        count = sum(1 for s in node.inputs if s.link is not None)
        if count:
            remaining[node.id] = count
        else:
            queue.append(node)
    order: list[UiNode] = []
    placed: set[str] = set()
    visited_links: set[int] = set()
    while queue:
        node = queue.popleft()
        order.append(node)
        placed.add(node.id)
        for output in node.outputs:
            for link_id in output.links:
                link = graph.links.get(link_id)
                if link is None or link.id in visited_links:
                    continue
                visited_links.add(link.id)
                target = graph.nodes.get(link.target_id)
                if target is None or target.id not in remaining:
                    continue
                remaining[target.id] -= 1
                if remaining[target.id] == 0:
                    queue.append(target)
    left = [n for n in graph.nodes.values() if n.id not in placed]
    return order + sorted(left, key=_js_key)


def _js_key(node: UiNode) -> tuple[int, int]:
    """JavaScript lists integer-like object keys first, ascending, then the rest as inserted."""
    key = node.id
    if key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 2**32 - 1:
        return (0, int(key))
    return (1, 0)


class Resolver:
    """Follows links between executable nodes; raises ``Unresolvable`` where the editor would."""

    def __init__(
        self, nodes: Mapping[str, ExecNode], promoted: Callable[[ExecNode, int], Resolved]
    ):
        self._nodes = nodes
        self._promoted = promoted

    def resolve_input(
        self, dto: ExecNode, slot: int, visited: set[str] | None = None, type_: str | None = None
    ) -> Resolved:
        visited = set() if visited is None else visited
        self._visit(visited, f"{dto.exec_id}[I]{slot}", dto)
        if slot >= len(dto.inputs):
            raise Unresolvable(f"node {dto.exec_id} has no input slot {slot}")
        inp = dto.inputs[slot]
        if inp.link is None:
            return None
        link = dto.graph.links.get(inp.link)
        if link is None:
            raise Unresolvable(
                f"input “{inp.name}” refers to link {inp.link}, which does not exist"
            )
        if dto.instance is not None and link.origin_id == SUBGRAPH_INPUT_ID:
            return self._from_instance_input(dto.instance, link, visited)
        origin = self._nodes.get(":".join((*dto.path, link.origin_id)))
        if origin is None:
            raise Unresolvable(
                f"input “{inp.name}” is linked to node {link.origin_id}, which does not exist"
            )
        return self.resolve_output(origin, link.origin_slot, type_ or inp.type, visited)

    def _from_instance_input(self, instance: ExecNode, link: UiLink, visited: set[str]) -> Resolved:
        if link.origin_slot >= len(instance.inputs):
            raise Unresolvable(
                f"subgraph instance {instance.exec_id} has no input slot {link.origin_slot}"
            )
        outer = instance.inputs[link.origin_slot]
        if outer.link is None:
            return self._promoted(instance, link.origin_slot)
        if outer.link not in instance.graph.links:
            raise Unresolvable(f"subgraph input “{outer.name}” refers to a missing link")
        return self.resolve_input(instance, link.origin_slot, visited)

    def resolve_output(self, dto: ExecNode, slot: int, type_: str, visited: set[str]) -> Resolved:
        self._visit(visited, f"{dto.exec_id}[O]{slot}", dto)
        if dto.mode == MODE_BYPASS:
            index = self._bypass_slot(dto, slot, type_)
            return None if index < 0 else self.resolve_input(dto, index, visited)
        if dto.kind == "subgraph":
            return self._through_subgraph(dto, slot, type_, visited)
        if dto.kind == "virtual":
            if slot < len(dto.inputs):
                return self.resolve_input(dto, slot, visited, type_)
            return None  # e.g. a PrimitiveNode: its value was pushed into the widget instead
        return LinkTo(dto.exec_id, slot)

    def _through_subgraph(
        self, dto: ExecNode, slot: int, type_: str, visited: set[str]
    ) -> Resolved:
        definition = dto.definition
        if definition is None or slot >= len(definition.outputs):
            raise Unresolvable(f"subgraph instance {dto.exec_id} has no output slot {slot}")
        link = next(
            (
                definition.links[i]
                for i in definition.outputs[slot].link_ids
                if i in definition.links
            ),
            None,
        )
        if link is None:
            return None
        if link.origin_id == SUBGRAPH_INPUT_ID:
            raise Unresolvable(
                f"subgraph “{definition.name}” passes an input straight to an output, "
                "which the web editor cannot run either"
            )
        inner = self._nodes.get(f"{dto.exec_id}:{link.origin_id}")
        if inner is None:
            raise Unresolvable(
                f"subgraph “{definition.name}” output {slot} comes from missing node "
                f"{link.origin_id}"
            )
        return self.resolve_output(inner, link.origin_slot, type_, visited)

    @staticmethod
    def _bypass_slot(dto: ExecNode, slot: int, type_: str) -> int:
        inputs = dto.inputs
        if slot >= len(dto.outputs):
            raise Unresolvable(f"bypassed node {dto.exec_id} has no output slot {slot}")
        out_type = dto.outputs[slot]
        if type_ in ("*", ""):
            return slot if len(inputs) > slot else 0
        if (
            slot < len(inputs)
            and is_valid_connection(inputs[slot].type, out_type)
            and is_valid_connection(inputs[slot].type, type_)
        ):
            return slot
        for index, inp in enumerate(inputs):
            if inp.type == type_:
                return index
        for index, inp in enumerate(inputs):
            if is_valid_connection(inp.type, out_type) and is_valid_connection(inp.type, type_):
                return index
        return -1

    @staticmethod
    def _visit(visited: set[str], key: str, dto: ExecNode) -> None:
        if key in visited:
            raise Unresolvable(f"the links around node {dto.exec_id} form a loop")
        visited.add(key)


def build_exec_nodes(
    workflow: UiWorkflow,
    object_info: ObjectInfo,
    report: Callable[[str, str, str], None],
    budget: int = NODE_BUDGET,
) -> dict[str, ExecNode]:
    """Every node of the flattened graph by execution id, in the editor's visiting order.

    Raises ``ExpansionTooLarge`` as soon as more than ``budget`` nodes would be created."""
    if expanded_size(workflow) > budget:
        raise ExpansionTooLarge(budget)
    nodes: dict[str, ExecNode] = {}

    def add(
        node: UiNode,
        graph: UiGraph,
        path: tuple[str, ...],
        instance: ExecNode | None,
        stack: tuple[str, ...],
    ) -> None:
        exec_id = ":".join((*path, node.id))
        definition = workflow.subgraphs.get(node.type)
        if definition is not None:
            if definition.id in stack:
                report(exec_id, node.type, f"subgraph “{definition.name}” contains itself")
                return
            dto = ExecNode(
                exec_id,
                path,
                node,
                graph,
                "subgraph",
                subgraph_inputs(node, definition),
                tuple(p.type for p in definition.outputs),
                instance,
                definition=definition,
            )
            nodes[exec_id] = dto
            # Inner nodes keep the definition's saved order, as the editor's getInnerNodes does.
            for inner in definition.nodes.values():
                add(inner, definition, (*path, node.id), dto, (*stack, definition.id))
            return
        if node.type in VIRTUAL_TYPES:
            kind, node_def = "virtual", None
        elif node.type in workflow.group_node_names or node.type.startswith(
            ("workflow>", "workflow/")
        ):
            report(
                exec_id,
                node.type,
                "group nodes from old ComfyUI versions are not supported — "
                "open the workflow in ComfyUI, convert the group node to a subgraph and save again",
            )
            return
        elif node.type in object_info:
            kind, node_def = "real", _node_def(object_info, node, exec_id, report)
            if node_def is None:
                return
        else:
            kind, node_def = "missing", None
        outputs = tuple(o.type for o in node.outputs)
        if not outputs and node_def is not None:
            outputs = node_def.outputs
        nodes[exec_id] = ExecNode(
            exec_id,
            path,
            node,
            graph,
            kind,
            live_inputs(node, node_def),
            outputs,
            instance,
            node_def,
        )

    for root_node in execution_order(workflow.root):
        add(root_node, workflow.root, (), None, ())
    return nodes


def expanded_size(workflow: UiWorkflow) -> int:
    """How many nodes flattening creates, counted per definition (memoised), so a file that
    would expand to millions is measured in time proportional to its own size."""
    sizes: dict[str, int] = {}

    def size_of(graph: UiGraph, stack: frozenset[str]) -> int:
        total = 0
        for node in graph.nodes.values():
            total += 1
            definition = workflow.subgraphs.get(node.type)
            if definition is None or definition.id in stack:
                continue  # a subgraph that contains itself is reported when it is built
            if definition.id not in sizes:
                sizes[definition.id] = size_of(definition, stack | {definition.id})
            total += sizes[definition.id]
        return total

    return size_of(workflow.root, frozenset())


def _node_def(
    object_info: ObjectInfo, node: UiNode, exec_id: str, report: Callable[[str, str, str], None]
) -> NodeDef | None:
    try:
        return object_info[node.type]
    except (TypeError, ValueError, AttributeError, KeyError):
        report(exec_id, node.type, "the server's description of this node type is malformed")
        return None
