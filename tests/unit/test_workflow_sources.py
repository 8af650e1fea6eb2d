from __future__ import annotations

import io
import json
import os
import struct
import sys
import types
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, PngImagePlugin

from desktop.workflow import image_metadata, sources
from desktop.workflow.errors import (
    FileTooLarge,
    InvalidWorkflow,
    NoWorkflowInImage,
    UiConversionFailed,
    UiFormatNeedsServer,
    UnsupportedFileError,
    WorkflowError,
    WorkflowLoadError,
)
from desktop.workflow.sources import (
    aload_workflow,
    load_workflow,
    load_workflow_bytes,
)
from tests.conftest import shared_path
from tests.unit.workflow_support import (
    PNG_0,
    PNG_1,
    WEBP,
    api_path,
    recorded_object_info,
)

PROMPT = {"1": {"class_type": "CLIPTextEncode", "inputs": {"text": "猫"}, "_meta": {"title": "中"}}}
UI = json.loads(shared_path("workflows", "ui", "default.json").read_text(encoding="utf-8"))


def _png(pnginfo: PngImagePlugin.PngInfo | None = None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG", pnginfo=pnginfo)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _insert_before_iend(png: bytes, chunk: bytes) -> bytes:
    assert png.endswith(_chunk(b"IEND", b""))
    return png[:-12] + chunk + png[-12:]


def _webp(exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    frames = [Image.new("RGB", (4, 4), c) for c in ("red", "blue")]
    kwargs: dict[str, Any] = {"save_all": True, "append_images": frames[1:]}
    if exif is not None:
        kwargs["exif"] = exif
    frames[0].save(out, "WEBP", **kwargs)
    return out.getvalue()


@pytest.fixture
def fake_converter(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict, object]]:
    """Stand-in for the other helper's ui_convert module: records calls, returns PROMPT."""
    calls: list[tuple[dict, object]] = []

    def convert_ui_workflow(ui: dict, object_info: object) -> dict:
        calls.append((ui, object_info))
        return PROMPT

    module = types.ModuleType("desktop.workflow.web_convert")
    module.convert_ui_workflow = convert_ui_workflow  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "desktop.workflow.web_convert", module)
    return calls


# -- what loads --------------------------------------------------------------------------------


def test_api_json_file() -> None:
    path = api_path("txt2img_batch2_subfolder.json")
    wf = load_workflow(path)
    assert wf.name == "txt2img_batch2_subfolder.json"
    assert wf.source == path
    assert wf.ui_workflow is None
    assert wf.get("9", "filename_prefix") == "fox/ComfyUI"
    assert wf.title("6") == "Positive"


@pytest.mark.parametrize("path", [PNG_0, PNG_1])
def test_comfyui_png_uses_prompt_and_keeps_workflow(path: Path) -> None:
    wf = load_workflow(path)
    assert wf.name == path.name
    assert wf.get("3", "seed") == 42
    assert wf.get("3", "cfg") == 7.0
    assert wf.get("5", "batch_size") == 2
    assert wf.ui_workflow is not None
    assert wf.ui_workflow["last_node_id"] == 9
    assert len(wf.ui_workflow["nodes"]) == 7


def test_comfyui_animated_webp_reads_exif() -> None:
    wf = load_workflow(WEBP)
    assert wf.nodes["9"].class_type == "SaveAnimatedWEBP"
    assert wf.get("3", "seed") == 7
    assert wf.get("9", "lossless") is False
    assert wf.ui_workflow is not None
    assert wf.ui_workflow["last_link_id"] == 9


@pytest.mark.parametrize("zip_itxt", [False, True])
def test_png_ztxt_and_itxt_chunks(zip_itxt: bool) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("prompt", json.dumps(PROMPT), zip=True)  # zTXt (ASCII JSON)
    info.add_itxt("workflow", json.dumps(UI, ensure_ascii=False), zip=zip_itxt)
    data = _png(info)
    assert b"zTXt" in data
    assert b"iTXt" in data
    wf = load_workflow_bytes(data, "z.png")
    assert wf.get("1", "text") == "猫"
    assert wf.title("1") == "中"
    assert wf.ui_workflow == UI


