"""Jobs end to end: completion -> final image on screen (vs /history polling), submitting 100
jobs, and GUI stalls while 20 jobs' messages arrive at 200 messages/s.

The demo server runs on its own thread (bench_preview.ThreadedDemo); the client side is the
real ServerSession + JobsViewModel + PreviewView + QueuePanel on the qasync loop.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from PySide6.QtCore import QSize

from bench.bench_preview import ThreadedDemo, open_session, prompt
from bench.harness import Context, LagProbe, Metric
from desktop.comfy.messages import Executing
from desktop.demo import DemoConfig
from desktop.jobs.session import ServerSession
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.preview.canvas import PreviewCanvas
from desktop.ui.preview.decode import decode_async
from desktop.ui.preview.view import PreviewView
from desktop.ui.queue.panel import QueuePanel

FINAL = QSize(1024, 1024)


async def _until(check: Any, limit: float = 30.0) -> None:
    """Poll in-process state (a paint time, a row count) until it holds."""
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110 -- the conditions have no event to wait on
            await asyncio.sleep(0.002)


# ---------------------------------------------------------------------------- completion


async def _ours(session: ServerSession, view: PreviewView, seed: int) -> float:
    """executing null (as read from the socket) -> the final image's first paint, in ms."""
    done_at: dict[str, float] = {}
    job_id = ""

    def mark(event: object) -> None:
        if isinstance(event, Executing) and event.node is None and event.prompt_id == job_id:
            done_at[job_id] = time.monotonic()

    unsubscribe = session.on_event(mark)
    try:
        job = await session.jobs.submit(prompt(seed, steps=2, size=1024))
        job_id = job.id
        canvas = view.canvas
        await _until(
            lambda: (
                job_id in done_at
                and canvas.image().size() == FINAL
                and (canvas.shown_at or 0) > done_at[job_id]
            )
        )
        return ((canvas.shown_at or 0) - done_at[job_id]) * 1000
    finally:
        unsubscribe()


async def _poller(url: str, canvas: PreviewCanvas, seed: int, interval: float, phase: float):
    """A client without the socket's completion signal: polls /history/{id} every
    ``interval`` s (the first poll after ``phase`` × interval), then downloads and shows the
    image. Completion is timed by a socket of the same client id the poller does not use."""
    client_id = uuid.uuid4().hex
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(f"{url}/ws?clientId={client_id}") as ws,
    ):
        body = {"prompt": prompt(seed, steps=2, size=1024), "client_id": client_id}
        async with http.post(f"{url}/prompt", data=json.dumps(body)) as response:
            prompt_id = (await response.json())["prompt_id"]
        done = asyncio.get_running_loop().create_future()

        async def listen() -> None:
            async for message in ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                info = data["data"]
                ended = data["type"] == "executing" and info.get("node") is None
                if ended and info.get("prompt_id") == prompt_id and not done.done():
                    done.set_result(time.monotonic())

        listener = asyncio.create_task(listen())
        try:
            await asyncio.sleep(phase * interval)
            while True:
                async with http.get(f"{url}/history/{prompt_id}") as response:
                    history = await response.json()
                if history:
                    break
                await asyncio.sleep(interval)
            image = history[prompt_id]["outputs"]["9"]["images"][0]
            params = {
                "filename": image["filename"],
                "subfolder": image["subfolder"],
                "type": "output",
            }
            async with http.get(f"{url}/view", params=params) as response:
                data = await response.read()
            canvas.show_image(await decode_async(data))
            await _until(lambda: (canvas.shown_at or 0) > 0 and canvas.image().size() == FINAL)
            completed = await done
            return ((canvas.shown_at or 0) - completed) * 1000
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)


async def _completion(ctx: Context, demo: ThreadedDemo, folder: Path) -> None:
    session = await open_session(demo.url, folder)
    vm = JobsViewModel()
    view = PreviewView(vm)
    view.resize(900, 700)
    view.show()
    canvas = PreviewCanvas()
    canvas.resize(900, 700)
    canvas.show()
    ours: list[float] = []
    poll1: list[float] = []
    poll5: list[float] = []
    try:
        vm.set_session(session)
        rounds, slow_rounds = ctx.repeats(5, 2), ctx.repeats(3, 1)
        # Interleaved, so load drifts hit every variant alike; polling phases are spread
        # evenly over the interval (where a poll lands relative to completion is luck).
        for n in range(rounds):
            ours.append(await _ours(session, view, 100 + n))
            canvas.clear()
            canvas.shown_at = None
            poll1.append(await _poller(demo.url, canvas, 200 + n, 1.0, (n + 0.5) / rounds))
            if n < slow_rounds:
                canvas.clear()
                canvas.shown_at = None
                phase = (n + 0.5) / slow_rounds
                poll5.append(await _poller(demo.url, canvas, 300 + n, 5.0, phase))
    finally:
        await view.shutdown()
        await canvas.shutdown()
        view.deleteLater()
        canvas.deleteLater()
        await vm.shutdown()
        await session.close()
    ratio = statistics.median(poll1) / statistics.median(ours)
    ctx.add(Metric("completion -> final 1024² visible (WebSocket)", "ms", ours, target=150))
    ctx.add(Metric("completion -> final 1024² visible (poll /history 1 s)", "ms", poll1))
    ctx.add(Metric("completion -> final 1024² visible (poll /history 5 s)", "ms", poll5))
    ctx.add(
        Metric(
            "final image: WebSocket speed-up vs 1 s polling (median ratio)",
            "x",
            [ratio],
            higher_is_better=True,
            note=f"vs 5 s polling: {statistics.median(poll5) / statistics.median(ours):.0f}x",
        )
    )


