"""Typed, lazily indexed view of a server's ``/object_info``.

A real server's document can be tens of MB; parsing every node definition eagerly would cost
time and memory for nodes no workflow uses. ``ObjectInfo`` keeps the raw mapping and builds a
``NodeDef`` the first time a class is asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop.base.read_only import ReadOnly

PRIMITIVE_WIDGET_TYPES = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"})
# ComfyUI 0.8's V3 node API: a combo whose options each bring their own inputs, sent as
# ``name`` (the option's key) plus ``name.child`` for each input of the chosen option.
DYNAMIC_COMBO = "COMFY_DYNAMICCOMBO_V3"
# Not ComfyUI's: a farm's united node list marks the combo values some of its servers lack,
# ``{value as text: [names of the servers that have it]}`` (``desktop.farm.needs``).
SERVERS_KEY = "comfydesk_servers"


@dataclass(frozen=True, slots=True)
class InputDef:
    """One input of a node class, as the server describes it.

    ``type`` is ``"COMBO"`` for both the old list form (``[["a", "b"], {...}]``) and the newer
    ``["COMBO", {"options": [...]}]`` form; ``choices`` then holds the options (``None`` for a
    remote combo whose options are fetched elsewhere).
    """

    name: str
    type: str
    options: Mapping[str, Any]
    required: bool
    choices: tuple[Any, ...] | None = None

    @property
    def is_widget(self) -> bool:
        """True when the input can hold a literal value (rather than only a link)."""
        if self.options.get("forceInput") or self.options.get("defaultInput"):
            return False
        return self.type in PRIMITIVE_WIDGET_TYPES or "widgetType" in self.options

    @property
    def default(self) -> Any:
        if "default" in self.options:
            return self.options["default"]
        if self.type == "COMBO" and self.choices:
            return self.choices[0]
        return None

    @property
    def min(self) -> float | int | None:
        return self.options.get("min")

    @property
    def max(self) -> float | int | None:
        return self.options.get("max")

    @property
    def step(self) -> float | int | None:
        return self.options.get("step")

    @property
    def round(self) -> float | int | bool | None:
        return self.options.get("round")

    @property
    def tooltip(self) -> str:
        return str(self.options.get("tooltip") or "")

    @property
    def multiline(self) -> bool:
        return bool(self.options.get("multiline"))

    @property
    def control_after_generate(self) -> bool:
        return bool(self.options.get("control_after_generate"))

    @property
    def image_upload(self) -> bool:
        return bool(self.options.get("image_upload"))

    @property
    def advanced(self) -> bool:
        return bool(self.options.get("advanced"))

    @property
    def multiselect(self) -> bool:
        return bool(self.options.get("multiselect") or self.options.get("multi_select"))

    @property
    def servers_of(self) -> Mapping[str, tuple[str, ...]]:
        """For a farm: the choices only some servers have, with the names of those servers."""
        raw = self.options.get(SERVERS_KEY)
        if not isinstance(raw, Mapping):
            return {}
        return {str(k): tuple(str(n) for n in v) for k, v in raw.items() if isinstance(v, list)}

    @property
    def display_name(self) -> str:
        return str(self.options.get("display_name") or self.name)

    @property
    def dynamic_options(self) -> dict[str, tuple[InputDef, ...]] | None:
        """A V3 dynamic combo's options: ``{key: inputs it adds, named "combo.child"}`` in the
        server's order (required, then optional); None for any other input."""
        if self.type != DYNAMIC_COMBO:
            return None
        raw = self.options.get("options")
        options: dict[str, tuple[InputDef, ...]] = {}
        for entry in raw if isinstance(raw, list | tuple) else ():
            if not isinstance(entry, Mapping) or not isinstance(entry.get("key"), str):
                continue
            spec = entry.get("inputs")
            children = []
            for section in ("required", "optional"):
                inner = spec.get(section) if isinstance(spec, Mapping) else None
                for name, child in inner.items() if isinstance(inner, Mapping) else ():
                    children.append(
                        parse_input(f"{self.name}.{name}", child, section == "required")
                    )
            options[entry["key"]] = tuple(children)
        return options