def test_itxt_prompt_with_raw_utf8() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("prompt", json.dumps(PROMPT, ensure_ascii=False), zip=True)
    assert load_workflow_bytes(_png(info), "i.png").get("1", "text") == "猫"


@pytest.mark.parametrize(
    "chunk",
    [
        _chunk(b"tEXt", b"prompt\0" + json.dumps(PROMPT).encode()),
        _chunk(b"comf", b"prompt\0" + json.dumps(PROMPT, ensure_ascii=False).encode()),
        _chunk(
            b"iTXt",
            b"prompt\0\x01\0\0\0" + zlib.compress(json.dumps(PROMPT, ensure_ascii=False).encode()),
        ),
    ],
    ids=["tEXt", "comf", "iTXt-zip"],
)
def test_png_metadata_after_image_data(chunk: bytes) -> None:
    wf = load_workflow_bytes(_insert_before_iend(_png(), chunk), "late.png")
    assert wf.get("1", "text") == "猫"


def test_compressed_text_over_pillows_1mb_limit_still_loads() -> None:
    big = {"1": {"class_type": "CLIPTextEncode", "inputs": {"text": "fox " * 800_000}}}
    info = PngImagePlugin.PngInfo()
    info.add_text("prompt", json.dumps(big), zip=True)
    wf = load_workflow_bytes(_png(info), "big-ztxt.png")
    assert len(wf.get("1", "text")) == 3_200_000


def test_ztxt_decompression_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_metadata, "MAX_TEXT_BYTES", 2 * 1024 * 1024)
    bomb = _chunk(b"zTXt", b"prompt\0\0" + zlib.compress(b" " * 3 * 1024 * 1024, 9))
    png = _png()
    early = png[:33] + bomb + png[33:]  # right after IHDR
    with pytest.raises(WorkflowLoadError) as info:
        load_workflow_bytes(early, "bomb.png")
    assert str(info.value) == "Could not read “bomb.png”: its metadata is damaged or too large."
    with pytest.raises(WorkflowLoadError, match="damaged or too large"):
        load_workflow_bytes(_insert_before_iend(png, bomb), "late-bomb.png")


def _many_bombs(count: int, each: int) -> bytes:
    """A PNG with ``count`` zTXt chunks that each inflate to ``each`` bytes (under the
    per-file cap one by one, far over it together)."""
    payload = zlib.compress(b" " * each, 9)
    bombs = b"".join(_chunk(b"zTXt", b"k%d\0\0" % i + payload) for i in range(count))
    png = _png()
    return png[:33] + bombs + png[33:]


def test_many_compressed_chunks_share_one_budget_per_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The file: sixty chunks that each inflate to 60 MB (3.5 MB on disk) used to take
    # 20 s and gigabytes. Scaled down here: the budget is what matters, not its size.
    monkeypatch.setattr(image_metadata, "MAX_TEXT_BYTES", 4 * 1024 * 1024)
    data = _many_bombs(60, 1024 * 1024)
    with pytest.raises(WorkflowLoadError, match="damaged or too large"):
        load_workflow_bytes(data, "sixty.png")


def test_reading_metadata_has_a_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_metadata, "MAX_READ_SECONDS", 0.0)
    info = PngImagePlugin.PngInfo()
    info.add_text("prompt", json.dumps(PROMPT), zip=True)
    with pytest.raises(WorkflowLoadError, match="damaged or too large"):
        load_workflow_bytes(_png(info), "slow.png")


def test_late_chunk_with_bad_crc_is_ignored() -> None:
    chunk = bytearray(_chunk(b"tEXt", b"prompt\0" + json.dumps(PROMPT).encode()))
    chunk[-1] ^= 0xFF
    with pytest.raises(NoWorkflowInImage):
        load_workflow_bytes(_insert_before_iend(_png(), bytes(chunk)), "crc.png")


