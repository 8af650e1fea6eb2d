"""Helpers to replay recorded scenarios against a server with raw aiohttp and to compare
what comes back with the recordings in comfyui-captures/ (ids, times and file numbers are
normalised away; everything else must match)."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.conftest import shared_path

CAPTURES = shared_path("comfyui-captures")
VOLATILE_KEYS = {"prompt_id", "sid", "timestamp"}
TIMEOUT = 15.0


@dataclass(frozen=True)
class Frame:
    """One WebSocket frame: a parsed JSON message or the raw bytes of a binary frame."""

    message: Any = None
    binary: bytes | None = None

    @property
    def type(self) -> str | None:
        return self.message.get("type") if isinstance(self.message, dict) else None

    @property
    def data(self) -> Any:
        return self.message.get("data") if isinstance(self.message, dict) else None


def http_capture(scenario: str, name: str) -> dict[str, Any]:
    return json.loads((CAPTURES / scenario / name).read_text())


def ws_capture(scenario: str, name: str) -> list[Frame]:
    frames = []
    for line in (CAPTURES / scenario / name).read_text().splitlines():
        entry = json.loads(line)
        if "json" in entry:
            frames.append(Frame(message=entry["json"]))
        else:
            frames.append(Frame(binary=base64.b64decode(entry["binary"]["base64"])))
    return frames


def recorded_prompt(scenario: str, name: str = "post_prompt.json") -> dict[str, Any]:
    return http_capture(scenario, name)["request"]["json"]["prompt"]


def normalize(value: Any, key: str | None = None) -> Any:
    """Replace what legitimately differs between two runs with placeholders."""
    if key in VOLATILE_KEYS and value is not None:
        return f"<{key}:{type(value).__name__}>"
    if key == "traceback":
        assert isinstance(value, list)
        assert all(isinstance(line, str) for line in value)
        return "<traceback>"
    if key == "current_outputs":
        return sorted(value)
    if key == "filename" and isinstance(value, str):
        return re.sub(r"_\d{5}_", "_#####_", value)
    if isinstance(value, dict):
        return {k: normalize(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def normalize_frame(frame: Frame) -> Any:
    if frame.binary is None:
        return normalize(frame.message)
    raw = frame.binary
    event, second = struct.unpack(">II", raw[:8])
    if event == 1:
        return {"binary": 1, "format": second, "jpeg": raw[8:10] == b"\xff\xd8"}
    if event == 4:
        metadata = json.loads(raw[8 : 8 + second])
        image = raw[8 + second :]
        return {"binary": 4, "metadata": normalize(metadata), "jpeg": image[:2] == b"\xff\xd8"}
    return {"binary": event}


def shape(value: Any) -> Any:
    """The type skeleton of a JSON value (dict keys kept, list elements as a set of shapes)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted({json.dumps(shape(v), sort_keys=True) for v in value})
    if value is None:
        return "null"
    return type(value).__name__


def assert_same_shape(ours: Any, recorded: Any, path: str = "$") -> None:
    """Same keys and value types. Our lists may hold fewer kinds of element (e.g. be empty);
    an empty recorded list says nothing about its elements, so any elements are accepted."""
    if isinstance(recorded, dict):
        assert isinstance(ours, dict), f"{path}: expected an object, got {ours!r}"
        assert set(ours) == set(recorded), f"{path}: keys {sorted(ours)} != {sorted(recorded)}"
        for key in recorded:
            assert_same_shape(ours[key], recorded[key], f"{path}.{key}")
    elif isinstance(recorded, list):
        assert isinstance(ours, list), f"{path}: expected a list, got {ours!r}"
        if not recorded:
            return
        recorded_shapes = {json.dumps(shape(v), sort_keys=True) for v in recorded}
        for index, item in enumerate(ours):
            item_shape = json.dumps(shape(item), sort_keys=True)
            if item_shape not in recorded_shapes and len(recorded) == len(ours):
                assert_same_shape(item, recorded[index], f"{path}[{index}]")
            else:
                assert item_shape in recorded_shapes, f"{path}[{index}]: {item_shape}"
    else:
        assert shape(ours) == shape(recorded), f"{path}: {ours!r} vs recorded {recorded!r}"


class Socket:
    """A raw aiohttp WebSocket that keeps every frame it reads."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, client_id: str) -> None:
        self.ws = ws
        self.client_id = client_id
        self.frames: list[Frame] = []

    @classmethod
    async def open(
        cls,
        session: aiohttp.ClientSession,
        base: str,
        client_id: str | None = None,
        feature_flags: dict[str, Any] | None = None,
    ) -> Socket:
        client_id = client_id or str(uuid.uuid4())
        ws = await session.ws_connect(f"{base}/ws?clientId={client_id}", max_msg_size=0)
        socket = cls(ws, client_id)
        await socket.read_until(lambda f: f.type == "status")
        if feature_flags is not None:
            await ws.send_json({"type": "feature_flags", "data": feature_flags})
            await socket.read_until(lambda f: f.type == "feature_flags")
        return socket

    async def read_until(self, done: Callable[[Frame], bool]) -> list[Frame]:
        """Read frames until one satisfies `done`; returns the frames read by this call."""
        start = len(self.frames)
        async with asyncio.timeout(TIMEOUT):
            while True:
                message = await self.ws.receive()
                if message.type == aiohttp.WSMsgType.TEXT:
                    frame = Frame(message=json.loads(message.data))
                elif message.type == aiohttp.WSMsgType.BINARY:
                    frame = Frame(binary=message.data)
                else:
                    raise AssertionError(f"socket ended: {message.type}")
                self.frames.append(frame)
                if done(frame):
                    return self.frames[start:]

    async def until_prompt_done(self, prompt_id: str) -> list[Frame]:
        return await self.read_until(
            lambda f: f.type == "executing" and f.data == {"node": None, "prompt_id": prompt_id}
        )

    async def close(self) -> None:
        await self.ws.close()


async def post_prompt(
    session: aiohttp.ClientSession, base: str, prompt: dict[str, Any], client_id: str, **extra: Any
) -> dict[str, Any]:
    async with session.post(
        f"{base}/prompt", json={"prompt": prompt, "client_id": client_id, **extra}
    ) as response:
        body = await response.json()
        assert response.status == 200, body
        return body


async def run_prompt(session: aiohttp.ClientSession, base: str, prompt: dict[str, Any]) -> str:
    """Queue a prompt from a throw-away socket and wait until it is done."""
    socket = await Socket.open(session, base)
    try:
        body = await post_prompt(session, base, prompt, socket.client_id)
        await socket.until_prompt_done(body["prompt_id"])
        return body["prompt_id"]
    finally:
        await socket.close()
