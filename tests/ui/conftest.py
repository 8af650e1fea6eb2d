"""Widget tests run their async test functions on a qasync loop, the same loop the app uses,
so awaiting in a test also pumps Qt events."""

from __future__ import annotations

import qasync
from PySide6.QtWidgets import QApplication


def pytest_asyncio_loop_factories(config, item):
    def make_loop() -> qasync.QEventLoop:
        app = QApplication.instance() or QApplication([])
        return qasync.QEventLoop(app)

    return {"qt": make_loop}
