"""Opening a workflow: read it (off the loop, as the app does), build the form (FormModel.load
+ FormView) and paint it, for every sample workflow against the recorded /object_info, and
against a synthetic 20 MB one with a workflow whose loaders list 3,000 models each."""

from __future__ import annotations

import asyncio
import gc
import json
import tempfile
import time
from pathlib import Path

from bench.bench_objectinfo import big_object_info_path
from bench.harness import Context, LagProbe, Metric
from bench.qt_support import show_and_wait_painted
from bench.shared_paths import RECORDED_OBJECT_INFO, WORKFLOWS
from desktop.comfy.object_info import ObjectInfo
from desktop.comfy.offload import LazyJsonObject, split_json_object
from desktop.workflow.sources import aload_workflow

try:
    from desktop.ui.form import FormModel, FormView
except ImportError:  # the form has not landed yet
    FormModel = FormView = None  # type: ignore[assignment,misc]

FORM_SIZE = (420, 900)
TARGET_MS = 300.0
BIG_TARGET_MS = 1500.0
CUSTOM_LOADERS = 4  # CustomLoader nodes of the synthetic document (3,000-model combos each)


def sample_workflows(quick: bool) -> list[Path]:
    files = sorted((WORKFLOWS / "api").glob("*.json")) + sorted((WORKFLOWS / "images").iterdir())
    if not quick:
        files += sorted((WORKFLOWS / "ui").glob("*.json"))
    return [f for f in files if f.is_file()]


def big_install_workflow(folder: Path) -> Path:
    """txt2img plus custom loader nodes with a 3,000-entry model list each, as on big installs."""
    prompt = json.loads((WORKFLOWS / "api" / "txt2img_batch2_subfolder.json").read_bytes())
    for n in range(1, CUSTOM_LOADERS + 1):
        prompt[str(100 + n)] = {
            "class_type": f"CustomLoader{n}",
            "inputs": {
                "ckpt_name": f"pack_0/model-{n:05d}.safetensors",
                "strength": 1.0,
                "steps": 20,
                "text": "custom node text",
                "model": ["4", 0],
            },
            "_meta": {"title": f"Custom Loader {n}"},
        }
    path = folder / "big_install_custom_loaders.json"
    path.write_text(json.dumps(prompt), encoding="utf-8")
    return path


def _fix_model_names(path: Path, info: ObjectInfo) -> None:
    """Point the custom loaders at names their (random) synthetic lists really contain."""
    prompt = json.loads(path.read_bytes())
    for node in prompt.values():
        if node["class_type"].startswith("CustomLoader"):
            choices = info[node["class_type"]].input("ckpt_name").choices
            node["inputs"]["ckpt_name"] = choices[len(choices) // 2]
    path.write_text(json.dumps(prompt), encoding="utf-8")


def _label(path: Path) -> str:
    folder = path.parent.name if path.parent.parent == WORKFLOWS else "synthetic"
    return f"{folder}/{path.name}"


async def open_form(path: Path, info: ObjectInfo) -> tuple[float, LagProbe]:
    """ms from "open this file" to the whole form built and painted, and the probe that
    watched it. The view builds in slices (first screen first), so "done" is the later of its
    first paint and its ``built`` signal."""
    built_at: list[float] = []
    async with LagProbe() as probe:
        start = time.perf_counter()
        workflow = await aload_workflow(path, info)
        model = FormModel()
        view = FormView(model)
        view.built.connect(lambda: built_at.append(time.perf_counter()))
        built_at.clear()  # the empty form built by the constructor
        model.load(workflow, info)
        view.resize(*FORM_SIZE)
        painted = await show_and_wait_painted(view)
        await view.wait_built()
    elapsed = (max(painted, built_at[-1]) - start) * 1000
    model.flush_memory()
    view.close()
    view.deleteLater()
    model.deleteLater()
    await asyncio.sleep(0)
    return elapsed, probe


async def _measure(
    ctx: Context, info: ObjectInfo, files: list[Path], info_label: str, target: float
) -> list[float]:
    lateness: list[float] = []
    for path in files:
        await open_form(path, info)  # untimed: first use of widget classes, fonts, caches
        times, stalls = [], []
        for _ in range(ctx.repeats(5, 3)):
            ms, probe = await open_form(path, info)
            times.append(ms)
            stalls.append(probe.max_ms)
            lateness += probe.lateness_ms
        ctx.add(
            Metric(
                f"form open {_label(path)}, {info_label}",
                "ms",
                times,
                target=target,
                note=f"aload_workflow + FormModel.load + FormView shown, painted and built; "
                f"longest GUI stall {max(stalls):.0f} ms",
            )
        )
    return lateness


async def run(ctx: Context) -> None:
    if FormModel is None:
        ctx.mark_pending("forms", "desktop.ui.form (FormModel, FormView) is not there yet")
        return
    recorded = ObjectInfo(json.loads(RECORDED_OBJECT_INFO.read_bytes()))
    gc.freeze()  # as ServerSession does when a node list arrives (forms need one)
    lateness = await _measure(
        ctx, recorded, sample_workflows(ctx.quick), "recorded object_info", TARGET_MS
    )

    # What ComfyClient.object_info() hands the app for a big document (see offload.py).
    blobs = await asyncio.to_thread(split_json_object, big_object_info_path().read_bytes())
    big = ObjectInfo(LazyJsonObject(blobs))
    gc.freeze()
    with tempfile.TemporaryDirectory(prefix="comfydesk-bench-forms-") as tmp:
        custom = big_install_workflow(Path(tmp))
        _fix_model_names(custom, big)
        files = [custom, WORKFLOWS / "api" / "txt2img_batch2_subfolder.json"]
        lateness += await _measure(ctx, big, files, "synthetic 20 MB object_info", BIG_TARGET_MS)
    ctx.add(
        Metric(
            "event-loop lag while opening workflows",
            "ms",
            lateness,
            target=50,
            judge="p99",
            note="every 5 ms probe sample during all form opens (building a form is GUI work)",
        )
    )
