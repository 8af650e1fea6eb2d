"""The form of a hosted workflow, from the console's parameter dump or the uploaded workflow.

The dump (saved from the provider's console) lists, per node and input, ``{type, current,
spec}``; ``spec`` holds ``default``, ``min``, ``max``, ``step``, ``round`` or ``choices``. It
becomes the project's :class:`ParamSpec`, so the form renders it like ``/object_info``. The
uploaded API-format workflow alone has no ranges: its specs are guessed from the values.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.workflow.document import Workflow, is_link
from desktop.workflow.errors import InvalidWorkflow
from desktop.workflow.params import SEED_INPUT_NAMES, SEED_MAX, ParamKind, ParamSpec, humanize
from desktop.workflow.sources import load_workflow_bytes

_CHOICE_TYPES = frozenset({"LIST", "COMBO", "MODEL"})
_SIMPLE = {"FLOAT": ParamKind.FLOAT, "STRING": ParamKind.TEXT, "BOOLEAN": ParamKind.BOOL}
_MULTILINE_NAMES = frozenset({"text", "prompt", "positive", "negative"})


@dataclass(frozen=True, slots=True)
class HostedForm:
    """What the form needs: the workflow as published (values the form edits) and its specs.
    ``from_dump`` says whether the specs carry the console's ranges and choices."""

    workflow: Workflow
    specs: tuple[ParamSpec, ...]
    from_dump: bool


def is_param_dump(raw: Any) -> bool:
    """True when every node's inputs are ``{type, current, …}`` entries (the console's dump)."""
    if not isinstance(raw, Mapping) or not raw:
        return False
    saw_entry = False
    for node in raw.values():
        inputs = node.get("inputs") if isinstance(node, Mapping) else None
        if not isinstance(inputs, Mapping):
            return False
        for entry in inputs.values():
            if not (isinstance(entry, Mapping) and "type" in entry and "current" in entry):
                return False
            saw_entry = True
    return saw_entry


def clamp_int_bound(value: Any) -> int | None:
    """An INT limit as a Python int. The console's JSON goes through JavaScript numbers, so
    2**64 - 1 arrives as 18446744073709552000 (or 1.8446744073709552e19): clamp to the
    largest seed ComfyUI accepts instead of offering a value it would refuse."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return SEED_MAX if value > 0 else None
    number = int(value)
    return max(-SEED_MAX, min(SEED_MAX, number))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _dump_spec(
    node_id: str, name: str, entry: Mapping[str, Any], title: str, node_class: str
) -> ParamSpec:
    type_name = str(entry.get("type") or "").upper()
    raw_spec = entry.get("spec")
    spec: Mapping[str, Any] = raw_spec if isinstance(raw_spec, Mapping) else {}
    current = entry.get("current")
    raw_choices = spec.get("choices")
    choices = tuple(raw_choices) if isinstance(raw_choices, list) else ()
    common: dict[str, Any] = {
        "node_id": node_id,
        "input_name": name,
        "value": current,
        "default": spec.get("default"),
        "tooltip": str(spec.get("tooltip") or ""),
        "node_title": title,
        "node_class": node_class,
        "label": humanize(name),
        "required": True,
    }
    if type_name == "INT":
        seed = name in SEED_INPUT_NAMES or bool(spec.get("control_after_generate"))
        lo, hi = clamp_int_bound(spec.get("min")), clamp_int_bound(spec.get("max"))
        if seed:
            lo = 0 if lo is None else max(0, lo)
            hi = SEED_MAX if hi is None else hi
        step = clamp_int_bound(spec.get("step"))
        kind = ParamKind.SEED if seed else ParamKind.INT
        return ParamSpec(kind=kind, min=lo, max=hi, step=step, **common)
    if type_name in _SIMPLE:
        kind = _SIMPLE[type_name]
        if kind is ParamKind.FLOAT:
            return ParamSpec(
                kind=kind,
                min=_number(spec.get("min")),
                max=_number(spec.get("max")),
                step=_number(spec.get("step")),
                round=spec.get("round") if isinstance(spec.get("round"), int | float) else None,
                **common,
            )
        multiline = bool(spec.get("multiline")) or (
            kind is ParamKind.TEXT
            and (name in _MULTILINE_NAMES or (isinstance(current, str) and "\n" in current))
        )
        return ParamSpec(kind=kind, multiline=multiline, **common)
    if type_name in _CHOICE_TYPES:
        # A MODEL input with no list: the service knows its models, the form takes any name.
        remote = not choices and type_name == "MODEL"
        return ParamSpec(kind=ParamKind.CHOICE, choices=choices, remote_choices=remote, **common)
    if type_name in ("IMAGE", "MASK"):
        kind = ParamKind.IMAGE if type_name == "IMAGE" else ParamKind.MASK
        return ParamSpec(
            kind=kind, choices=choices, image_upload=True, remote_choices=True, **common
        )
    return ParamSpec(kind=ParamKind.UNKNOWN, read_only=True, **common)


def _node_names(node_id: str, node: Mapping[str, Any]) -> tuple[str, str]:
    meta = node.get("_meta")
    title = meta.get("title") if isinstance(meta, Mapping) else None
    class_type = node.get("class_type")
    node_class = class_type if isinstance(class_type, str) and class_type else ""
    shown = title if isinstance(title, str) and title else node_class or f"Node {node_id}"
    return shown, node_class or shown


def parse_param_dump(raw: Any, name: str = "") -> HostedForm:
    """The dump as a workflow (current values) and its specs, in the dump's order."""
    if not is_param_dump(raw):
        raise InvalidWorkflow(
            f"“{name or 'This file'}” is not a parameter list saved from the hosted console."
        )
    prompt: dict[str, Any] = {}
    specs: list[ParamSpec] = []
    for node_id, node in raw.items():
        title, node_class = _node_names(str(node_id), node)
        inputs: dict[str, Any] = {}
        for input_name, entry in node["inputs"].items():
            current = entry.get("current")
            inputs[input_name] = current
            if not is_link(current):
                specs.append(_dump_spec(str(node_id), input_name, entry, title, node_class))
        prompt[str(node_id)] = {
            "class_type": node_class,
            "inputs": inputs,
            "_meta": {"title": title},
        }
    return HostedForm(Workflow(prompt, name=name), tuple(specs), from_dump=True)


