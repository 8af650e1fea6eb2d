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
    ("desktop.library (SQLite, Pillow)", "desktop.library"),
    ("desktop.ui.form", "desktop.ui.form"),
    ("desktop.ui.gallery", "desktop.ui.gallery"),
)


def first_paint() -> None:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
                # The network stack should load after the first paint (PERFORMANCE-NOTES T9).
                loaded = {"modules": len(sys.modules), "aiohttp": "aiohttp" in sys.modules}
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
    {"first-paint": first_paint, "imports": imports}[sys.argv[1]]()
