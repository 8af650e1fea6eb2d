"""Image inputs upload what the artist brings and put the server's name into the prompt:
with a fake uploader, and through the real ComfyClient against the recorded-server stand-in."""

from __future__ import annotations

import asyncio
import functools
import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from PIL import Image
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import ServerError
from desktop.comfy.object_info import ObjectInfo
from desktop.ui.form import FormModel, FormView
from desktop.ui.form.uploads import server_name
from desktop.ui.form.widgets.image_input import ImageInput
from desktop.workflow.sources import load_workflow
from tests.conftest import recorded_object_info_raw, shared_path
from tests.protocol.recorded_server import RecordedComfy, parse_form, running_fake

KEY = ("10", "image")
PNG = shared_path("workflows", "images", "comfyui_png_with_prompt_and_workflow_0.png")


@functools.cache
def object_info() -> ObjectInfo:
    return ObjectInfo(recorded_object_info_raw())


class FakeUploader:
    def __init__(self, answer: Any = "uploaded (1).png", error: Exception | None = None) -> None:
        self.answer = answer
        self.error = error
        self.calls: list[tuple[bytes, str]] = []

    async def __call__(self, data: bytes, filename: str) -> Any:
        self.calls.append((data, filename))
        await asyncio.sleep(0)
        if self.error is not None:
            raise self.error
        return self.answer


async def open_img2img(qtbot: QtBot, uploader: Any) -> tuple[FormModel, FormView]:
    model = FormModel()
    view = FormView(model, uploader)
    qtbot.addWidget(view)
    model.load(load_workflow(shared_path("workflows/api/img2img_loadimage.json")), object_info())
    return model, view


async def finish(view: FormView) -> None:
    await asyncio.sleep(0)
    await view.aclose()


async def test_dropped_file_is_uploaded_and_its_server_name_used(qtbot: QtBot) -> None:
    uploader = FakeUploader("fox (1).png")
    model, view = await open_img2img(qtbot, uploader)
    editor = view.editor(KEY)
    assert isinstance(editor, ImageInput)

    task = view.uploads.upload_file(KEY, str(PNG))
    assert editor.status.text() == ""
    await task
    assert uploader.calls == [(PNG.read_bytes(), PNG.name)]
    assert model.current_workflow().to_prompt()["10"]["inputs"]["image"] == "fox (1).png"
    assert editor.choice.combo.currentText() == "fox (1).png"
    assert "fox (1).png" in model.spec(KEY).choices
    assert model.validate() == []
    assert not editor.thumbnail.pixmap().isNull()
    with Image.open(PNG) as source:
        assert editor.thumbnail.pixmap().size().toTuple() == source.size  # small: not upscaled
    assert editor.choose.isEnabled()
    await finish(view)


async def test_pasted_pixels_are_uploaded_as_png(qtbot: QtBot) -> None:
    uploader = FakeUploader("pasted.png")
    model, view = await open_img2img(qtbot, uploader)
    image = QImage(5, 4, QImage.Format.Format_ARGB32)
    image.fill(QColor(10, 200, 30))

    uploaded = asyncio.get_running_loop().create_future()
    model.value_changed.connect(lambda key: uploaded.done() or uploaded.set_result(key))
    view.editor(KEY).image_pasted.emit(image)
    assert await asyncio.wait_for(uploaded, 5) == KEY
    data, filename = uploader.calls[0]
    assert filename.startswith("pasted-")
    assert filename.endswith(".png")
    with Image.open(io.BytesIO(data)) as decoded:
        assert decoded.size == (5, 4)
        assert decoded.convert("RGB").getpixel((2, 2)) == (10, 200, 30)
    assert model.value(KEY) == "pasted.png"
    await finish(view)


async def test_a_refused_upload_is_reported_and_keeps_the_value(qtbot: QtBot) -> None:
    uploader = FakeUploader(error=ServerError(413, "http://x/upload/image"))
    model, view = await open_img2img(qtbot, uploader)
    await view.uploads.upload_file(KEY, str(PNG))
    assert view.editor(KEY).status.text() == (
        "Upload failed: The file is larger than the server accepts (413)."
    )
    assert model.value(KEY) == "example.png"
    await view.uploads.upload_file(KEY, str(PNG.with_name("does-not-exist.png")))
    assert view.editor(KEY).status.text().startswith("Could not read does-not-exist.png: ")
    assert len(uploader.calls) == 1
    await finish(view)


async def test_without_an_uploader_choose_file_is_disabled(qtbot: QtBot) -> None:
    _model, view = await open_img2img(qtbot, None)
    assert not view.editor(KEY).choose.isEnabled()
    await view.uploads.upload_file(KEY, str(PNG))
    assert view.editor(KEY).status.text() == "Connect to a server to upload images."
    await finish(view)


def test_server_name_accepts_refs_with_subfolders() -> None:
    from desktop.comfy.types import ImageRef

    assert server_name("a.png") == "a.png"
    assert server_name(ImageRef("a.png", "masks", "input")) == "masks/a.png"
    with pytest.raises(TypeError):
        server_name(None)


@pytest.fixture
async def fake_comfy() -> AsyncIterator[RecordedComfy]:
    async with running_fake() as fake:
        yield fake


async def test_upload_through_comfy_client(qtbot: QtBot, fake_comfy: RecordedComfy) -> None:
    async with ComfyClient(fake_comfy.url) as client:
        model, view = await open_img2img(qtbot, client.upload_image)
        await view.uploads.upload_file(KEY, str(PNG))
        await finish(view)
    sent = fake_comfy.seen("/api/upload/image")
    assert len(sent) == 1
    fields = parse_form(sent[0].headers["Content-Type"], sent[0].body)
    assert fields["image"] == (PNG.name, PNG.read_bytes())
    assert model.current_workflow().to_prompt()["10"]["inputs"]["image"] == PNG.name
