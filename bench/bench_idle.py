"""Connected and idle: a new ``python -m desktop --demo`` process, once settled, measured
doing nothing: CPU use, the longest GUI stall (a periodic timer doing work would show) and
resident memory. See ``bench.startup_probe idle``."""

from __future__ import annotations

import asyncio
import json

from bench.bench_startup import _timed_line
from bench.harness import Context, Metric

CPU_TARGET = 1.0  # percent of one core
STALL_TARGET_MS = 50.0
RSS_TARGET_MB = 150.0


async def run(ctx: Context) -> None:
    settle, seconds = (2, 5) if ctx.quick else (3, 30)
    args = ["-m", "bench.startup_probe", "idle", str(settle), str(seconds)]
    cpu, stall, rss, stalls = [], [], [], 0
    for _ in range(ctx.repeats(2, 1)):
        _elapsed, line = await asyncio.to_thread(_timed_line, args, "{")
        result = json.loads(line)
        if "error" in result:
            raise RuntimeError(f"the idle probe failed: {result['error']}")
        cpu.append(result["cpu_percent"])
        stall.append(result["max_stall_ms"])
        rss.append(result["rss_mb"])
        stalls += result["stalls_over_20ms"]
    how = (
        f"python -m desktop --demo; once connected with the node list loaded, {settle} s to "
        f"settle, then {seconds} s for CPU and {seconds} s for stalls"
    )
    ctx.add(
        Metric(
            "idle, connected: CPU use",
            "%",
            cpu,
            target=CPU_TARGET,
            judge="max",
            note=f"process CPU time (every thread, the in-process demo server included) / wall "
            f"time; {how}",
        )
    )
    ctx.add(
        Metric(
            "idle, connected: longest GUI stall",
            "ms",
            stall,
            target=STALL_TARGET_MS,
            judge="max",
            note=f"10 ms probe timer on the app's loop; {stalls} ticks over 20 ms in all runs",
        )
    )
    ctx.add(
        Metric(
            "idle, connected: resident memory",
            "MB",
            rss,
            target=RSS_TARGET_MB,
            judge="max",
            note=f"RSS of the app process at the end; {how}",
        )
    )
