"""Actions carry real icons (qtawesome's Material Design font), follow the palette, and the
gallery's actions sit in an icon toolbar with the rare ones in its More menu."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtGui import QAction, QColor, QIcon
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton

from desktop.ui import icons
from desktop.ui.gallery.view import GalleryView
from desktop.ui.icons import GLYPHS, icon, set_icon
from desktop.ui.main_window import MainWindow
from desktop.ui.theme import dark_palette, light_palette
from tests.ui.app_support import QT_NOISE
from tests.ui.test_app_window import make_vm

pytestmark = [QT_NOISE]


def ink(image_icon: QIcon) -> QColor:
    """The average colour of an icon's opaque pixels (the glyph itself)."""
    image = image_icon.pixmap(32).toImage()
    opaque = [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() > 200
    ]
    assert opaque, "the icon drew nothing"
    return QColor(
        sum(c.red() for c in opaque) // len(opaque),
        sum(c.green() for c in opaque) // len(opaque),
        sum(c.blue() for c in opaque) // len(opaque),
    )


def test_every_named_icon_draws_a_glyph(qtbot) -> None:
    for name in GLYPHS:
        assert not icon(name).isNull(), name
        ink(icon(name))


def test_icons_follow_a_switch_between_light_and_dark(qtbot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    action = QAction()
    try:
        app.setPalette(light_palette())
        set_icon(action, "star")
        assert ink(action.icon()).lightness() < 100
        app.setPalette(dark_palette())
        qtbot.waitUntil(lambda: ink(action.icon()).lightness() > 150)
    finally:
        app.setPalette(before)


def test_every_window_action_has_an_icon(qtbot) -> None:
    window = MainWindow(make_vm([]))
    qtbot.addWidget(window)
    for field in fields(window.commands):
        assert not getattr(window.commands, field.name).icon().isNull(), field.name


async def test_the_gallery_bar_is_an_icon_toolbar_with_a_more_menu(qtbot, library) -> None:
    view = GalleryView(library)
    qtbot.addWidget(view)
    view.show()
    await view.loaded()
    try:
        toolbar = view.findChild(QToolBar, "galleryToolBar")
        assert toolbar is not None
        for name in ("star", "delete", "export", "compare"):
            button = toolbar.findChild(QToolButton, f"gallery_{name}_button")
            assert button is not None, name
            assert button.isVisible(), name
            assert button.defaultAction() is view.actions_[name]
            assert not button.icon().isNull(), name
            assert button.toolButtonStyle().name == "ToolButtonIconOnly"
            assert button.toolTip(), name  # the words are in the tooltip
        # Rarer actions: in the More menu, still triggerable and with their shortcut.
        menu = view.more_menu
        assert view.more_button.menu() is menu
        assert menu.actions() == [view.actions_[n] for n in ("import", "refresh", "check")]
        assert view.actions_["refresh"].shortcut().toString() == "F5"
        assert not view.starred_only.icon().isNull()
        # The bar leaves the list room: narrower than the text buttons it replaced.
        assert toolbar.sizeHint().width() < 400
    finally:
        await view.shutdown()


def test_icons_held_back_until_the_window_has_painted_arrive_on_release(qtbot) -> None:
    action = QAction()
    icons.hold_until_painted()
    try:
        set_icon(action, "generate")
        # A blank of the same size holds the place: the icon font is not needed to paint.
        assert not action.icon().isNull()
        blank = action.icon().pixmap(32).toImage()
        assert all(blank.pixelColor(x, y).alpha() == 0 for x in range(32) for y in range(32))
    finally:
        icons.release()
    ink(action.icon())  # the glyph arrived
    later = QAction()
    set_icon(later, "star")
    assert not later.icon().isNull()
