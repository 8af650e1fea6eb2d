"""The workflow form end to end: sample workflows opened against the recorded server's
/object_info, edited through the real widgets, and the prompt checked value for value."""

from __future__ import annotations

import copy
import functools
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.base import atomic
from desktop.comfy.errors import PromptRejected
from desktop.comfy.object_info import ObjectInfo
from desktop.ui.form import FormModel, FormView
from desktop.ui.form.widgets.choice_box import ChoiceEdit
from desktop.ui.form.widgets.number_edit import FloatEdit, IntEdit
from desktop.ui.form.widgets.seed_edit import SeedEdit
from desktop.ui.form.widgets.simple_edit import CheckEdit
from desktop.ui.form.widgets.text_edit import LineEdit, PromptEdit
from desktop.workflow.document import Workflow
from desktop.workflow.seeds import SeedMode
from desktop.workflow.sources import load_workflow
from tests.conftest import recorded_object_info_raw, shared_path
from tests.ui.form_support import advance_seeds

API = shared_path("workflows", "api")
IMAGES = shared_path("workflows", "images")
# Typing into a searchable combo opens its completer popup; the offscreen platform cannot
# raise it or grab the keyboard and says so.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing the keyboard"
)
BIG_SEED = 18_446_744_073_709_551_000  # > 2**53: a double or a 32-bit spin box would mangle it


@functools.cache
def object_info() -> ObjectInfo:
    return ObjectInfo(recorded_object_info_raw())


def raw_prompt(name: str) -> dict[str, Any]:
    return json.loads((API / name).read_text())


def open_form(qtbot: QtBot, workflow: Workflow, **view_args: Any) -> tuple[FormModel, FormView]:
    model = FormModel()
    view = FormView(model, **view_args)
    qtbot.addWidget(view)
    model.load(workflow, object_info())
    view.resize(420, 900)
    view.show()

    return model, view


def type_into_line(qtbot: QtBot, line, text: str) -> None:
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def pick_choice(qtbot: QtBot, editor: ChoiceEdit, typed: str) -> None:
    """Type part of a name, then take the first match from the completer's popup."""
    line = editor.combo.lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, typed)
    popup = editor.combo.search_completer.popup()
    assert popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def test_txt2img_edits_through_every_widget_reach_the_prompt(qtbot: QtBot) -> None:
    model, view = open_form(qtbot, load_workflow(API / "txt2img_batch2_subfolder.json"))

    prompt_edit = view.editor(("6", "text"))
    assert isinstance(prompt_edit, PromptEdit)
    prompt_edit.text.selectAll()
    qtbot.keyClicks(prompt_edit.text, "a blue cat")
    steps = view.editor(("3", "steps"))
    assert isinstance(steps, IntEdit)
    type_into_line(qtbot, steps.spin.lineEdit(), "12")
    cfg = view.editor(("3", "cfg"))
    assert isinstance(cfg, FloatEdit)
    assert cfg.spin.decimals() == 2  # from round 0.01
    type_into_line(qtbot, cfg.spin.lineEdit(), "6.5")
    pick_choice(qtbot, view.editor(("3", "sampler_name")), "dpmpp_2m_sde_g")
    seed = view.editor(("3", "seed"))
    assert isinstance(seed, SeedEdit)
    type_into_line(qtbot, seed.number.spin.lineEdit(), str(BIG_SEED))
    width = view.editor(("5", "width"))
    width.spin.stepBy(1)  # one step of 8
    view.editor(("5", "batch_size")).spin.setValue(3)
    prefix = view.editor(("9", "filename_prefix"))
    assert isinstance(prefix, LineEdit)
    prefix.line.selectAll()
    qtbot.keyClicks(prefix.line, "cats/run")

    expected = raw_prompt("txt2img_batch2_subfolder.json")
    expected["6"]["inputs"]["text"] = "a blue cat"
    expected["3"]["inputs"].update(
        steps=12, cfg=6.5, sampler_name="dpmpp_2m_sde_gpu", seed=BIG_SEED
    )
    expected["5"]["inputs"].update(width=72, batch_size=3)
    expected["9"]["inputs"]["filename_prefix"] = "cats/run"
    assert model.current_workflow().to_prompt() == expected
    assert model.validate() == []
    assert not view.row(("3", "seed")).reset_button.isHidden()
    assert view.row(("3", "scheduler")).reset_button.isHidden()


