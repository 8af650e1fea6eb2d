"""Widget tests run their async test functions on a qasync loop, the same loop the app uses,
so awaiting in a test also pumps Qt events."""

from __future__ import annotations

import gc

import pytest
import qasync
from PySide6.QtWidgets import QApplication


def pytest_asyncio_loop_factories(config, item):
    def make_loop() -> qasync.QEventLoop:
        app = QApplication.instance() or QApplication([])
        return qasync.QEventLoop(app)

    return {"qt": make_loop}


@pytest.fixture(autouse=True)
def _collect_widget_cycles():
    """Collect Qt objects caught in Python reference cycles on the GUI thread, right after the
    test. Left to chance, the cyclic GC can run on a worker thread (asyncio.to_thread) and Qt
    then warns "Timers cannot be stopped from another thread"."""
    yield
    gc.collect()
