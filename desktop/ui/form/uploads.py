"""``UploadController``: uploads the images an artist brings to an image input and loads the
thumbnails. It owns its tasks (a ``TaskOwner``); the image editor only reports what was
dropped, pasted or chosen, and the form model receives the server's file name."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from desktop.comfy.errors import ComfyError
from desktop.ui.form import thumbnails
from desktop.ui.form.model import FormModel
from desktop.ui.tasks import TaskOwner

Key = tuple[str, str]
Uploader = Callable[[bytes, str], Awaitable[Any]]
ImageFetcher = Callable[[str], Awaitable[bytes]]

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
THUMB_PIXELS = 96
CACHE_SIZE = 64


def server_name(result: Any) -> str:
    """The name to put in the prompt: an uploader may return it, or an ``ImageRef``."""
    if isinstance(result, str):
        return result
    filename = getattr(result, "filename", None)
    if not isinstance(filename, str) or not filename:
        raise TypeError(f"The uploader returned {result!r}, not a file name")
    subfolder = getattr(result, "subfolder", "") or ""
    return f"{subfolder}/{filename}" if subfolder else filename


def _read_file(path: Path) -> bytes:
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise ValueError("too large")
    return path.read_bytes()


class UploadController(QObject):
    busy_changed = Signal(object, bool)  # key, uploading
    failed = Signal(object, str)  # key, sentence for the artist
    thumbnail_ready = Signal(object, QImage)  # key, image (null = none available)

    def __init__(
        self,
        model: FormModel,
        uploader: Uploader | None,
        *,
        mask_uploader: Uploader | None = None,
        image_fetcher: ImageFetcher | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._uploader = uploader
        self._mask_uploader = mask_uploader or uploader
        self._fetcher = image_fetcher
        self._tasks = TaskOwner(self, area="ui")
        self._cache: OrderedDict[str, QImage] = OrderedDict()
        self._busy: set[Key] = set()

    @property
    def can_upload(self) -> bool:
        return self._uploader is not None

    def is_busy(self, key: Key) -> bool:
        return key in self._busy

    # -- entry points (plain slots) ---------------------------------------------------------
    def upload_file(self, key: Key, path: str, *, mask: bool = False) -> asyncio.Task[None]:
        return self._tasks.start(self._upload_file(key, Path(path), mask), name="upload image")

    def upload_image(self, key: Key, image: QImage, *, mask: bool = False) -> asyncio.Task[None]:
        pixels = thumbnails.qimage_rgba(image)
        name = time.strftime("pasted-%Y%m%d-%H%M%S.png")
        return self._tasks.start(self._upload_pixels(key, pixels, name, mask), name="upload paste")

    def show_server_image(self, key: Key, name: str) -> None:
        cached = self._cache.get(name)
        if cached is not None:
            self._cache.move_to_end(name)
            self.thumbnail_ready.emit(key, cached)
        elif self._fetcher is not None and name:
            self._tasks.start(self._fetch_thumbnail(key, name), name="image preview")
        else:
            self.thumbnail_ready.emit(key, QImage())

    async def shutdown(self) -> None:
        await self._tasks.shutdown()

    # -- work -------------------------------------------------------------------------------
    async def _upload_file(self, key: Key, path: Path, mask: bool) -> None:
        try:
            data = await asyncio.to_thread(_read_file, path)
        except (OSError, ValueError) as err:
            if isinstance(err, ValueError):
                reason = self.tr("it is larger than 512 MB")
            else:
                reason = err.strerror or str(err)
            message = self.tr("Could not read {file}: {reason}").format(
                file=path.name, reason=reason
            )
            self.failed.emit(key, message)
            return
        await self._upload(key, data, path.name, mask)

    async def _upload_pixels(
        self, key: Key, pixels: tuple[int, int, int, bytes], name: str, mask: bool
    ) -> None:
        data = await asyncio.to_thread(thumbnails.encode_png, *pixels)
        await self._upload(key, data, name, mask)

    async def _upload(self, key: Key, data: bytes, filename: str, mask: bool) -> None:
        uploader = self._mask_uploader if mask else self._uploader
        if uploader is None:
            self.failed.emit(key, self.tr("Connect to a server to upload images."))
            return
        self._busy.add(key)
        self.busy_changed.emit(key, True)
        try:
            preview = asyncio.ensure_future(thumbnails.thumbnail(data, THUMB_PIXELS))
            try:
                name = server_name(await uploader(data, filename))
            finally:
                image = await preview
        except ComfyError as err:
            self._set_idle(key)
            self.failed.emit(key, self.tr("Upload failed: {reason}").format(reason=str(err)))
            return
        except BaseException:
            self._set_idle(key)
            raise
        self._set_idle(key)
        if image is not None:
            self._remember(name, image)
        self._model.add_choice(key, name)
        self._model.set_value(key, name)
        self.thumbnail_ready.emit(key, image if image is not None else QImage())

    def _set_idle(self, key: Key) -> None:
        self._busy.discard(key)
        self.busy_changed.emit(key, False)

    async def _fetch_thumbnail(self, key: Key, name: str) -> None:
        assert self._fetcher is not None
        try:
            data = await self._fetcher(name)
        except ComfyError:
            self.thumbnail_ready.emit(key, QImage())
            return
        image = await thumbnails.thumbnail(data, THUMB_PIXELS)
        if image is not None:
            self._remember(name, image)
        # The artist may have picked another file (or workflow) meanwhile; show the current one.
        if key in {s.key for s in self._model.specs()} and self._model.value(key) == name:
            self.thumbnail_ready.emit(key, image if image is not None else QImage())

    def _remember(self, name: str, image: QImage) -> None:
        self._cache[name] = image
        self._cache.move_to_end(name)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
