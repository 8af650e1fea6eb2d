"""256 px thumbnails, made lazily with Pillow in a worker thread and cached on disk under
``root/thumbs`` by content hash (two items with the same bytes share one file)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps

from .files import replace_file
from .imaging import open_image

THUMB_SIZE = 256
THUMB_QUALITY = 85
# Transparent images are flattened onto neutral grey, which reads well on light and dark UIs.
_BACKDROP = (128, 128, 128)


def thumbnail_path(thumbs_dir: Path, sha256: str, size: int = THUMB_SIZE) -> Path:
    return thumbs_dir / sha256[:2] / f"{sha256}-{size}.jpg"


def render_thumbnail(source: Path, dest: Path, size: int = THUMB_SIZE) -> Path:
    """Write a JPEG whose longest side is at most ``size`` px. Raises ImageError (a
    ThumbnailError at the call site) for bombs, damaged or unknown files."""
    with open_image(source) as im:
        if im.format == "JPEG":
            im.draft("RGB", (size, size))  # decode at 1/2, 1/4, 1/8 scale: much faster
        im.seek(0)  # first frame of animations
        frame = ImageOps.exif_transpose(im)
        frame.thumbnail((size, size), Image.Resampling.LANCZOS)
        rgb = _flatten(frame)
        out = io.BytesIO()
        rgb.save(out, "JPEG", quality=THUMB_QUALITY)
    replace_file(dest, out.getvalue())
    return dest


def _flatten(im: Image.Image) -> Image.Image:
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        backdrop = Image.new("RGB", rgba.size, _BACKDROP)
        backdrop.paste(rgba, mask=rgba.getchannel("A"))
        return backdrop
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping to white.
        return im.point(lambda v: v / 256).convert("RGB")
    return im.convert("RGB")
