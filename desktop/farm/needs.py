"""What a prompt needs from a server (node classes, model files) and which server lacks what;
and the node list the form sees for a farm: every server's classes, combo lists united."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from desktop.comfy.object_info import SERVERS_KEY, ObjectInfo

#: Files a loader reads from a model folder. Other combo values (samplers, uploaded inputs) are
#: either the same everywhere or copied to every server by the farm.
MODEL_SUFFIXES = (".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".sft", ".onnx")


def is_model_file(value: object) -> bool:
    return isinstance(value, str) and value.lower().endswith(MODEL_SUFFIXES)


def lacking(prompt: Mapping[str, Any], info: ObjectInfo) -> list[str]:
    """What ``info``'s server lacks to run ``prompt``: node classes, then model files."""
    classes: list[str] = []
    models: list[str] = []
    for node in prompt.values():
        if not isinstance(node, Mapping):
            continue
        class_type = str(node.get("class_type", ""))
        if class_type not in info:
            if class_type not in classes:
                classes.append(class_type)
            continue
        node_def = info[class_type]
        inputs = node.get("inputs")
        for name, value in inputs.items() if isinstance(inputs, Mapping) else ():
            if not is_model_file(value):
                continue
            spec = node_def.input(name)
            if spec is None or spec.choices is None:
                continue  # not a list the server publishes: it decides at run time
            if value not in spec.choices and value not in models:
                models.append(value)
    return [f"node {c}" for c in classes] + [f"model {m}" for m in models]


def merge_object_info(infos: Mapping[str, ObjectInfo]) -> ObjectInfo:
    """One node list for the form: every class any server has; a combo offers every value any
    server has (routing sends a job only where its values are), and marks the values only
    some servers have with their names (``InputDef.servers_of``)."""
    merged: dict[str, Any] = {}
    for info in infos.values():
        for class_type, entry in info.raw.items():
            if class_type not in merged:
                merged[class_type] = copy.deepcopy(entry)
            else:
                _unite_combos(merged[class_type], entry)
    if len(infos) > 1:
        for class_type, entry in merged.items():
            _mark_holders(infos, class_type, entry)
    return ObjectInfo(merged)


def _mark_holders(infos: Mapping[str, ObjectInfo], class_type: str, entry: Any) -> None:
    inputs = entry.get("input") if isinstance(entry, dict) else None
    if not isinstance(inputs, dict):
        return
    for section in ("required", "optional"):
        specs = inputs.get(section)
        if not isinstance(specs, dict):
            continue
        for name, spec in specs.items():
            if _choices(spec) is None:
                continue
            partial = {
                str(value): names
                for value, names in holders(infos, class_type, name).items()
                if len(names) < len(infos)
            }
            if not partial:
                continue
            if len(spec) < 2 or not isinstance(spec[1], dict):
                spec[1:] = [{}]
            spec[1][SERVERS_KEY] = partial


def holders(
    infos: Mapping[str, ObjectInfo], class_type: str, input_name: str
) -> dict[Any, list[str]]:
    """``value -> names of the servers offering it`` for one combo input. Only plain values
    (file names, numbers): real servers also list options that are objects (0.8's dynamic
    combos), which no job is routed by."""
    found: dict[Any, list[str]] = {}
    for name, info in infos.items():
        if class_type not in info:
            continue
        spec = info[class_type].input(input_name)
        for value in (spec.choices or ()) if spec is not None else ():
            if isinstance(value, str | int | float):
                found.setdefault(value, []).append(name)
    return found


def _unite_combos(target: Any, other: Any) -> None:
    if not isinstance(target, dict) or not isinstance(other, Mapping):
        return
    target_inputs, other_inputs = target.get("input"), other.get("input")
    if not isinstance(target_inputs, dict) or not isinstance(other_inputs, Mapping):
        return
    for section in ("required", "optional"):
        mine, theirs = target_inputs.get(section), other_inputs.get(section)
        if not isinstance(mine, dict) or not isinstance(theirs, Mapping):
            continue
        for name, spec in theirs.items():
            if name not in mine:
                mine[name] = copy.deepcopy(spec)
                continue
            choices, extra = _choices(mine[name]), _choices(spec)
            if choices is not None and extra is not None:
                choices.extend(v for v in extra if v not in choices)


def _choices(spec: Any) -> list[Any] | None:
    """The mutable option list of a combo spec in either form, else None."""
    if not isinstance(spec, list) or not spec:
        return None
    if isinstance(spec[0], list):
        return spec[0]
    if spec[0] == "COMBO" and len(spec) > 1 and isinstance(spec[1], dict):
        options = spec[1].get("options")
        return options if isinstance(options, list) else None
    return None
