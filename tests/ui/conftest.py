"""Widget tests run their async test functions on a qasync loop, the same loop the app uses,
so awaiting in a test also pumps Qt events."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytestqt.plugin
import qasync
from PySide6.QtWidgets import QApplication

from desktop.library import Library
from desktop.ui.event_loop import EventLoop
from desktop.ui.i18n import Translations


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


_latest: list[_TestLoop] = []


def pytest_asyncio_loop_factories(config, item):
    def make_loop() -> qasync.QEventLoop:
        app = QApplication.instance() or QApplication([])
        loop = _TestLoop(app)
        _latest[:] = [loop]
        return loop

    return {"qt": make_loop}


def _as_the_loop(qt_step):
    """pytest-qt pumps Qt events and closes widgets after a test's call and around its
    teardown. Under qasync that runs the test loop's timer and socket callbacks (and slots),
    which need their loop to be the running one — else a still-alive task, say the demo
    server's worker, fails with "no running event loop". Mark it running for the step, as the
    app's EventLoop does for its last pump."""

    def step(*args, **kwargs):
        loop = _latest[0] if _latest else None
        if loop is None or loop.is_closed() or loop.is_running():
            return qt_step(*args, **kwargs)
        asyncio.events._set_running_loop(loop)
        try:
            return qt_step(*args, **kwargs)
        finally:
            asyncio.events._set_running_loop(None)

    return step


pytestqt.plugin._process_events = _as_the_loop(pytestqt.plugin._process_events)
pytestqt.plugin._close_widgets = _as_the_loop(pytestqt.plugin._close_widgets)


@pytest.fixture(autouse=True, scope="session")
def _english_plural_forms():
    """The app always installs the English plural forms ("1 picture", "2 pictures"); widget
    tests built without the app get them too."""
    app = QApplication.instance() or QApplication([])
    # As in the app (desktop/app.py): closing a test's last window must not quit the loop
    # the next test runs on ("Event loop stopped before Future completed").
    app.setQuitOnLastWindowClosed(False)
    translations = Translations(app)
    translations.apply("en")
    return translations  # kept for the session: Qt drops a garbage-collected translator


@pytest.fixture(autouse=True)
def _collect_widget_cycles():
    """Collect Qt objects caught in Python reference cycles on the GUI thread, right after the
    test. Left to chance, the cyclic GC can run on a worker thread (asyncio.to_thread) and Qt
    then warns "Timers cannot be stopped from another thread"."""
    yield
    gc.collect()


@pytest.fixture
async def library(tmp_path: Path) -> AsyncIterator[Library]:
    """An empty library in this test's folder, closed afterwards."""
    lib = await Library.open(tmp_path / "library")
    yield lib
    await lib.close()
