"""Editable parameters of a workflow: the server's node definitions intersected with the graph.

One :class:`ParamSpec` per input that holds a literal value. Linked inputs are
not parameters. Inputs the client has no widget for, inputs the server does not declare, and
every literal input of a node class the server does not know become read-only ``UNKNOWN``
parameters, so nothing in the workflow is silently hidden.

:func:`validate_value` mirrors the server's checks (execution.py ``validate_inputs``): values are
coerced with ``int()``/``float()``, ``min``/``max`` are enforced (``step``/``round`` are not) and
combo values must be in the list, except for upload combos such as LoadImage's, whose files the
server checks itself.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from desktop.comfy.object_info import InputDef, NodeDef, ObjectInfo
from desktop.workflow.document import Workflow, is_link

ParamKey = tuple[str, str]

SEED_INPUT_NAMES = frozenset({"seed", "noise_seed"})
SEED_MAX = 2**64 - 1
_UPLOAD_KEYS = ("image_upload", "mask_upload")
_WORD_LABELS = {
    "ckpt": "checkpoint",
    "cfg": "CFG",
    "vae": "VAE",
    "clip": "CLIP",
    "lora": "LoRA",
    "unet": "UNet",
    "fps": "FPS",
    "gligen": "GLIGEN",
}


class ParamKind(Enum):
    INT = "int"
    FLOAT = "float"
    TEXT = "text"
    BOOL = "bool"
    CHOICE = "choice"
    SEED = "seed"
    IMAGE = "image"
    MASK = "mask"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """What a form needs to show and check one editable input.

    ``value`` is the value when the specs were derived; the :class:`Workflow` stays the source
    of truth. ``value is None`` with ``required`` means the workflow lacks a required input:
    validation says it needs a value.
    """

    node_id: str
    input_name: str
    kind: ParamKind
    value: Any
    default: Any = None
    min: int | float | None = None
    max: int | float | None = None
    step: int | float | None = None
    round: int | float | bool | None = None
    choices: tuple[Any, ...] = ()
    multiline: bool = False
    tooltip: str = ""
    node_title: str = ""
    node_class: str = ""
    label: str = ""
    required: bool = False
    advanced: bool = False
    image_upload: bool = False
    read_only: bool = False
    multiselect: bool = False
    # The server fetches the options elsewhere (e.g. LoadImageOutput); ``choices`` is empty.
    remote_choices: bool = False
    # A farm: the choices only some servers have, as (choice text, names of those servers).
    choice_servers: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def key(self) -> ParamKey:
        return (self.node_id, self.input_name)


@dataclass(frozen=True, slots=True)
class ValueProblem:
    """A value the server would reject. ``message`` is one sentence naming node and input."""

    node_id: str
    input_name: str
    value: Any
    message: str
    suggestion: Any = None

    @property
    def key(self) -> ParamKey:
        return (self.node_id, self.input_name)


# The brief calls the result of validate_params "Problem"; it is the same value type.
Problem = ValueProblem


def humanize(name: str) -> str:
    """``"ckpt_name"`` -> ``"Checkpoint name"``, ``"cfg"`` -> ``"CFG"``."""
    words = [_WORD_LABELS.get(w.lower(), w) for w in name.replace("_", " ").split()]
    if not words:
        return name
    first = words[0]
    words[0] = first[:1].upper() + first[1:] if first[:1].islower() else first
    return " ".join(words)


def _kind(idef: InputDef, node_def: NodeDef) -> ParamKind:
    widget_type = idef.options.get("widgetType")
    type_name = widget_type if isinstance(widget_type, str) else idef.type
    upload = any(idef.options.get(k) for k in _UPLOAD_KEYS)
    if type_name == "INT":
        if idef.control_after_generate or idef.name in SEED_INPUT_NAMES:
            return ParamKind.SEED
        return ParamKind.INT
    simple = {"FLOAT": ParamKind.FLOAT, "STRING": ParamKind.TEXT, "BOOLEAN": ParamKind.BOOL}
    if type_name in simple:
        return simple[type_name]
    if type_name == "COMBO":
        if not upload:
            return ParamKind.CHOICE
        mask_only = tuple(node_def.outputs) == ("MASK",) or idef.options.get("mask_upload")
        return ParamKind.MASK if mask_only else ParamKind.IMAGE
    if type_name == "MASK" and upload:
        return ParamKind.MASK
    return ParamKind.UNKNOWN


def _unknown_spec(node_id: str, name: str, value: Any, title: str, node_class: str) -> ParamSpec:
    return ParamSpec(
        node_id=node_id,
        input_name=name,
        kind=ParamKind.UNKNOWN,
        value=copy.deepcopy(value),
        node_title=title,
        node_class=node_class,
        label=humanize(name),
        read_only=True,
    )


def _spec(node_id: str, idef: InputDef, node_def: NodeDef, value: Any, title: str) -> ParamSpec:
    options = idef.dynamic_options
    if options is not None:
        # A V3 dynamic combo: shown with its options, but read-only, because another option
        # needs other inputs (``name.child``) than the ones the workflow holds.
        return ParamSpec(
            node_id=node_id,
            input_name=idef.name,
            kind=ParamKind.CHOICE,
            value=copy.deepcopy(value),
            default=next(iter(options), None),
            choices=tuple(options),
            tooltip=idef.tooltip,
            node_title=title,
            node_class=node_def.name,
            label=humanize(idef.name),
            required=idef.required,
            read_only=True,
        )
    kind = _kind(idef, node_def)
    lo, hi = idef.min, idef.max
    if kind is ParamKind.SEED:
        lo = 0 if lo is None else lo
        hi = SEED_MAX if hi is None else hi
    label = idef.options.get("display_name")
    return ParamSpec(
        node_id=node_id,
        input_name=idef.name,
        kind=kind,
        value=copy.deepcopy(value),
        default=copy.deepcopy(idef.default),
        min=lo,
        max=hi,
        step=idef.step,
        round=idef.round,
        choices=idef.choices or (),
        multiline=idef.multiline,
        tooltip=idef.tooltip,
        node_title=title,
        node_class=node_def.name,
        label=label if isinstance(label, str) and label else humanize(idef.name),
        required=idef.required,
        advanced=idef.advanced,
        image_upload=idef.image_upload,
        read_only=kind is ParamKind.UNKNOWN,
        multiselect=idef.multiselect,
        remote_choices=idef.type == "COMBO" and idef.choices is None,
        choice_servers=tuple(idef.servers_of.items()),
    )


def _declared_inputs(node_def: NodeDef, values: dict[str, Any]) -> Iterable[InputDef]:
    """The node's inputs, each V3 dynamic combo followed by the inputs of the option the
    workflow holds (``resize_type.width`` after ``resize_type``)."""
    for idef in node_def.inputs:
        yield idef
        options = idef.dynamic_options
        chosen = values.get(idef.name)
        if options is not None and isinstance(chosen, str):
            yield from options.get(chosen, ())


def derive_params(workflow: Workflow, object_info: ObjectInfo) -> list[ParamSpec]:
    """Specs in graph order; within a node, in the server's ``input_order``."""
    specs: list[ParamSpec] = []
    for node_id, node in workflow.nodes.items():
        title = workflow.title(node_id, object_info)
        declared: set[str] = set()
        if node.class_type in object_info:
            node_def = object_info[node.class_type]
            for idef in _declared_inputs(node_def, node.inputs):
                declared.add(idef.name)
                if idef.name not in node.inputs:
                    # A required widget the file lacks (older workflow): show it so it can be set.
                    if idef.required and idef.is_widget:
                        specs.append(_spec(node_id, idef, node_def, None, title))
                    continue
                value = node.inputs[idef.name]
                if not is_link(value):
                    specs.append(_spec(node_id, idef, node_def, value, title))
        specs.extend(
            _unknown_spec(node_id, name, value, title, node.class_type)
            for name, value in node.inputs.items()
            if name not in declared and not is_link(value)
        )
    return specs