# ---------------------------------------------------------------------------- throughput


async def _submit_hundred(ctx: Context, demo: ThreadedDemo, folder: Path) -> None:
    session = await open_session(demo.url, folder)
    vm = JobsViewModel()
    panel = QueuePanel(vm)
    panel.resize(360, 700)
    panel.show()
    demo.call_soon(demo.server.hold)
    try:
        vm.set_session(session)
        graph = prompt(1, steps=2, size=64)
        with LagProbe() as probe:
            start = time.perf_counter()
            for _ in range(100):
                await session.jobs.submit(graph)
            elapsed = (time.perf_counter() - start) * 1000
        await _until(lambda: panel.model.rowCount() >= 100)
        await session.jobs.cancel_all_mine()
    finally:
        demo.call_soon(demo.server.release)
        await panel.shutdown()
        panel.deleteLater()
        await vm.shutdown()
        await session.close()
    ctx.add(Metric("submit 100 jobs (queue panel attached)", "ms", [elapsed], target=500))
    ctx.add(Metric("GUI stall while submitting 100 jobs (max)", "ms", [probe.max_ms], target=50))


async def _flood(job_ids: list[str], client_id: str, demo: ThreadedDemo, count: int) -> None:
    """Runs on the server's loop: 200 messages/s spread over the jobs, like 20 busy prompts."""
    hub = demo.server.state.hub
    for n, job_id in enumerate(job_ids):
        hub.send("executing", {"node": "3", "display_node": "3", "prompt_id": job_id}, client_id)
        if n % 5 == 4:
            await asyncio.sleep(0.005)
    for n in range(count):
        job_id = job_ids[n % len(job_ids)]
        step = n // len(job_ids) + 1
        if n % 2:
            nodes = {"3": {"value": step, "max": 1000, "state": "running", "node_id": "3",
                           "prompt_id": job_id, "display_node_id": "3",
                           "parent_node_id": None, "real_node_id": "3"}}  # fmt: skip
            hub.send("progress_state", {"prompt_id": job_id, "nodes": nodes}, client_id)
        else:
            data = {"value": step, "max": 1000, "prompt_id": job_id, "node": "3"}
            hub.send("progress", data, client_id)
        await asyncio.sleep(0.005)


async def _twenty_jobs(ctx: Context, demo: ThreadedDemo, folder: Path) -> None:
    session = await open_session(demo.url, folder)
    vm = JobsViewModel()
    panel = QueuePanel(vm)
    panel.resize(360, 700)
    panel.show()
    view = PreviewView(vm)
    view.resize(900, 700)
    view.show()
    demo.call_soon(demo.server.hold)
    count = 200 * ctx.repeats(5, 2)
    try:
        vm.set_session(session)
        jobs = [await session.jobs.submit(prompt(n, steps=1000, size=64)) for n in range(20)]
        ids = [j.id for j in jobs]
        with LagProbe() as probe:
            start = time.perf_counter()
            await demo.call(_flood(ids, session.client.client_id, demo, count))
            await _until(lambda: sum((vm.get(i).step or 0) for i in ids) > 0)
            rate = count / (time.perf_counter() - start)
        steps_seen = sorted(vm.get(i).step or 0 for i in ids)
    finally:
        demo.call_soon(demo.server.release)
        await view.shutdown()
        await panel.shutdown()
        view.deleteLater()
        panel.deleteLater()
        await vm.shutdown()
        await session.close()
    ctx.add(
        Metric(
            "GUI stall, 20 jobs' messages at 200/s (max)",
            "ms",
            [probe.max_ms],
            target=50,
            note=f"{count} messages at {rate:.0f}/s; lowest step seen {steps_seen[0]}",
        )
    )


async def run(ctx: Context) -> None:
    with tempfile.TemporaryDirectory(prefix="comfydesk-bench-") as tmp:
        async with ThreadedDemo(DemoConfig(step_delay=0.0, previews=True)) as demo:
            await _completion(ctx, demo, Path(tmp) / "completion")
            await _submit_hundred(ctx, demo, Path(tmp) / "submit")
        async with ThreadedDemo(DemoConfig(step_delay=0.0, previews=True)) as demo:
            await _twenty_jobs(ctx, demo, Path(tmp) / "flood")
