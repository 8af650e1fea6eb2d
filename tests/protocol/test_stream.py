"""EventStream against a server that replays recorded WebSocket sessions."""

from __future__ import annotations

import asyncio
import base64
import io
import logging
import os
import socket
import struct
from collections.abc import AsyncIterator

import pytest
from PIL import Image

from desktop.comfy import messages as m
from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import ServerUnreachable
from desktop.comfy.http import HttpTransport
from desktop.comfy.stream import EventStream
from tests.protocol.recorded_server import RecordedComfy, running_fake, ws_frames

# The recorded sessions without their greeting (status with sid, feature_flags reply), which
# the fake sends itself for whichever client id connects.
WITH_METADATA = ws_frames("06-feature-flags-preview-metadata/ws_submitter.jsonl")[2:]
LEGACY = ws_frames("01-success-with-previews/ws_submitter.jsonl")[1:]


@pytest.fixture
async def fake_comfy() -> AsyncIterator[RecordedComfy]:
    async with running_fake() as fake:
        yield fake


def expected(frames: list[dict]) -> list[object]:
    return [
        m.parse_message(f["json"])
        if "json" in f
        else m.parse_binary(base64.b64decode(f["binary"]["base64"]), received_at=0.0)
        for f in frames
    ]


def comparable(event: object) -> object:
    if isinstance(event, m.PreviewImage):
        return (event.event, event.mime_type, event.prompt_id, event.node_id, len(event.image))
    return event


async def collect_until(stream: EventStream, done, limit: float = 10.0) -> list[object]:
    """Events until ``done(event, events)`` is true; fails instead of hanging."""
    events: list[object] = []
    async with asyncio.timeout(limit):
        async for event in stream:
            events.append(event)
            if done(event, events):
                break
    return events


def finished(event: object, _events: list[object]) -> bool:
    return isinstance(event, m.Executing) and event.finished


async def test_recorded_run_with_preview_metadata(fake_comfy: RecordedComfy) -> None:
    fake_comfy.ws_scripts = [WITH_METADATA]
    async with ComfyClient(fake_comfy.url, client_id="desk-1") as client:
        stream = client.events()
        assert not stream.connected
        events = await collect_until(stream, finished)
        assert stream.connected
        await stream.close()
        assert not stream.connected
    assert events[0] == m.Connecting(stream.url, 1)
    assert events[1] == m.Connected(
        "desk-1", {"supports_preview_metadata": True, "max_upload_size": 104857600}
    )
    assert events[2] == m.Status(0, "desk-1")
    assert isinstance(events[3], m.FeatureFlags)
    assert [comparable(e) for e in events[4:]] == [comparable(e) for e in expected(WITH_METADATA)]
    previews = [e for e in events if isinstance(e, m.PreviewImage)]
    assert len(previews) == 3
    for preview in previews:
        assert preview.prompt_id == "448cd465-1d97-4029-a7ad-b5a7b370942e"
        assert preview.node_id == "3"
        assert preview.received_at > 0
        with Image.open(io.BytesIO(preview.image)) as image:
            image.load()
            assert image.size == (512, 512)
    (session,) = fake_comfy.sockets
    assert session.client_id == "desk-1"
    assert session.received[0] == {
        "type": "feature_flags",
        "data": {"supports_preview_metadata": True},
    }


async def test_legacy_previews_without_metadata(fake_comfy: RecordedComfy) -> None:
    fake_comfy.ws_scripts = [LEGACY]
    async with ComfyClient(fake_comfy.url) as client:
        stream = client.events(preview_metadata=False)
        events = await collect_until(stream, finished)
    previews = [e for e in events if isinstance(e, m.PreviewImage)]
    assert [p.event for p in previews] == [m.EVENT_PREVIEW_IMAGE] * 3
    assert all(p.prompt_id is None for p in previews)
    assert fake_comfy.sockets[0].received[0]["data"] == {"supports_preview_metadata": False}