def test_checkbox_and_image_choice_in_img2img(qtbot: QtBot) -> None:
    prompt = raw_prompt("img2img_loadimage.json")
    prompt["20"] = {
        "class_type": "GrowMask",
        "inputs": {"mask": ["10", 1], "expand": 0, "tapered_corners": True},
        "_meta": {"title": "Grow Mask"},
    }
    model, view = open_form(qtbot, Workflow(prompt, name="img2img"))

    check = view.editor(("20", "tapered_corners"))
    assert isinstance(check, CheckEdit)
    qtbot.mouseClick(check.check, Qt.MouseButton.LeftButton)
    image = view.editor(("10", "image"))
    pick_choice(qtbot, image.choice, "my%20input")
    denoise = view.editor(("3", "denoise"))  # img2img strength stays visible
    assert isinstance(denoise, FloatEdit)
    denoise.spin.setValue(0.45)

    expected = copy.deepcopy(prompt)
    expected["20"]["inputs"]["tapered_corners"] = False
    expected["10"]["inputs"]["image"] = "my%20input.png"
    expected["3"]["inputs"]["denoise"] = 0.45
    assert model.current_workflow().to_prompt() == expected


@pytest.mark.parametrize("name", ["comfyui_png_with_prompt_and_workflow_0.png"])
def test_workflow_from_png_keeps_its_editor_graph(qtbot: QtBot, name: str) -> None:
    workflow = load_workflow(IMAGES / name, object_info())
    model, view = open_form(qtbot, workflow)
    original = workflow.to_prompt()
    steps = next(k for k in view.rows if k[1] == "steps")
    type_into_line(qtbot, view.editor(steps).spin.lineEdit(), "7")

    current = model.current_workflow()
    original[steps[0]]["inputs"]["steps"] = 7
    assert current.to_prompt() == original
    assert current.ui_workflow == workflow.ui_workflow


def test_every_sample_builds_a_form_with_titled_sections(qtbot: QtBot) -> None:
    for path in sorted(API.glob("*.json")):
        model, view = open_form(qtbot, load_workflow(path, object_info()))
        titles = [s.header.text() for s in view.sections]
        assert titles[:2] == ["Positive prompt", "Negative prompt"], path.name
        assert set(view.rows) == {s.key for s in model.specs()}
        assert model.current_workflow().to_prompt() == raw_prompt(path.name)


def test_chinese_titles_and_missing_model_suggestion(qtbot: QtBot) -> None:
    model, view = open_form(qtbot, load_workflow(API / "flux_dev_chinese_titles.json"))
    titles = [s.header.text() for s in view.sections]
    assert "K采样器" in titles
    assert "Flux引导" in titles

    row = view.row(("30", "ckpt_name"))
    assert row.frame.property("invalid")
    # No checkpoint on the server is named like it: no arbitrary "closest" one, the list.
    assert row.errors() == [
        "“flux1-dev-fp8.safetensors” is not available on this server — choose one from its list."
    ]
    assert model.suggestion_for(("30", "ckpt_name")) is None
    assert row._suggestion_button is None or row.suggestion_button.isHidden()
    assert len(model.validate()) == 1
    # Instead of a guess, the list: one click shows every checkpoint the server has.
    assert row.list_button.isVisibleTo(view)
    assert row.list_button.text() == "Show the choices"
    qtbot.mouseClick(row.list_button, Qt.MouseButton.LeftButton)
    combo = view.editor(("30", "ckpt_name")).combo
    qtbot.waitUntil(combo.view().isVisible)
    assert combo.view().model().rowCount() == len(model.spec(("30", "ckpt_name")).choices)
    combo.hidePopup()

    pick_choice(qtbot, view.editor(("30", "ckpt_name")), "random")
    assert model.current_workflow().to_prompt()["30"]["inputs"]["ckpt_name"] == (
        "random-sd15.safetensors"
    )
    assert not row.frame.property("invalid")
    assert row.list_button.isHidden()
    assert model.validate() == []


