"""Child process for the start-up benchmark: ``python -m bench.startup_probe MODE``.

``first-paint``: runs the real ``desktop.app.main([])`` and prints ``painted`` the moment the
main window receives its first paint event, then exits at once (the parent times the whole
process from spawn to that line). ``imports``: imports the app's layers one after another and
prints a JSON object {layer: incremental milliseconds}.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time

# Incremental: each entry costs only what the entries before it did not already import.
IMPORT_LAYERS = (
    ("PySide6.QtWidgets", "PySide6.QtWidgets"),
    ("qasync", "qasync"),
    ("desktop.app (window shell, Qt already loaded)", "desktop.app"),
    ("desktop.comfy.client (aiohttp, protocol)", "desktop.comfy.client"),
    ("desktop.jobs.session (jobs, journal)", "desktop.jobs.session"),
    ("desktop.workflow.sources", "desktop.workflow.sources"),
    ("desktop.library (SQLite, Pillow)", "desktop.library.store"),
    ("desktop.ui.form", "desktop.ui.form"),
    ("desktop.ui.gallery", "desktop.ui.gallery.view"),
)


def _cpu_ms() -> float:
    """CPU time of this process so far (user + system, interpreter start included): on a
    loaded machine the wall time mostly measures the neighbours, this does not."""
    times = os.times()
    return (times.user + times.system) * 1000


def first_paint() -> None:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
                # The network stack should load after the first paint (docs/PERFORMANCE.md §1).
                loaded = {
                    "modules": len(sys.modules),
                    "aiohttp": "aiohttp" in sys.modules,
                    "cpu_ms": _cpu_ms(),
                }
                sys.stdout.write(f"painted {json.dumps(loaded)}\n")
                sys.stdout.flush()
                os._exit(0)  # the parent measured what it wanted; skip the shutdown
            return False

    # main() reuses an existing QApplication, so creating it here only moves that cost.
    qapp = QApplication(sys.argv[:1])
    hook = FirstPaint()
    qapp.installEventFilter(hook)
    from desktop.app import main

    main([])
    sys.exit("the window closed without painting")


def open_file() -> None:
    """``main([FILE, "--demo"])``; prints ``ready`` at the first paint of a form that shows
    FILE's workflow checked against the server's node list with every row built."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from desktop.ui.form.view import FormView

    def ready(widget: QObject) -> bool:
        while widget is not None and not isinstance(widget, FormView):
            widget = widget.parent()
        if widget is None:
            return False
        model = widget.model
        return (
            model.is_loaded()
            and model.object_info() is not None
            and bool(model.specs())
            and widget.is_built()
        )

    class FormReady(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and ready(watched):
                sys.stdout.write(f"ready {json.dumps({'cpu_ms': _cpu_ms()})}\n")
                sys.stdout.flush()
                os._exit(0)
            return False

    qapp = QApplication(sys.argv[:1])
    hook = FormReady()
    qapp.installEventFilter(hook)
    from desktop.app import main

    main([sys.argv[2], "--demo"])
    sys.exit("the window closed before the form was ready")


def idle() -> None:
    """``main(["--demo"])``; once connected and settled, measures ``IDLE_SECONDS`` of doing
    nothing and prints one JSON line: CPU % (over ``seconds``), then the longest event-loop
    stall (over another ``seconds``, with a lag probe), and RSS."""
    import asyncio

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from bench.harness import LagProbe, rss_mb

    settle, seconds = float(sys.argv[2]), float(sys.argv[3])

    import desktop.app

    apps: list[desktop.app.ComfyDeskApp] = []
    original_run = desktop.app.ComfyDeskApp.run

    async def run_and_note(self: desktop.app.ComfyDeskApp) -> int:
        apps.append(self)  # main() keeps the app in a local; the probe needs its connection
        return await original_run(self)

    desktop.app.ComfyDeskApp.run = run_and_note  # type: ignore[method-assign]

    def settled_app() -> bool:
        """Connected, with the node list loaded."""
        from desktop.ui.connection.model import Phase

        if not apps:
            return False
        session = apps[0].connection.session
        return (
            apps[0].connection.phase is Phase.CONNECTED
            and session is not None
            and session.object_info is not None
        )

    async def measure_or_fail() -> None:
        try:
            await measure()
        except BaseException as err:  # the parent waits for a line: always give one, then go
            sys.stdout.write(json.dumps({"error": repr(err)}) + "\n")
            sys.stdout.flush()
            os._exit(1)

    async def measure() -> None:
        async with asyncio.timeout(120):
            while not settled_app():  # noqa: ASYNC110 -- no signal reaches this probe
                await asyncio.sleep(0.25)
        await asyncio.sleep(settle)  # the first paints and caches after connecting
        # CPU first, without the probe: its 100 timer wake-ups a second cost ~3 % by themselves.
        wall, cpu = time.perf_counter(), time.process_time()
        await asyncio.sleep(seconds)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        async with LagProbe(interval=0.01) as probe:
            await asyncio.sleep(seconds)
        late = sorted(probe.lateness_ms)
        result = {
            "cpu_percent": 100 * cpu / wall,
            "max_stall_ms": probe.max_ms,
            "stalls_over_20ms": sum(1 for x in late if x > 20),
            "rss_mb": rss_mb(),
            "tasks": len(asyncio.all_tasks()),
        }
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
        os._exit(0)

    qapp = QApplication(sys.argv[:1])
    tasks = []
    QTimer.singleShot(0, lambda: tasks.append(asyncio.ensure_future(measure_or_fail())))
    desktop.app.main(["--demo"])
    del qapp


def imports() -> None:
    times: dict[str, float] = {}
    for label, module in IMPORT_LAYERS:
        start = time.perf_counter()
        try:
            importlib.import_module(module)
        except ImportError:
            continue  # a layer that has not landed yet
        times[label] = (time.perf_counter() - start) * 1000
    sys.stdout.write(json.dumps(times) + "\n")


if __name__ == "__main__":
    modes = {"first-paint": first_paint, "imports": imports, "open-file": open_file, "idle": idle}
    modes[sys.argv[1]]()