# -- validation ------------------------------------------------------------------------------


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 100_000 else f"{value:g}"


class Invalid(Enum):
    """Why the server would refuse a value (a stable code the UI words in its language)."""

    BELOW_MIN = "below_min"
    ABOVE_MAX = "above_max"
    NOT_WHOLE = "not_whole"
    NOT_NUMBER = "not_number"
    NOT_ON_OFF = "not_on_off"
    NOT_A_CHOICE = "not_a_choice"
    NO_IMAGE = "no_image"
    NO_VALUE = "no_value"


_INVALID_TEXT = {
    Invalid.BELOW_MIN: "{label} must be at least {detail}.",
    Invalid.ABOVE_MAX: "{label} must be at most {detail}.",
    Invalid.NOT_WHOLE: "{label} must be a whole number.",
    Invalid.NOT_NUMBER: "{label} must be a number.",
    Invalid.NOT_ON_OFF: "{label} must be on or off.",
    Invalid.NOT_A_CHOICE: "{label}: “{detail}” is not one of the available choices.",
    Invalid.NO_IMAGE: "{label} needs an image.",
    Invalid.NO_VALUE: "{label} needs a value.",
}


class InvalidValue(ValueError):
    """``str()`` is the English sentence; ``reason`` and ``detail`` (the limit, formatted, or
    the refused choice) let the UI say it in the artist's language."""

    def __init__(self, spec: ParamSpec, reason: Invalid, detail: Any = None) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(_INVALID_TEXT[reason].format(label=spec.label, detail=detail))


