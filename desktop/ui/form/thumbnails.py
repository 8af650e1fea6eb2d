"""Thumbnail decoding with Pillow, run off the GUI thread (asyncio.to_thread)."""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from PySide6.QtGui import QImage

log = logging.getLogger("comfydesk.ui")

MAX_PIXELS = 80_000_000  # refuse decompression bombs rather than stall a worker thread


@dataclass(frozen=True)
class RawThumbnail:
    width: int
    height: int
    rgba: bytes


def decode_thumbnail(data: bytes, size: int) -> RawThumbnail | None:
    """RGBA pixels of ``data`` scaled to fit ``size``; None for anything Pillow cannot read."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                return None
            image.draft("RGB", (size, size))  # JPEG: decode at reduced scale, much faster
            oriented = ImageOps.exif_transpose(image)
            oriented.thumbnail((size, size))
            rgba = oriented.convert("RGBA")
            return RawThumbnail(rgba.width, rgba.height, rgba.tobytes())
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as err:
        log.info("Cannot make a thumbnail: %s", err)
        return None


def to_qimage(raw: RawThumbnail) -> QImage:
    image = QImage(raw.rgba, raw.width, raw.height, raw.width * 4, QImage.Format.Format_RGBA8888)
    return image.copy()  # detach from the Python bytes buffer


async def thumbnail(data: bytes, size: int) -> QImage | None:
    raw = await asyncio.to_thread(decode_thumbnail, data, size)
    return to_qimage(raw) if raw is not None else None


def qimage_rgba(image: QImage) -> tuple[int, int, int, bytes]:
    """Width, height, stride and a copy of the pixels, for encoding on a worker thread."""
    converted = image.convertToFormat(QImage.Format.Format_RGBA8888)
    return (
        converted.width(),
        converted.height(),
        converted.bytesPerLine(),
        bytes(converted.constBits()),
    )


def encode_png(width: int, height: int, stride: int, rgba: bytes) -> bytes:
    image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", stride, 1)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
