"""The first window fits the screen (also at 150 % scaling) and its docks keep useful
proportions: a form of >= 400 px and >= 1.5 gallery rows at 1280x800, growing with the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from desktop.ui.connection.model import Phase
from desktop.ui.gallery.view import GalleryView
from desktop.ui.main_window import MIN_FORM_WIDTH, MainWindow, fitted_geometry
from desktop.ui.panels import Panel
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_phase, wait_until
from tests.ui.test_app_window import make_vm
from tests.ui.workspace_support import API, Driver, start_app

__all__ = ["make_app"]
pytestmark = [QT_NOISE, pytest.mark.demo_only]

SAMPLE = API / "txt2img_batch2_subfolder.json"


async def full_app(make_app: AppFactory, qtbot) -> Driver:
    """The app as ``comfydesk --demo`` starts it (the status bar's demo label and server
    details in), with a workflow open and the gallery in its dock."""
    app = await start_app(make_app, qtbot, None, connect=False)
    await app.app.start_demo()
    await wait_phase(app.app, Phase.CONNECTED)
    await wait_until(lambda: app.workspace.object_info is not None)
    await app.open(SAMPLE)
    await app.gallery()
    return app


def gallery_rows(view: GalleryView) -> float:
    """How many rows of tiles the gallery's list shows."""
    tile = view.delegate.sizeHint(QStyleOptionViewItem(), QModelIndex())
    return view.list.viewport().height() / (tile.height() + 2 * view.list.spacing())


async def settle(window, width: int, height: int) -> None:
    window.resize(width, height)
    await wait_until(lambda: window.size().width() == width and window.size().height() == height)


def test_the_first_window_takes_most_of_the_available_area_and_is_centred() -> None:
    available = QRect(0, 30, 1280, 770)  # a 1280x800 screen with a top panel
    rect = fitted_geometry(available)
    assert available.contains(rect)
    assert rect.width() >= 1100
    assert rect.height() >= 650
    assert rect.center() == available.center()
    # 150 % scaling: Qt works in device-independent pixels, so the same screen is 853x533.
    scaled = fitted_geometry(QRect(0, 0, 853, 533))
    assert scaled.width() <= 853
    assert scaled.height() <= 533


async def test_the_window_fits_the_screen_with_every_panel_in(make_app: AppFactory, qtbot) -> None:
    app = await full_app(make_app, qtbot)
    window = app.app.window
    available = window.screen().availableGeometry()
    assert available.contains(window.geometry())
    # Even a 1280x800 screen at 150 % (853x533 device-independent pixels) holds the window:
    # nothing in it needs more room than the fitted size.
    scaled = fitted_geometry(QRect(0, 0, 1280 * 2 // 3, 800 * 2 // 3))
    minimum = window.minimumSizeHint()
    assert minimum.width() <= scaled.width(), minimum
    assert minimum.height() <= scaled.height(), minimum


async def test_at_1280x800_the_form_and_the_gallery_get_their_room(
    make_app: AppFactory, qtbot
) -> None:
    app = await full_app(make_app, qtbot)
    window = app.app.window
    gallery = await app.gallery()
    await settle(window, 1280, 800)
    await wait_until(lambda: window.dock(Panel.FORM).width() >= MIN_FORM_WIDTH)
    await wait_until(lambda: gallery_rows(gallery) >= 1.5)
    assert window.centralWidget().width() >= 300  # the live preview keeps a usable size


async def test_a_larger_window_grows_the_docks_too_and_keeps_the_artists_proportions(
    make_app: AppFactory, qtbot
) -> None:
    app = await full_app(make_app, qtbot)
    window = app.app.window
    form, gallery_dock = window.dock(Panel.FORM), window.dock(Panel.GALLERY)
    await settle(window, 1280, 800)
    small_form, small_gallery = form.width(), gallery_dock.height()

    await settle(window, 1920, 1080)
    await wait_until(lambda: form.width() >= small_form * 1.3)
    await wait_until(lambda: gallery_dock.height() >= small_gallery * 1.2)

    # The artist drags the form's edge wider (the window sees the mouse on the separator) ...
    window.resizeDocks([form], [900], Qt.Orientation.Horizontal)
    await wait_until(lambda: form.width() == 900)
    separator = QPointF(form.geometry().right() + 2, form.geometry().center().y())
    release = QMouseEvent(
        QEvent.Type.MouseButtonRelease,
        separator,
        QPointF(window.mapToGlobal(separator)),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, release)
    # ... and that share of the width survives going back to a smaller window.
    await settle(window, 1280, 800)
    await wait_until(lambda: abs(form.width() - 900 * 1280 / 1920) <= 12)


def test_a_window_saved_on_a_bigger_screen_comes_back_inside_this_one(qtbot) -> None:
    big = MainWindow(make_vm([]))
    qtbot.addWidget(big)
    big.setGeometry(0, 0, 2400, 1500)  # e.g. saved on a 4K monitor, or at 100 % scaling
    geometry, state = big.save_layout()

    window = MainWindow(make_vm([]))
    qtbot.addWidget(window)
    window.restore_layout(geometry, state)
    window.show()
    available = window.screen().availableGeometry()
    assert available.contains(window.geometry()), (window.geometry(), available)
