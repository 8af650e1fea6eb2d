"""The window paints before the heavy modules load: importing the app and every panel it
builds before the first paint must not import aiohttp (with its dependencies ~300 ms of
start-up; docs/PERFORMANCE.md §1), keyring, the gallery and the library's store (built after
the first paint), or what only a later action needs (the template gallery, writing values back
into an editor graph, reading a hosted file). A
hosted-workflow text module once pulled aiohttp in through the preview, and start-up went
from ~550 to ~1,200 ms."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHECK = """
import sys

import pytest
import desktop.app
import desktop.ui.composition
import desktop.ui.hosted.install
heavy = (
    "aiohttp",
    "keyring",
    "desktop.hosted.client",
    "desktop.hosted.specs",
    "desktop.library.store",
    "desktop.ui.gallery.view",
    "desktop.ui.templates.gallery_dialog",
    "desktop.workflow.web_writeback",
)
print(",".join(sorted(m for m in heavy if m in sys.modules)))
"""


def test_the_window_and_its_panels_load_without_the_network_stack() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_every_name_the_library_offers_loads_on_first_use() -> None:
    import desktop.library

    for name in desktop.library.__all__:
        assert getattr(desktop.library, name).__name__ == name
    with pytest.raises(AttributeError):
        _ = desktop.library.NoSuchThing
