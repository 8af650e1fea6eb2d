"""``python -m bench [--quick] [--only SUBSTRING] [--update-baseline]``.

Runs every ``bench/bench_*.py`` module's ``run(ctx)`` coroutine on a qasync loop with an
offscreen QApplication (the loop the app itself uses), prints a table, writes
``bench/results/latest.json`` and fails only on a >3× regression against ``bench/baseline.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.harness import (
    BASELINE,
    Context,
    Metric,
    machine_info,
    regressions,
    render_table,
    write_results,
)

HERE = Path(__file__).resolve().parent


def discover(only: str | None) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    return [n for n in names if not only or only in n]


async def run_all(ctx: Context, modules: list[str], owners: dict[str, str]) -> list[str]:
    """Run the modules; ``owners`` learns which module produced each metric."""
    failures = []
    for name in modules:
        print(f"… {name}", end="", flush=True)
        start = time.perf_counter()
        first = len(ctx.metrics)
        try:
            module = importlib.import_module(f"bench.{name}")
            await module.run(ctx)
        except Exception:
            print()
            traceback.print_exc()
            failures.append(name)
        owners.update((m.name, name) for m in ctx.metrics[first:])
        print(f" {time.perf_counter() - start:.1f} s", flush=True)
    return failures


async def remeasure(ctx: Context, owners: dict[str, str]) -> list[str]:
    """A noisy neighbour can make one run look 3× slower. Before calling anything a
    regression, run the modules concerned once more and keep every sample of both runs (the
    check compares best samples, so only a slowdown seen in both runs survives)."""
    worse = regressions(ctx.metrics)
    if not worse:
        return []
    suspects = sorted({owners[m.name] for m in ctx.metrics if _named_in(m.name, worse)})
    print(f"re-measuring {', '.join(suspects)} before reporting a regression")
    again = Context(quick=ctx.quick)
    await run_all(again, suspects, {})
    extra = {m.name: m.samples for m in again.metrics}
    for m in ctx.metrics:
        m.samples.extend(extra.get(m.name, []))
    return regressions(ctx.metrics)


def _named_in(name: str, lines: list[str]) -> bool:
    return any(line.startswith(f"{name}: ") for line in lines)


# The offscreen platform says these for every window; they would bury the results table.
_QT_NOISE = ("This plugin does not support propagateSizeHints()",)


def _qt_message(_kind: object, _context: object, message: str) -> None:
    if message not in _QT_NOISE:
        print(message, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (CI, < 60 s)")
    parser.add_argument("--only", help="run benchmark modules whose name contains this")
    parser.add_argument("--update-baseline", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Benchmarks must never touch the user's real settings, library or cache.
    sandbox = Path(tempfile.mkdtemp(prefix="comfydesk-bench-"))
    for kind in ("CONFIG", "DATA", "CACHE", "LOG"):
        os.environ[f"COMFYDESK_{kind}_DIR"] = str(sandbox / kind.lower())
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from desktop.ui.event_loop import EventLoop

    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Benchmarks open and close windows; closing the last one must not stop the loop.
    app.setQuitOnLastWindowClosed(False)
    loop = EventLoop(app)
    asyncio.set_event_loop(loop)
    ctx = Context(quick=args.quick)
    info = machine_info()
    started = time.perf_counter()
    owners: dict[str, str] = {}
    try:
        with loop:
            failed = loop.run_until_complete(run_all(ctx, discover(args.only), owners))
            worse = loop.run_until_complete(remeasure(ctx, owners))
    finally:
        shutil.rmtree(sandbox, ignore_errors=True)
    info["load_average_after"] = machine_info().get("load_average")
    info["wall_seconds"] = round(time.perf_counter() - started, 1)

    print()
    print(render_table(ctx.metrics))
    for name, reason in ctx.pending:
        print(f"PENDING {name}: {reason}")
    out = write_results(ctx.metrics, args.quick, pending=ctx.pending, info=info)
    load = info.get("load_average")
    print(
        f"\nresults: {out.relative_to(HERE.parent)} ({info['wall_seconds']} s; load before {load})"
    )
    if args.update_baseline:
        if failed:
            print("baseline NOT updated: some benchmark modules failed")
        else:
            write_results(ctx.metrics, args.quick, BASELINE, pending=ctx.pending, info=info)
            print(f"baseline updated: {BASELINE.name}")
    for line in worse:
        print(f"REGRESSION {line}")
    for name in failed:
        print(f"ERROR in {name}")
    return 1 if worse or failed else 0


__all__ = ["Metric", "main"]

if __name__ == "__main__":
    sys.exit(main())
