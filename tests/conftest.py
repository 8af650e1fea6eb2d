"""Test-wide fixtures: every test runs with its own config, data, cache and log folders, and
never sees the user's real keyring."""

from __future__ import annotations

import functools
import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

# Widget tests need no display; a developer running bare `pytest` gets the same as CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The Ctrl+C tests send SIGINT to a runner they start. A background job of a non-interactive
# shell (nohup, `cmd &` in a CI script) starts with SIGINT ignored, and children inherit that;
# a handled signal is reset to the default in a child instead, so catch it here.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

pytest_plugins = ["tests.demo_fixtures"]

DATA = Path(__file__).resolve().parent / "data"


def shared_path(*parts: str) -> Path:
    """A file from the test data copied into the repository (recordings of both ComfyUI
    versions, sample workflows and pictures); see tests/data/README.md."""
    return DATA.joinpath(*parts)


@functools.cache
def recorded_object_info_raw() -> dict[str, Any]:
    """The recorded server's ``/object_info`` document (parsed once per test run)."""
    path = shared_path("comfyui-captures", "00-server-info", "object_info.json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    dirs = {}
    for kind in ("config", "data", "cache", "log"):
        path = tmp_path / f"comfydesk-{kind}"
        path.mkdir()
        monkeypatch.setenv(f"COMFYDESK_{kind.upper()}_DIR", str(path))
        dirs[kind] = path
    # No OS keyring in tests; tests that need one install an in-memory backend.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return dirs