def _check_range(spec: ParamSpec, value: int | float) -> None:
    if spec.min is not None and value < spec.min:
        raise InvalidValue(spec, Invalid.BELOW_MIN, _number(spec.min))
    if spec.max is not None and value > spec.max:
        raise InvalidValue(spec, Invalid.ABOVE_MAX, _number(spec.max))


def _coerce_int(spec: ParamSpec, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError) as err:
        raise InvalidValue(spec, Invalid.NOT_WHOLE) from err
    _check_range(spec, number)
    return number


def _coerce_float(spec: ParamSpec, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError) as err:
        raise InvalidValue(spec, Invalid.NOT_NUMBER) from err
    if not math.isfinite(number):
        raise InvalidValue(spec, Invalid.NOT_NUMBER)
    _check_range(spec, number)
    return number


def _coerce_bool(spec: ParamSpec, value: Any) -> bool:
    # The server applies bool(), which turns the string "false" into True; refuse anything
    # but real booleans (and 0/1) instead of passing that surprise on.
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise InvalidValue(spec, Invalid.NOT_ON_OFF)


def _coerce_choice(spec: ParamSpec, value: Any) -> Any:
    if spec.remote_choices:
        return value
    # An empty list is a real answer (no such files on the server), as the server treats it.
    members = value if spec.multiselect and isinstance(value, list) else [value]
    for member in members:
        if member not in spec.choices:
            raise InvalidValue(spec, Invalid.NOT_A_CHOICE, member)
    return value


def _coerce_image(spec: ParamSpec, value: Any) -> str:
    # Membership is not checked: the server validates upload combos by looking for the file.
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(spec, Invalid.NO_IMAGE)
    return value


_COERCERS = {
    ParamKind.INT: _coerce_int,
    ParamKind.SEED: _coerce_int,
    ParamKind.FLOAT: _coerce_float,
    ParamKind.TEXT: lambda _spec, value: str(value),
    ParamKind.BOOL: _coerce_bool,
    ParamKind.CHOICE: _coerce_choice,
    ParamKind.IMAGE: _coerce_image,
    ParamKind.MASK: _coerce_image,
}


def coerce_value(spec: ParamSpec, value: Any) -> Any:
    """The value as the server would use it; :class:`InvalidValue` if it would reject it."""
    if spec.read_only or is_link(value):
        return value
    if value is None:
        if spec.required:
            raise InvalidValue(spec, Invalid.NO_VALUE)
        return None
    return _COERCERS[spec.kind](spec, value)


def value_issue(spec: ParamSpec, value: Any) -> InvalidValue | None:
    """``None`` when the server would accept ``value``, else why not."""
    try:
        coerce_value(spec, value)
    except InvalidValue as err:
        return err
    return None


def validate_value(spec: ParamSpec, value: Any) -> str | None:
    """``None`` when the server would accept ``value``, else one sentence saying why not."""
    issue = value_issue(spec, value)
    return str(issue) if issue is not None else None


def validate_params(workflow: Workflow, specs: Iterable[ParamSpec]) -> list[ValueProblem]:
    """Check the workflow's current values (not ``spec.value``) against their specs."""
    problems = []
    for spec in specs:
        node = workflow.nodes.get(spec.node_id)
        if node is None:
            continue
        value = node.inputs.get(spec.input_name)
        message = validate_value(spec, value)
        if message is not None:
            problems.append(
                ValueProblem(spec.node_id, spec.input_name, value, f"{spec.node_title}: {message}")
            )
    return problems
