"""The local library: every generated result stored as a file plus a SQLite catalogue row,
searchable and browsable with the server gone. Qt-free; use ``Library`` from async code."""

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
