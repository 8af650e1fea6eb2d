"""Widget tests run their async test functions on a qasync loop, the same loop the app uses,
so awaiting in a test also pumps Qt events."""

from __future__ import annotations

import gc

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from desktop.ui.event_loop import EventLoop


class _TestLoop(EventLoop):
    """qasync keeps a Qt timer for every ``call_later`` until it fires, even after the handle is
    cancelled or the loop closed (each ``asyncio.timeout()`` leaves one). Its timer object may
    then be garbage-collected on a worker thread during a later test, and Qt warns "Timers
    cannot be stopped from another thread". Kill them on the GUI thread when the loop closes."""

    def close(self) -> None:
        super().close()
        timer = self._timer
        pending = getattr(timer, "_SimpleTimer__callbacks", None)
        if isinstance(pending, dict):
            for timer_id in list(pending):
                timer.killTimer(timer_id)
            pending.clear()


def pytest_asyncio_loop_factories(config, item):
    def make_loop() -> qasync.QEventLoop:
        app = QApplication.instance() or QApplication([])
        return _TestLoop(app)

    return {"qt": make_loop}


@pytest.fixture(autouse=True)
def _collect_widget_cycles():
    """Collect Qt objects caught in Python reference cycles on the GUI thread, right after the
    test. Left to chance, the cyclic GC can run on a worker thread (asyncio.to_thread) and Qt
    then warns "Timers cannot be stopped from another thread"."""
    yield
    gc.collect()
