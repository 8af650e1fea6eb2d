"""Convert a UI-format workflow (what the web editor saves) into an API-format prompt.

The result is the prompt ComfyUI's own frontend would queue (``graphToPrompt``): virtual nodes
(notes, reroutes, primitives) disappear after pushing their values, muted and bypassed nodes are
dropped with links routed around bypassed ones, subgraphs are flattened into ``"outer:inner"``
ids, and each node's ``widgets_values`` are named from the server's ``/object_info``.

Whatever cannot be mapped with certainty is collected and raised as one ``ConversionError``;
nothing is guessed. See docs/UI-FORMAT.md for the supported features.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.comfy.object_info import ObjectInfo
from desktop.workflow.errors import WorkflowError
from desktop.workflow.web_graph import MODE_BYPASS, MODE_NEVER, UiNode, parse_ui_workflow
from desktop.workflow.web_resolve import (
    NODE_BUDGET,
    ExecNode,
    ExpansionTooLarge,
    LinkTo,
    Resolved,
    Resolver,
    Unresolvable,
    WidgetValue,
    build_exec_nodes,
)
from desktop.workflow.web_state import WidgetStates
from desktop.workflow.web_text import (
    SAVE_NODE_TYPES,
    Chooser,
    apply_text_replacements,
    process_dynamic_prompt,
)
from desktop.workflow.web_widgets import WidgetMappingError, default_value, is_upload_combo

MISSING_NODE = (
    "this node type is not installed on the server — install the custom node pack that "
    "provides it, or remove the node"
)
ADVICE = (
    "Open the workflow in ComfyUI's web editor and save it with “Export (API)”, "
    "or fix the listed nodes."
)


@dataclass(frozen=True)
class ConversionProblem:
    node_id: str
    node_type: str
    message: str

    def __str__(self) -> str:
        if not self.node_id:
            return self.message
        return f"node {self.node_id} ({self.node_type}): {self.message}"


class ConversionError(WorkflowError):
    """The workflow cannot be converted with certainty; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[ConversionProblem], summary: str = "") -> None:
        self.problems: tuple[ConversionProblem, ...] = tuple(problems)
        first = str(self.problems[0]) if self.problems else "the workflow is malformed"
        if summary:
            super().__init__(summary)
        elif len(self.problems) > 1:
            lead = f"{len(self.problems)} problems stop this workflow from converting (first: "
            super().__init__(f"{lead}{first}). {ADVICE}")
        else:
            super().__init__(f"This workflow cannot be converted: {first}. {ADVICE}")


class MissingNodesError(ConversionError):
    """The workflow converts except for node classes the server does not have (custom node
    packs, or API nodes of another version); ``node_types`` lists them, sorted."""

    def __init__(self, problems: Sequence[ConversionProblem]) -> None:
        self.node_types: tuple[str, ...] = tuple(sorted({p.node_type for p in problems}))
        super().__init__(
            problems,
            f"This workflow needs nodes this server lacks: {', '.join(self.node_types)}. "
            "Install the custom node packs that provide them, or use a server that has them.",
        )


class GraphTooLargeError(ConversionError):
    """Flattening the workflow's subgraphs would exceed ``budget`` nodes."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        super().__init__(
            [
                ConversionProblem(
                    "",
                    "",
                    f"its subgraphs expand to more than {budget:,} nodes, more than any "
                    "real workflow holds (subgraphs nested inside each other many times)",
                )
            ]
        )


def is_ui_workflow(data: Any) -> bool:
    """True for a document in the web editor's format (schema 0.4 or 1.0)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("nodes"), list):
        return False
    if isinstance(data.get("links"), list):
        return True
    return isinstance(data.get("state"), Mapping) and data.get("version") == 1


def convert_ui_workflow(
    ui: Mapping[str, Any],
    object_info: ObjectInfo | Mapping[str, Any],
    *,
    choose: Chooser | None = None,
    now: datetime | None = None,
    node_budget: int = NODE_BUDGET,
) -> dict[str, dict]:
    """The API prompt ``{node_id: {"inputs", "class_type", "_meta": {"title"}}}``.

    ``choose`` picks one option of a dynamic-prompt group ``{a|b}`` (random by default, as in
    the editor); ``now`` is the time used for ``%date:…%`` in file name prefixes. Flattening
    stops with ``GraphTooLargeError`` past ``node_budget`` nodes.
    """
    try:
        return _convert(
            ui, object_info, choose or random.choice, now or datetime.now(), node_budget
        )
    except ConversionError:
        raise
    except ExpansionTooLarge as err:
        raise GraphTooLargeError(err.budget) from None
    except RecursionError as err:
        problem = ConversionProblem("", "", "the graph is nested or chained too deeply")
        raise ConversionError([problem]) from err
    except Exception as err:
        # Malformed input must never crash the caller; this is the last line of defence.
        problem = ConversionProblem("", "", f"the file is malformed ({type(err).__name__})")
        raise ConversionError([problem]) from err