def test_webp_exif_with_utf8_bytes() -> None:
    exif = Image.Exif()
    exif[0x0110] = ("prompt:" + json.dumps(PROMPT, ensure_ascii=False)).encode("utf-8")
    exif[0x010F] = "workflow:" + json.dumps(UI)
    wf = load_workflow_bytes(_webp(exif), "utf8.webp")
    assert wf.get("1", "text") == "猫"
    assert wf.ui_workflow == UI


def test_wrapped_prompt_request_body() -> None:
    body = {"prompt": PROMPT, "client_id": "x", "extra_data": {"extra_pnginfo": {"workflow": UI}}}
    wf = load_workflow_bytes(json.dumps(body).encode(), "request.json")
    assert wf.get("1", "text") == "猫"
    assert wf.ui_workflow == UI


def test_bom_and_whitespace_before_json() -> None:
    data = b"\xef\xbb\xbf\n  " + json.dumps(PROMPT).encode()
    assert load_workflow_bytes(data, "bom.json").get("1", "text") == "猫"


# -- UI format ---------------------------------------------------------------------------------


def test_ui_json_without_server_asks_to_connect() -> None:
    path = shared_path("workflows", "ui", "lora.json")
    with pytest.raises(UiFormatNeedsServer) as info:
        load_workflow(path)
    assert str(info.value) == (
        "“lora.json” is saved in the web editor's format — connect to a server to open this "
        "workflow."
    )


def test_ui_json_with_server_is_converted(fake_converter: list) -> None:
    oi = recorded_object_info()
    path = shared_path("workflows", "ui", "default.json")
    wf = load_workflow(path, oi)
    assert fake_converter == [(UI, oi)]
    assert wf.ui_workflow == UI
    assert wf.get("1", "text") == "猫"
    assert wf.source == path


def test_image_with_only_workflow_is_converted(fake_converter: list) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("workflow", json.dumps(UI))
    data = _png(info)
    with pytest.raises(UiFormatNeedsServer, match=r"“only-ui\.png”"):
        load_workflow_bytes(data, "only-ui.png")
    wf = load_workflow_bytes(data, "only-ui.png", recorded_object_info())
    assert wf.ui_workflow == UI
    assert len(fake_converter) == 1


def test_damaged_prompt_falls_back_to_workflow(fake_converter: list) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("prompt", "{broken")
    info.add_text("workflow", json.dumps(UI))
    wf = load_workflow_bytes(_png(info), "half.png", recorded_object_info())
    assert wf.get("1", "text") == "猫"


def _install_converter(monkeypatch: pytest.MonkeyPatch, convert: Any) -> None:
    module = types.ModuleType("desktop.workflow.web_convert")
    module.convert_ui_workflow = convert  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "desktop.workflow.web_convert", module)


class FakeConversionError(WorkflowError):
    def __init__(self, message: str, problems: tuple[str, ...]) -> None:
        super().__init__(message)
        self.problems = problems


@pytest.mark.parametrize(
    ("problems", "expected"),
    [
        (
            ("node 5 (Foo): subgraph is missing.",),
            "Could not convert “sub.json” from the web editor's format: node 5 (Foo): subgraph "
            "is missing.",
        ),
        (
            ("node 5: a", "node 6: b", "node 7: c"),
            "Could not convert “sub.json” from the web editor's format: node 5: a (and 2 more "
            "problems).",
        ),
        (
            ("node 5: a", "node 6: b"),
            "Could not convert “sub.json” from the web editor's format: node 5: a (and 1 more "
            "problem).",
        ),
        ((), "Could not convert “sub.json”: It is broken. Try again."),
    ],
)
def test_converter_error_is_wrapped_with_file_name(
    monkeypatch: pytest.MonkeyPatch, problems: tuple[str, ...], expected: str
) -> None:
    def convert_ui_workflow(ui: dict, object_info: object) -> dict:
        raise FakeConversionError("It is broken. Try again.", problems)

    _install_converter(monkeypatch, convert_ui_workflow)
    with pytest.raises(UiConversionFailed) as info:
        load_workflow_bytes(json.dumps(UI).encode(), "sub.json", recorded_object_info())
    assert str(info.value) == expected
    assert info.value.problems == problems
    assert info.value.detail == "It is broken. Try again."
    assert isinstance(info.value.__cause__, FakeConversionError)


