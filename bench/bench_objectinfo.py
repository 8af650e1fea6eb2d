"""/object_info: parse + index on its own, and fetch + parse + index through the real client
against the in-process demo server, for the recorded 0.5 MB document and a synthetic 20 MB one,
with the longest GUI-loop stall while it happens."""

from __future__ import annotations

import gc
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import Context, LagProbe, Metric, time_call
from bench.shared_paths import RECORDED_OBJECT_INFO
from bench.synthetic import write_object_info
from desktop.comfy.client import ComfyClient
from desktop.comfy.object_info import ObjectInfo
from desktop.demo import DemoConfig, DemoServer

SAMPLE_CLASSES = ("KSampler", "CheckpointLoaderSimple", "CLIPTextEncode", "EmptyLatentImage")
BIG_BYTES = 20_000_000
STALL_TARGET_MS = 50.0


def big_object_info_path() -> Path:
    path = Path(tempfile.gettempdir()) / "comfydesk-bench-object-info-20mb.json"
    return write_object_info(path, BIG_BYTES)


def _index(info: ObjectInfo) -> ObjectInfo:
    """What the app needs right after a fetch: the class list and the workflow's classes."""
    len(info)
    for name in SAMPLE_CLASSES:
        info[name]
    return info


def _parse_and_index(raw: bytes) -> ObjectInfo:
    return _index(ObjectInfo(json.loads(raw)))


async def _fetch(client: ComfyClient) -> ObjectInfo:
    info = _index(await client.object_info())
    gc.freeze()  # as ServerSession does when a node list arrives
    return info


@dataclass
class FetchRun:
    times: list[float] = field(default_factory=list)  # ms per fetch
    stalls: list[float] = field(default_factory=list)  # longest lateness per fetch
    lateness: list[float] = field(default_factory=list)  # every probe sample
    worst: tuple[float, float] = (0.0, 0.0)  # LagProbe.worst over all fetches

    async def measure(self, client: ComfyClient, repeats: int) -> FetchRun:
        for _ in range(repeats):
            async with LagProbe() as probe:
                start = time.perf_counter()
                await _fetch(client)
                self.times.append((time.perf_counter() - start) * 1000)
            self.stalls.append(probe.max_ms)
            self.lateness.extend(probe.lateness_ms)
            self.worst = max(self.worst, probe.worst)
        return self


def stall_note(worst: tuple[float, float]) -> str:
    return (
        f"largest lateness of a 5 ms timer on the qasync loop, per run; the worst "
        f"({worst[0]:.0f} ms) had this process on a CPU for {worst[1]:.0f} ms"
    )


async def _client_metrics(
    ctx: Context, label: str, path: Path, target_ms: float, repeats: int
) -> list[float]:
    server = DemoServer(DemoConfig(object_info_path=path))
    await server.start(port=0)
    try:
        # The demo server encodes the document once and caches it; do that outside the timing
        # (the server shares this loop, a real one would not).
        async with ComfyClient(server.url) as warm:
            await warm.object_info_raw_bytes()

        # A new client, as after connecting: big documents also start the parse worker.
        async with ComfyClient(server.url) as client:
            first = await FetchRun().measure(client, 1)
            again = await FetchRun().measure(client, repeats)
    finally:
        await server.stop()
    note = "ComfyClient.object_info() + class list + 4 classes, in-process demo server"
    ctx.add(
        Metric(
            f"object_info fetch+parse+index via client, {label}",
            "ms",
            again.times,
            target=target_ms,
            note=note,
        )
    )
    ctx.add(
        Metric(
            f"object_info first fetch on a new client, {label}",
            "ms",
            first.times,
            note=note + "; includes starting the parse worker where one is used",
        )
    )
    ctx.add(
        Metric(
            f"longest GUI stall during object_info fetch, {label}",
            "ms",
            first.stalls + again.stalls,  # the first sample is the new client's
            target=STALL_TARGET_MS,
            judge="max",
            note=stall_note(max(first.worst, again.worst)),
        )
    )
    return first.lateness + again.lateness


async def run(ctx: Context) -> None:
    recorded = RECORDED_OBJECT_INFO.read_bytes()
    ctx.add(
        Metric(
            "object_info parse+index, recorded 0.5 MB (in-loop)",
            "ms",
            time_call(lambda: _parse_and_index(recorded), ctx.repeats(20, 5)),
            target=100,
        )
    )
    big_path = big_object_info_path()
    big = big_path.read_bytes()
    big_label = f"synthetic {len(big) / 1e6:.0f} MB"
    ctx.add(
        Metric(
            f"object_info parse+index, {big_label} (in-loop)",
            "ms",
            time_call(lambda: _parse_and_index(big), ctx.repeats(5, 2)),
            target=1000,
            note="json.loads on the GUI thread: what the client avoids by parsing in a worker",
        )
    )

    lateness = await _client_metrics(
        ctx, "recorded 0.5 MB", RECORDED_OBJECT_INFO, 100, ctx.repeats(15, 4)
    )
    lateness += await _client_metrics(ctx, big_label, big_path, 1000, ctx.repeats(5, 3))
    ctx.add(
        Metric(
            "event-loop lag during object_info fetches",
            "ms",
            lateness,
            target=STALL_TARGET_MS,
            judge="p99",
            note="every lateness sample of the 5 ms probe during all client fetches above",
        )
    )