def _convert(
    ui: Any,
    object_info: ObjectInfo | Mapping[str, Any],
    choose: Chooser,
    now: datetime,
    node_budget: int = NODE_BUDGET,
) -> dict[str, dict]:
    if not is_ui_workflow(ui):
        raise ConversionError(
            [ConversionProblem("", "", "this is not a workflow saved by ComfyUI's web editor")]
        )
    if not isinstance(object_info, Mapping):
        raise ConversionError(
            [ConversionProblem("", "", "the server's node definitions are not a JSON object")]
        )
    info = object_info if isinstance(object_info, ObjectInfo) else ObjectInfo(object_info)
    problems: list[ConversionProblem] = []
    missing: list[ConversionProblem] = []

    def report(node_id: str, node_type: str, message: str) -> None:
        problems.append(ConversionProblem(node_id, node_type, message))

    workflow, graph_problems = parse_ui_workflow(ui)
    for p in graph_problems:
        report(p.node_id, p.node_type, p.message)
    nodes = build_exec_nodes(workflow, info, report, node_budget)
    states = WidgetStates(nodes, report)
    titles = {dto.node.id: _title(dto, info) for dto in nodes.values() if not dto.path}

    # "%Node.widget%" names a root-level node by its S&R name, else by its title; the first
    # such node wins. Indexed once so that many save nodes stay linear.
    by_name: dict[str, ExecNode] = {}
    by_title: dict[str, ExecNode] = {}
    for dto in nodes.values():
        if not dto.path:
            sr_name = dto.node.properties.get("Node name for S&R")
            if isinstance(sr_name, str):
                by_name.setdefault(sr_name, dto)
            by_title.setdefault(titles[dto.node.id], dto)

    def lookup(node_name: str, widget: str) -> tuple[bool, Any]:
        match = by_name.get(node_name) or by_title.get(node_name)
        values = match.widgets if match else None
        if match is None or values is None or widget not in values:
            return False, None
        try:
            return True, _read(match, widget, values[widget])
        except WidgetMappingError:
            return True, values[widget]

    states.push_primitives(lookup, now)
    resolver = Resolver(nodes, lambda inst, slot: _promoted_value(inst, slot))
    prompt: dict[str, dict] = {}
    for dto in nodes.values():
        if dto.kind == "missing" and dto.mode not in (MODE_NEVER, MODE_BYPASS):
            missing.append(ConversionProblem(dto.exec_id, dto.node.type, MISSING_NODE))
            continue
        # A muted or bypassed subgraph instance is not refused: the editor gives its inner nodes
        # the same mode when the artist mutes or bypasses it, and each inner node is then
        # judged by its own saved mode, as the editor does. Links through a bypassed instance
        # are routed around it like around any bypassed node.
        if dto.kind != "real" or dto.mode in (MODE_NEVER, MODE_BYPASS):
            continue
        entry = _emit(dto, info, states, resolver, choose, lookup, now, report)
        if entry is not None:
            prompt[dto.exec_id] = entry
    for dto in nodes.values():
        error = states.error_of(dto) if dto.kind == "subgraph" else None
        if error is not None and dto.mode not in (MODE_NEVER, MODE_BYPASS):
            report(dto.exec_id, dto.node.type, error)
    if problems:
        raise ConversionError(sorted(problems + missing, key=_problem_order))
    if missing:
        raise MissingNodesError(sorted(missing, key=_problem_order))
    # Links to nodes that are not sent (muted, missing) are dropped, as the editor does.
    for entry in prompt.values():
        for name, value in list(entry["inputs"].items()):
            if isinstance(value, list) and len(value) == 2 and value[0] not in prompt:
                del entry["inputs"][name]
    return _js_key_order(prompt)


