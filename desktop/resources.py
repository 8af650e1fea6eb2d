"""Files shipped with the app (``desktop/assets``), found through ``importlib.resources``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """A shipped file or folder, on disk. The package is always installed as files (source
    checkout, wheel, PyInstaller bundle), never run from a zip, so Qt can load it by name."""
    found = resources.files("desktop.assets").joinpath(*parts)
    if not isinstance(found, Path):
        raise RuntimeError(f"ComfyDesk's files are not on disk (found {found!r})")
    return found