def test_unknown_node_type_shows_the_banner_and_raw_values(qtbot: QtBot) -> None:
    prompt = raw_prompt("txt2img_batch2_subfolder.json")
    prompt["12"] = {
        "class_type": "FancyUpscaler",
        "inputs": {"image": ["8", 0], "factor": 2.5, "mode": {"curve": [1, 2]}},
        "_meta": {"title": "Fancy upscale"},
    }
    prompt["13"] = {"class_type": "WildcardText", "inputs": {"text": "x"}}
    model, view = open_form(qtbot, Workflow(prompt))

    assert not view.banner.isHidden()
    assert view.banner.text() == (
        "This workflow needs the custom nodes FancyUpscaler, WildcardText — "
        "install them on the server."
    )
    factor = view.editor(("12", "factor"))
    assert factor.line.isReadOnly()
    assert factor.line.text() == "2.5"
    assert view.editor(("12", "mode")).line.text() == '{"curve": [1, 2]}'
    assert model.validate()[0] == view.banner.text()
    assert model.current_workflow().to_prompt() == prompt


def test_out_of_range_value_stays_visible_and_flagged_live(qtbot: QtBot) -> None:
    prompt = raw_prompt("txt2img_batch2_subfolder.json")
    prompt["5"]["inputs"]["width"] = 100000
    model, view = open_form(qtbot, Workflow(prompt))
    width = view.editor(("5", "width"))
    row = view.row(("5", "width"))
    assert width.spin.lineEdit().text() == "100000"
    assert row.errors() == ["Width must be at most 16384."]
    assert model.validate() == ["Empty Latent Image: Width must be at most 16384."]

    type_into_line(qtbot, width.spin.lineEdit(), "512")
    assert not row.frame.property("invalid")
    assert model.validate() == []


def rejection() -> PromptRejected:
    body = json.loads(
        shared_path("comfyui-captures/02-validation-errors/bad_values.json").read_text()
    )
    return PromptRejected.from_body(body["body"])


def test_server_rejection_lands_on_the_right_widgets(qtbot: QtBot) -> None:
    model, view = open_form(qtbot, load_workflow(API / "txt2img_batch2_subfolder.json"))
    with qtbot.waitSignal(model.errors_changed):
        model.apply_rejection(rejection())

    assert view.row(("4", "ckpt_name")).errors() == [
        "“missing-model.safetensors” is not available on the server."
    ]
    assert view.row(("5", "width")).errors() == ["Must be at most 16384."]
    assert view.row(("3", "steps")).errors() == ["Must be at least 1."]
    assert view.row(("3", "cfg")).errors() == ["“abc” is not a valid value here."]
    assert view.row(("3", "cfg")).frame.property("invalid")
    assert not view.row(("3", "seed")).frame.property("invalid")
    assert view.general_errors.isHidden()

    # Changing the value makes the server's message about the old one go away.
    type_into_line(qtbot, view.editor(("3", "steps")).spin.lineEdit(), "4")
    assert not view.row(("3", "steps")).frame.property("invalid")
    assert view.row(("3", "cfg")).frame.property("invalid")
    model.clear_errors()
    assert not any(row.frame.property("invalid") for row in view.rows.values())


def test_errors_without_a_widget_are_listed_with_node_titles(qtbot: QtBot) -> None:
    model, view = open_form(qtbot, load_workflow(API / "txt2img_batch2_subfolder.json"))
    dangling = json.loads(
        shared_path("comfyui-captures/02-validation-errors/dangling_link.json").read_text()
    )
    model.apply_rejection(PromptRejected.from_body(dangling["body"]))
    assert not view.general_errors.isHidden()
    assert view.general_errors.text() == (
        "• KSampler › samples: The connection into this input is broken; "
        "re-open the workflow in ComfyUI."
    )

    unknown = json.loads(
        shared_path("comfyui-captures/02-validation-errors/unknown_node.json").read_text()
    )
    model.apply_rejection(PromptRejected.from_body(unknown["body"]))
    assert view.general_errors.text() == (
        "• Cannot execute because node SomeCustomNodeNotInstalled does not exist."
    )


