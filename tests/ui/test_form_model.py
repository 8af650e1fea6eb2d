"""FormModel behaviour the rest of the app relies on: server refreshes keep the artist's values,
"Reuse parameters", seeds, remembered values and the thumbnail decoder."""

from __future__ import annotations

import copy
import functools
import io
import json
import threading
from typing import Any

from PIL import Image
from pytestqt.qtbot import QtBot

from desktop import paths
from desktop.comfy.errors import InputError, PromptRejected
from desktop.comfy.object_info import ObjectInfo
from desktop.ui.form import FormModel, memory
from desktop.ui.form.rejection import describe_input_error
from desktop.ui.form.thumbnails import decode_thumbnail
from desktop.workflow.seeds import SeedMode
from desktop.workflow.sources import load_workflow
from tests.conftest import recorded_object_info_raw, shared_path
from tests.ui.app_support import wait_until
from tests.ui.form_support import advance_seeds

API = shared_path("workflows", "api")


@functools.cache
def raw_object_info() -> dict[str, Any]:
    return recorded_object_info_raw()


def loaded(name: str, raw: dict[str, Any] | None = None) -> FormModel:
    model = FormModel()
    model.load(load_workflow(API / name), ObjectInfo(raw or raw_object_info()))
    return model


def with_checkpoints(*names: str) -> ObjectInfo:
    raw = copy.deepcopy(raw_object_info())
    raw["CheckpointLoaderSimple"]["input"]["required"]["ckpt_name"][0] = list(names)
    return ObjectInfo(raw)


def test_refreshed_server_lists_keep_the_artists_values(qtbot: QtBot) -> None:
    model = loaded("sd15_default_missing_model.json")
    key = ("4", "ckpt_name")
    model.set_value(("3", "steps"), 33)
    assert model.errors_for(key) == [
        "“darkSushiMixMix_brighterPruned.safetensors” is not available on this server — choose "
        "one from its list."
    ]

    with qtbot.waitSignal(model.specs_changed), qtbot.assertNotEmitted(model.loaded):
        model.set_object_info(
            with_checkpoints(
                "random-sd15.safetensors", "darkSushiMixMix_brighterPruned.safetensors"
            )
        )
    assert model.spec(key).choices == (
        "random-sd15.safetensors",
        "darkSushiMixMix_brighterPruned.safetensors",
    )
    assert model.errors_for(key) == []
    assert model.value(("3", "steps")) == 33
    assert model.validate() == []


def test_current_workflow_is_a_copy(qtbot: QtBot) -> None:
    model = loaded("txt2img_batch2_subfolder.json")
    copy_ = model.current_workflow()
    copy_.set("3", "steps", 99)
    assert model.value(("3", "steps")) == 2
    assert model.workflow().get("3", "steps") == 2


def test_reuse_parameters_from_another_prompt(qtbot: QtBot) -> None:
    model = loaded("txt2img_batch2_subfolder.json")
    other = json.loads(
        shared_path("comfyui-captures/05-upload-img2img/img2img_workflow_api.json").read_text()
    )
    other = other.get("prompt", other)
    other["3"]["inputs"]["seed"] = 123456789
    other["6"]["inputs"]["text"] = "reused text"
    other["5"] = {"class_type": "SomethingElse", "inputs": {"width": 1}}  # class differs: skipped
    with qtbot.waitSignal(model.changed):
        taken = model.load_values(other)
    prompt = model.current_workflow().to_prompt()
    assert prompt["3"]["inputs"]["seed"] == 123456789
    assert prompt["6"]["inputs"]["text"] == "reused text"
    assert prompt["5"]["inputs"]["width"] == 64
    assert prompt["3"]["inputs"]["latent_image"] == ["5", 0]  # links stay the workflow's
    modified = {s.key for s in model.specs() if model.is_modified(s.key)}
    assert modified == {
        ("3", "seed"),
        ("3", "steps"),
        ("3", "cfg"),
        ("3", "denoise"),
        ("6", "text"),
        ("7", "text"),
        ("9", "filename_prefix"),
    }
    assert taken == 7
    assert prompt["3"]["inputs"]["denoise"] == 0.6


def test_randomize_is_the_default_mode_and_advances(qtbot: QtBot) -> None:
    model = loaded("txt2img_batch2_subfolder.json")
    key = ("3", "seed")
    assert model.seed_modes() == {key: SeedMode.RANDOMIZE}
    with qtbot.waitSignal(model.value_changed) as changed:
        advance_seeds(model, count=4)
    assert changed.args == [key]
    assert 0 <= model.value(key) <= 2**50
    model.set_seed_mode(key, SeedMode.DECREMENT)
    model.set_value(key, 1)
    advance_seeds(model, count=3)
    assert model.value(key) == 2**64 - 2  # 0, then round to the maximum, then one below


