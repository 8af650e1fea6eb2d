"""The check for Qt's xcb libraries that runs before Qt starts on Linux."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import desktop.__main__ as entry
from desktop import system_libs
from desktop.system_libs import (
    EXIT_MISSING_LIBRARIES,
    XCB_LIBRARIES,
    missing_libraries_message,
    missing_xcb_libraries,
    uses_xcb,
)

X11 = {"DISPLAY": ":0"}


class FakeLoader:
    """Loads every library except the names in ``absent`` (a bare name, not a path); records
    what it was asked."""

    def __init__(self, absent: set[str]) -> None:
        self.absent = absent
        self.asked: list[str] = []

    def __call__(self, name: str) -> object:
        self.asked.append(name)
        if name in self.absent:
            raise OSError(f"{name}: cannot open shared object file")
        return object()


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", X11, True),
        ("linux", {}, True),  # no display at all: Qt still tries xcb first
        ("linux", {"QT_QPA_PLATFORM": "xcb"}, True),
        ("linux", {"QT_QPA_PLATFORM": "xcb:nograb", "WAYLAND_DISPLAY": "wayland-0"}, True),
        ("linux", {"QT_QPA_PLATFORM": "offscreen", **X11}, False),
        ("linux", {"QT_QPA_PLATFORM": "wayland;xcb"}, False),
        ("linux", {"WAYLAND_DISPLAY": "wayland-0", **X11}, False),
        ("linux", {"XDG_SESSION_TYPE": "wayland"}, False),
        ("win32", X11, False),
        ("darwin", {}, False),
    ],
)
def test_the_check_runs_only_when_qt_will_use_xcb(platform, env, expected) -> None:
    assert uses_xcb(platform, env) is expected


def test_missing_libraries_are_named_in_the_order_qt_needs_them() -> None:
    loader = FakeLoader({"libxcb-keysyms.so.1", "libxcb-icccm.so.4"})
    missing = missing_xcb_libraries(platform="linux", env=X11, load=loader, dirs=[])
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert loader.asked == list(XCB_LIBRARIES)


def test_nothing_is_loaded_when_xcb_is_not_used_or_the_check_is_skipped() -> None:
    loader = FakeLoader(set(XCB_LIBRARIES))
    offscreen = {"QT_QPA_PLATFORM": "offscreen"}
    assert missing_xcb_libraries(platform="linux", env=offscreen, load=loader, dirs=[]) == []
    skipped = {system_libs.SKIP_ENV: "1", **X11}
    assert missing_xcb_libraries(platform="linux", env=skipped, load=loader, dirs=[]) == []
    assert missing_xcb_libraries(platform="darwin", env=X11, load=loader, dirs=[]) == []
    assert loader.asked == []


def test_a_library_in_a_bundle_folder_counts_as_present(tmp_path) -> None:
    bundled = tmp_path / "libxcb-cursor.so.0"
    bundled.write_bytes(b"")
    loader = FakeLoader({"libxcb-cursor.so.0"})  # not on the system, but in the bundle
    assert missing_xcb_libraries(platform="linux", env=X11, load=loader, dirs=[tmp_path]) == []
    assert str(bundled) in loader.asked


def test_the_message_is_one_line_with_the_debian_packages() -> None:
    text = missing_libraries_message(["libxcb-icccm.so.4", "libxcb-keysyms.so.1"], has_apt=True)
    assert text == (
        "ComfyDesk needs these system libraries: libxcb-icccm.so.4, libxcb-keysyms.so.1. "
        "Install them with: sudo apt-get install libxcb-icccm4 libxcb-keysyms1"
    )
    other = missing_libraries_message(["libxcb-cursor.so.0"], has_apt=False)
    assert "\n" not in other
    assert other.endswith(
        "Install them with your package manager "
        "(on Debian/Ubuntu: sudo apt-get install libxcb-cursor0)"
    )


def test_the_entry_point_stops_before_qt_with_the_real_loader(monkeypatch, capsys) -> None:
    monkeypatch.setattr(
        system_libs,
        "XCB_LIBRARIES",
        {**XCB_LIBRARIES, "libcomfydesk-absent.so.9": "comfydesk-absent9"},
    )
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv(system_libs.SKIP_ENV, raising=False)
    assert entry.main(["--demo"]) == EXIT_MISSING_LIBRARIES
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("ComfyDesk needs these system libraries: libcomfydesk-absent.so.9.")
    assert err[0].endswith("comfydesk-absent9")


def _needed_by_qt_xcb_plugin() -> set[str]:
    spec_dirs = system_libs.library_dirs()
    qt_lib = next((d for d in spec_dirs if d.name == "lib" and d.is_dir()), None)
    if qt_lib is None or shutil.which("ldd") is None:
        pytest.skip("PySide6's Qt libraries or ldd not found")
    plugin = qt_lib.parent / "plugins" / "platforms" / "libqxcb.so"
    qpa = next(qt_lib.glob("libQt6XcbQpa.so*"), None)
    if not plugin.is_file() or qpa is None:
        pytest.skip("this PySide6 has no xcb plugin")
    needed: set[str] = set()
    for binary in (plugin, qpa):
        out = subprocess.run(
            ["ldd", str(binary)], capture_output=True, text=True, check=True, timeout=30
        ).stdout
        needed |= set(re.findall(r"^\s*(\S+\.so\.\d+)\s+=>", out, re.MULTILINE))
    return needed


@pytest.mark.skipif(not Path("/proc").exists(), reason="Linux only")
def test_the_table_covers_every_x11_library_the_installed_plugin_links() -> None:
    x11 = {
        name
        for name in _needed_by_qt_xcb_plugin()
        if re.match(r"lib(xcb|X11|xkbcommon|GL|EGL|fontconfig|freetype)\b", name)
    }
    assert x11, "ldd listed no X11 library"
    assert x11 <= set(XCB_LIBRARIES), sorted(x11 - set(XCB_LIBRARIES))
