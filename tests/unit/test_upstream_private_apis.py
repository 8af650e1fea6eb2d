"""The few private upstream names ComfyDesk leans on, checked where an upgrade would change
them, so a new asyncio, qasync or pytest-qt fails here by name instead of as a stray "no running
event loop" somewhere else.

- ``asyncio.events._set_running_loop``: ``desktop/ui/event_loop.EventLoop._pump_once`` marks
  its loop running for qasync's last Qt event pump (qasync pumps with no running loop).
- ``pytestqt.plugin._process_events`` / ``_close_widgets``: ``tests/ui/conftest.py`` wraps
  them the same way for the pumps pytest-qt does around each test.
"""

from __future__ import annotations

import asyncio
import inspect

import pytestqt.plugin
import qasync


def test_set_running_loop_is_what_get_running_loop_reports() -> None:
    loop = asyncio.new_event_loop()
    try:
        asyncio.events._set_running_loop(loop)
        try:
            assert asyncio.get_running_loop() is loop
        finally:
            asyncio.events._set_running_loop(None)
        assert asyncio.events._get_running_loop() is None
    finally:
        loop.close()


def test_pytest_qt_still_has_the_pumps_the_ui_tests_wrap() -> None:
    for name in ("_process_events", "_close_widgets"):
        step = getattr(pytestqt.plugin, name)
        assert inspect.isfunction(step), name


def test_qasync_still_has_the_run_until_complete_event_loop_overrides() -> None:
    # EventLoop overrides run_until_complete and calls run_forever/stop/is_running: if qasync
    # renames or drops them, the override silently stops being used.
    for name in ("run_until_complete", "run_forever", "stop", "is_running"):
        assert callable(getattr(qasync.QEventLoop, name)), name
    assert list(inspect.signature(qasync.QEventLoop.run_until_complete).parameters)[:2] == [
        "self",
        "future",
    ]
