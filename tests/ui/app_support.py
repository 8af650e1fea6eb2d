"""Shared helpers for the app-shell tests: build a ComfyDeskApp on the test's qasync loop and
take it down again, leaving the global QApplication as it was (style, palette, language)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop.app import AppOptions, ComfyDeskApp
from desktop.settings import SettingsStore
from desktop.ui import icons
from desktop.ui.app_context import AppContext
from desktop.ui.composition import Panels
from desktop.ui.connection.model import Phase

AppFactory = Callable[..., ComfyDeskApp]
WAIT = 20.0  # generous: reconnect backoff and a loaded CI machine

# Offscreen Qt cannot raise/activate windows; harmless for these tests.
QT_NOISE = pytest.mark.qt_log_ignore(
    "This plugin does not support raise",
    "This plugin does not support grabbing the keyboard",
    "This plugin does not support propagateSizeHints",
)


async def wait_phase(app: ComfyDeskApp, *phases: Phase) -> None:
    async with asyncio.timeout(WAIT):
        await app.connection.wait_for(*phases)


async def wait_until(condition: Callable[[], bool]) -> None:
    """Poll widget state (widgets have no awaitable for "this label changed")."""
    async with asyncio.timeout(WAIT):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


def no_panels(_ctx: AppContext) -> Panels:
    """A bare window: the connection, menus and status bar, no panel."""
    return Panels()


def gallery_only(ctx: AppContext) -> Panels:
    from desktop.ui.gallery.panel import GalleryPanel

    return Panels(gallery=GalleryPanel(ctx))


@pytest.fixture
async def make_app(isolated_dirs: dict[str, Path]) -> AsyncIterator[AppFactory]:
    """``make_app(AppOptions(...))`` -> a ComfyDeskApp without extra panels, shut down after."""
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    style, palette = qapp.style().name(), qapp.palette()
    apps: list[ComfyDeskApp] = []

    def factory(options: AppOptions | None = None, **kwargs: object) -> ComfyDeskApp:
        kwargs.setdefault("panels", no_panels)
        kwargs.setdefault("store", SettingsStore(isolated_dirs["config"]))
        app = ComfyDeskApp(qapp, options or AppOptions(), **kwargs)  # type: ignore[arg-type]
        apps.append(app)
        return app

    try:
        yield factory
    finally:
        for app in apps:
            if not app.window.isHidden() or app.connection.session is not None:
                await app.shutdown()
            app.translations.apply("en")
            app.window.deleteLater()
            app.deleteLater()
        icons.release()  # an app that was never run() still holds the icons it made back
        qapp.setStyle(style)
        qapp.setPalette(palette)
        await asyncio.sleep(0)
