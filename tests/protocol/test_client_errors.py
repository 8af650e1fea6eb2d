"""How the client reports a server that refuses, fails, wants a login or is not there."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import (
    AuthenticationRequired,
    ComfyError,
    ProtocolError,
    ServerError,
    ServerUnreachable,
)
from tests.protocol.recorded_server import RecordedComfy, running_fake

DATA = Path(__file__).parent / "data"


@pytest.fixture
async def fake_comfy() -> AsyncIterator[RecordedComfy]:
    async with running_fake() as fake:
        yield fake


def answer(status: int, text: str = "", content_type: str = "text/plain", **headers: str):
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text=text, content_type=content_type, headers=headers)

    return handler


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_statuses(fake_comfy: RecordedComfy, status: int) -> None:
    fake_comfy.override("/system_stats", answer(status, "denied"))
    async with ComfyClient(fake_comfy.url) as client:
        with pytest.raises(AuthenticationRequired) as info:
            await client.system_stats()
    assert info.value.status == status
    assert "login" in str(info.value)


async def test_redirect_to_login_page_is_not_followed(fake_comfy: RecordedComfy) -> None:
    fake_comfy.override("/queue", answer(302, Location="/login?next=/api/queue"))
    async with ComfyClient(fake_comfy.url, headers={"Authorization": "Bearer t0ken"}) as client:
        with pytest.raises(AuthenticationRequired) as info:
            await client.queue()
    assert info.value.status == 302
    assert [r.path for r in fake_comfy.requests] == ["/api/queue"]


async def test_html_login_page_with_200_is_authentication(fake_comfy: RecordedComfy) -> None:
    page = "<!DOCTYPE html><html><form action=/login>Sign in</form></html>"
    fake_comfy.override("/history", answer(200, page, "text/html"))
    fake_comfy.override("/object_info", answer(200, page, "text/html"))
    async with ComfyClient(fake_comfy.url) as client:
        with pytest.raises(AuthenticationRequired):
            await client.history(max_items=5)
        with pytest.raises(AuthenticationRequired):
            await client.object_info()


async def test_text_where_json_was_expected_is_protocol_error(fake_comfy: RecordedComfy) -> None:
    fake_comfy.override("/features", answer(200, "hello"))
    fake_comfy.override("/object_info", answer(200, "[1, 2]", "application/json"))
    async with ComfyClient(fake_comfy.url) as client:
        with pytest.raises(ProtocolError):
            await client.features()
        with pytest.raises(ProtocolError):
            await client.object_info()


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_plain_text_5xx_is_server_error(fake_comfy: RecordedComfy, status: int) -> None:
    text = "500 Internal Server Error\n\nServer got itself in trouble"
    fake_comfy.override("/queue", answer(status, text))
    async with ComfyClient(fake_comfy.url) as client:
        with pytest.raises(ServerError) as info:
            await client.queue()
    assert info.value.status == status
    assert info.value.body == text


async def test_empty_bodied_errors_are_server_errors(fake_comfy: RecordedComfy) -> None:
    fake_comfy.override("/interrupt", answer(400))
    async with ComfyClient(fake_comfy.url) as client:
        with pytest.raises(ServerError) as info:
            await client.interrupt()
    assert (info.value.status, info.value.body) == (400, "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_refused_port_is_unreachable() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    async with ComfyClient(url) as client:
        with pytest.raises(ServerUnreachable) as info:
            await client.system_stats()
    assert info.value.url == url + "/api/system_stats"
    assert isinstance(info.value.__cause__, OSError)


async def test_slow_server_is_unreachable_after_the_timeout(fake_comfy: RecordedComfy) -> None:
    release = asyncio.Event()

    async def stuck(request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.json_response({})

    fake_comfy.override("/features", stuck)
    try:
        async with ComfyClient(fake_comfy.url, timeout=0.2) as client:
            with pytest.raises(ServerUnreachable) as info:
                await client.features()
    finally:
        release.set()
    assert "no answer in time" in str(info.value)
    assert isinstance(info.value.__cause__, TimeoutError)


async def test_closed_client_refuses_new_requests(fake_comfy: RecordedComfy) -> None:
    client = ComfyClient(fake_comfy.url)
    await client.features()
    await client.close()
    with pytest.raises(ComfyError):
        await client.features()


@pytest.fixture
async def tls_server() -> AsyncIterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(DATA / "test-server.crt", DATA / "test-server.key")
    fake = RecordedComfy()
    server = TestServer(fake.app, host="127.0.0.1")
    await server.start_server(ssl=context)
    try:
        yield f"https://127.0.0.1:{server.port}"
    finally:
        await server.close()


async def test_tls_self_signed_is_refused_by_default(tls_server: str) -> None:
    async with ComfyClient(tls_server) as client:
        with pytest.raises(ServerUnreachable) as info:
            await client.system_stats()
    assert "certificate" in str(info.value)


async def test_tls_with_ca_file_or_without_verification(tls_server: str) -> None:
    async with ComfyClient(tls_server, ca_file=str(DATA / "test-server.crt")) as client:
        assert (await client.system_stats()).comfyui_version == "0.3.64"
    async with ComfyClient(tls_server, verify_tls=False) as client:
        assert (await client.system_stats()).comfyui_version == "0.3.64"


async def test_missing_ca_file_is_a_clear_error(tls_server: str, tmp_path: Path) -> None:
    async with ComfyClient(tls_server, ca_file=str(tmp_path / "nope.pem")) as client:
        with pytest.raises(ServerUnreachable) as info:
            await client.system_stats()
    assert "nope.pem" in str(info.value)


async def test_connection_dropped_mid_answer_is_unreachable(fake_comfy: RecordedComfy) -> None:
    async def hang_up(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.abort()
        return web.Response()

    fake_comfy.override("/queue", hang_up)
    async with ComfyClient(fake_comfy.url) as client:
        with pytest.raises(ServerUnreachable) as info:
            await client.queue()
    assert "dropped" in str(info.value)
