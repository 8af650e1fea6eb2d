"""Every UI-format sample (the files ComfyUI's Save button writes) opens in the app as a form
and runs on the demo server, sending exactly the prompt ComfyUI's own frontend produced."""

from __future__ import annotations

import pytest
from PIL import Image

from desktop.demo.config import DemoConfig, showcase_models
from desktop.jobs.model import JobState
from tests.conftest import shared_path
from tests.ui.app_support import QT_NOISE, AppFactory, make_app
from tests.ui.workspace_support import UI, inputs_of, load_json, start_app

__all__ = ["make_app"]
pytestmark = [QT_NOISE, pytest.mark.demo_only]

# Input pictures the samples load; an artist would have them in ComfyUI's input folder.
INPUT_PICTURES = ("input.png", "input.webp", "Zoomable image (3).jpg", "example.png")


async def test_every_ui_sample_opens_and_runs_as_comfyui_would_send_it(
    make_app: AppFactory, qtbot, demo_server_factory
) -> None:
    demo = await demo_server_factory(DemoConfig(models=showcase_models()))
    assert demo.server is not None
    for name in INPUT_PICTURES:
        Image.new("RGB", (96, 64), (120, 90, 200)).save(demo.server.folders.input / name)
    app = await start_app(make_app, qtbot, demo)
    samples = sorted(UI.glob("*.json"))
    assert len(samples) == 10
    for path in samples:
        await app.open(path)
        form = app.workspace.form
        assert form.missing_node_types() == [] or not form.missing_node_types(), path.name
        flagged = [s.key for s in form.specs() if form.suggestion_for(s.key) is not None]
        assert flagged == [], f"{path.name}: {flagged}"

        (job,) = await app.generate()

        body = app.received[-1]
        expected = load_json(shared_path("workflows", "ui-expected", f"{path.stem}.api.json"))
        assert inputs_of(body["prompt"]) == inputs_of(expected), path.name
        assert body["extra_data"]["extra_pnginfo"]["workflow"] == load_json(path), path.name
        done = await app.finished(job)
        assert done.state is JobState.SUCCEEDED, f"{path.name}: {done.state} {done.error}"
    await app.app.shutdown()
