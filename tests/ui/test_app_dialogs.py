"""Connection dialog validation and About."""

from __future__ import annotations

import pytest
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from pytestqt.qtbot import QtBot

from desktop import __version__
from desktop.secrets import Credentials, SecretStore
from desktop.settings import ServerOptions
from desktop.ui.about import AboutDialog
from desktop.ui.connection.dialog import (
    ConnectionDialog,
    HeaderError,
    is_exposed_plain_http,
    parse_headers,
)
from desktop.ui.connection.model import ConnectionViewModel
from tests.ui.app_support import QT_NOISE, wait_until

pytestmark = [QT_NOISE]


def make_vm() -> ConnectionViewModel:
    def no_session(*_args: object) -> None:
        raise AssertionError("no connection expected")

    return ConnectionViewModel(
        session_factory=no_session,  # type: ignore[arg-type]
        secrets=SecretStore(),
        options_for=lambda url: ServerOptions(),
    )


def test_parse_headers() -> None:
    assert parse_headers("X-Tunnel: yes\n\n  ngrok-skip-browser-warning : 1 ") == {
        "X-Tunnel": "yes",
        "ngrok-skip-browser-warning": "1",
    }
    assert parse_headers("") == {}


@pytest.mark.parametrize(
    ("text", "line"),
    [("no colon here", 1), ("A: 1\nbad name: 2", 2), ("Host: evil", 1), ("X: a\x07b", 1)],
)
def test_parse_headers_names_the_bad_line(text: str, line: int) -> None:
    with pytest.raises(HeaderError) as info:
        parse_headers(text)
    assert info.value.line == line


def test_plain_http_to_another_machine_is_flagged() -> None:
    assert is_exposed_plain_http("http://192.168.1.20:8188")
    assert not is_exposed_plain_http("http://127.0.0.1:8188")
    assert not is_exposed_plain_http("https://gpu.example")


async def test_dialog_validates_before_connecting(qtbot: QtBot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    vm = make_vm()
    dialog = ConnectionDialog(
        vm, recent=("http://127.0.0.1:8188",), options_for=lambda url: ServerOptions()
    )
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.url_box.currentText() == "http://127.0.0.1:8188"
    assert dialog.keyring_note.text().startswith("No system keyring is available")

    dialog.url_box.setEditText("http://user:pw@gpu.example")
    dialog.connect_button.click()
    assert dialog.error.text() == (
        "Leave user names and passwords out of the address; use the access token field."
    )
    dialog.url_box.setEditText("http://192.168.1.20:8188")
    assert dialog.warning.text().startswith("This server is reached over plain HTTP")
    dialog.headers_edit.setPlainText("just words")
    dialog.connect_button.click()
    assert dialog.error.text() == "Extra headers, line 1: write it as “Name: value”."
    dialog.headers_edit.setPlainText("X-Api: 1")
    dialog.ca_edit.setText(str(tmp_path / "missing.pem"))
    dialog.connect_button.click()
    assert dialog.error.text() == "The CA certificate file does not exist."
    dialog.ca_edit.clear()
    dialog.token_edit.setText("two words")
    dialog.connect_button.click()
    assert dialog.error.text() == "The access token cannot contain spaces or line breaks."
    assert dialog.isVisible()
    assert vm.session is None
    await vm.close()


async def test_dialog_fills_in_stored_credentials(qtbot: QtBot) -> None:
    secrets = SecretStore()
    secrets.save("http://gpu.example:8188", Credentials(token="t0k", headers={"X-A": "1"}))
    vm = ConnectionViewModel(
        session_factory=lambda *a: None,  # type: ignore[arg-type,return-value]
        secrets=secrets,
        options_for=lambda url: ServerOptions(ca_file="/etc/ca.pem"),
    )
    dialog = ConnectionDialog(vm, recent=("http://gpu.example:8188",), options_for=vm._options_for)
    qtbot.addWidget(dialog)
    await wait_until(lambda: dialog.token_edit.text() == "t0k")
    assert dialog.headers_edit.toPlainText() == "X-A: 1"
    assert dialog.ca_edit.text() == "/etc/ca.pem"
    await vm.close()


def test_about_lists_versions(qtbot: QtBot) -> None:
    dialog = AboutDialog(make_vm())
    qtbot.addWidget(dialog)
    lines = dialog.versions.text().splitlines()
    assert lines == [
        f"ComfyDesk {__version__}",
        f"Qt {qVersion()}",
        f"PySide6 {pyside_version}",
        lines[3],
        "Server: ComfyUI not connected",
    ]
    assert lines[3].startswith("Python 3.")
