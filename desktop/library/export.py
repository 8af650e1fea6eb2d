"""Export copies of items: either byte-identical (metadata kept) or re-saved from pixels only,
with every text chunk, EXIF and XMP block dropped (the colour profile is kept)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from .errors import ExportError, ImageError, LibraryError
from .files import ensure_inside, safe_filename, write_new_file
from .imaging import open_image
from .models import LibraryItem

_RESAVE_FORMATS = {"PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF"}


def export_items(
    items: Sequence[tuple[int, LibraryItem | None]],
    root: Path,
    dest_dir: Path,
    *,
    keep_metadata: bool,
) -> list[Path]:
    """Export every item; raises ExportError naming the failures after doing the rest."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    exported: list[Path] = []
    failed: list[tuple[int, str]] = []
    for item_id, item in items:
        if item is None:
            failed.append((item_id, f"item {item_id} is not in the library"))
            continue
        try:
            ensure_inside(root, item.path)
            exported.append(
                export_file(item.path, dest_dir, item.file_name, keep_metadata=keep_metadata)
            )
        except (OSError, LibraryError) as err:
            failed.append((item_id, str(err)))
    if failed:
        raise ExportError(exported, failed)
    return exported


def export_file(source: Path, dest_dir: Path, name: str, *, keep_metadata: bool) -> Path:
    """Copy ``source`` into ``dest_dir`` under a fresh name (never overwriting)."""
    data = source.read_bytes() if keep_metadata else strip_metadata(source)
    return write_new_file(dest_dir, dest_dir, safe_filename(name), data)


def strip_metadata(source: Path) -> bytes:
    """The image re-encoded from its pixels only, in its own format (all frames kept)."""
    with open_image(source) as im:
        fmt = im.format or ""
        if fmt not in _RESAVE_FORMATS:
            raise ImageError(source, f"metadata cannot be removed from {fmt or 'this'} files")
        frames = _frames(im)
        params: dict[str, object] = {}
        if icc := im.info.get("icc_profile"):
            params["icc_profile"] = icc
        if fmt == "JPEG":
            params["quality"] = "keep"  # re-use the original tables: no extra loss
            frames = [im]
        elif fmt == "WEBP":
            params.update(lossless=im.info.get("lossless", False), quality=95)
        if len(frames) > 1:
            params.update(
                save_all=True,
                append_images=frames[1:],
                duration=[f.info.get("duration", 100) for f in frames],
                loop=im.info.get("loop", 0),
            )
        out = io.BytesIO()
        first = frames[0]
        first.info = {}  # nothing from the source's info dict may leak into the encoder
        first.save(out, fmt, **params)
    return out.getvalue()


def _frames(im: Image.Image) -> list[Image.Image]:
    frames = []
    for index in range(getattr(im, "n_frames", 1)):
        im.seek(index)
        frame = im.copy()
        frame.info = {"duration": im.info.get("duration", 100)}
        frames.append(frame)
    im.seek(0)
    return frames
