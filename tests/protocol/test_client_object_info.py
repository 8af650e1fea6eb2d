"""Big /object_info documents are parsed in a worker process and cached on disk."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from desktop.comfy import offload
from desktop.comfy.cache import cache_file, load_cached_object_info, store_object_info
from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import ProtocolError
from desktop.comfy.object_info import ObjectInfo
from desktop.comfy.offload import LazyJsonObject
from tests.protocol.recorded_server import RecordedComfy, recorded_body, running_fake

DOCUMENT = recorded_body("00-server-info/object_info.json")


@pytest.fixture
async def fake_comfy() -> AsyncIterator[RecordedComfy]:
    async with running_fake() as fake:
        yield fake


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send the 0.5 MB recorded document down the worker-process path."""
    monkeypatch.setattr(offload, "OFFLOAD_THRESHOLD", 10_000)


async def test_big_document_is_split_in_a_worker(
    fake_comfy: RecordedComfy, small_threshold: None
) -> None:
    client = ComfyClient(fake_comfy.url)
    try:
        info = await client.object_info()
        assert client._offload.started
        assert isinstance(info.raw, LazyJsonObject)
        assert list(info) == list(DOCUMENT)
        assert info["KSampler"].input("cfg").max == 100.0
        assert info.raw["LoadImage"] == DOCUMENT["LoadImage"]
        with pytest.raises(KeyError):
            info["NoSuchNode"]
    finally:
        await client.close()
    assert not client._offload.started


async def test_big_non_object_is_protocol_error(
    fake_comfy: RecordedComfy, small_threshold: None
) -> None:
    async def listing(request: web.Request) -> web.StreamResponse:
        return web.json_response(list(range(20_000)))

    fake_comfy.override("/object_info", listing)
    async with ComfyClient(fake_comfy.url) as client:
        with pytest.raises(ProtocolError):
            await client.object_info()


async def test_small_document_parses_inline(fake_comfy: RecordedComfy) -> None:
    async with ComfyClient(fake_comfy.url) as client:
        info = await client.object_info()
        assert not client._offload.started
    assert info.raw == DOCUMENT


async def test_cache_round_trip_from_worker_split(
    fake_comfy: RecordedComfy, small_threshold: None
) -> None:
    async with ComfyClient(fake_comfy.url) as client:
        info = await client.object_info()
    assert await load_cached_object_info(client.base_url, "0.3.64") is None
    await store_object_info(client.base_url, "0.3.64", info)
    cached = await load_cached_object_info(client.base_url, "0.3.64")
    assert cached is not None
    assert list(cached) == list(DOCUMENT)
    assert cached.raw["KSampler"] == DOCUMENT["KSampler"]
    assert await load_cached_object_info(client.base_url, "0.3.65") is None
    assert await load_cached_object_info("http://other:8188", "0.3.64") is None


async def test_cache_from_a_plain_document_and_unicode() -> None:
    raw = {"Noeud é": {"display_name": "画像", "input": {}}, "B": {"x": float("inf")}}
    await store_object_info("http://h:1", "v", ObjectInfo(raw))
    cached = await load_cached_object_info("http://h:1", "v")
    assert cached is not None
    assert cached["Noeud é"].display_name == "画像"
    assert cached.raw["B"] == {"x": float("inf")}


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-5],
        lambda data: b"garbage" + data,
        lambda data: data.replace(b'"classes"', b'"klasses"'),
        lambda data: data.split(b"\n", 1)[0] + b"\n{not json\n",
    ],
)
async def test_broken_cache_is_a_miss(damage, caplog: pytest.LogCaptureFixture) -> None:
    await store_object_info("http://h:1", "v", ObjectInfo(DOCUMENT))
    path = cache_file("http://h:1", "v")
    path.write_bytes(damage(path.read_bytes()))
    assert await load_cached_object_info("http://h:1", "v") is None
    assert any("broken object_info cache" in r.getMessage() for r in caplog.records)


async def test_cache_write_failure_is_logged_not_raised(
    isolated_dirs: dict, caplog: pytest.LogCaptureFixture
) -> None:
    (isolated_dirs["cache"] / "object_info").write_text("a file where the folder goes")
    await store_object_info("http://h:1", "v", ObjectInfo({"A": {}}))
    assert any("could not write" in r.getMessage() for r in caplog.records)
