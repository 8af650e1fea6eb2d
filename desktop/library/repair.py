""" "Check library": make the catalogue and the images folder agree again. Rows whose file
is gone are removed; files without a row are catalogued from their embedded metadata, unless
the same bytes are already catalogued (a crash between writing a file and its row, then a
retry, leaves such copies: the copy is removed, never catalogued a second time); leftovers of
interrupted writes are removed. Running it again changes nothing. Everything is reported,
nothing is silent."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from pathlib import Path, PurePosixPath

from .core import LibraryCore
from .errors import LibraryError
from .files import is_temp_file
from .models import CheckReport

log = logging.getLogger("comfydesk.library")


def check_library(core: LibraryCore) -> CheckReport:
    rows = core.catalog.rel_paths()
    removed_missing: list[Path] = []
    missing_ids: list[int] = []
    for rel_path, item_id in rows.items():
        path = core.root.joinpath(*PurePosixPath(rel_path).parts)
        if not path.is_file():
            removed_missing.append(path)
            missing_ids.append(item_id)
    core.catalog.delete_rows(missing_ids)

    recatalogued: list[Path] = []
    duplicates: list[Path] = []
    partial: list[Path] = []
    skipped: list[Path] = []
    errors: list[str] = []
    for path in _walk_files(core.images, skipped):
        rel_path = path.relative_to(core.root).as_posix()
        if rel_path in rows:
            continue
        if is_temp_file(path) or path.stat().st_size == 0:
            # A crash mid-write leaves a temp file or an empty name reservation.
            with contextlib.suppress(OSError):
                path.unlink()
                partial.append(path)
            continue
        try:
            data = path.read_bytes()
            if _already_catalogued(core, data):
                path.unlink()
                duplicates.append(path)
                continue
            core.catalogue_existing(path, data=data)
        except (OSError, LibraryError) as err:
            errors.append(f"{path}: {err}")
            skipped.append(path)
            continue
        recatalogued.append(path)

    removed_thumbs = core.drop_unused_thumbnails()
    report = CheckReport(
        removed_missing=tuple(removed_missing),
        recatalogued=tuple(recatalogued),
        removed_duplicates=tuple(duplicates),
        removed_partial=tuple(partial),
        skipped=tuple(skipped),
        removed_thumbnails=removed_thumbs,
        errors=tuple(errors),
    )
    if not report.clean:
        log.warning(
            "check library: %d missing rows removed, %d files catalogued, %d copies of "
            "catalogued files removed, %d partial writes removed, %d skipped",
            len(removed_missing), len(recatalogued), len(duplicates), len(partial),
            len(skipped),
        )  # fmt: skip
    return report


def _already_catalogued(core: LibraryCore, data: bytes) -> bool:
    """True when an item's file holds exactly these bytes: the hash finds the candidate, a
    byte comparison decides (a catalogued file changed on disk no longer counts)."""
    item_id = core.catalog.find_sha(hashlib.sha256(data).hexdigest())
    item = core.catalog.get(item_id) if item_id is not None else None
    if item is None:
        return False
    try:
        return item.path.is_file() and item.path.read_bytes() == data
    except OSError:
        return False


def _walk_files(top: Path, skipped: list[Path]):
    """Regular files under ``top``; symlinks (files or folders) are reported, not followed."""
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        base = Path(dirpath)
        for dirname in list(dirnames):
            if (base / dirname).is_symlink():
                skipped.append(base / dirname)
                dirnames.remove(dirname)
        for filename in sorted(filenames):
            path = base / filename
            if path.is_symlink() or not path.is_file():
                skipped.append(path)
                continue
            yield path
