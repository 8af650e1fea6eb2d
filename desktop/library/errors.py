"""The library's error tree. ``str(err)`` is a sentence an artist can read; details stay on
attributes and in the log."""

from __future__ import annotations

from pathlib import Path


class LibraryError(Exception):
    """Base of every error the library raises."""


class LibraryClosedError(LibraryError):
    def __init__(self) -> None:
        super().__init__("The image library is closed.")


class CatalogDamagedError(LibraryError):
    """The SQLite catalogue cannot be read (not a database, or made by a newer version)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"The library catalogue {path} cannot be opened: {reason}.")


class UnsafePathError(LibraryError):
    """A path would land outside the library folder (hostile name or symlinked folder)."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.root = root
        super().__init__(f"Refused to write {path}: it is outside the library folder {root}.")


class ImageError(LibraryError):
    """A file is not an image Pillow can read safely (damaged, unknown, or too large)."""

    def __init__(self, path: Path | None, reason: str) -> None:
        self.path = path
        self.reason = reason
        name = path.name if path is not None else "The image"
        super().__init__(f"{name}: {reason}")


class ThumbnailError(ImageError):
    """No thumbnail could be made for an item."""


class ExportError(LibraryError):
    """Some items could not be exported; the others were."""

    def __init__(self, exported: list[Path], failed: list[tuple[int, str]]) -> None:
        self.exported = exported
        self.failed = failed
        reasons = "; ".join(reason for _, reason in failed[:3])
        super().__init__(
            f"{len(failed)} item(s) could not be exported ({reasons}); "
            f"{len(exported)} were exported."
        )
