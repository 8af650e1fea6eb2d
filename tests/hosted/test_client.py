"""The hosted client against the stand-in: the documented calls, code/msg errors, refused keys,
uploads, and the API key staying on the API's host."""

from __future__ import annotations

import io
import logging
import re

import aiohttp
import pytest
from aiohttp import web
from PIL import Image

from desktop.demo.hosted import DEMO_KEY, IMG2IMG_ID, TXT2IMG_ID, HostedDemoServer
from desktop.hosted.client import HostedClient
from desktop.hosted.download import SignedDownloader
from desktop.hosted.errors import (
    HostedApiError,
    HostedKeyRejected,
    HostedProtocolError,
    HostedUnreachable,
    SignedUrlExpired,
)
from desktop.hosted.poller import watch_task
from desktop.hosted.types import TaskStatus
from tests.hosted.conftest import FAST


def png_bytes(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_submit_without_changes_sends_no_prompt(
    hosted: HostedDemoServer, client: HostedClient
) -> None:
    task_id = await client.submit(TXT2IMG_ID)
    assert task_id.startswith("cft-")
    assert hosted.api.received == [{"workflow_id": TXT2IMG_ID}]
    info = (await client.task_info([task_id]))[task_id]
    assert info.status in (TaskStatus.QUEUED, TaskStatus.RUNNING)
    assert info.files == ()  # "None" until done


async def test_unknown_workflow_is_a_code_error_with_the_services_message(
    client: HostedClient,
) -> None:
    with pytest.raises(HostedApiError) as caught:
        await client.submit("wf-does-not-exist")
    assert caught.value.code != 0
    assert "wf-does-not-exist not found" in caught.value.msg
    assert "wf-does-not-exist not found" in str(caught.value)


async def test_an_input_the_workflow_lacks_is_a_code_error(client: HostedClient) -> None:
    with pytest.raises(HostedApiError, match="no input colour"):
        await client.submit(TXT2IMG_ID, {"3": {"inputs": {"colour": "red"}}})


async def test_unknown_key_is_401_and_revoked_key_is_403(hosted: HostedDemoServer) -> None:
    wrong = HostedClient("sk-wrong", hosted.url)
    try:
        with pytest.raises(HostedKeyRejected) as caught:
            await wrong.submit(TXT2IMG_ID)
        assert caught.value.status == 401
        assert "refused the API key" in str(caught.value)
    finally:
        await wrong.close()
    hosted.api.revoked.add(DEMO_KEY)
    revoked = HostedClient(DEMO_KEY, hosted.url)
    try:
        with pytest.raises(HostedKeyRejected) as caught:
            await revoked.task_info(["cft-x"])
        assert caught.value.status == 403
    finally:
        await revoked.close()


async def test_nothing_listening_is_unreachable() -> None:
    server = HostedDemoServer()
    await server.start()
    url = server.url
    await server.stop()
    api = HostedClient(DEMO_KEY, url, timeout=5.0)
    try:
        with pytest.raises(HostedUnreachable):
            await api.submit(TXT2IMG_ID)
    finally:
        await api.close()


async def test_upload_gives_an_image_id_a_loadimage_run_uses(
    hosted: HostedDemoServer, client: HostedClient
) -> None:
    image_id = await client.upload_image("cat.png", png_bytes(), "image/png")
    assert re.fullmatch(r"te-\w+/ac-\w+/sui-\w+\.png", image_id)
    task_id = await client.submit(IMG2IMG_ID, {"10": {"inputs": {"image": image_id}}})
    info = await watch_task(client, task_id, lambda _info: None, timing=FAST)
    assert info.status is TaskStatus.DONE
    assert len(info.files) == 1


async def test_key_never_reaches_the_download_host_nor_the_log(
    hosted: HostedDemoServer, client: HostedClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    task_id = await client.submit(TXT2IMG_ID, {"3": {"inputs": {"seed": 9}}})
    info = await watch_task(client, task_id, lambda _info: None, timing=FAST)
    downloader = SignedDownloader()
    try:
        data = await downloader.fetch(info.files[0].url)
    finally:
        await downloader.close()
    assert data.startswith(b"\x89PNG")
    assert hosted.storage.seen_headers, "the storage host saw the download"
    for headers in hosted.storage.seen_headers:
        assert "Authorization" not in headers
        assert DEMO_KEY not in repr(headers)
    assert all(h.get("Authorization") == f"Bearer {DEMO_KEY}" for h in hosted.api.seen_headers)
    assert DEMO_KEY not in caplog.text
    assert DEMO_KEY not in repr(client)


async def test_storage_host_refuses_a_request_carrying_credentials(
    hosted: HostedDemoServer, client: HostedClient
) -> None:
    # The stand-in behaves like object storage: a key sent there is an error, not ignored.
    task_id = await client.submit(TXT2IMG_ID)
    info = await watch_task(client, task_id, lambda _info: None, timing=FAST)
    async with (
        aiohttp.ClientSession() as session,
        session.get(info.files[0].url, headers={"Authorization": "Bearer leaked"}) as resp,
    ):
        assert resp.status == 400


async def test_expired_link_is_refused_and_a_fresh_task_info_signs_a_new_one(
    hosted: HostedDemoServer, client: HostedClient
) -> None:
    task_id = await client.submit(TXT2IMG_ID)
    info = await watch_task(client, task_id, lambda _info: None, timing=FAST)
    hosted.storage.expire_all()
    downloader = SignedDownloader()
    try:
        with pytest.raises(SignedUrlExpired) as caught:
            await downloader.fetch(info.files[0].url)
        assert caught.value.status == 403
        assert "Signature" not in str(caught.value)  # the signature stays out of messages
        fresh = (await client.task_info([task_id]))[task_id]
        assert fresh.files[0].url != info.files[0].url
        assert (await downloader.fetch(fresh.files[0].url)).startswith(b"\x89PNG")
    finally:
        await downloader.close()


async def test_a_redirect_elsewhere_is_not_followed_with_the_key(
    hosted: HostedDemoServer,
) -> None:
    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(f"{hosted.files_url}/comfy-results/steal")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", moved)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    api = HostedClient(DEMO_KEY, f"http://127.0.0.1:{port}", timeout=5.0)
    try:
        with pytest.raises(HostedProtocolError, match="redirected"):
            await api.submit(TXT2IMG_ID)
    finally:
        await api.close()
        await runner.cleanup()
    assert hosted.storage.seen_headers == []  # the redirect target never heard from us


async def test_refused_upload_is_a_code_error(client: HostedClient) -> None:
    with pytest.raises(HostedApiError, match="source_file is empty"):
        await client.upload_image("empty.png", b"")
