"""The documented API of the hosted workflow service (base URL side).

Answers carry ``code`` (0 = success) and ``msg``; a missing or unknown key is HTTP 401, a
revoked one 403. Every request's headers are recorded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from desktop.demo.hosted.storage import SignedStorage
from desktop.demo.hosted.tasks import DONE, NO_PERMISSION, QUEUED, Task, TaskQueue, merge, new_id

PREFIX = "/api/maas/comfy_task_api"
CODE_BAD_REQUEST = 10001
CODE_NO_WORKFLOW = 10002
CODE_BAD_INPUT = 10003
CODE_BAD_UPLOAD = 10004
MAX_URL_EXPIRE = 86400
API_KEY = web.RequestKey("api_key", str)


def answer(code: int, msg: str, data: Any = None, status: int = 200) -> web.Response:
    body: dict[str, Any] = {"code": code, "msg": msg}
    if data is not None:
        body["data"] = data
    return web.json_response(body, status=status)


class HostedApi:
    def __init__(
        self,
        queue: TaskQueue,
        storage: SignedStorage,
        workflows: dict[str, dict[str, Any]],
        keys: Mapping[str, frozenset[str] | None],
    ) -> None:
        self.queue = queue
        self.storage = storage
        self.workflows = workflows
        self.keys = dict(keys)  # key -> workflow ids it may run (None: all)
        self.revoked: set[str] = set()
        self.seen_headers: list[dict[str, str]] = []
        self.received: list[dict[str, Any]] = []  # every submission body, kept

    # ------------------------------------------------------------------ helpers

    @web.middleware
    async def auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.seen_headers.append(dict(request.headers))
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if key in self.revoked:
            return answer(403, "api key disabled", status=403)
        if scheme != "Bearer" or key not in self.keys:
            return answer(401, "invalid api key", status=401)
        request[API_KEY] = key
        return await handler(request)

    @staticmethod
    async def _json(request: web.Request) -> Any:
        try:
            return json.loads(await request.read())
        except ValueError:
            return None

    def _change_problem(self, published: dict[str, Any], changes: Any) -> str:
        if not isinstance(changes, dict):
            return "prompt must be an object"
        for node_id, node in changes.items():
            if node_id not in published:
                return f"node {node_id} is not in the workflow"
            inputs = node.get("inputs") if isinstance(node, dict) else None
            if not isinstance(inputs, dict):
                return f"node {node_id} has no inputs"
            for name in inputs:
                if name not in published[node_id]["inputs"]:
                    return f"node {node_id} has no input {name}"
        return ""

    # ------------------------------------------------------------------ routes

    async def prompt(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        if not isinstance(body, dict) or not isinstance(body.get("workflow_id"), str):
            return answer(CODE_BAD_REQUEST, "invalid request: workflow_id is required")
        self.received.append(body)
        workflow_id = body["workflow_id"]
        published = self.workflows.get(workflow_id)
        if published is None:
            return answer(CODE_NO_WORKFLOW, f"workflow {workflow_id} not found")
        changes = body.get("prompt") or {}
        problem = self._change_problem(published, changes)
        if problem:
            return answer(CODE_BAD_INPUT, f"invalid prompt: {problem}")
        key = request[API_KEY]
        allowed = self.keys[key]
        task = Task(new_id("cft"), workflow_id, key, merge(published, changes))
        if allowed is not None and workflow_id not in allowed:
            task.status = NO_PERMISSION
        self.queue.add(task)
        return answer(0, "Success", {"prompt_id": task.task_id})

    def _info(self, task: Task, ttl: float) -> dict[str, Any]:
        files: Any = "None"
        if task.status == DONE:
            files = {}
            for node_id, names in task.files.items():
                urls = [self.storage.sign(name, ttl) for name in names]
                files[node_id] = urls[0] if len(urls) == 1 else urls
        return {
            "comfy_task_id": task.task_id,
            "status": task.status,
            "queue_size": len(self.queue.waiting),
            "current_position": self.queue.position(task) if task.status == QUEUED else 0,
            "errMsg": task.err_msg,
            "files": files,
        }

    async def task_info(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        ids = body.get("comfy_task_ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return answer(CODE_BAD_REQUEST, "invalid request: comfy_task_ids must be a list")
        ttl = body.get("url_expire_period", 3600)
        if not isinstance(ttl, int) or not 0 < ttl <= MAX_URL_EXPIRE:
            return answer(CODE_BAD_REQUEST, "invalid request: url_expire_period out of range")
        key = request[API_KEY]
        tasks = [self.queue.tasks.get(i) for i in ids]
        infos = [self._info(t, ttl) for t in tasks if t is not None and t.api_key == key]
        return answer(0, "Success", {"comfy_task_info": infos})

    async def upload(self, request: web.Request) -> web.Response:
        try:
            field = (await request.post()).get("source_file")
        except ValueError:
            field = None
        if not isinstance(field, web.FileField):
            return answer(CODE_BAD_UPLOAD, "source_file is required")
        data = field.file.read()
        if not data:
            return answer(CODE_BAD_UPLOAD, "source_file is empty")
        suffix = field.filename.rsplit(".", 1)[-1].lower() if "." in field.filename else "png"
        image_id = f"{new_id('te')}/{new_id('ac')}/{new_id('sui')}.{suffix}"
        self.queue.uploads[image_id] = data
        return web.json_response({"image_id": image_id})

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self.auth], client_max_size=64 * 1024 * 1024)
        app.router.add_post(f"{PREFIX}/prompt", self.prompt)
        app.router.add_post(f"{PREFIX}/get_task_info", self.task_info)
        app.router.add_post(f"{PREFIX}/upload/image", self.upload)
        return app