def test_rejection_clears_when_a_workflow_is_loaded(qtbot: QtBot) -> None:
    model = loaded("txt2img_batch2_subfolder.json")
    body = json.loads(
        shared_path("comfyui-captures/02-validation-errors/bad_values.json").read_text()
    )
    model.apply_rejection(PromptRejected.from_body(body["body"]))
    assert model.has_errors()
    model.load(load_workflow(API / "txt2img_batch2_subfolder.json"), ObjectInfo(raw_object_info()))
    assert not model.has_errors()
    assert model.general_errors() == []


def test_memory_skips_values_the_server_would_refuse(qtbot: QtBot) -> None:
    model = loaded("txt2img_batch2_subfolder.json")
    memory.remember(
        model.memory_key(),
        memory.Remembered(
            values={("3", "steps"): 0, ("3", "cfg"): 4.5, ("99", "x"): 1},
            seed_modes={("3", "seed"): "BOGUS"},
        ),
    )
    again = loaded("txt2img_batch2_subfolder.json")
    assert again.value(("3", "steps")) == 2
    assert again.value(("3", "cfg")) == 4.5
    assert again.seed_modes() == {("3", "seed"): SeedMode.RANDOMIZE}


def test_unreadable_memory_file_is_ignored(qtbot: QtBot) -> None:
    (paths.config_dir() / memory.FILE_NAME).write_text("{not json", encoding="utf-8")
    model = loaded("txt2img_batch2_subfolder.json")
    assert model.value(("3", "steps")) == 2
    model.set_value(("3", "steps"), 5)
    model.flush_memory()
    recalled = memory.recall(model.memory_key())
    assert recalled.values == {("3", "steps"): 5}


def test_two_files_wired_alike_keep_their_own_values(qtbot: QtBot, tmp_path) -> None:
    source = shared_path("workflows", "api", "txt2img_batch2_subfolder.json")
    twin = tmp_path / "twin.json"
    twin.write_bytes(source.read_bytes())
    info = ObjectInfo(raw_object_info())
    first = FormModel()
    first.load(load_workflow(source), info)
    first.set_value(("3", "steps"), 9)
    first.flush_memory()
    other = FormModel()
    other.load(load_workflow(twin), info)
    assert other.current_workflow().fingerprint() == first.current_workflow().fingerprint()
    assert other.value(("3", "steps")) == 2
    again = FormModel()
    again.load(load_workflow(source), info)
    assert again.value(("3", "steps")) == 9


def test_memory_forgets_the_oldest_workflows(qtbot: QtBot) -> None:
    for index in range(memory.MAX_WORKFLOWS + 3):
        memory.remember(f"wf{index}", memory.Remembered(values={("1", "a"): index}))
    stored = json.loads((paths.config_dir() / memory.FILE_NAME).read_text())["workflows"]
    assert len(stored) == memory.MAX_WORKFLOWS
    assert "wf0" not in stored
    assert memory.recall(f"wf{memory.MAX_WORKFLOWS + 2}").values == {
        ("1", "a"): memory.MAX_WORKFLOWS + 2
    }


def test_thumbnail_decoder_scales_and_refuses_garbage() -> None:
    out = io.BytesIO()
    Image.new("RGB", (640, 320), (1, 2, 3)).save(out, format="JPEG")
    thumb = decode_thumbnail(out.getvalue(), 96)
    assert thumb is not None
    assert (thumb.width, thumb.height) == (96, 48)
    assert len(thumb.rgba) == 96 * 48 * 4
    assert decode_thumbnail(b"\x89PNG\r\n\x1a\nbroken", 96) is None


def test_input_errors_in_plain_words() -> None:
    assert describe_input_error(
        InputError("required_input_missing", "Required input is missing")
    ) == ("A value is required.")
    assert describe_input_error(InputError("weird", "Something", "detail")) == "Something: detail"
    assert describe_input_error(
        InputError("value_bigger_than_max", "Value 9 bigger than max of 8")
    ) == ("Value 9 bigger than max of 8")


async def test_remembered_values_are_written_off_the_gui_thread(qtbot: QtBot, monkeypatch) -> None:
    writers: list[str] = []
    real_write = memory.atomic.atomic_write

    def recording_write(*args: Any, **kwargs: Any) -> None:
        writers.append(threading.current_thread().name)
        real_write(*args, **kwargs)

    monkeypatch.setattr(memory.atomic, "atomic_write", recording_write)
    monkeypatch.setattr("desktop.ui.form.model.MEMORY_DELAY_S", 0.01)
    model = loaded("txt2img_batch2_subfolder.json")
    model.set_value(("3", "steps"), 7)  # the deferred write the editing schedules
    await wait_until(lambda: bool(memory.recall(model.memory_key()).values))  # timer fired
    # Asked for, perhaps not on disk yet: opening the workflow again still sees it.
    assert memory.recall(model.memory_key()).values == {("3", "steps"): 7}
    qtbot.waitUntil(lambda: bool(writers), timeout=5000)
    memory.wait_for_writes()
    assert all(name.startswith("form-memory") for name in writers)
    stored = json.loads((paths.config_dir() / memory.FILE_NAME).read_text())["workflows"]
    assert stored[model.memory_key()]["values"] == [["3", "steps", 7]]
