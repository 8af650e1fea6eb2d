"""The aiohttp application: ComfyUI 0.3.64's routes, each also under /api."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import os
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import WSMsgType, web

from desktop.demo import files_routes
from desktop.demo.hub import Connection
from desktop.demo.state import STATE_KEY, DemoState
from desktop.demo.templates_routes import add_template_routes
from desktop.demo.validation import prompt_error, validate_prompt
from desktop.demo.worker import run_worker

log = logging.getLogger("comfydesk.demo")

MAX_UPLOAD_SIZE = 100 * 1024 * 1024
SERVER_FEATURES = {"supports_preview_metadata": True, "max_upload_size": MAX_UPLOAD_SIZE}
DEMO_DEVICE = "ComfyDesk demo (placeholder images)"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def server_error() -> web.Response:
    """aiohttp's bare 500 for an unhandled exception, which is what ComfyUI sends for
    malformed requests (tests/data/comfyui-captures/02-validation-errors/malformed_body.json)."""
    return web.Response(
        status=500, text="500 Internal Server Error\n\nServer got itself in trouble"
    )


async def read_json(request: web.Request) -> Any:
    return await request.json()


def _state(request: web.Request) -> DemoState:
    return request.app[STATE_KEY]


# -- websocket ------------------------------------------------------------------------------
async def websocket(request: web.Request) -> web.WebSocketResponse:
    state = _state(request)
    ws = web.WebSocketResponse(max_msg_size=MAX_UPLOAD_SIZE)
    await ws.prepare(request)
    sid = request.query.get("clientId") or uuid.uuid4().hex
    connection = Connection(sid, ws)
    state.hub.register(connection)
    try:
        state.hub.send("status", {"status": state.queue_info(), "sid": sid}, sid)
        if state.running_client_id == sid and state.last_node_id is not None:
            # The only replay a reconnecting client gets: no prompt_id, no display_node.
            state.hub.send("executing", {"node": state.last_node_id}, sid)
        first_message = True
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                data = json.loads(message.data)
            except ValueError:
                log.debug("ignoring a non-JSON message from %s", sid)
                continue
            if first_message and isinstance(data, dict) and data.get("type") == "feature_flags":
                flags = data.get("data")
                connection.flags = flags if isinstance(flags, dict) else {}
                state.hub.send("feature_flags", SERVER_FEATURES, sid)
            first_message = False
    finally:
        state.hub.unregister(connection)
    return ws


# -- informational --------------------------------------------------------------------------
def _memory() -> tuple[int, int]:
    try:
        page = os.sysconf("SC_PAGE_SIZE")
        return page * os.sysconf("SC_PHYS_PAGES"), page * os.sysconf("SC_AVPHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 16 * 1024**3, 8 * 1024**3


async def system_stats(request: web.Request) -> web.Response:
    total, free = _memory()
    return web.json_response(
        {
            "system": {
                "os": os.name,
                "ram_total": total,
                "ram_free": free,
                "comfyui_version": "0.3.64",
                "required_frontend_version": "1.27.10",
                "installed_templates_version": "0.1.95",
                "required_templates_version": "0.1.95",
                "python_version": sys.version,
                "pytorch_version": "none (ComfyDesk demo server)",
                "embedded_python": False,
                "argv": ["comfydesk-demo"],
            },
            "devices": [
                {
                    "name": DEMO_DEVICE,
                    "type": "cpu",
                    "index": None,
                    "vram_total": total,
                    "vram_free": free,
                    "torch_vram_total": total,
                    "torch_vram_free": free,
                }
            ],
        }
    )


async def features(request: web.Request) -> web.Response:
    return web.json_response(SERVER_FEATURES)


async def extensions(request: web.Request) -> web.Response:
    return web.json_response([])


async def embeddings(request: web.Request) -> web.Response:
    names = _state(request).catalog.models("embeddings") or []
    return web.json_response([os.path.splitext(name)[0] for name in names])


async def model_folders(request: web.Request) -> web.Response:
    return web.json_response(_state(request).catalog.model_folders())


async def model_files(request: web.Request) -> web.Response:
    names = _state(request).catalog.models(request.match_info["folder"])
    if names is None:
        return web.Response(status=404)
    return web.json_response(names)


async def object_info(request: web.Request) -> web.Response:
    state = _state(request)
    state.catalog.set_input_files(await asyncio.to_thread(state.folders.input_files))
    body = await state.catalog.encoded()
    return web.Response(body=body, content_type="application/json")


async def object_info_node(request: web.Request) -> web.Response:
    state = _state(request)
    state.catalog.set_input_files(await asyncio.to_thread(state.folders.input_files))
    name = request.match_info["node_class"]
    node = state.catalog.get(name)
    return web.json_response({name: node} if node is not None else {})


async def index(request: web.Request) -> web.Response:
    return web.Response(
        text="<html><body><h1>ComfyDesk demo server</h1><p>Speaks ComfyUI's protocol and "
        "draws placeholder images; no AI runs here.</p></body></html>",
        content_type="text/html",
    )


# -- prompts and queue ----------------------------------------------------------------------
async def get_prompt(request: web.Request) -> web.Response:
    return web.json_response(_state(request).queue_info())


async def post_prompt(request: web.Request) -> web.Response:
    state = _state(request)
    try:
        body = await read_json(request)
    except ValueError:
        return server_error()
    try:
        return await _enqueue(state, body)
    except Exception as err:
        log.warning("malformed POST /prompt: %s: %s", type(err).__name__, err)
        return server_error()


async def _enqueue(state: DemoState, body: Any) -> web.Response:
    state.received_prompts.append(await asyncio.to_thread(copy.deepcopy, body))
    if "number" in body:
        number: float = float(body["number"])
    else:
        number = state.queue.next_number(bool(body.get("front")))
    if "prompt" not in body:
        error = prompt_error("no_prompt", "No prompt provided", "No prompt provided")
        return web.json_response({"error": error, "node_errors": {}}, status=400)
    prompt = body["prompt"]
    prompt_id = str(body["prompt_id"]) if "prompt_id" in body else str(uuid.uuid4())
    result = await asyncio.to_thread(
        validate_prompt,
        prompt,
        state.catalog,
        state.folders.annotated_exists,
        body.get("partial_execution_targets"),
    )
    extra_data = body.get("extra_data", {})
    if "client_id" in body:
        extra_data["client_id"] = body["client_id"]
    if not result.ok:
        log.info("invalid prompt: %s", result.error)
        return web.json_response(
            {"error": result.error, "node_errors": result.node_errors}, status=400
        )
    state.queue.put((number, prompt_id, prompt, extra_data, result.outputs))
    return web.json_response(
        {"prompt_id": prompt_id, "number": number, "node_errors": result.node_errors}
    )


async def get_queue(request: web.Request) -> web.Response:
    running, pending = _state(request).queue.snapshot()
    return web.json_response(
        {"queue_running": [list(i) for i in running], "queue_pending": [list(i) for i in pending]}
    )


async def _clear_or_delete(
    request: web.Request, wipe: Callable[[], None], delete: Callable[[str], object]
) -> web.Response:
    """``POST /queue`` and ``POST /history``: ``{"clear": true}`` and/or ``{"delete": [ids]}``."""
    try:
        body = await read_json(request)
        if body.get("clear"):
            wipe()
        if "delete" in body:
            for prompt_id in body["delete"]:
                delete(prompt_id)
    except (ValueError, TypeError, KeyError, AttributeError):
        return server_error()
    return web.Response(status=200)


async def post_queue(request: web.Request) -> web.Response:
    queue = _state(request).queue
    return await _clear_or_delete(request, queue.wipe_pending, queue.delete_pending)


async def interrupt(request: web.Request) -> web.Response:
    state = _state(request)
    try:
        body = await read_json(request)
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        return server_error()
    prompt_id = body.get("prompt_id")
    if not prompt_id or prompt_id in state.queue.running_ids():
        state.interrupt()
    return web.Response(status=200)


async def free(request: web.Request) -> web.Response:
    state = _state(request)
    try:
        body = await read_json(request)
        free_memory = bool(body.get("free_memory", False))
    except (ValueError, AttributeError):
        return server_error()
    if free_memory:
        # Acted on after the running prompt, like the real worker's flags.
        if state.queue.running:
            state.free_memory_requested = True
        else:
            state.cache.clear()
    return web.Response(status=200)


async def get_history(request: web.Request) -> web.Response:
    query = request.rel_url.query
    try:
        max_items = int(query["max_items"]) if "max_items" in query else None
        offset = int(query["offset"]) if "offset" in query else -1
    except ValueError:
        return server_error()
    history = _state(request).queue.get_history(max_items=max_items, offset=offset)
    return web.json_response(history)


async def get_history_item(request: web.Request) -> web.Response:
    prompt_id = request.match_info["prompt_id"]
    return web.json_response(_state(request).queue.get_history(prompt_id))


async def post_history(request: web.Request) -> web.Response:
    queue = _state(request).queue
    return await _clear_or_delete(request, queue.wipe_history, queue.delete_history)


# -- assembly -------------------------------------------------------------------------------
ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/", index),
    ("GET", "/ws", websocket),
    ("GET", "/system_stats", system_stats),
    ("GET", "/features", features),
    ("GET", "/extensions", extensions),
    ("GET", "/embeddings", embeddings),
    ("GET", "/models", model_folders),
    ("GET", "/models/{folder}", model_files),
    ("GET", "/object_info", object_info),
    ("GET", "/object_info/{node_class}", object_info_node),
    ("GET", "/prompt", get_prompt),
    ("POST", "/prompt", post_prompt),
    ("GET", "/queue", get_queue),
    ("POST", "/queue", post_queue),
    ("POST", "/interrupt", interrupt),
    ("POST", "/free", free),
    ("GET", "/history", get_history),
    ("GET", "/history/{prompt_id}", get_history_item),
    ("POST", "/history", post_history),
    ("GET", "/view", files_routes.view),
    ("POST", "/upload/image", files_routes.upload_image),
    ("POST", "/upload/mask", files_routes.upload_mask),
]


def _auth_middleware(token: str) -> Any:
    expected = f"Bearer {token}"

    @web.middleware
    async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.headers.get("Authorization") != expected:
            return web.Response(status=401, text="401: Unauthorized")
        return await handler(request)

    return require_token


async def _background(app: web.Application) -> AsyncIterator[None]:
    state = app[STATE_KEY]
    tasks = [
        asyncio.create_task(state.hub.run(), name="demo-sender"),
        asyncio.create_task(run_worker(state), name="demo-worker"),
    ]
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _close_sockets(app: web.Application) -> None:
    await app[STATE_KEY].hub.close_all()


def create_app(state: DemoState) -> web.Application:
    """The demo server's app; its worker and sender tasks live as long as the app runs."""
    middlewares = (
        [_auth_middleware(state.config.require_token)] if state.config.require_token else []
    )
    app = web.Application(client_max_size=MAX_UPLOAD_SIZE, middlewares=middlewares)
    app[STATE_KEY] = state
    for method, path, handler in ROUTES:
        app.router.add_route(method, "/api" + path, handler)
        app.router.add_route(method, path, handler)
    add_template_routes(app)  # static files in ComfyUI: no /api twin
    app.cleanup_ctx.append(_background)
    app.on_shutdown.append(_close_sockets)
    return app