def test_reset_one_value_and_the_whole_form(qtbot: QtBot) -> None:
    model, view = open_form(qtbot, load_workflow(API / "txt2img_batch2_subfolder.json"))
    original = raw_prompt("txt2img_batch2_subfolder.json")
    type_into_line(qtbot, view.editor(("3", "steps")).spin.lineEdit(), "30")
    view.editor(("5", "height")).spin.setValue(128)
    steps_row = view.row(("3", "steps"))
    assert not steps_row.reset_button.isHidden()

    qtbot.mouseClick(steps_row.reset_button, Qt.MouseButton.LeftButton)
    assert view.editor(("3", "steps")).spin.value() == 2
    assert model.current_workflow().to_prompt()["5"]["inputs"]["height"] == 128

    qtbot.mouseClick(view.reset_all_button, Qt.MouseButton.LeftButton)
    assert model.current_workflow().to_prompt() == original
    assert view.editor(("5", "height")).spin.lineEdit().text() == "64"
    assert all(row.reset_button.isHidden() for row in view.rows.values())


def test_remembered_values_come_back_when_the_workflow_is_reopened(qtbot: QtBot) -> None:
    path = API / "txt2img_batch2_subfolder.json"
    model, view = open_form(qtbot, load_workflow(path))
    view.editor(("7", "text")).text.setPlainText("ugly, blurry")
    type_into_line(qtbot, view.editor(("3", "seed")).number.spin.lineEdit(), str(BIG_SEED))
    view.editor(("3", "seed")).mode_actions[SeedMode.FIXED].trigger()
    model.flush_memory()

    model2, view2 = open_form(qtbot, load_workflow(path))
    assert view2.editor(("7", "text")).text.toPlainText() == "ugly, blurry"
    assert view2.editor(("3", "seed")).number.spin.value() == BIG_SEED
    assert model2.seed_modes() == {("3", "seed"): SeedMode.FIXED}
    assert view2.editor(("3", "seed")).mode_button.text() == "Fixed"
    assert not view2.row(("7", "text")).reset_button.isHidden()

    model2.reset_all()
    model2.flush_memory()
    model3, _ = open_form(qtbot, load_workflow(path))
    assert model3.current_workflow().to_prompt() == raw_prompt(path.name)
    assert model3.seed_modes() == {("3", "seed"): SeedMode.RANDOMIZE}


def test_seed_modes_dice_and_advance(qtbot: QtBot) -> None:
    model, view = open_form(qtbot, load_workflow(API / "txt2img_batch2_subfolder.json"))
    seed = view.editor(("3", "seed"))
    key = ("3", "seed")
    seed.mode_actions[SeedMode.INCREMENT].trigger()
    assert model.seed_modes() == {key: SeedMode.INCREMENT}
    advance_seeds(model, count=3)
    assert seed.number.spin.value() == 45
    seed.mode_actions[SeedMode.FIXED].trigger()
    advance_seeds(model)
    assert model.value(key) == 45

    qtbot.mouseClick(seed.dice, Qt.MouseButton.LeftButton)
    drawn = model.value(key)
    assert isinstance(drawn, int)
    assert 0 <= drawn <= 2**50
    assert seed.number.spin.value() == drawn


async def test_save_as_writes_the_edited_api_json(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _model, view = open_form(qtbot, load_workflow(API / "txt2img_batch2_subfolder.json"))
    view.editor(("5", "batch_size")).spin.setValue(4)
    target = tmp_path / "edited.json"
    writers: list[str] = []
    real_write = atomic.atomic_write

    def recording_write(*args: Any, **kwargs: Any) -> None:
        writers.append(threading.current_thread().name)
        real_write(*args, **kwargs)

    monkeypatch.setattr(atomic, "atomic_write", recording_write)
    assert await view.save_to(target)
    assert writers  # written, and not by the GUI thread
    assert threading.main_thread().name not in writers
    saved = json.loads(target.read_text(encoding="utf-8"))
    expected = raw_prompt("txt2img_batch2_subfolder.json")
    expected["5"]["inputs"]["batch_size"] = 4
    assert saved == expected
    assert view.notice.text() == "Saved edited.json"
    assert not await view.save_to(tmp_path / "missing-dir" / "x.json")
    assert view.notice.text().startswith("Could not save x.json")
