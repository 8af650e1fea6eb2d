"""The form against the in-process demo server: uploads go through ComfyClient, an edited form
is submitted and the server receives exactly the artist's values, and the server's
rejection lands on the widget."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import PromptRejected
from desktop.comfy.object_info import ObjectInfo
from desktop.ui.form import FormModel, FormView
from desktop.workflow.document import Workflow
from desktop.workflow.sources import load_workflow
from tests.conftest import shared_path
from tests.demo_fixtures import DemoHandle
from tests.protocol.jobs_support import eventually

API = shared_path("workflows", "api")
PNG = shared_path("workflows", "images", "comfyui_png_with_prompt_and_workflow_1.png")
BIG_SEED = 2**63 + 12345

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing the keyboard"
)


def open_form(
    qtbot: QtBot, workflow: Workflow, object_info: ObjectInfo, uploader: Any = None
) -> tuple[FormModel, FormView]:
    model = FormModel()
    view = FormView(model, uploader)
    qtbot.addWidget(view)
    model.load(workflow, object_info)
    return model, view


def type_into(qtbot: QtBot, line, text: str) -> None:
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


async def test_image_uploaded_to_the_demo_server_is_used(
    qtbot: QtBot, demo_server: DemoHandle
) -> None:
    key = ("10", "image")
    async with ComfyClient(demo_server.url) as client:
        object_info = await client.object_info()
        model, view = open_form(
            qtbot, load_workflow(API / "img2img_loadimage.json"), object_info, client.upload_image
        )
        await view.uploads.upload_file(key, str(PNG))
        assert model.value(key) == PNG.name
        # After "Refresh models" the server's own list has the file; the value stays.
        model.set_object_info(await client.object_info())
        await view.aclose()
    assert PNG.name in model.spec(key).choices
    assert model.errors_for(key) == []
    assert view.editor(key).choice.combo.currentText() == PNG.name


@pytest.mark.demo_only
async def test_submitted_form_values_reach_the_server(
    qtbot: QtBot, demo_server: DemoHandle
) -> None:
    async with ComfyClient(demo_server.url) as client:
        model, view = open_form(
            qtbot, load_workflow(API / "txt2img_batch2_subfolder.json"), await client.object_info()
        )
        type_into(qtbot, view.editor(("3", "seed")).number.spin.lineEdit(), str(BIG_SEED))
        type_into(qtbot, view.editor(("3", "steps")).spin.lineEdit(), "3")
        text = view.editor(("6", "text")).text
        text.selectAll()
        text.insertPlainText("一只红狐狸 ")  # what an input method commits; QTest types ASCII only
        qtbot.keyClicks(text, "in snow")
        assert model.validate() == []
        submitted = await client.submit(model.current_workflow().to_prompt())
        await view.aclose()
        # Let the demo finish the run so stopping the server does not cut it off.
        await eventually(lambda: client.history_item(submitted.prompt_id))

    assert demo_server.server is not None
    received = demo_server.server.received_prompts[-1]["prompt"]
    expected = json.loads((API / "txt2img_batch2_subfolder.json").read_text())
    expected["3"]["inputs"].update(seed=BIG_SEED, steps=3)
    expected["6"]["inputs"]["text"] = "一只红狐狸 in snow"
    assert received == expected


async def test_demo_server_rejection_is_shown_on_the_widget(
    qtbot: QtBot, demo_server: DemoHandle
) -> None:
    prompt = json.loads((API / "txt2img_batch2_subfolder.json").read_text())
    prompt["5"]["inputs"]["width"] = 100000
    async with ComfyClient(demo_server.url) as client:
        model, view = open_form(qtbot, Workflow(prompt), await client.object_info())
        with pytest.raises(PromptRejected) as info:
            await client.submit(model.current_workflow().to_prompt())
        await asyncio.sleep(0)
    model.apply_rejection(info.value)
    assert view.row(("5", "width")).errors() == ["Must be at most 16384."]
    assert view.row(("5", "width")).frame.property("invalid")
    assert view.general_errors.isHidden()
