"""The artist's first hour: starter cards on the empty form, File › New from Template, and the
server's template gallery — against the demo server, clicking real widgets."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QListWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from desktop.app import AppOptions
from desktop.comfy.client import ComfyClient
from desktop.comfy.object_info import ObjectInfo
from desktop.demo.config import DemoConfig, showcase_models
from desktop.jobs.model import JobState
from desktop.ui.composition import build_panels
from desktop.ui.connection.model import Phase
from desktop.ui.templates.gallery_dialog import BLOCKED_ROLE, ICON, TemplateGalleryDialog
from desktop.ui.templates.library import LibraryState, TemplateLibrary
from desktop.workflow.starters import StarterKind
from tests.conftest import recorded_object_info_raw
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_phase, wait_until
from tests.ui.workspace_support import Driver, connect_to, start_app

__all__ = ["make_app"]
pytestmark = [QT_NOISE, pytest.mark.demo_only]


class DialogWatch(QObject):
    """Remembers every file dialog shown anywhere in the app."""

    def __init__(self) -> None:
        super().__init__()
        self.file_dialogs = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QFileDialog):
            self.file_dialogs += 1
        return False


class Artist:
    """Every gesture of the artist goes through :meth:`click`, which counts it."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.clicks = 0

    def click(self, widget: QWidget) -> None:
        assert widget.isVisible(), widget
        assert widget.isEnabled(), widget
        self.clicks += 1
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


async def test_first_launch_to_first_picture_in_two_clicks(make_app: AppFactory, qtbot) -> None:
    watch = DialogWatch()
    QApplication.instance().installEventFilter(watch)
    app = make_app(AppOptions(demo=True), panels=build_panels)
    run = asyncio.ensure_future(app.run())  # exactly what `comfydesk --demo` does
    try:
        await wait_phase(app, Phase.CONNECTED)
        driver = Driver(app, qtbot, None)
        await wait_until(lambda: driver.workspace.object_info is not None)
        artist = Artist(qtbot)
        panel = driver.panel
        assert panel.stack.currentWidget() is panel.empty_page  # "No workflow open" + cards

        artist.click(panel.starter_cards.cards[StarterKind.TEXT_TO_IMAGE])  # 1
        await wait_until(lambda: driver.workspace.form.is_loaded())
        assert panel.stack.currentWidget() is driver.view
        assert driver.workspace.message == ""  # fitted to the server: nothing to fix
        assert app.window.windowTitle().startswith("Text to image — ")

        session = app.connection.session
        assert session is not None
        artist.click(panel.generate_bar.button)  # 2
        await wait_until(lambda: len(session.jobs.jobs()) == 1)
        (job,) = session.jobs.jobs()
        done = await session.jobs.wait(job.id, timeout=60)
        assert done.state is JobState.SUCCEEDED
        gallery = await driver.gallery()
        await wait_until(lambda: gallery.model.rowCount() >= 1)
        assert gallery.model.entries()[0].path == done.saved_paths[0]
        assert done.saved_paths[0].is_file()

        assert artist.clicks <= 3
        assert watch.file_dialogs == 0
    finally:
        QApplication.instance().removeEventFilter(watch)
        app.request_quit()
        assert await asyncio.wait_for(run, 20) == 0


