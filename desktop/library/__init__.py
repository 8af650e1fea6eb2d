"""The local library: every generated result stored as a file plus a SQLite catalogue row,
searchable and browsable with the server gone. Qt-free; use ``Library`` from async code.

The names below load on first use: the preview needs ``errors`` and ``imaging`` before the
window's first paint, and importing them must not load SQLite and the store with them."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import (
        CatalogDamagedError,
        ExportError,
        ImageError,
        LibraryClosedError,
        LibraryError,
        ThumbnailError,
        UnsafePathError,
    )
    from .extract import extract_params, read_png_metadata
    from .files import safe_filename
    from .models import (
        CatalogDamage,
        CheckReport,
        DeleteReport,
        ExtractedParams,
        LibraryItem,
        LibraryQuery,
    )
    from .store import Library

_HOME = {
    "CatalogDamagedError": "errors",
    "ExportError": "errors",
    "ImageError": "errors",
    "LibraryClosedError": "errors",
    "LibraryError": "errors",
    "ThumbnailError": "errors",
    "UnsafePathError": "errors",
    "extract_params": "extract",
    "read_png_metadata": "extract",
    "safe_filename": "files",
    "CatalogDamage": "models",
    "CheckReport": "models",
    "DeleteReport": "models",
    "ExtractedParams": "models",
    "LibraryItem": "models",
    "LibraryQuery": "models",
    "Library": "store",
}

__all__ = [
    "CatalogDamage",
    "CatalogDamagedError",
    "CheckReport",
    "DeleteReport",
    "ExportError",
    "ExtractedParams",
    "ImageError",
    "Library",
    "LibraryClosedError",
    "LibraryError",
    "LibraryItem",
    "LibraryQuery",
    "ThumbnailError",
    "UnsafePathError",
    "extract_params",
    "read_png_metadata",
    "safe_filename",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
