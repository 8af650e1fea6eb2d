"""The form on a ComfyUI 0.8.0 server: a UI workflow with a V3 dynamic combo converts against
0.8.0's recorded node definitions and every input of the chosen option becomes a real editor
(the combo itself is shown read-only, since another option needs other inputs). The same
workflow's form on 0.3.64 is covered by test_form_view.py."""

from __future__ import annotations

import functools
import json

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.comfy.object_info import ObjectInfo
from desktop.ui.form import FormModel, FormView
from desktop.ui.form.widgets.choice_box import ChoiceEdit
from desktop.ui.form.widgets.number_edit import FloatEdit, IntEdit
from desktop.ui.form.widgets.simple_edit import ReadOnlyEdit
from desktop.workflow.sources import load_workflow_bytes
from tests.conftest import shared_path
from tests.unit.test_ui_convert_support import resize_workflow


def resize_then_scale() -> dict:
    """LoadImage → ResizeImageMaskNode (dynamic combo) → ImageScaleToTotalPixels saved before
    0.8 added resolution_steps → SaveImage."""
    doc = resize_workflow(["scale dimensions", 1280, 720, "center", "lanczos"])
    doc["nodes"][1]["outputs"][0]["links"] = [2]
    doc["nodes"] += [
        {
            "id": 3,
            "type": "ImageScaleToTotalPixels",
            "widgets_values": ["nearest-exact", 1],
            "inputs": [{"name": "image", "type": "IMAGE", "link": 2}],
            "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [3]}],
        },
        {
            "id": 4,
            "type": "SaveImage",
            "widgets_values": ["resized"],
            "inputs": [{"name": "images", "type": "IMAGE", "link": 3}],
        },
    ]
    doc["links"] += [[2, 2, 0, 3, 0, "IMAGE"], [3, 3, 0, 4, 0, "IMAGE"]]
    return doc


@functools.cache
def object_info_08() -> ObjectInfo:
    path = shared_path("comfyui-captures-0.8", "00-server-info", "object_info.json")
    return ObjectInfo(json.loads(path.read_text(encoding="utf-8")))


async def test_dynamic_combo_inputs_are_editable_on_a_0_8_server(qtbot: QtBot) -> None:
    info = object_info_08()
    workflow = load_workflow_bytes(json.dumps(resize_then_scale()).encode(), "resize.json", info)
    model = FormModel()
    view = FormView(model)
    qtbot.addWidget(view)
    model.load(workflow, info)
    view.resize(420, 900)
    view.show()
    await view.wait_built()

    assert isinstance(view.editor(("2", "resize_type")), ReadOnlyEdit)
    assert view.editor(("2", "resize_type")).line.text() == "scale dimensions"
    assert isinstance(view.editor(("2", "resize_type.crop")), ChoiceEdit)
    assert isinstance(view.editor(("3", "megapixels")), FloatEdit)
    steps = view.editor(("3", "resolution_steps"))
    assert isinstance(steps, IntEdit)
    width = view.editor(("2", "resize_type.width"))
    assert isinstance(width, IntEdit)
    line = width.spin.lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, "1024")
    qtbot.keyClick(line, Qt.Key.Key_Return)

    inputs = model.current_workflow().to_prompt()["2"]["inputs"]
    assert inputs == {
        "resize_type": "scale dimensions",
        "resize_type.width": 1024,
        "resize_type.height": 720,
        "resize_type.crop": "center",
        "scale_method": "lanczos",
        "input": ["1", 0],
    }
    assert model.current_workflow().to_prompt()["3"]["inputs"]["resolution_steps"] == 1
    assert model.validate() == []
