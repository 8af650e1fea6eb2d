"""The form is built top-down in slices across event-loop turns while shown, announces
``built``, and finishes on the spot whenever rows are asked for, so callers never see a
half-built form."""

from __future__ import annotations

import functools

import pytest
from pytestqt.qtbot import QtBot

import desktop.ui.form.view as form_view
from desktop.comfy.object_info import ObjectInfo
from desktop.ui.form import FormModel, FormView
from desktop.ui.form.widgets.choice_box import ChoiceEdit
from desktop.workflow.document import Workflow
from desktop.workflow.sources import load_workflow
from tests.conftest import recorded_object_info_raw, shared_path

WORKFLOW = shared_path("workflows", "ui", "image_qwen_image_instantx_controlnet.json")


@pytest.fixture(autouse=True)
def one_step_per_slice(monkeypatch: pytest.MonkeyPatch) -> None:
    """A zero budget builds one section header or row per turn: slicing on any machine."""
    monkeypatch.setattr(form_view, "BUILD_SLICE_MS", 0.0)


@functools.cache
def object_info() -> ObjectInfo:
    return ObjectInfo(recorded_object_info_raw())


def workflow() -> Workflow:
    return load_workflow(WORKFLOW, object_info())


def section_titles(model: FormModel) -> list[str]:
    view = FormView(model)
    try:
        view.finish_build()
        return [s.header.text() for s in view.sections]
    finally:
        view.deleteLater()


async def test_a_shown_form_is_built_across_turns_then_says_built(qtbot: QtBot) -> None:
    model = FormModel()
    view = FormView(model)
    qtbot.addWidget(view)
    view.resize(420, 900)
    view.show()
    built: list[bool] = []
    view.built.connect(lambda: built.append(view.is_built()))

    model.load(workflow(), object_info())
    assert not view.is_built()
    assert built == []
    await view.wait_built()

    assert built == [True]
    assert set(view.rows) == {s.key for s in model.specs()}
    assert len(view.rows) == 31
    assert [s.header.text() for s in view.sections] == section_titles(model)
    assert all(row.isVisible() for row in view.rows.values() if row.parentWidget().isVisible())


async def test_asking_for_a_row_finishes_the_build_with_current_values(qtbot: QtBot) -> None:
    model = FormModel()
    view = FormView(model)
    qtbot.addWidget(view)
    view.resize(420, 900)
    view.show()
    model.load(workflow(), object_info())
    last = model.specs()[-1].key
    choice = next(s for s in model.specs() if s.choices and len(s.choices) > 1)
    other = next(c for c in choice.choices if c != model.value(choice.key))
    model.set_value(choice.key, other)  # before its row exists
    built: list[bool] = []
    view.built.connect(lambda: built.append(True))

    row = view.row(last)

    assert built == [True]
    assert view.is_built()
    assert row.isVisible() == row.parentWidget().isVisible()
    editor = view.editor(choice.key)
    assert isinstance(editor, ChoiceEdit)
    assert editor.combo.currentText() == str(other)
    assert not view.row(choice.key).reset_button.isHidden()  # modified: reset offered


async def test_a_hidden_form_is_built_when_awaited(qtbot: QtBot) -> None:
    model = FormModel()
    view = FormView(model)
    qtbot.addWidget(view)
    model.load(workflow(), object_info())
    assert not view.is_built()

    await view.wait_built()

    assert view.is_built()
    assert len(view.rows) == 31


async def test_loading_again_mid_build_starts_over(qtbot: QtBot) -> None:
    model = FormModel()
    view = FormView(model)
    qtbot.addWidget(view)
    view.resize(420, 900)
    view.show()
    model.load(workflow(), object_info())
    small = load_workflow(shared_path("workflows", "api", "txt2img_batch2_subfolder.json"))
    model.load(small, object_info())

    await view.wait_built()

    assert set(view.rows) == {s.key for s in model.specs()}
    assert [s.header.text() for s in view.sections] == section_titles(model)
