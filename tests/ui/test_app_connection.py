"""The app against the in-process demo server: connected with details, losing and regaining
the server, authentication, the demo label, the self-test and a clean quit."""

from __future__ import annotations

import asyncio
import json

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop.app import AppOptions
from desktop.secrets import Credentials
from desktop.ui.connection.dialog import ConnectionDialog
from desktop.ui.connection.model import ConnectionRequest, Phase
from tests.demo_fixtures import DemoFactory, DemoHandle
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_phase, wait_until

__all__ = ["make_app"]  # the fixture, imported for pytest

pytestmark = [QT_NOISE]


async def test_launch_shows_connected_with_server_details(
    make_app: AppFactory, demo_server: DemoHandle
) -> None:
    app = make_app(AppOptions(server=demo_server.url))
    run = asyncio.ensure_future(app.run())
    await wait_phase(app, Phase.CONNECTED)
    bar, status = app.window.connection_bar, app.window.status_bar
    await wait_until(lambda: "ComfyUI" in status.server_label.text())
    assert bar.headline.text() == "Connected"
    assert status.state_label.text() == "Connected"
    details = status.server_label.text()
    assert details.startswith("ComfyUI ")
    assert "Queue: 0" in details or "VRAM" in details
    assert bar.url_box.currentText() == demo_server.url
    assert not bar.demo_button.isVisible()
    assert app.settings.server_url == demo_server.url  # remembered for the next start
    assert app.store.load().recent_servers[0] == demo_server.url

    app.request_quit()
    assert await asyncio.wait_for(run, 10) == 0
    assert app.connection.session is None
    assert app.window.isHidden()


@pytest.mark.demo_only
async def test_losing_the_server_shows_why_and_reconnects_by_itself(
    make_app: AppFactory, demo_server: DemoHandle, qtbot: QtBot
) -> None:
    server = demo_server.server
    assert server is not None
    app = make_app()
    app.window.show()
    await app.connection.connect_to(ConnectionRequest(demo_server.url))
    await wait_phase(app, Phase.CONNECTED)

    port = server.port
    await server.stop()
    await wait_phase(app, Phase.DISCONNECTED)
    bar = app.window.connection_bar
    assert bar.headline.text() == "Disconnected"
    assert bar.detail.text().startswith(
        f"ComfyUI is not running at {demo_server.url} — start it, check the address, "
        "or try the demo server."
    )
    assert bar.demo_button.isVisible()
    await wait_until(lambda: bar.countdown.isVisible())
    assert bar.countdown.text().startswith("Reconnecting in ")
    assert bar.retry_button.isVisible()
    # The window stays usable while the session retries in the background.
    app.window.commands.full_screen.trigger()
    assert app.window.isFullScreen()
    app.window.commands.full_screen.trigger()
    assert not app.window.isFullScreen()

    await server.start(port=port)
    await wait_phase(app, Phase.CONNECTED)  # no click needed
    assert bar.headline.text() == "Connected"
    assert not bar.retry_button.isVisible()
    assert not bar.countdown.isVisible()


@pytest.mark.demo_only
async def test_wrong_token_asks_for_authentication_then_the_dialog_fixes_it(
    make_app: AppFactory, demo_server_factory: DemoFactory, qtbot: QtBot
) -> None:
    demo = await demo_server_factory(require_token="s3cret-token")
    app = make_app()
    app.window.show()
    await app.connection.connect_to(
        ConnectionRequest(demo.url, credentials=Credentials(token="wrong-token"))
    )
    await wait_phase(app, Phase.AUTH_REQUIRED)
    bar = app.window.connection_bar
    assert bar.headline.text() == "Authentication needed"
    assert bar.detail.text().startswith(f"The server at {demo.url} asks for an access token.")
    assert bar.token_button.isVisible()
    # No keyring in tests: the artist is told the token lives only for this session.
    assert "kept only until ComfyDesk quits" in app.window.status_bar.currentMessage()

    bar.token_button.click()
    dialog = app.window.findChild(ConnectionDialog)
    assert dialog is not None
    assert dialog.isVisible()
    await wait_until(lambda: dialog.token_edit.text() == "wrong-token")
    dialog.token_edit.setText("s3cret-token")
    dialog.connect_button.click()
    await wait_phase(app, Phase.CONNECTED)
    assert app.connection.session is not None
    assert app.connection.session.client.base_url == demo.url
    settings_text = app.store.path.read_text(encoding="utf-8")
    assert "s3cret-token" not in settings_text
    assert "wrong-token" not in settings_text
    assert json.loads(settings_text)["server_url"] == demo.url


@pytest.mark.demo_only
async def test_demo_mode_is_labelled_as_placeholder_images(make_app: AppFactory) -> None:
    app = make_app(AppOptions(demo=True))
    run = asyncio.ensure_future(app.run())
    await wait_phase(app, Phase.CONNECTED)
    assert app.demo_server is not None
    assert app.connection.url == app.demo_server.url
    assert "[Demo server: placeholder images, not AI]" in app.window.windowTitle()
    status = app.window.status_bar
    assert status.demo_label.isVisible()
    assert status.demo_label.text() == "Demo server — pictures are placeholders, not AI"
    # The demo's random port is never remembered as "the last server".
    assert app.settings.server_url == "http://127.0.0.1:8188"

    app.request_quit()
    assert await asyncio.wait_for(run, 10) == 0
    assert app.demo_server is None


@pytest.mark.demo_only
async def test_self_test_connects_to_the_demo_and_exits_zero(
    make_app: AppFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(AppOptions(self_test=True))
    assert await asyncio.wait_for(app.run(), 30) == 0
    out = capsys.readouterr().out
    assert out.startswith("self-test passed: connected to the demo server at http://127.0.0.1:")
    assert app.demo_server is None
    assert app.connection.session is None


async def test_self_test_fails_with_a_message_on_timeout(
    make_app: AppFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(AppOptions(self_test=True, self_test_timeout=0.0))
    assert await asyncio.wait_for(app.run(), 30) == 1
    assert capsys.readouterr().err.startswith(
        "self-test FAILED: not connected to the demo server within 0 s"
    )


async def test_unreachable_server_is_explained_and_offers_the_demo(make_app: AppFactory) -> None:
    app = make_app()
    app.window.show()
    url = "http://127.0.0.1:9"  # discard port: nothing listens there
    await app.connection.connect_to(ConnectionRequest(url))
    await wait_phase(app, Phase.DISCONNECTED)
    bar = app.window.connection_bar
    assert bar.detail.text().startswith(f"ComfyUI is not running at {url} — start it")
    assert bar.demo_button.isVisible()
    # A window too narrow for the whole sentence: it ends in "…", the tooltip has it all.
    app.window.resize(900, 600)
    await wait_until(lambda: QLabel.text(bar.detail).endswith("…"))
    shown = QLabel.text(bar.detail)
    assert bar.detail.text().startswith(shown.removesuffix("…"))
    assert bar.detail.text() in bar.detail.toolTip()
    assert bar.detail.fontMetrics().horizontalAdvance(shown) <= bar.detail.width()
    await app.connection.disconnect_from_server()
    assert app.connection.phase is Phase.IDLE
    assert bar.headline.text() == "Not connected"
    assert bar.connect_button.text() == "Connect"
