"""Unexpected errors become a non-blocking dialog and a log entry; task failures go the same
way; TaskOwner cancels and awaits what it owns."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop.ui.errors import ExceptionReporter
from desktop.ui.tasks import TaskOwner
from tests.ui.app_support import QT_NOISE, wait_until

pytestmark = [QT_NOISE]


@pytest.fixture
def reporter(qtbot: QtBot) -> Iterator[ExceptionReporter]:
    reporter = ExceptionReporter()
    yield reporter
    reporter.close()


def _raise(message: str) -> tuple[type[BaseException], BaseException, Any]:
    try:
        raise RuntimeError(message)
    except RuntimeError:
        info = sys.exc_info()
    assert info[0] is not None
    assert info[1] is not None
    return info[0], info[1], info[2]


async def test_an_error_shows_a_dialog_with_copyable_redacted_details(
    reporter: ExceptionReporter, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, "comfydesk.ui"):
        reporter.excepthook(*_raise("request failed with Authorization: Bearer sk-abc123"))
        # the dialog is shown through a queued signal
        await wait_until(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert not dialog.isModal()
    assert dialog.summary.text() == "RuntimeError: request failed with Authorization: Bearer ***"
    assert dialog.headline.text().startswith("ComfyDesk ran into an unexpected problem.")
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "Traceback (most recent call last)" in copied
    assert "sk-abc123" not in copied
    assert "Unexpected error" in caplog.text

    reporter.excepthook(*_raise("second"))
    await wait_until(lambda: dialog.error_count == 2)
    assert dialog.error_count == 2
    assert dialog.headline.text().startswith("ComfyDesk ran into 2 unexpected problems.")
    dialog.close()
    assert dialog.error_count == 0


async def test_errors_in_threads_reach_the_dialog(reporter: ExceptionReporter) -> None:
    reporter.install()
    try:
        thread = threading.Thread(target=lambda: 1 / 0)
        thread.start()
        thread.join()
        await wait_until(lambda: reporter.dialog is not None)
    finally:
        reporter.uninstall()
    assert reporter.dialog is not None
    assert reporter.dialog.summary.text() == "ZeroDivisionError: division by zero"


def test_install_and_uninstall_restore_the_hooks(reporter: ExceptionReporter) -> None:
    before = sys.excepthook, threading.excepthook
    reporter.install()
    assert sys.excepthook == reporter.excepthook
    reporter.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


async def test_task_failure_is_logged_signalled_and_reported(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    reported: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda t, e, tb: reported.append(e))
    owner = TaskOwner(area="queue")

    async def broken() -> None:
        raise ValueError("bad value")

    failures: list[tuple[str, BaseException]] = []
    owner.failed.connect(lambda name, error: failures.append((name, error)))
    with caplog.at_level(logging.ERROR):
        task = owner.start(broken(), name="load queue")
        with pytest.raises(ValueError):
            await task
        await asyncio.sleep(0)  # done callbacks run on the next loop turn
    assert [(name, str(error)) for name, error in failures] == [("load queue", "bad value")]
    assert [str(e) for e in reported] == ["bad value"]
    assert "Task 'load queue' failed" in caplog.text
    assert owner.running == 0


async def test_shutdown_cancels_and_awaits_every_task() -> None:
    owner = TaskOwner(report_to_excepthook=False)
    cancelled: list[str] = []

    async def forever(name: str) -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            await asyncio.sleep(0)  # cleanup that itself awaits
            cancelled.append(name)
            raise

    owner.start(forever("a"), name="a")
    owner.start(forever("b"), name="b")
    await asyncio.sleep(0)
    assert owner.running == 2
    await owner.shutdown()
    assert sorted(cancelled) == ["a", "b"]
    assert owner.running == 0
    coro = forever("late")
    with pytest.raises(RuntimeError, match="shut down"):
        owner.start(coro, name="late")
