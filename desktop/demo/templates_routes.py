"""``/templates/…``: the demo's small template library, served like ComfyUI serves the
``comfyui-workflow-templates`` package — static files, no ``/api`` twin, ``.webp`` pictures as
``application/octet-stream`` (tests/data/templates-0.3.64/thumbnail-headers.txt).

The demo ships three real templates from that package, with the English and Chinese index:
two it can run with ``--demo``'s models (text to image, image to image) and one whose model
it lacks (Flux Schnell).
"""

from __future__ import annotations

import asyncio
from importlib import resources

from aiohttp import web

from desktop.comfy.templates import is_safe_template_name

_TYPES = {".json": "application/json"}


def _read(name: str) -> bytes | None:
    ref = resources.files("desktop.demo").joinpath("data", "templates", name)
    return ref.read_bytes() if ref.is_file() else None


async def template_file(request: web.Request) -> web.Response:
    name = request.match_info["file"]
    stem, dot, ext = name.rpartition(".")
    if not dot or not is_safe_template_name(stem):
        raise web.HTTPNotFound()
    body = await asyncio.to_thread(_read, name)
    if body is None:
        raise web.HTTPNotFound()
    content_type = _TYPES.get(f".{ext}", "application/octet-stream")
    return web.Response(
        body=body, content_type=content_type, headers={"Cache-Control": "public, max-age=86400"}
    )


def add_template_routes(app: web.Application) -> None:
    app.router.add_route("GET", "/templates/{file}", template_file)
