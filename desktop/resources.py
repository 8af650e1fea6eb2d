"""One way to find bundled resources, whether running from source, a wheel or PyInstaller."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    candidates.append(Path(sys.prefix) / "share" / "comfydesk" / "resources")
    for path in candidates:
        if path.is_dir():
            return path
    return candidates[-1]


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)