def guess_specs(workflow: Workflow) -> tuple[ParamSpec, ...]:
    """Specs from the values alone (no ranges, no choices): numbers, text, on/off and seeds
    by name. Lists and other shapes are shown read-only."""
    specs = []
    for node_id, node in workflow.nodes.items():
        title = workflow.title(node_id)
        for name, value in node.inputs.items():
            if is_link(value):
                continue
            common: dict[str, Any] = {
                "node_id": node_id,
                "input_name": name,
                "value": value,
                "node_title": title,
                "node_class": node.class_type,
                "label": humanize(name),
            }
            if isinstance(value, bool):
                specs.append(ParamSpec(kind=ParamKind.BOOL, **common))
            elif isinstance(value, int) and name in SEED_INPUT_NAMES:
                specs.append(ParamSpec(kind=ParamKind.SEED, min=0, max=SEED_MAX, **common))
            elif isinstance(value, int):
                specs.append(ParamSpec(kind=ParamKind.INT, **common))
            elif isinstance(value, float):
                specs.append(ParamSpec(kind=ParamKind.FLOAT, **common))
            elif isinstance(value, str) and node.class_type == "LoadImage" and name == "image":
                specs.append(
                    ParamSpec(
                        kind=ParamKind.IMAGE, image_upload=True, remote_choices=True, **common
                    )
                )
            elif isinstance(value, str):
                multiline = name in _MULTILINE_NAMES or "\n" in value
                specs.append(ParamSpec(kind=ParamKind.TEXT, multiline=multiline, **common))
            else:
                specs.append(ParamSpec(kind=ParamKind.UNKNOWN, read_only=True, **common))
    return tuple(specs)


def load_hosted_form(path: Path) -> HostedForm:
    """Open a saved parameter dump, or the API-format workflow that was uploaded (blocking:
    run it in a worker thread)."""
    data = path.read_bytes()
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError):
        raw = None
    if is_param_dump(raw):
        return parse_param_dump(raw, path.name)
    workflow = load_workflow_bytes(data, name=path.name, source=path)
    return HostedForm(workflow, guess_specs(workflow), from_dump=False)