async def test_socket_dropped_mid_run_is_reestablished(fake_comfy: RecordedComfy) -> None:
    half = len(LEGACY) // 2
    fake_comfy.ws_scripts = [LEGACY[:half], LEGACY[half:]]
    fake_comfy.drop_connections = {0}
    http = HttpTransport(fake_comfy.url)
    stream = EventStream(http, "desk-2", backoff_base=0.05)
    try:
        events = await collect_until(stream, finished)
    finally:
        await stream.close()
        await http.close()
    kinds = [type(e).__name__ for e in events if isinstance(e, m.ConnectionEvent)]
    assert kinds == ["Connecting", "Connected", "Disconnected", "Connecting", "Connected"]
    drop = next(e for e in events if isinstance(e, m.Disconnected))
    assert drop.retry_in is not None
    assert drop.retry_in > 0
    assert not drop.auth_required
    reconnect = [e for e in events if isinstance(e, m.Connecting)]
    assert reconnect[1].attempt == 2
    # Every recorded message arrived exactly once, in order, across the two sockets.
    messages = [e for e in events if not isinstance(e, m.ConnectionEvent)]
    greeting = (m.Status, m.FeatureFlags)
    run = [comparable(e) for e in messages if not isinstance(e, greeting)]
    assert run == [comparable(e) for e in expected(LEGACY) if not isinstance(e, greeting)]
    assert [s.client_id for s in fake_comfy.sockets] == ["desk-2", "desk-2"]
    assert [s.received[0]["type"] for s in fake_comfy.sockets] == ["feature_flags"] * 2
    assert fake_comfy.socket_log[:3] == [("open", 0), ("closed", 0), ("open", 1)]


async def test_old_socket_is_closed_before_reconnecting(fake_comfy: RecordedComfy) -> None:
    fake_comfy.ws_scripts = [LEGACY[:3]]
    fake_comfy.close_connections = {0}
    http = HttpTransport(fake_comfy.url)
    stream = EventStream(http, "desk-3", backoff_base=0.05)
    try:
        await collect_until(stream, lambda e, ev: sum(isinstance(x, m.Connected) for x in ev) == 2)
    finally:
        await stream.close()
        await http.close()
    assert fake_comfy.socket_log[:3] == [("open", 0), ("closed", 0), ("open", 1)]


async def test_reconnect_now_skips_the_backoff(fake_comfy: RecordedComfy) -> None:
    fake_comfy.ws_scripts = [[]]
    fake_comfy.close_connections = {0}
    http = HttpTransport(fake_comfy.url)
    stream = EventStream(http, "desk-4", backoff_base=600, backoff_cap=600)
    try:
        events = await collect_until(stream, lambda e, _: isinstance(e, m.Disconnected))
        assert events[-1].retry_in >= 300
        stream.reconnect_now()
        # Without reconnect_now the next attempt would be minutes away (collect_until fails).
        more = await collect_until(stream, lambda e, _: isinstance(e, m.Connected))
    finally:
        await stream.close()
        await http.close()
    assert isinstance(more[0], m.Connecting)
    assert len(fake_comfy.sockets) == 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_unreachable_server_keeps_retrying_with_backoff() -> None:
    http = HttpTransport(f"http://127.0.0.1:{free_port()}")
    stream = EventStream(http, "desk-5", backoff_base=0.01, backoff_cap=0.02)
    try:
        events = await collect_until(
            stream, lambda e, ev: sum(isinstance(x, m.Disconnected) for x in ev) == 3
        )
    finally:
        await stream.close()
        await http.close()
    assert [e.attempt for e in events if isinstance(e, m.Connecting)] == [1, 2, 3]
    downs = [e for e in events if isinstance(e, m.Disconnected)]
    assert all(isinstance(d.error, ServerUnreachable) for d in downs)
    assert all(0 < d.retry_in <= 0.02 for d in downs)
    assert not any(d.auth_required for d in downs)


