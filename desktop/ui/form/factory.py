"""Pick the editor widget for a parameter from its kind."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.ui.form.widgets.base import ParamEditor
from desktop.ui.form.widgets.choice_box import ChoiceEdit
from desktop.ui.form.widgets.image_input import ImageInput
from desktop.ui.form.widgets.number_edit import FloatEdit, IntEdit
from desktop.ui.form.widgets.seed_edit import SeedEdit
from desktop.ui.form.widgets.simple_edit import CheckEdit, ReadOnlyEdit
from desktop.ui.form.widgets.text_edit import LineEdit, PromptEdit
from desktop.workflow.params import ParamKind, ParamSpec


def editor_class(spec: ParamSpec) -> type[ParamEditor]:
    if spec.read_only:
        return ReadOnlyEdit
    kind = spec.kind
    if kind is ParamKind.CHOICE:
        if spec.multiselect:
            return ReadOnlyEdit  # rare V3 multi-select lists: shown, not yet editable
        return LineEdit if spec.remote_choices else ChoiceEdit
    if kind is ParamKind.TEXT:
        return PromptEdit if spec.multiline else LineEdit
    classes: dict[ParamKind, type[ParamEditor]] = {
        ParamKind.SEED: SeedEdit,
        ParamKind.INT: IntEdit,
        ParamKind.FLOAT: FloatEdit,
        ParamKind.BOOL: CheckEdit,
        ParamKind.IMAGE: ImageInput,
        ParamKind.MASK: ImageInput,
    }
    return classes.get(kind, ReadOnlyEdit)


def create_editor(spec: ParamSpec, value: object, parent: QWidget | None = None) -> ParamEditor:
    editor = editor_class(spec)(spec, parent)
    editor.set_value(value)
    return editor