@dataclass(frozen=True, slots=True)
class NodeDef:
    name: str
    display_name: str
    category: str
    description: str
    python_module: str
    output_node: bool
    inputs: tuple[InputDef, ...]
    hidden: tuple[str, ...]
    outputs: tuple[str, ...]
    output_names: tuple[str, ...]
    deprecated: bool = False
    experimental: bool = False
    api_node: bool = False
    _by_name: Mapping[str, InputDef] = field(default_factory=dict, repr=False, compare=False)

    def input(self, name: str) -> InputDef | None:
        return self._by_name.get(name)


def parse_input(name: str, spec: Any, required: bool) -> InputDef:
    """One input from its spec: ``[type, {options}]`` or ``[[choices], {options}]``."""
    if not isinstance(spec, list | tuple) or not spec:
        return InputDef(name=name, type=str(spec), options={}, required=required)
    head = spec[0]
    opts = spec[1] if len(spec) > 1 and isinstance(spec[1], dict) else {}
    if isinstance(head, list | tuple):
        return InputDef(name, "COMBO", opts, required, tuple(head))
    type_name = str(head)
    if type_name == "COMBO":
        raw = opts.get("options")
        choices = tuple(raw) if isinstance(raw, list | tuple) else None
        return InputDef(name, "COMBO", opts, required, choices)
    return InputDef(name, type_name, opts, required)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def parse_node_def(class_name: str, raw: Mapping[str, Any]) -> NodeDef:
    """Build a ``NodeDef`` from one entry of ``/object_info``; tolerant of missing keys and of
    parts with the wrong shape (they count as absent)."""
    raw_inputs = _mapping(raw.get("input"))
    order = _mapping(raw.get("input_order"))
    inputs: list[InputDef] = []
    for section in ("required", "optional"):
        specs = _mapping(raw_inputs.get(section))
        listed = order.get(section)
        names = [n for n in listed if isinstance(n, str)] if isinstance(listed, list) else []
        # input_order may omit names that exist (older servers); keep them, in document order.
        names += [n for n in specs if n not in names]
        inputs.extend(parse_input(n, specs[n], section == "required") for n in names if n in specs)
    hidden = tuple(_mapping(raw_inputs.get("hidden")).keys())
    outputs = tuple(
        str(o) if not isinstance(o, list) else "COMBO" for o in _list(raw.get("output"))
    )
    output_names = tuple(str(n) for n in (_list(raw.get("output_name")) or outputs))
    return NodeDef(
        name=str(raw.get("name") or class_name),
        display_name=str(raw.get("display_name") or raw.get("name") or class_name),
        category=str(raw.get("category") or ""),
        description=str(raw.get("description") or ""),
        python_module=str(raw.get("python_module") or ""),
        output_node=bool(raw.get("output_node")),
        inputs=tuple(inputs),
        hidden=hidden,
        outputs=outputs,
        output_names=output_names,
        deprecated=bool(raw.get("deprecated")),
        experimental=bool(raw.get("experimental")),
        api_node=bool(raw.get("api_node")),
        _by_name={i.name: i for i in inputs},
    )


class ObjectInfo(Mapping[str, NodeDef]):
    """Read-only mapping ``class_type -> NodeDef`` over a raw ``/object_info`` document."""

    __slots__ = ("_cache", "_raw")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        if not isinstance(raw, Mapping):
            raise TypeError("object_info must be a JSON object")
        self._raw = raw
        self._cache: dict[str, NodeDef] = {}

    def __getitem__(self, class_name: str) -> NodeDef:
        node = self._cache.get(class_name)
        if node is None:
            entry = self._raw[class_name]
            node = parse_node_def(class_name, entry if isinstance(entry, Mapping) else {})
            self._cache[class_name] = node
        return node

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, class_name: object) -> bool:
        return class_name in self._raw

    raw: ReadOnly[Mapping[str, Any]] = ReadOnly("_raw")

    def merged(self, other: Mapping[str, Any]) -> ObjectInfo:
        """A copy with some classes replaced (e.g. after ``/object_info/{class}`` refreshes)."""
        return ObjectInfo({**self._raw, **other})