async def test_malformed_frames_are_logged_and_skipped(
    fake_comfy: RecordedComfy, caplog: pytest.LogCaptureFixture
) -> None:
    bad_binary = base64.b64encode(struct.pack(">II", 4, 999) + b"{}").decode()
    text_frame = base64.b64encode(struct.pack(">II", 3, 1) + b"7resized to 64x64").decode()
    fake_comfy.ws_scripts = [
        [
            {"json": "just a string"},
            {"binary": {"base64": bad_binary}},
            {"json": {"type": "crystools.monitor", "data": {"cpu_utilization": 5}}},
            {"binary": {"base64": text_frame}},
            {"json": {"type": "executing", "data": {"node": None, "prompt_id": "p"}}},
        ]
    ]
    caplog.set_level(logging.WARNING, logger="comfydesk.comfy")
    async with ComfyClient(fake_comfy.url) as client:
        events = await collect_until(client.events(), finished)
    payload = [e for e in events if not isinstance(e, m.ConnectionEvent | m.Status)]
    assert payload[1:] == [
        m.Unknown("crystools.monitor", {"cpu_utilization": 5}),
        m.ProgressText("7", "resized to 64x64"),
        m.Executing("p", None),
    ]
    assert isinstance(payload[0], m.FeatureFlags)
    warnings = [r.getMessage() for r in caplog.records if r.name == "comfydesk.comfy"]
    assert any("not a message" in w for w in warnings)
    assert any("preview metadata runs past the end" in w for w in warnings)


async def test_frames_larger_than_aiohttps_default_limit(fake_comfy: RecordedComfy) -> None:
    # A full-size PNG from SaveImageWebsocket; only the size matters here.
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(6 * 1024 * 1024)
    frame = struct.pack(">II", 1, 2) + png
    fake_comfy.ws_scripts = [
        [
            {"binary": {"base64": base64.b64encode(frame).decode()}},
            {"json": {"type": "executing", "data": {"node": None, "prompt_id": "p"}}},
        ]
    ]
    async with ComfyClient(fake_comfy.url) as client:
        events = await collect_until(client.events(), finished)
    (preview,) = [e for e in events if isinstance(e, m.PreviewImage)]
    assert preview.mime_type == "image/png"
    assert preview.image == png


async def test_close_ends_iteration_and_socket(fake_comfy: RecordedComfy) -> None:
    async with ComfyClient(fake_comfy.url) as client:
        stream = client.events()
        await collect_until(stream, lambda e, _: isinstance(e, m.Status))
        await stream.close()
        rest = [e async for e in stream]
        await stream.close()  # idempotent
        assert [e async for e in stream] == []
    # Events read before close() are still delivered, then the final Disconnected.
    assert rest[-1] == m.Disconnected("closed")
    assert not any(isinstance(e, m.ConnectionEvent) for e in rest[:-1])
    async with asyncio.timeout(5):
        await fake_comfy.wait_socket_closed(0)


async def test_close_before_iterating(fake_comfy: RecordedComfy) -> None:
    async with ComfyClient(fake_comfy.url) as client:
        stream = client.events()
        await stream.close()
        assert [e async for e in stream] == []
    assert fake_comfy.sockets == []


async def test_client_close_stops_its_streams(fake_comfy: RecordedComfy) -> None:
    client = ComfyClient(fake_comfy.url)
    stream = client.events()
    await collect_until(stream, lambda e, _: isinstance(e, m.Connected))
    await client.close()
    assert [type(e) async for e in stream][-1:] == [m.Disconnected]
    assert not stream.connected


async def test_sid_mismatch_is_logged(
    fake_comfy: RecordedComfy, caplog: pytest.LogCaptureFixture
) -> None:
    status = {
        "type": "status",
        "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": "someone-else"},
    }
    fake_comfy.ws_scripts = [[{"json": status}]]
    caplog.set_level(logging.WARNING, logger="comfydesk.comfy")
    async with ComfyClient(fake_comfy.url) as client:
        await collect_until(client.events(), lambda e, _: getattr(e, "sid", "") == "someone-else")
    assert any("someone-else" in r.getMessage() for r in caplog.records)
