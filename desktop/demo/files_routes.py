"""/view, /upload/image and /upload/mask with the real server's path rules."""

from __future__ import annotations

import asyncio
import json
import mimetypes
import os
from pathlib import Path
from typing import Any

from aiohttp import web

from desktop.demo import images
from desktop.demo.files import Folders, inside, store_upload
from desktop.demo.state import STATE_KEY, DemoState

_FORCED_DOWNLOAD = {
    "text/html",
    "text/html-sandboxed",
    "application/xhtml+xml",
    "text/javascript",
    "text/css",
}


def _state(request: web.Request) -> DemoState:
    return request.app[STATE_KEY]


def _locate(folders: Folders, query: Any) -> Path | web.Response:
    """The file a /view query names, or the bare error response the real server gives."""
    filename, folder = folders.annotated(query["filename"])
    if not filename:
        return web.Response(status=400)
    if filename[0] == "/" or ".." in filename:
        return web.Response(status=400)
    if folder is None:
        folder = folders.by_type(query.get("type", "output"))
    if folder is None:
        return web.Response(status=400)
    if "subfolder" in query:
        full = Path(os.path.abspath(folder / query["subfolder"]))
        if not inside(folder, full):
            return web.Response(status=403)
        folder = full
    # Only the base name counts: filename=sub/x.png serves x.png from the folder itself.
    return folder / os.path.basename(filename)


async def view(request: web.Request) -> web.StreamResponse:
    query = request.rel_url.query
    if "filename" not in query:
        return web.Response(status=404)
    located = _locate(_state(request).folders, query)
    if isinstance(located, web.Response):
        return located
    path = located
    if not await asyncio.to_thread(path.is_file):
        return web.Response(status=404)
    disposition = {"Content-Disposition": f'filename="{path.name}"'}
    channel = query.get("channel")
    if "preview" in query or channel in ("rgb", "a"):
        try:
            body, content_type = await asyncio.to_thread(
                images.reencode_for_view, path, query.get("preview"), channel
            )
        except (OSError, ValueError):
            return web.Response(status=500, text="500 Internal Server Error")
        return web.Response(body=body, content_type=content_type, headers=disposition)
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if content_type in _FORCED_DOWNLOAD:
        content_type = "application/octet-stream"
    return web.FileResponse(path, headers={**disposition, "Content-Type": content_type})


async def _upload(request: web.Request, with_mask: bool) -> web.Response:
    state = _state(request)
    post = await request.post()
    image = post.get("image")
    kind = post.get("type")
    upload_type = kind if isinstance(kind, str) else "input"
    upload_dir = state.folders.by_type(upload_type)
    if upload_dir is None:
        # The real handler crashes on an unknown type.
        return web.Response(status=500, text="500 Internal Server Error")
    if not isinstance(image, web.FileField) or not image.filename:
        return web.Response(status=400)
    subfolder = post.get("subfolder", "")
    subfolder = subfolder if isinstance(subfolder, str) else ""
    overwrite = post.get("overwrite") in ("true", "1")
    data = await asyncio.to_thread(image.file.read)
    if with_mask:
        masked = await asyncio.to_thread(_masked, state.folders, post.get("original_ref"), data)
        if masked is None:
            return web.json_response(
                {"name": image.filename, "subfolder": subfolder, "type": upload_type}
            )
        data = masked
    name = await asyncio.to_thread(
        store_upload, upload_dir, subfolder, image.filename, data, overwrite
    )
    if name is None:
        return web.Response(status=400)
    return web.json_response({"name": name, "subfolder": subfolder, "type": upload_type})


def _masked(folders: Folders, original_ref: Any, mask: bytes) -> bytes | None:
    """The original image with the mask's alpha, as PNG bytes; None when the original cannot
    be found (the real server then silently writes nothing and still answers 200)."""
    try:
        ref = json.loads(str(original_ref))
        filename, folder = folders.annotated(ref["filename"])
        if not filename or filename[0] == "/" or ".." in filename:
            return None
        folder = folder or folders.by_type(ref.get("type", "output"))
        if folder is None:
            return None
        if ref.get("subfolder", ""):
            folder = Path(os.path.abspath(folder / ref["subfolder"]))
            if not inside(folders.root, folder):
                return None
        original = folder / filename
        if not original.is_file():
            return None
        return images.merge_mask(original, mask)
    except (ValueError, KeyError, TypeError, OSError):
        return None


async def upload_image(request: web.Request) -> web.Response:
    return await _upload(request, with_mask=False)


async def upload_mask(request: web.Request) -> web.Response:
    return await _upload(request, with_mask=True)
