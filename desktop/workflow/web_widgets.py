"""Map a saved node's ``widgets_values`` to input names, the way the web editor lays widgets out.

The editor builds one widget per widget-capable input of the server's node definition, in
``input_order`` (required, then optional), and adds companions that are saved in
``widgets_values`` but never sent to the server:

* a ``control_after_generate`` combo after INT inputs that ask for it (and, for old node
  definitions, INT inputs named ``seed``/``noise_seed``),
* the same control plus a ``control_filter_list`` text box after combos that ask for it,
* an upload button at the end of the required inputs when a required combo has
  ``image_upload``/``video_upload``/``animated_image_upload`` (``LoadImage`` saves
  ``["example.png", "image"]``).

Anything whose layout only the editor's JavaScript knows (3-D viewers, webcams, refresh
buttons, custom-node widgets) is reported rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop.comfy.object_info import DYNAMIC_COMBO, InputDef, NodeDef

PRIMITIVE_TYPES = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"})
UPLOAD_OPTIONS = ("image_upload", "video_upload", "animated_image_upload")
# Upload kinds the editor wires up with extra preview/recorder widgets of its own.
UNSUPPORTED_UPLOAD_OPTIONS = ("audio_upload", "file_upload")
# Input types the editor draws with JavaScript-only widgets; their saved values and the values
# they send cannot be derived from the file.
EDITOR_ONLY_WIDGET_TYPES = frozenset(
    {
        "WEBCAM",
        "LOAD_3D",
        "LOAD_3D_ANIMATION",
        "PREVIEW_3D_ANIMATION",
        "IMAGEUPLOAD",
        "IMAGECOMPARE",
        "AUDIO_UI",
        "AUDIO_RECORD",
        "VIDEO_UI",
        "MARKDOWN",
    }
)
LEGACY_SEED_NAMES = ("seed", "noise_seed")
# Widgets the editor's own extensions add to core nodes (Comfy.SaveGLB and Comfy.Preview3D add a
# required ``image`` input of type PREVIEW_3D). They hold a value in ``widgets_values`` and, having
# no serializeValue of their own, the editor sends that value (``""`` until a model is shown).
FRONTEND_WIDGETS: Mapping[str, tuple[InputDef, ...]] = {
    node: (InputDef("image", "PREVIEW_3D", {"default": ""}, required=True),)
    for node in ("SaveGLB", "Preview3D")
}
# Widget types whose value is sent as saved, though the server does not describe them.
FRONTEND_VALUE_TYPES = frozenset({"PREVIEW_3D"})


@dataclass(frozen=True, slots=True)
class WidgetSlot:
    """One entry of ``widgets_values``; ``input`` is None for companions (control, upload)."""

    name: str
    input: InputDef | None


@dataclass(frozen=True, slots=True)
class WidgetLayout:
    slots: tuple[WidgetSlot, ...]
    # The layout older editors saved, with a slot for forceInput inputs too (None if identical).
    legacy_slots: tuple[WidgetSlot, ...] | None
    unsupported: str | None  # why the layout cannot be known, if it cannot

    @property
    def value_slots(self) -> tuple[WidgetSlot, ...]:
        return tuple(s for s in self.slots if s.input is not None)


class WidgetMappingError(ValueError):
    """The saved values do not fit the layout; ``str()`` says what the artist can do."""


def widget_type(inp: InputDef) -> str:
    override = inp.options.get("widgetType")
    return override if isinstance(override, str) else inp.type


def _forced_socket(inp: InputDef) -> bool:
    return bool(inp.options.get("forceInput") or inp.options.get("defaultInput"))


def _companions(inp: InputDef, *, legacy: bool) -> list[WidgetSlot]:
    kind = widget_type(inp)
    flag = inp.options.get("control_after_generate")
    if kind == "INT":
        # The editor uses `control_after_generate ?? name in (seed, noise_seed)`; the
        # legacy forceInput migration only looks at the option itself.
        wanted = bool(flag) if flag is not None or legacy else inp.name in LEGACY_SEED_NAMES
        return [WidgetSlot("control_after_generate", None)] if wanted else []
    if kind == "FLOAT" and flag:
        return [WidgetSlot("control_after_generate", None)]  # useFloatWidget, as for INT
    if kind == "COMBO" and flag:
        if legacy or inp.multiselect:
            return [WidgetSlot("control_after_generate", None)]
        return [WidgetSlot("control_after_generate", None), WidgetSlot("control_filter_list", None)]
    return []


def _unsupported_reason(inp: InputDef) -> str | None:
    kind = widget_type(inp)
    if kind in EDITOR_ONLY_WIDGET_TYPES:
        return f"input “{inp.name}” uses a {kind} widget that only the web editor can fill in"
    for option in UNSUPPORTED_UPLOAD_OPTIONS:
        if inp.options.get(option):
            return f"input “{inp.name}” uses the web editor's {option.replace('_', ' ')} widget"
    if inp.options.get("control_after_generate") and kind not in ("INT", "FLOAT", "COMBO"):
        return f"input “{inp.name}” has a {kind} control the web editor lays out on its own"
    return None


def _refresh_button_reason(inp: InputDef, rest: list[InputDef]) -> str | None:
    """A remote combo with a refresh button saves the editor's own button values after its
    value. They are dropped like any values past the last widget, which is only certain when
    no widget follows (``LoadImageOutput``)."""
    remote = inp.options.get("remote")
    if not (isinstance(remote, Mapping) and remote.get("refresh_button")):
        return None
    if any(widget_type(i) in PRIMITIVE_TYPES and not _forced_socket(i) for i in rest):
        return (
            f"input “{inp.name}” has a refresh button followed by other widgets, whose saved "
            "values cannot be told apart"
        )
    return None


def editor_inputs(node_def: NodeDef) -> tuple[InputDef, ...]:
    """The node's inputs as the editor holds them: the server's, plus the ones its own
    extensions append to the required inputs."""
    extra = [i for i in FRONTEND_WIDGETS.get(node_def.name, ()) if node_def.input(i.name) is None]
    if not extra:
        return node_def.inputs
    cut = next((k for k, i in enumerate(node_def.inputs) if not i.required), len(node_def.inputs))
    return (*node_def.inputs[:cut], *extra, *node_def.inputs[cut:])


def widget_layout(node_def: NodeDef, saved: Any = None) -> WidgetLayout:
    """The widgets the editor draws for ``node_def``. A dynamic combo's widgets depend on the
    option it holds, read from ``saved`` (the node's widget values) where it is given."""
    slots: list[WidgetSlot] = []
    legacy: list[WidgetSlot] = []
    upload_added = False
    has_forced = False
    pending = list(editor_inputs(node_def))
    while pending:
        inp = pending.pop(0)
        options = inp.dynamic_options
        if options is not None:
            combo = InputDef(inp.name, "COMBO", {}, inp.required, tuple(options))
            index = len(slots)
            # A saved option the server no longer has shows no child widgets in the editor.
            has_saved = isinstance(saved, list) and index < len(saved)
            chosen = saved[index] if has_saved else default_value(combo)
            slots.append(WidgetSlot(inp.name, combo))
            legacy.append(WidgetSlot(inp.name, combo))
            children = options.get(chosen) if isinstance(chosen, str) else None
            pending[:0] = children or ()
            continue
        reason = _unsupported_reason(inp) or _refresh_button_reason(inp, pending)
        if reason is not None:
            return WidgetLayout((), None, reason)
        kind = widget_type(inp)
        is_widget = kind in PRIMITIVE_TYPES or kind in FRONTEND_VALUE_TYPES
        if not is_widget and "widgetType" not in inp.options:
            continue
        if _forced_socket(inp):
            has_forced = True
            legacy += [WidgetSlot(inp.name, None), *_companions(inp, legacy=True)]
            continue
        slot = WidgetSlot(inp.name, inp)
        slots += [slot, *_companions(inp, legacy=False)]
        legacy += [slot, *_companions(inp, legacy=True)]
        if not upload_added and inp.required and is_upload_combo(inp):
            upload_added = True
    if upload_added:
        # The upload button is appended to the required inputs, ahead of the optional ones.
        cut = _end_of_required(node_def, slots)
        slots.insert(cut, WidgetSlot("upload", None))
        legacy.insert(_end_of_required(node_def, legacy), WidgetSlot("upload", None))
    return WidgetLayout(tuple(slots), tuple(legacy) if has_forced else None, None)


def _end_of_required(node_def: NodeDef, slots: list[WidgetSlot]) -> int:
    optional = {i.name for i in node_def.inputs if not i.required}
    return next((i for i, slot in enumerate(slots) if slot.name in optional), len(slots))


def is_upload_combo(inp: InputDef) -> bool:
    return widget_type(inp) == "COMBO" and any(inp.options.get(o) for o in UPLOAD_OPTIONS)


def default_value(inp: InputDef) -> Any:
    """The value a freshly created widget holds (the editor's defaults, not the server's)."""
    kind = widget_type(inp)
    opts = inp.options
    if kind == "COMBO":
        if opts.get("default"):
            return opts["default"]
        if inp.choices:
            return inp.choices[0]
        raise WidgetMappingError(
            f"input “{inp.name}” has no saved value and no default to fall back on"
        )
    fallback: Any = {"INT": 0, "FLOAT": 0, "STRING": "", "BOOLEAN": False, "PREVIEW_3D": ""}.get(
        kind
    )
    value = opts.get("default")
    if value is None and fallback is None:
        raise WidgetMappingError(
            f"input “{inp.name}” has no saved value and no default to fall back on"
        )
    return fallback if value is None else value


def map_widget_values(
    node_def: NodeDef, saved: Any, layouts: dict[str, WidgetLayout] | None = None
) -> dict[str, Any]:
    """``{input name: value}`` for every widget of the node, in widget order. ``layouts``
    keeps the layouts of one conversion by class (those that do not depend on the values)."""
    if layouts is None or any(i.type == DYNAMIC_COMBO for i in node_def.inputs):
        layout = widget_layout(node_def, saved)
    else:
        layout = layouts.get(node_def.name) or layouts.setdefault(
            node_def.name, widget_layout(node_def)
        )
    if layout.unsupported is not None:
        raise WidgetMappingError(layout.unsupported)
    if saved is None:
        return {s.name: default_value(s.input) for s in layout.value_slots if s.input}
    if isinstance(saved, Mapping):
        raise WidgetMappingError(
            "its widget values are saved by name (a custom-node format) and cannot be mapped"
        )
    if not isinstance(saved, list):
        raise WidgetMappingError("its widget values are malformed")
    slots = layout.slots
    legacy = layout.legacy_slots
    if legacy is not None and len(saved) != len(slots) and len(saved) == len(legacy):
        slots = legacy
    # The editor's LGraphNode.configure hands the saved values to the widgets in order: a widget
    # past the end of the list keeps the value it was created with (the input's default), and
    # values past the last widget are dropped (the widget that held them is gone, or is one the
    # editor draws but never sends, like an API node's status text).
    values: dict[str, Any] = {}
    for index, slot in enumerate(slots):
        if slot.input is None:
            continue
        values[slot.name] = saved[index] if index < len(saved) else default_value(slot.input)
    return values
