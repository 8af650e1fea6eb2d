"""The whole app against the demo server: open a sample, edit it through the form's widgets,
press Generate, and check what the server received, the preview, the gallery and the library."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData, QUrl

from desktop.demo.config import default_models
from desktop.jobs.model import JobState
from desktop.workflow.image_metadata import read_png_text
from desktop.workflow.seeds import SeedMode
from desktop.workflow.web_convert import convert_ui_workflow
from tests.conftest import shared_path
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_until
from tests.ui.workspace_support import (
    API,
    IMAGES,
    PNG_SAMPLES,
    UI,
    inputs_of,
    load_json,
    start_app,
)

__all__ = ["make_app"]
pytestmark = [QT_NOISE, pytest.mark.demo_only]

BIG_SEED = 2**63 + 12345
# Checkpoints close to the ones the samples name, so the form's suggestion is one that runs
# (the stock demo's closest match is its deliberately broken checkpoint).
SPARE_CHECKPOINTS = (
    "flux1-dev.safetensors",
    "darkSushiMixMix.safetensors",
    "v1-5-pruned-emaonly.safetensors",
)


def models_with(*checkpoints: str) -> dict[str, list[str]]:
    models = default_models()
    models["checkpoints"] = ["random-sd15.safetensors", *checkpoints]
    return models


async def test_txt2img_generate_three_with_edited_values(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    path = API / "txt2img_batch2_subfolder.json"
    await app.open(path)
    app.type_number(("3", "seed"), BIG_SEED)
    app.type_number(("3", "steps"), 3)
    app.type_text(("6", "text"), "一只红狐狸 in snow")
    app.set_count(3)
    assert app.panel.generate_bar.button.text() == "Generate ×3"

    jobs = await app.generate(3)

    prompts = app.sent_prompts(3)
    seeds = [p["3"]["inputs"]["seed"] for p in prompts]
    assert seeds[0] == BIG_SEED
    assert len(set(seeds)) == 3
    expected = load_json(path)
    for prompt, seed in zip(prompts, seeds, strict=True):
        expected["3"]["inputs"].update(seed=seed, steps=3)
        expected["6"]["inputs"]["text"] = "一只红狐狸 in snow"
        assert prompt == expected
    # Randomize: the form shows a fresh seed, none of the three just used.
    assert app.workspace.form.value(("3", "seed")) not in seeds
    assert app.workspace.form.seed_mode(("3", "seed")) is SeedMode.RANDOMIZE

    done = [await app.finished(job) for job in jobs]
    assert [j.state for j in done] == [JobState.SUCCEEDED] * 3
    saved = [p for job in done for p in job.saved_paths]
    assert len(saved) == 6
    assert all(p.is_file() for p in saved)
    await app.preview_shows(done[-1].saved_paths[0])
    gallery = await app.gallery()
    await wait_until(lambda: gallery.model.rowCount() >= 6)
    top = {entry.path for entry in gallery.model.entries()[:6]}
    assert top == set(saved)
    assert all(p.is_relative_to(app.app.settings.library_folder()) for p in saved)
    await app.app.shutdown()


async def test_img2img_with_an_image_uploaded_through_the_form(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    path = API / "img2img_loadimage.json"
    await app.open(path)
    key = ("10", "image")
    upload = IMAGES / "comfyui_png_with_prompt_and_workflow_0.png"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(upload))])
    assert app.view.editor(key).accept_mime(mime)  # dropped onto the image input
    await wait_until(lambda: app.workspace.form.value(key) == upload.name)
    app.type_number(("3", "denoise"), 0.45)
    app.type_number(("3", "seed"), 777)

    (job,) = await app.generate()

    expected = load_json(path)
    expected["10"]["inputs"]["image"] = upload.name
    expected["3"]["inputs"].update(denoise=0.45, seed=777)
    assert app.sent_prompts(1) == [expected]
    assert (demo_server.server.folders.input / upload.name).is_file()
    done = await app.finished(job)
    assert done.state is JobState.SUCCEEDED
    await app.preview_shows(done.saved_paths[0])
    gallery = await app.gallery()
    await wait_until(lambda: gallery.model.rowCount() >= 1)
    assert gallery.model.entries()[0].path == done.saved_paths[0]
    await app.app.shutdown()


@pytest.mark.parametrize(
    ("name", "key", "expected"),
    [
        ("flux_dev_chinese_titles.json", ("30", "ckpt_name"), "flux1-dev.safetensors"),
        (
            "sd15_default_missing_model.json",
            ("4", "ckpt_name"),
            "darkSushiMixMix.safetensors",
        ),
    ],
)
async def test_missing_model_suggestion_accepted_then_run(
    make_app: AppFactory, qtbot, demo_server_factory, name, key, expected
) -> None:
    demo = await demo_server_factory(models=models_with(*SPARE_CHECKPOINTS))
    app = await start_app(make_app, qtbot, demo)
    path = API / name
    await app.open(path)
    row = app.view.row(key)
    assert row.error_label.isVisibleTo(app.view)
    assert "not available on this server" in row.error_label.text()
    assert expected in app.click_suggestion(key)
    assert app.workspace.form.value(key) == expected
    assert row.error_label.isHidden()

    (job,) = await app.generate()

    sent = load_json(path)
    sent[key[0]]["inputs"][key[1]] = expected
    assert app.sent_prompts(1) == [sent]
    done = await app.finished(job)
    assert done.state is JobState.SUCCEEDED
    await app.preview_shows(done.saved_paths[0])
    assert all(p.is_file() for p in done.saved_paths)
    await app.app.shutdown()


@pytest.mark.parametrize("path", PNG_SAMPLES, ids=lambda p: p.name)
async def test_comfyui_png_opens_edits_and_runs(
    make_app: AppFactory, qtbot, demo_server, path
) -> None:
    texts = read_png_text(path.read_bytes())
    embedded, ui_workflow = json.loads(texts["prompt"]), json.loads(texts["workflow"])
    app = await start_app(make_app, qtbot, demo_server)
    await app.open(path)
    app.type_number(("3", "steps"), 4)
    app.type_number(("3", "cfg"), 5.5)
    app.type_text(("6", "text"), "a white hare in snow")

    (job,) = await app.generate()

    body = app.received[-1]
    embedded["3"]["inputs"].update(steps=4, cfg=5.5)
    embedded["6"]["inputs"]["text"] = "a white hare in snow"
    assert inputs_of(body["prompt"]) == inputs_of(embedded)
    done = await app.finished(job)
    assert done.state is JobState.SUCCEEDED
    assert len(done.saved_paths) == 2
    # Both chunks of the result say the same: the editor's graph holds the edited values,
    # so ComfyUI's web UI restores what ran, not the file's old settings.
    result = read_png_text(done.saved_paths[0].read_bytes())
    prompt_chunk, graph_chunk = json.loads(result["prompt"]), json.loads(result["workflow"])
    assert inputs_of(prompt_chunk) == inputs_of(embedded)
    info = app.workspace.form.object_info()
    assert info is not None
    replayed = convert_ui_workflow(graph_chunk, info, choose=lambda options: options[0])
    assert inputs_of(replayed) == inputs_of(prompt_chunk)
    assert graph_chunk != ui_workflow
    await app.preview_shows(done.saved_paths[0])
    gallery = await app.gallery()
    await wait_until(lambda: gallery.model.rowCount() >= 2)
    assert {e.path for e in gallery.model.entries()[:2]} == set(done.saved_paths)
    await app.app.shutdown()


async def test_every_ui_format_sample_opens_as_a_form(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    samples = sorted(UI.glob("*.json"))
    assert len(samples) == 10
    for path in samples:
        await app.open(path)
        assert app.view.sections, path.name
        assert app.panel.stack.currentWidget() is app.view
        assert app.app.window.windowTitle().startswith(path.name)
    await app.app.shutdown()


async def test_ui_format_default_runs_with_its_workflow_attached(
    make_app: AppFactory, qtbot, demo_server_factory
) -> None:
    demo = await demo_server_factory(models=models_with(*SPARE_CHECKPOINTS))
    app = await start_app(make_app, qtbot, demo)
    path = UI / "default.json"
    await app.open(path)
    form = app.workspace.form
    keys = [s.key for s in form.specs() if form.suggestion_for(s.key) is not None]
    assert keys == [("4", "ckpt_name")]
    assert "v1-5-pruned-emaonly.safetensors" in app.click_suggestion(keys[0])

    (job,) = await app.generate()

    body = app.received[-1]
    expected = load_json(shared_path("workflows", "ui-expected", "default.api.json"))
    expected["4"]["inputs"]["ckpt_name"] = "v1-5-pruned-emaonly.safetensors"
    assert inputs_of(body["prompt"]) == inputs_of(expected)
    graph = body["extra_data"]["extra_pnginfo"]["workflow"]
    original = load_json(path)
    loader = next(n for n in graph["nodes"] if n["id"] == 4)
    assert loader["widgets_values"] == ["v1-5-pruned-emaonly.safetensors"]
    assert [n for n in graph["nodes"] if n["id"] != 4] == [
        n for n in original["nodes"] if n["id"] != 4
    ]
    assert (await app.finished(job)).state is JobState.SUCCEEDED
    await app.app.shutdown()