def _emit(
    dto: ExecNode,
    info: ObjectInfo,
    states: WidgetStates,
    resolver: Resolver,
    choose: Chooser,
    lookup: Any,
    now: datetime,
    report: Any,
) -> dict | None:
    error = states.error_of(dto)
    if error is not None or dto.widgets is None:
        report(dto.exec_id, dto.node.type, error or "its widget values cannot be mapped")
        return None
    inputs: dict[str, Any] = {}
    try:
        for name, value in dto.widgets.items():
            inputs[name] = _wrap(_serialize(dto, name, value, choose, lookup, now))
    except WidgetMappingError as err:
        report(dto.exec_id, dto.node.type, str(err))
        return None
    ok = True
    for index, slot in enumerate(dto.inputs):
        try:
            resolved: Resolved = resolver.resolve_input(dto, index)
        except Unresolvable as err:
            report(dto.exec_id, dto.node.type, f"input “{slot.name}”: {err}")
            ok = False
            continue
        if isinstance(resolved, WidgetValue):
            inputs[slot.name] = _wrap(resolved.value)
        elif isinstance(resolved, LinkTo):
            inputs[slot.name] = [resolved.origin_id, resolved.origin_slot]
    if not ok:
        return None
    return {"inputs": inputs, "class_type": dto.node.type, "_meta": {"title": _title(dto, info)}}


def _read(dto: ExecNode, name: str, value: Any) -> Any:
    """A widget's value as the editor reads it (upload combos annotate the folder)."""
    inp = dto.node_def.input(name) if dto.node_def else None
    if inp is None or not is_upload_combo(inp):
        return value
    if isinstance(value, list):
        raise WidgetMappingError(f"input “{name}” holds several uploaded files")
    if not value:
        value = default_value(inp)
    folder = inp.options.get("image_folder") or "input"
    text = str(value)
    annotated = any(f"[{kind}]" in text.lower() for kind in ("input", "output", "temp"))
    return text if annotated or folder == "input" else f"{text} [{folder}]"


def _serialize(
    dto: ExecNode, name: str, value: Any, choose: Chooser, lookup: Any, now: datetime
) -> Any:
    value = _read(dto, name, value)
    inp = dto.node_def.input(name) if dto.node_def else None
    if inp is not None and inp.options.get("dynamicPrompts") and isinstance(value, str):
        value = process_dynamic_prompt(value, choose)
    if dto.node.type in SAVE_NODE_TYPES and name == "filename_prefix" and isinstance(value, str):
        value = apply_text_replacements(value, lookup, now)
    return value


def _promoted_value(instance: ExecNode, slot: int) -> Resolved:
    values = instance.widgets
    name = instance.inputs[slot].name
    if values is None or name not in values:
        return None
    return WidgetValue(values[name])


def _problem_order(problem: ConversionProblem) -> tuple:
    """Whole-file problems first, then by node id as an artist reads them (2 before 10)."""
    parts = problem.node_id.replace(" ", ":").split(":") if problem.node_id else []
    return (bool(parts), [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts])


def _wrap(value: Any) -> Any:
    # A bare list would read as a link; the server unwraps {"__value__": [...]}.
    return {"__value__": value} if isinstance(value, list) else value


# Core nodes whose display name this generation of servers sends as null (they moved to the V3
# node API); the web editor shows the English name from its bundled translations instead.
EDITOR_DISPLAY_NAMES = {
    "ImageBlend": "Image Blend",
    "ImageBlur": "Image Blur",
    "ImageQuantize": "Image Quantize",
    "ImageSharpen": "Image Sharpen",
    "ImageScaleToTotalPixels": "Scale Image to Total Pixels",
}


def _title(dto: ExecNode, info: ObjectInfo) -> str:
    node: UiNode = dto.node
    if node.title is not None:
        return node.title
    if dto.node_def is not None:
        raw = info.raw.get(node.type)
        if isinstance(raw, Mapping) and not raw.get("display_name"):
            return EDITOR_DISPLAY_NAMES.get(node.type, dto.node_def.name)
        return dto.node_def.display_name
    if dto.definition is not None:
        return dto.definition.name
    return node.type


def _is_array_index(key: str) -> bool:
    return key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 2**32 - 1


def _js_key_order(prompt: dict[str, dict]) -> dict[str, dict]:
    """Order keys as a JavaScript object would (integer keys ascending, then insertion order),
    so converted files read like the editor's own exports."""
    numeric = sorted((k for k in prompt if _is_array_index(k)), key=int)
    rest = [k for k in prompt if not _is_array_index(k)]
    return {k: prompt[k] for k in (*numeric, *rest)}
