"""Turning encoded pictures into QImages without stalling the GUI thread.

A 512² JPEG preview decodes in ~3 ms with ``QImage.loadFromData`` (docs/PERFORMANCE.md §8):
cheap enough for the GUI thread, and it skips the thread hop. Anything bigger (final images,
PNG frames from websocket-save nodes) is decoded by Pillow in a worker thread, because Pillow
releases the GIL while QImage holds it; the worker returns raw RGBA and only the wrap into a
QImage happens on the GUI thread.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QImage

from desktop.library.errors import ImageError
from desktop.library.imaging import open_image

# Live previews are 40-140 KB (512² JPEG q95); full-size PNG frames are megabytes.
SMALL_FRAME_BYTES = 400_000


@dataclass(frozen=True, slots=True)
class RawImage:
    """Decoded pixels, safe to pass from a worker thread to the GUI thread."""

    width: int
    height: int
    rgba: bytes = b""


def decode_rgba(source: bytes | Path, max_side: int | None = None) -> RawImage:
    """Decode (and optionally shrink to fit ``max_side``) with Pillow; for worker threads.

    Raises ImageError for damaged, unknown or oversized (decompression bomb) images.
    """
    with open_image(source) as image:
        if max_side is not None:
            image.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced scale
        picture = ImageOps.exif_transpose(image)
        if max_side is not None:
            picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        rgba = picture.convert("RGBA")
        return RawImage(rgba.width, rgba.height, rgba.tobytes())


def to_qimage(raw: RawImage) -> QImage:
    """Wrap worker-thread pixels; the copy detaches the QImage from the Python buffer."""
    stride = raw.width * 4
    return QImage(raw.rgba, raw.width, raw.height, stride, QImage.Format.Format_RGBA8888).copy()


def decode_here(data: bytes) -> QImage:
    """Decode a small frame on the calling (GUI) thread; a null QImage when it is unreadable."""
    image = QImage()
    image.loadFromData(QByteArray(data))
    return image


async def decode_async(source: bytes | Path, max_side: int | None = None) -> QImage:
    """Pillow in a worker thread, QImage on the caller's thread. Raises ImageError."""
    raw = await asyncio.to_thread(decode_rgba, source, max_side)
    return to_qimage(raw)


__all__ = [
    "SMALL_FRAME_BYTES",
    "ImageError",
    "RawImage",
    "decode_async",
    "decode_here",
    "decode_rgba",
    "to_qimage",
]
