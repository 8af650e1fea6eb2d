"""Extra headers and query parameters (proxy tokens) reach every request to the server --
REST, the WebSocket handshake, /view -- and never any other host."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import AuthenticationRequired
from desktop.comfy.messages import Connected, Disconnected, Status
from desktop.comfy.types import ImageRef
from tests.protocol.recorded_server import RecordedComfy, running_fake

HEADERS = {"Authorization": "Bearer s3cret", "X-Api-Key": "k3y"}
QUERY = {"token": "t0ken"}


@pytest.fixture
async def fake_comfy() -> AsyncIterator[RecordedComfy]:
    async with running_fake() as fake:
        yield fake


@pytest.fixture
async def elsewhere() -> AsyncIterator[RecordedComfy]:
    """Another host (a login service) that must never see our credentials."""
    async with running_fake() as fake:
        yield fake


def assert_credentials(headers: dict[str, str], query: dict[str, str]) -> None:
    assert headers["Authorization"] == "Bearer s3cret"
    assert headers["X-Api-Key"] == "k3y"
    assert query["token"] == "t0ken"


async def test_credentials_reach_rest_view_and_websocket(fake_comfy: RecordedComfy) -> None:
    async with ComfyClient(fake_comfy.url, headers=HEADERS, query=QUERY) as client:
        await client.system_stats()
        await client.history(max_items=1)
        await client.view(ImageRef("ComfyUI_00003_.png"))
        await client.upload_image(b"x", "a.png")
        stream = client.events()
        async for event in stream:
            if isinstance(event, Status):
                break
        await stream.close()
    for request in fake_comfy.requests:
        assert_credentials(request.headers, request.query)
    assert fake_comfy.seen("/api/history")[0].query == {"token": "t0ken", "max_items": "1"}
    view = fake_comfy.seen("/api/view")[0]
    assert view.query["filename"] == "ComfyUI_00003_.png"
    (socket,) = fake_comfy.sockets
    assert_credentials(socket.headers, socket.query)
    assert socket.client_id == client.client_id
    assert "Origin" not in socket.headers  # PROTOCOL.md §1.4: never forge an Origin


async def test_rest_redirect_to_another_host_gets_nothing(
    fake_comfy: RecordedComfy, elsewhere: RecordedComfy
) -> None:
    async def to_login(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(elsewhere.url + "/system_stats?next=comfy")

    fake_comfy.override("/system_stats", to_login)
    async with ComfyClient(fake_comfy.url, headers=HEADERS, query=QUERY) as client:
        with pytest.raises(AuthenticationRequired):
            await client.system_stats()
    assert elsewhere.requests == []


async def test_websocket_redirect_to_another_host_gets_nothing(
    fake_comfy: RecordedComfy, elsewhere: RecordedComfy
) -> None:
    async def to_login(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(elsewhere.url + "/ws?next=comfy")

    fake_comfy.override("/ws", to_login)
    async with ComfyClient(fake_comfy.url, headers=HEADERS, query=QUERY) as client:
        stream = client.events()
        async for event in stream:
            if isinstance(event, Disconnected):
                break
        await stream.close()
    assert event.auth_required
    assert isinstance(event.error, AuthenticationRequired)
    assert event.retry_in is not None
    assert elsewhere.requests == []
    assert elsewhere.sockets == []


async def test_websocket_login_page_is_auth_required(fake_comfy: RecordedComfy) -> None:
    async def login_page(request: web.Request) -> web.StreamResponse:
        return web.Response(text="<html>login</html>", content_type="text/html")

    fake_comfy.override("/ws", login_page)
    async with ComfyClient(fake_comfy.url) as client:
        stream = client.events()
        events = []
        async for event in stream:
            events.append(event)
            if isinstance(event, Disconnected):
                break
        await stream.close()
    assert not any(isinstance(e, Connected) for e in events)
    assert events[-1].auth_required


async def test_same_host_redirect_is_refused_too(fake_comfy: RecordedComfy) -> None:
    # A proxy on the same host but another port is another origin.
    other = TestServer(web.Application(), host="127.0.0.1")
    await other.start_server()
    try:
        fake_comfy.override(
            "/features", lambda r: _raise(web.HTTPTemporaryRedirect(f"{other.make_url('/')}"))
        )
        async with ComfyClient(fake_comfy.url, headers=HEADERS) as client:
            with pytest.raises(AuthenticationRequired) as info:
                await client.features()
        assert info.value.status == 307
    finally:
        await other.close()


async def _raise(exc: Exception) -> web.StreamResponse:
    raise exc
