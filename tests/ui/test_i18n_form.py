"""Simplified Chinese reaches the form (labels, node titles, the seed-mode button), the reasons
a job was lost, and Qt's own dialog buttons — and follows a live switch back and forth."""

from __future__ import annotations

import functools
import json
import socket
from collections.abc import Iterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import ServerError, ServerUnreachable
from desktop.comfy.object_info import ObjectInfo
from desktop.jobs.model import JobError, JobSnapshot, JobState, Reason
from desktop.ui.error_text import error_text
from desktop.ui.form import FormModel, FormView
from desktop.ui.form.widgets.seed_edit import SeedEdit
from desktop.ui.i18n import Translations
from desktop.ui.queue.details import JobDetails
from desktop.ui.queue.text import failure_text
from desktop.workflow.document import Workflow
from desktop.workflow.seeds import SeedMode
from desktop.workflow.sources import load_workflow
from tests.conftest import recorded_object_info_raw, shared_path
from tests.ui.app_support import QT_NOISE

pytestmark = [QT_NOISE]


@functools.cache
def object_info() -> ObjectInfo:
    return ObjectInfo(recorded_object_info_raw())


@pytest.fixture
def translations() -> Iterator[Translations]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translations = Translations(app)
    yield translations
    translations.apply("en")


def open_form(qtbot: QtBot, name: str) -> FormView:
    model = FormModel()
    view = FormView(model)
    qtbot.addWidget(view)
    model.load(load_workflow(shared_path("workflows", "ui", name), object_info()), object_info())
    view.finish_build()
    return view


def label_of(view: FormView, node_class: str, input_name: str) -> str:
    rows = [r for r in view.rows.values() if r.editor.spec.node_class == node_class]
    return next(r.label.text() for r in rows if r.editor.spec.input_name == input_name)


def test_the_seed_mode_button_follows_a_language_switch(
    qtbot: QtBot, translations: Translations
) -> None:
    view = open_form(qtbot, "default.json")
    seed = next(r.editor for r in view.rows.values() if isinstance(r.editor, SeedEdit))
    seed.mode_actions[SeedMode.FIXED].trigger()
    assert seed.mode_button.text() == "Fixed"

    translations.apply("zh_CN")
    assert seed.mode_button.text() == "固定"
    assert seed.mode_actions[SeedMode.RANDOMIZE].text() == "随机"
    assert seed.mode_button.toolTip() == "每次运行后保持此种子不变"

    translations.apply("en")
    assert seed.mode_button.text() == "Fixed"
    assert seed.mode_actions[SeedMode.RANDOMIZE].text() == "Randomize"


def test_labels_artists_see_most_are_translated_and_keep_the_server_name(
    qtbot: QtBot, translations: Translations
) -> None:
    view = open_form(qtbot, "default.json")
    assert label_of(view, "KSampler", "sampler_name") == "Sampler"
    assert label_of(view, "CheckpointLoaderSimple", "ckpt_name") == "Checkpoint"

    translations.apply("zh_CN")
    expected = {
        ("KSampler", "seed"): "种子",
        ("KSampler", "steps"): "步数",
        ("KSampler", "cfg"): "CFG",
        ("KSampler", "sampler_name"): "采样器",
        ("KSampler", "scheduler"): "调度器",
        ("EmptyLatentImage", "width"): "宽度",
        ("EmptyLatentImage", "height"): "高度",
        ("EmptyLatentImage", "batch_size"): "批次大小",
        ("CheckpointLoaderSimple", "ckpt_name"): "模型 (Checkpoint)",
        ("SaveImage", "filename_prefix"): "文件名前缀",
    }
    for (node_class, input_name), text in expected.items():
        assert label_of(view, node_class, input_name) == text
    steps = next(r for r in view.rows.values() if r.editor.spec.input_name == "steps")
    server_tooltip = steps.editor.spec.tooltip
    assert server_tooltip  # the recorded server explains its inputs
    assert steps.label.toolTip() == f"KSampler › steps\n{server_tooltip}"
    titles = [s.header.text() for s in view.sections]
    assert "正向提示词" in titles
    assert "反向提示词" in titles
    assert {"加载模型", "空 Latent 图像", "K 采样器", "保存图像"} <= set(titles)
    checkpoint = next(s for s in view.sections if s.header.text() == "加载模型")
    assert checkpoint.header.toolTip() == "Load Checkpoint"


