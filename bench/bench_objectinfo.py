"""/object_info parse + index, for the recorded document and a synthetic 20 MB one."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench.harness import Context, Metric, time_call
from bench.shared_paths import RECORDED_OBJECT_INFO
from bench.synthetic import write_object_info
from desktop.comfy.object_info import ObjectInfo

SAMPLE_CLASSES = ("KSampler", "CheckpointLoaderSimple", "CLIPTextEncode", "EmptyLatentImage")


def _parse_and_index(raw: bytes) -> ObjectInfo:
    info = ObjectInfo(json.loads(raw))
    for name in SAMPLE_CLASSES:
        info[name]
    return info


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
    big_path = Path(tempfile.gettempdir()) / "comfydesk-bench-object-info-20mb.json"
    big = write_object_info(big_path, 20_000_000).read_bytes()
    ctx.add(
        Metric(
            f"object_info parse+index, synthetic {len(big) / 1e6:.0f} MB (in-loop)",
            "ms",
            time_call(lambda: _parse_and_index(big), ctx.repeats(5, 2)),
            target=1000,
            note="parse cost only; the client parses large documents off the GUI thread",
        )
    )