def test_real_converter_round_trip_and_rejection() -> None:
    oi = recorded_object_info()
    wf = load_workflow(shared_path("workflows", "ui", "default.json"), oi)
    expected = shared_path("workflows", "ui-expected", "default.api.json")
    assert wf.to_prompt() == json.loads(expected.read_text(encoding="utf-8"))
    assert wf.ui_workflow == UI
    ui = json.loads(json.dumps(UI))
    ui["nodes"][0]["type"] = "FancyCustomThing"
    with pytest.raises(UiConversionFailed) as info:
        load_workflow_bytes(json.dumps(ui).encode(), "custom.json", oi)
    assert str(info.value).startswith(
        "Could not open “custom.json”: This workflow needs nodes this server lacks: "
        "FancyCustomThing."
    )
    assert len(info.value.problems) == 1
    ui["nodes"][1]["widgets_values"] = {"by": "name"}  # a second kind of problem
    with pytest.raises(UiConversionFailed) as info:
        load_workflow_bytes(json.dumps(ui).encode(), "custom.json", oi)
    assert str(info.value).startswith(
        "Could not convert “custom.json” from the web editor's format: node "
    )
    assert len(info.value.problems) == 2


def test_converter_crash_becomes_workflow_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def convert_ui_workflow(ui: dict, object_info: object) -> dict:
        raise KeyError("boom")

    _install_converter(monkeypatch, convert_ui_workflow)
    with pytest.raises(UiConversionFailed) as info:
        load_workflow_bytes(json.dumps(UI).encode(), "crash.json", recorded_object_info())
    assert str(info.value) == "Could not convert “crash.json” from the web editor's format."


# -- every way a file can be wrong ---------------------------------------------------------------


def _nested(depth: int) -> bytes:
    return (b'{"a":' * depth) + b"1" + (b"}" * depth)


BAD_FILES: list[tuple[str, bytes, type[WorkflowError], str]] = [
    ("empty.json", b"", WorkflowLoadError, "“empty.json” is empty."),
    (
        "notes.txt",
        b"hello there",
        UnsupportedFileError,
        "“notes.txt” is not a file ComfyDesk can open (use a workflow .json, or a .png or .webp "
        "made by ComfyUI).",
    ),
    (
        "photo.gif",
        b"GIF89a\x01\x00\x01\x00",
        UnsupportedFileError,
        "“photo.gif” is not a file ComfyDesk can open (use a workflow .json, or a .png or .webp "
        "made by ComfyUI).",
    ),
    (
        "broken.json",
        b'{"1": {"class_type": ',
        WorkflowLoadError,
        "Could not open “broken.json”: it is not valid JSON (line 1, column 22).",
    ),
    (
        "latin1.json",
        b'{"a": "\xff\xfe\xfd"}',
        WorkflowLoadError,
        "Could not open “latin1.json”: it is not valid JSON.",
    ),
    (
        "list.json",
        b"[1, 2, 3]",
        WorkflowLoadError,
        "“list.json” is JSON but not a ComfyUI workflow.",
    ),
    (
        "config.json",
        b'{"theme": "dark"}',
        WorkflowLoadError,
        "“config.json” is JSON but not a ComfyUI workflow.",
    ),
    (
        "nothing.json",
        b"{}",
        WorkflowLoadError,
        "“nothing.json” is an empty JSON object, not a workflow.",
    ),
    (
        "deep.json",
        b"[" * 200_000,
        WorkflowLoadError,
        "Could not open “deep.json”: it is nested too deeply.",
    ),
    (
        "deep2.json",
        _nested(100),
        WorkflowLoadError,
        "Could not open “deep2.json”: it is nested too deeply.",
    ),
    (
        "noclass.json",
        b'{"1": {"class_type": "KSampler", "inputs": {}}, "2": {"inputs": {}}}',
        InvalidWorkflow,
        "“noclass.json” is not a valid workflow: node 2 has no class_type.",
    ),
    (
        "truncated.png",
        PNG_0.read_bytes()[:100],
        WorkflowLoadError,
        "Could not read “truncated.png”: the image is damaged or truncated.",
    ),
    (
        "header-only.png",
        PNG_0.read_bytes()[:20],
        WorkflowLoadError,
        "Could not read “header-only.png”: the image is damaged or truncated.",
    ),
    (
        "plain.png",
        _png(),
        NoWorkflowInImage,
        "“plain.png” has no ComfyUI workflow in it (it may have been saved without metadata).",
    ),
    (
        "truncated.webp",
        WEBP.read_bytes()[:40],
        WorkflowLoadError,
        "Could not read “truncated.webp”: the image is damaged or truncated.",
    ),
    (
        "plain.webp",
        _webp(),
        NoWorkflowInImage,
        "“plain.webp” has no ComfyUI workflow in it (it may have been saved without metadata).",
    ),
]