def test_titles_the_artist_wrote_stay_as_written(qtbot: QtBot, translations: Translations) -> None:
    translations.apply("zh_CN")
    view = open_form(qtbot, "sdxl_simple_example.json")
    titles = [s.header.text() for s in view.sections]
    assert "Load Checkpoint - BASE" in titles
    assert "KSampler (Advanced) - REFINER" in titles
    assert "加载模型" not in titles
    assert label_of(view, "KSamplerAdvanced", "noise_seed") == "种子"


def test_a_lost_job_says_why_in_the_current_language(
    qtbot: QtBot, translations: Translations
) -> None:
    lost = JobSnapshot(
        id="j1",
        state=JobState.LOST,
        title="Picture",
        created=0.0,
        prompt={},
        error=JobError.because(Reason.SERVER_RESTARTED),
    )
    details = JobDetails()
    qtbot.addWidget(details)
    details.show_job(lost)
    assert details.error.text() == Reason.SERVER_RESTARTED.text

    translations.apply("zh_CN")
    assert details.error.text() == "服务器已不认识此任务——它可能重启过。"
    for reason in Reason:
        text = failure_text(
            JobSnapshot("j", JobState.LOST, "T", 0.0, {}, error=JobError.because(reason))
        )
        assert text != reason.text  # every reason the client names has a translation
    # The server's own words are shown as the server wrote them.
    server = JobSnapshot(
        "j", JobState.FAILED, "T", 0.0, {}, error=JobError("list index out of range")
    )
    assert failure_text(server) == "list index out of range"


def test_qt_dialog_buttons_speak_chinese_after_a_switch(
    qtbot: QtBot, translations: Translations
) -> None:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(buttons)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == "Cancel"
    translations.apply("zh_CN")
    assert cancel.text() == "取消"
    fresh = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(fresh)
    assert fresh.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"


async def test_client_errors_are_worded_in_the_current_language(
    translations: Translations,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    async with ComfyClient(url) as client:
        with pytest.raises(ServerUnreachable) as unreachable:
            await client.system_stats()

    async def broken(request: web.Request) -> web.Response:
        return web.Response(status=500, text="KeyError: 'model'\nTraceback …")

    app = web.Application()
    app.router.add_get("/api/system_stats", broken)
    async with TestServer(app) as server, ComfyClient(str(server.make_url(""))) as client:
        with pytest.raises(ServerError) as failed:
            await client.system_stats()

    assert error_text(unreachable.value) == str(unreachable.value)  # English: the core's own
    assert error_text(failed.value) == str(failed.value)
    translations.apply("zh_CN")
    assert error_text(unreachable.value) == (
        f"无法连接到位于 {unreachable.value.url} 的 ComfyUI ({unreachable.value.reason})。"
        "请启动它、检查地址，或试用演示服务器。"
    )
    assert error_text(failed.value) == "服务器处理请求时出错 (500)。 KeyError: 'model'"


def test_a_refused_value_is_explained_in_the_current_language(
    qtbot: QtBot, translations: Translations
) -> None:
    path = shared_path("workflows", "api", "txt2img_batch2_subfolder.json")
    prompt = json.loads(path.read_text(encoding="utf-8"))
    prompt["5"]["inputs"]["width"] = 100000
    model = FormModel()
    view = FormView(model)
    qtbot.addWidget(view)
    model.load(Workflow(prompt), object_info())
    row = view.row(("5", "width"))
    assert row.errors() == ["Width must be at most 16384."]

    translations.apply("zh_CN")
    assert row.errors() == ["宽度不能大于 16384。"]
    assert model.validate() == ["空 Latent 图像：宽度不能大于 16384。"]
    translations.apply("en")
    assert model.validate() == ["Empty Latent Image: Width must be at most 16384."]
