"""Before Qt starts on Linux: are the system libraries of Qt's xcb platform plugin there?

A fresh Debian/Ubuntu desktop often lacks a few of them (libxcb-cursor0, libxcb-icccm4,
libxcb-keysyms1…), and Qt then aborts with a message that names the plugin, not the library.
This module tries to load each library the plugin links against, without importing Qt, and
turns what is missing into one line with the install command.

    missing = missing_xcb_libraries()          # [] when nothing is missing or xcb is not used
    if missing: print(missing_libraries_message(missing)); sys.exit(EXIT_MISSING_LIBRARIES)
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

# sysexits.h EX_OSFILE: "some system file does not exist, cannot be opened…".
EXIT_MISSING_LIBRARIES = 72
SKIP_ENV = "COMFYDESK_SKIP_LIBRARY_CHECK"

# What libqxcb.so and libQt6XcbQpa.so.6 link against (``ldd``), minus the C/C++ runtime, with
# the Debian/Ubuntu package that ships each. apt pulls in their own dependencies.
XCB_LIBRARIES: Mapping[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
}

Loader = Callable[[str], object]  # loads a shared library by name or path; OSError if it can't


def uses_xcb(platform: str, env: Mapping[str, str]) -> bool:
    """Will Qt pick its xcb platform plugin? Only Linux; QT_QPA_PLATFORM names the plugins to
    try in order ("xcb", "wayland;xcb", "offscreen"…); unset, a Wayland session gets Wayland."""
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        first = chosen.split(";")[0].split(":")[0].strip()
        return first == "xcb"
    wayland = env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland"
    return not wayland


def library_dirs() -> list[Path]:
    """Folders searched before the system's: a frozen bundle's and PySide6's own Qt libraries
    (the Qt plugin finds libraries there through its rpath)."""
    dirs: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        dirs.append(Path(bundle))
    spec = importlib.util.find_spec("PySide6")  # finds the package without importing Qt
    if spec is not None and spec.submodule_search_locations:
        dirs += [Path(p) / "Qt" / "lib" for p in spec.submodule_search_locations]
    return dirs


def _loads(name: str, dirs: Iterable[Path], load: Loader) -> bool:
    for folder in dirs:
        path = folder / name
        if path.is_file():
            try:
                load(str(path))
            except OSError:
                continue
            return True
    try:
        load(name)
    except OSError:
        return False
    return True


def missing_libraries(
    libraries: Iterable[str], *, load: Loader = ctypes.CDLL, dirs: Iterable[Path] = ()
) -> list[str]:
    """The libraries in ``libraries`` that the dynamic loader cannot load."""
    folders = list(dirs)
    return [name for name in libraries if not _loads(name, folders, load)]


def missing_xcb_libraries(
    *,
    platform: str = sys.platform,
    env: Mapping[str, str] | None = None,
    load: Loader = ctypes.CDLL,
    dirs: Iterable[Path] | None = None,
) -> list[str]:
    """Libraries Qt's xcb plugin needs and cannot load; [] when Qt will not use xcb."""
    env = os.environ if env is None else env
    if env.get(SKIP_ENV) or not uses_xcb(platform, env):
        return []
    return missing_libraries(
        XCB_LIBRARIES, load=load, dirs=library_dirs() if dirs is None else dirs
    )


def missing_libraries_message(missing: Iterable[str], *, has_apt: bool | None = None) -> str:
    """One line: what is missing and the command that installs it."""
    names = list(missing)
    packages = " ".join(dict.fromkeys(XCB_LIBRARIES.get(n, n) for n in names))
    if has_apt is None:
        has_apt = shutil.which("apt-get") is not None
    command = f"sudo apt-get install {packages}"
    how = (
        f"Install them with: {command}"
        if has_apt
        else f"Install them with your package manager (on Debian/Ubuntu: {command})"
    )
    return f"ComfyDesk needs these system libraries: {', '.join(names)}. {how}"


def check_xcb_libraries() -> int | None:
    """Print the line and return the exit code when libraries are missing, else None."""
    missing = missing_xcb_libraries()
    if not missing:
        return None
    print(missing_libraries_message(missing), file=sys.stderr)
    return EXIT_MISSING_LIBRARIES