async def test_starters_say_what_they_fitted_to_the_server(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    driver = await start_app(make_app, qtbot, demo_server)
    cards = driver.panel.starter_cards
    await wait_until(lambda: all(not c.picture.pixmap().isNull() for c in cards.cards.values()))

    qtbot.mouseClick(cards.cards[StarterKind.UPSCALE], Qt.MouseButton.LeftButton)
    await wait_until(lambda: driver.workspace.form.is_loaded())
    # The recorded server has no upscale model: a plain resize, said plainly.
    assert "no upscale model" in driver.workspace.message
    assert not driver.workspace.message_is_error
    classes = {n.class_type for n in driver.workspace.form.workflow().nodes.values()}
    assert "ImageScaleBy" in classes

    (job,) = await driver.generate()
    done = await driver.finished(job)
    assert done.state is JobState.SUCCEEDED
    await driver.app.shutdown()


async def test_a_starter_chosen_while_connecting_opens_once_connected(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    driver = await start_app(make_app, qtbot, demo_server, connect=False)
    card = driver.panel.starter_cards.cards[StarterKind.IMAGE_TO_IMAGE]
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert driver.workspace.message == "“Image to image” opens as soon as the server is connected."
    assert not driver.workspace.message_is_error
    assert not driver.workspace.form.is_loaded()

    await connect_to(driver, demo_server)
    await wait_until(lambda: driver.workspace.form.is_loaded())
    assert driver.workspace.form.workflow().name == "Image to image"
    assert driver.workspace.message == ""
    await driver.app.shutdown()


async def test_new_from_template_menu_opens_a_starter(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    driver = await start_app(make_app, qtbot, demo_server)
    menu = driver.app.window.new_menu
    menu.aboutToShow.emit()
    titles = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert titles == [
        "Text to image",
        "Image to image",
        "Inpaint",
        "Upscale",
        "Server Templates…",
    ]
    menu.actions()[2].trigger()  # Inpaint
    await wait_until(lambda: driver.workspace.form.is_loaded())
    workflow = driver.workspace.form.workflow()
    assert "VAEEncodeForInpaint" in {n.class_type for n in workflow.nodes.values()}
    assert "transparent part of the picture" in driver.workspace.message
    assert driver.workspace.form.validate() == []
    await driver.app.shutdown()


async def test_template_gallery_marks_what_the_server_cannot_run_and_opens_the_rest(
    make_app: AppFactory, qtbot, demo_server_factory
) -> None:
    demo = await demo_server_factory(DemoConfig(models=showcase_models()))
    driver = await start_app(make_app, qtbot, demo)
    qtbot.mouseClick(driver.panel.starter_cards.browse, Qt.MouseButton.LeftButton)
    dialog = _gallery(driver)
    await wait_until(lambda: dialog.library.state is LibraryState.READY)
    assert dialog.grid.count() == 3
    await wait_until(lambda: all(dialog.library.check(n) is not None for n in _names(dialog)))
    flux = _item(dialog, "flux_schnell")
    assert flux.data(BLOCKED_ROLE) is True
    assert _item(dialog, "default").data(BLOCKED_ROLE) is False
    await wait_until(lambda: _shows_picture(dialog, "default"))  # the server's thumbnail
    await wait_until(lambda: _shows_picture(dialog, "flux_schnell"))

    dialog.search.setText("flux")
    assert [n for n in _names(dialog) if not _item(dialog, n).isHidden()] == ["flux_schnell"]
    assert dialog.status.text() == "1 template match."
    dialog.grid.setCurrentItem(flux)
    assert "flux1-schnell-fp8.safetensors" in dialog.details.text()
    assert not dialog.open_button.isEnabled()

    dialog.search.clear()
    dialog.grid.setCurrentItem(_item(dialog, "default"))
    assert dialog.open_button.isEnabled()
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    await wait_until(lambda: driver.workspace.form.is_loaded())
    await wait_until(lambda: not dialog.isVisible())
    assert driver.workspace.form.workflow().name == "Image Generation"
    (job,) = await driver.generate()
    assert (await driver.finished(job)).state is JobState.SUCCEEDED
    await driver.app.shutdown()


def _gallery(driver: Driver) -> TemplateGalleryDialog:
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, TemplateGalleryDialog)]
    visible = [d for d in dialogs if d.isVisible()]
    assert len(visible) == 1
    return visible[0]


def _shows_picture(dialog: TemplateGalleryDialog, name: str) -> bool:
    """The tile holds an opaque picture, not the translucent placeholder."""
    tile = _item(dialog, name).icon().pixmap(ICON).toImage()
    return tile.pixelColor(ICON.width() // 2, ICON.height() // 2).alpha() == 255


def _names(dialog: TemplateGalleryDialog) -> list[str]:
    return dialog.names()


def _item(dialog: TemplateGalleryDialog, name: str) -> QListWidgetItem:
    item = dialog.item(name)
    assert item is not None, name
    return item


async def test_a_server_without_a_template_library_says_so(qtbot) -> None:
    app = web.Application()  # 404 everywhere, like a server without the templates package
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    client = ComfyClient(f"http://127.0.0.1:{runner.addresses[0][1]}")
    info = ObjectInfo(recorded_object_info_raw())
    library = TemplateLibrary(lambda: client, lambda: info)
    dialog = TemplateGalleryDialog(library)
    qtbot.addWidget(dialog)
    try:
        library.load()
        await wait_until(lambda: library.state is LibraryState.NONE)
        assert dialog.status.text().startswith("This server has no template library")
        assert dialog.grid.count() == 0
    finally:
        await library.shutdown()
        await client.close()
        await runner.cleanup()


async def test_in_chinese_cards_and_server_templates_speak_chinese(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    driver = await start_app(make_app, qtbot, demo_server)
    driver.app.translations.apply("zh_CN")
    cards = driver.panel.starter_cards
    assert cards.cards[StarterKind.TEXT_TO_IMAGE].title.text() == "文生图"
    assert cards.browse.text() == "浏览服务器上的模板…"
    for card in cards.cards.values():  # once laid out, no wrapped line is cut off
        await wait_until(lambda c=card: c.height() >= c.heightForWidth(c.width()))
    qtbot.mouseClick(cards.browse, Qt.MouseButton.LeftButton)
    dialog = _gallery(driver)
    await wait_until(lambda: dialog.library.state is LibraryState.READY)
    assert _item(dialog, "default").text() == "图像生成"  # the server's index.zh.json
    assert dialog.status.text() == "此服务器上有 3 个模板。"
    dialog.reject()
    await driver.app.shutdown()


async def test_closing_the_gallery_cancels_what_it_still_fetches(qtbot) -> None:
    """A server that never sends a picture: cancelling the library ends every request."""
    started, cancelled = asyncio.Event(), asyncio.Event()
    index = [{"title": "A", "templates": [{"name": "slow", "title": "Slow"}]}]

    async def stalled(_request: web.Request) -> web.Response:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("unreachable")

    async def index_json(_request: web.Request) -> web.Response:
        return web.json_response(index)

    app = web.Application()
    app.router.add_get("/templates/index.json", index_json)
    app.router.add_get("/templates/slow-1.webp", stalled)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    client = ComfyClient(f"http://127.0.0.1:{runner.addresses[0][1]}")
    info = ObjectInfo(recorded_object_info_raw())
    library = TemplateLibrary(lambda: client, lambda: info)
    dialog = TemplateGalleryDialog(library)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        library.load()
        await wait_until(lambda: library.state is LibraryState.READY)
        async with asyncio.timeout(10):
            await started.wait()  # the dialog asked for the tile on screen
        async with asyncio.timeout(10):
            await library.cancel()
            await cancelled.wait()  # the server saw the request go away
        assert library.check("slow") is None
        assert library.running == 0
    finally:
        await library.shutdown()
        await client.close()
        await runner.cleanup()
