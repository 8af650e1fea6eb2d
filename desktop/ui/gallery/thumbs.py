"""Thumbnails for the gallery: an LRU of decoded QImages, filled off the GUI thread.

A request names a key and a coroutine factory that yields a small JPEG on disk (the library's
cached thumbnail or the server-history cache). Pillow decodes it in a worker thread; the GUI
thread only wraps the finished pixels in a QImage. The most recent requests run first (what
is on screen now), and old requests beyond a cap are dropped, so flinging through 10,000 rows
never builds a backlog.

Memory is the budget that matters here (the gallery shares the machine with ComfyUI): images
keep their real size (at most 256 px, aspect preserved) and opaque ones are stored as 3-byte
RGB, so the whole cache holds at most ~48 MB. The delegate keeps the tile-sized pixmaps it
paints, so a tile on screen never needs its decoded image again."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from desktop.library.imaging import open_image
from desktop.ui.tasks import TaskOwner

log = logging.getLogger("comfydesk.ui")

PathLoader = Callable[[], Awaitable[Path]]

CACHE_SIZE = 100  # decoded thumbnails, <= 256 px RGB (192 KB each): at most ~19 MB; the
# tile-sized pixmaps made from them (delegate.PIXMAP_CACHE) are what repaints use
THUMB_SIDE = 256  # the library's thumbnails are this size; a bigger file is scaled down
MAX_PENDING = 160  # requests waiting; older ones are forgotten (they are off screen by now)
WORKERS = 4


_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})


@dataclass(frozen=True, slots=True)
class RawImage:
    width: int
    height: int
    pixels: bytes  # RGBA, or RGB when ``has_alpha`` is false
    has_alpha: bool = True


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in _ALPHA_MODES or (im.mode == "P" and "transparency" in im.info)


def decode_file(path: Path, size: int | None = None, *, compact: bool = False) -> RawImage:
    """Pixels of ``path`` (scaled to fit ``size`` if given). ``compact`` keeps an opaque
    picture as 3-byte RGB instead of RGBA. Raises ImageError."""
    with open_image(path) as im:
        if size is not None:
            im.draft("RGB", (size, size))
        im.seek(0)
        frame = ImageOps.exif_transpose(im)
        if size is not None and max(frame.size) > size:
            frame.thumbnail((size, size), Image.Resampling.LANCZOS)
        opaque = compact and not _has_alpha(frame)
        pixels = frame.convert("RGB" if opaque else "RGBA")
        return RawImage(pixels.width, pixels.height, pixels.tobytes(), has_alpha=not opaque)


def to_qimage(raw: RawImage) -> QImage:
    if raw.has_alpha:
        fmt, depth = QImage.Format.Format_RGBA8888, 4
    else:
        fmt, depth = QImage.Format.Format_RGB888, 3
    image = QImage(raw.pixels, raw.width, raw.height, raw.width * depth, fmt)
    return image.copy()  # own the pixels; the bytes object may go away


async def load_qimage(path: Path, size: int | None = None) -> QImage:
    """Decode with Pillow in a worker thread; raises ImageError."""
    return to_qimage(await asyncio.to_thread(decode_file, path, size))


async def load_thumbnail(path: Path) -> QImage:
    """A gallery thumbnail: at most THUMB_SIDE px, 3 bytes a pixel when opaque."""
    return to_qimage(await asyncio.to_thread(decode_file, path, THUMB_SIDE, compact=True))


class ThumbnailCache(QObject):
    ready = Signal(object)  # key
    failed = Signal(object, str)  # key, reason

    def __init__(self, parent: QObject | None = None, *, capacity: int = CACHE_SIZE) -> None:
        super().__init__(parent)
        self._images: OrderedDict[Hashable, QImage] = OrderedDict()
        self._capacity = capacity
        self._failed: dict[Hashable, str] = {}
        self._waiting: OrderedDict[Hashable, PathLoader] = OrderedDict()
        self._busy: set[Hashable] = set()
        self._workers = 0
        self._tasks = TaskOwner(self, area="gallery", report_to_excepthook=False)
        self._closed = False

    def get(self, key: Hashable) -> QImage | None:
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
        return image

    def failure(self, key: Hashable) -> str | None:
        return self._failed.get(key)

    def put(self, key: Hashable, image: QImage) -> None:
        self._images[key] = image
        self._images.move_to_end(key)
        while len(self._images) > self._capacity:
            self._images.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        self._images.pop(key, None)
        self._failed.pop(key, None)
        self._waiting.pop(key, None)

    def clear(self) -> None:
        self._images.clear()
        self._failed.clear()
        self._waiting.clear()

    @property
    def pending(self) -> int:
        return len(self._waiting) + len(self._busy)

    def request(self, key: Hashable, loader: PathLoader) -> None:
        """Load ``key`` unless cached, failed or already on its way; newest requests first."""
        if self._tasks.closed:  # a paint after shutdown (quit, test teardown) loads nothing
            return
        if key in self._images or key in self._failed or key in self._busy:
            return
        self._waiting[key] = loader
        self._waiting.move_to_end(key)
        while len(self._waiting) > MAX_PENDING:
            self._waiting.popitem(last=False)
        while self._workers < WORKERS and self._waiting:
            self._workers += 1
            self._tasks.start(self._work(), name="gallery thumbnails")

    async def _work(self) -> None:
        try:
            while self._waiting:
                key, loader = self._waiting.popitem(last=True)
                self._busy.add(key)
                try:
                    path = await loader()
                    image = await load_thumbnail(path)
                except asyncio.CancelledError:
                    raise
                except Exception as err:  # any failure is one grey tile, never a crash
                    log.info("No thumbnail for %s: %s", key, err)
                    self._failed[key] = str(err)
                    self.failed.emit(key, str(err))
                else:
                    self.put(key, image)
                    self.ready.emit(key)
                finally:
                    self._busy.discard(key)
        finally:
            self._workers -= 1

    async def shutdown(self) -> None:
        self._closed = True
        self._waiting.clear()
        await self._tasks.shutdown()