def _png_with(**texts: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in texts.items():
        info.add_text(key, value)
    return _png(info)


BAD_FILES += [
    (
        "garbled.png",
        _png_with(prompt="{not json"),
        NoWorkflowInImage,
        "The workflow stored in “garbled.png” is damaged.",
    ),
    (
        "other-text.png",
        _png_with(Software="GIMP", Comment="hi"),
        NoWorkflowInImage,
        "“other-text.png” has no ComfyUI workflow in it (it may have been saved without metadata).",
    ),
    (
        "list-prompt.png",
        _png_with(prompt="[1, 2]", workflow='{"x": 1}'),
        NoWorkflowInImage,
        "The workflow stored in “list-prompt.png” is damaged.",
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "error", "message"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_bad_files_give_one_sentence_naming_the_file(
    tmp_path: Path, name: str, data: bytes, error: type[WorkflowError], message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error) as info:
        load_workflow(path)
    assert str(info.value) == message
    with pytest.raises(error) as info:
        load_workflow_bytes(data, name)
    assert str(info.value) == message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(WorkflowLoadError) as info:
        load_workflow(tmp_path / "nope.json")
    assert str(info.value) == "Could not read “nope.json”: no such file or directory."
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(WorkflowLoadError) as info:
        load_workflow(tmp_path / "folder.json")
    assert str(info.value) == "Could not read “folder.json”: is a directory."


def test_file_over_50_mb_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024 + 1)  # sparse: costs no disk or memory
    with pytest.raises(FileTooLarge) as info:
        load_workflow(path)
    assert str(info.value) == "“huge.json” is too large to be a workflow (over 50 MB)."


def test_bytes_over_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 64)
    with pytest.raises(FileTooLarge, match=r"“big\.json”"):
        load_workflow_bytes(b"{" + b" " * 80 + b"}", "big.json")


def test_hostile_file_name_is_cleaned_for_messages() -> None:
    with pytest.raises(WorkflowLoadError) as info:
        load_workflow_bytes(b"", "evil\n\x1b[31mname\u202e.json")
    assert str(info.value) == "“evil  [31mname .json” is empty."
    with pytest.raises(WorkflowLoadError) as info:
        load_workflow_bytes(b"", "x" * 300)
    assert str(info.value) == f"“{'x' * 117}…” is empty."


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.json"
    path.write_text("{}")
    path.chmod(0)
    with pytest.raises(
        WorkflowLoadError, match=r"Could not read “secret\.json”: permission denied"
    ):
        load_workflow(path)


async def test_aload_workflow_runs_off_the_loop() -> None:
    wf = await aload_workflow(PNG_0)
    assert wf.get("3", "seed") == 42
