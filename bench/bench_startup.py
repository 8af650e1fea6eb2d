"""Start-up: a new ``python -m desktop`` process until its main window first paints, the
``--version`` fast path, and what each layer of the app costs to import."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.harness import Context, Metric
from bench.shared_paths import REPO, WORKFLOWS

PROBE_TIMEOUT = 60.0
FIRST_PAINT = ["-m", "bench.startup_probe", "first-paint"]
OPEN_FILE = WORKFLOWS / "api" / "txt2img_batch2_subfolder.json"
OPEN_FILE_ARGS = ["-m", "bench.startup_probe", "open-file", str(OPEN_FILE)]


# Where the children keep their compiled bytecode. An installed app has it (pip and the
# bundle compile at install time; a source checkout writes __pycache__ on its first run), so a
# start-up measured without it would count ~250 ms of compiling that artists never wait for.
PYCACHE = Path(tempfile.gettempdir()) / "comfydesk-bench-pycache"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # set on some CI machines: nothing would be cached
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO), env.get("PYTHONPATH"))))
    return env


def _timed_line(args: list[str], prefix: str) -> tuple[float, str]:
    """Milliseconds from spawning ``python args`` to its first output line starting with
    ``prefix`` (other output, such as log lines, is skipped), and that line."""
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, *args],
        cwd=REPO,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        line = ""
        for line in proc.stdout:
            if line.startswith(prefix):
                break
        elapsed = (time.perf_counter() - start) * 1000
        try:
            _, err = proc.communicate(timeout=PROBE_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    if not line.startswith(prefix):
        raise RuntimeError(f"{' '.join(args)} never printed {prefix!r}; stderr:\n{err[-2000:]}")
    return elapsed, line.strip()


async def _timed_runs(
    args: list[str], prefix: str, repeats: int
) -> tuple[list[float], list[float], dict]:
    """Wall ms per run, the child's own CPU ms at that line, and the last line's details."""
    samples, cpu, details = [], [], {}
    for _ in range(repeats):
        elapsed, line = await asyncio.to_thread(_timed_line, args, prefix)
        samples.append(elapsed)
        details = json.loads(line.removeprefix(prefix).strip() or "{}")
        cpu.append(float(details.get("cpu_ms", "nan")))
    return samples, cpu, details


def _cpu_metric(name: str, cpu: list[float]) -> Metric:
    return Metric(
        f"{name}: CPU time of the process",
        "ms",
        cpu,
        note="user + system time of the child at that moment; on a machine shared with other "
        "work it is close to what the wall time would be on an idle one",
    )


async def run(ctx: Context) -> None:
    # Untimed warm-up: the first run after an edit compiles .pyc files, which users never see.
    await asyncio.to_thread(_timed_line, FIRST_PAINT, "painted")

    samples, cpu, details = await _timed_runs(FIRST_PAINT, "painted", ctx.repeats(10, 4))
    aiohttp = "loaded" if details.get("aiohttp") else "not loaded"
    ctx.add(
        Metric(
            "start-up: new process to first painted main window",
            "ms",
            samples,
            target=400,
            note=(
                f"python -m desktop's main() on the offscreen platform, warm disk cache; "
                f"{details.get('modules', '?')} modules imported at first paint, aiohttp {aiohttp}"
            ),
        )
    )

    ctx.add(_cpu_metric("start-up: new process to first painted main window", cpu))

    # The first run fills the /object_info cache (in the benchmark's sandbox) for the others.
    await asyncio.to_thread(_timed_line, OPEN_FILE_ARGS, "ready")
    opened, opened_cpu, _details = await _timed_runs(OPEN_FILE_ARGS, "ready", ctx.repeats(6, 2))
    ctx.add(
        Metric(
            "start-up: comfydesk FILE to form ready to edit (warm /object_info cache)",
            "ms",
            opened,
            target=800,
            note=f"main([{OPEN_FILE.name}, --demo]) until the first paint of its form checked "
            "against the server's node list with every row built",
        )
    )
    ctx.add(_cpu_metric("start-up: comfydesk FILE to form ready to edit", opened_cpu))

    version = []
    for _ in range(ctx.repeats(5, 2)):
        elapsed, _line = await asyncio.to_thread(
            _timed_line, ["-m", "desktop", "--version"], "ComfyDesk"
        )
        version.append(elapsed)
    ctx.add(
        Metric(
            "start-up: python -m desktop --version (no Qt)",
            "ms",
            version,
            note="interpreter start + the entry point, the floor for any start-up",
        )
    )

    layers: dict[str, list[float]] = defaultdict(list)
    for _ in range(ctx.repeats(5, 2)):
        _elapsed, line = await asyncio.to_thread(
            _timed_line, ["-m", "bench.startup_probe", "imports"], "{"
        )
        for label, ms in json.loads(line).items():
            layers[label].append(ms)
    for label, ms in layers.items():
        ctx.add(
            Metric(
                f"import {label}",
                "ms",
                ms,
                note="new process; incremental over the layers listed before it",
            )
        )
