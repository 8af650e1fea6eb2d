"""A qasync soak: 100,000 loop callbacks and a few thousand WebSocket messages through the
real EventStream, all on one qasync.QEventLoop.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every Qt->Python callback and the
interpreter aborts with ``none_dealloc`` after a few thousand qasync callbacks
(PERFORMANCE-NOTES §1.2). This test crashes the run on such a build. It is the one test file
outside tests/ui that imports Qt.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import os
import struct

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from desktop.comfy import messages as m
from desktop.comfy.client import ComfyClient
from tests.protocol.recorded_server import running_fake, ws_frames

CALLBACKS = 100_000
RUNS = 60  # 60 recorded runs x 50 frames = 3,000 WebSocket messages


async def callbacks(loop: asyncio.AbstractEventLoop) -> int:
    done = loop.create_future()
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if count == CALLBACKS:
            done.set_result(None)

    for _ in range(CALLBACKS):
        loop.call_soon(tick)
    await done
    return count


async def websocket_traffic(frames: list[dict]) -> dict[str, int]:
    counts = {"text": 0, "preview": 0, "finished": 0}
    async with running_fake() as fake, ComfyClient(fake.url) as client:
        fake.ws_scripts = [frames * RUNS]
        stream = client.events()
        async with asyncio.timeout(60):
            async for event in stream:
                if isinstance(event, m.PreviewImage):
                    counts["preview"] += 1
                elif not isinstance(event, m.ConnectionEvent):
                    counts["text"] += 1
                if isinstance(event, m.Executing) and event.finished:
                    counts["finished"] += 1
                    if counts["finished"] == RUNS:
                        break
        await stream.close()
    return counts


async def scenario(frames: list[dict]) -> tuple[int, dict[str, int]]:
    loop = asyncio.get_running_loop()
    ticks, traffic = await asyncio.gather(callbacks(loop), websocket_traffic(frames))
    return ticks, traffic


def test_qasync_loop_survives_callbacks_and_websocket_traffic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frames = ws_frames("01-success-with-previews/ws_submitter.jsonl")[1:]
    frames.append({"binary": {"base64": base64.b64encode(struct.pack(">II", 9, 0)).decode()}})
    texts = sum("json" in f for f in frames)
    previews = sum("binary" in f for f in frames) - 1  # the event-9 frame is skipped
    if "QT_QPA_PLATFORM" not in os.environ:
        monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    try:
        ticks, traffic = loop.run_until_complete(scenario(frames))
    finally:
        loop.close()
        asyncio.set_event_loop(None)
        # Collect the loop's QObjects here, on the GUI thread: a later cyclic GC pass in a
        # worker thread would destroy their timers from the wrong thread.
        del loop
        gc.collect()
    assert ticks == CALLBACKS
    # +2: the fake's greeting (status with sid, feature_flags) on the one connection.
    assert traffic == {"text": texts * RUNS + 2, "preview": previews * RUNS, "finished": RUNS}
