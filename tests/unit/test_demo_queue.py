"""Queue, history, interrupt, auth and lifecycle behaviour of the demo server over HTTP."""

from __future__ import annotations

import aiohttp
import pytest

from desktop.demo import DemoConfig
from desktop.demo.queue import PromptQueue
from tests.conformance.replay import Socket, post_prompt, recorded_prompt, run_prompt

pytestmark = pytest.mark.demo_only


def txt2img(seed: int = 1) -> dict:
    prompt = recorded_prompt("01-success-with-previews")
    prompt["3"]["inputs"]["seed"] = seed
    return prompt


def history_of(count: int) -> PromptQueue:
    queue = PromptQueue(lambda: None)
    for index in range(count):
        queue.history[f"p{index}"] = {"n": index}
    return queue


@pytest.mark.parametrize(
    ("max_items", "offset", "expected"),
    [
        (None, -1, ["p0", "p1", "p2", "p3", "p4"]),
        (2, -1, ["p3", "p4"]),
        (2, 1, ["p1", "p2"]),
        (None, 3, ["p3", "p4"]),
        (10, -5, ["p0", "p1", "p2", "p3", "p4"]),
        (0, 2, ["p2"]),  # the real loop adds one item before checking the cap
    ],
)
def test_history_paging_follows_the_real_server(max_items, offset, expected):
    result = history_of(5).get_history(max_items=max_items, offset=offset)
    assert list(result) == expected


async def test_numbers_count_invalid_posts_and_front_and_explicit(demo_server):
    server = demo_server.server
    server.hold()
    async with aiohttp.ClientSession() as session:
        base = demo_server.url
        first = await post_prompt(session, base, txt2img(1), "c")
        async with session.post(f"{base}/api/prompt", json={"client_id": "c"}) as response:
            assert response.status == 400
        front = await post_prompt(session, base, txt2img(2), "c", front=True)
        explicit = await post_prompt(session, base, txt2img(3), "c", number=0.5, prompt_id="mine")
        async with session.get(f"{base}/api/queue") as response:
            queue = await response.json()
        async with session.get(f"{base}/prompt") as response:
            assert await response.json() == {"exec_info": {"queue_remaining": 3}}
    assert (first["number"], front["number"], explicit["number"]) == (0, -2, 0.5)
    assert explicit["prompt_id"] == "mine"
    assert queue["queue_running"] == []
    assert sorted(item[0] for item in queue["queue_pending"]) == [-2, 0, 0.5]
    assert queue["queue_pending"][0][0] == -2  # heap order puts the smallest first
    assert server.received_prompts[1] == {"client_id": "c"}
    assert len(server.received_prompts) == 4


async def test_clear_delete_and_running_order(demo_server):
    server = demo_server.server
    server.hold()
    async with aiohttp.ClientSession() as session:
        base = demo_server.url
        socket = await Socket.open(session, base)
        ids = [
            (await post_prompt(session, base, txt2img(seed), socket.client_id))["prompt_id"]
            for seed in (1, 2, 3, 4)
        ]
        async with session.post(f"{base}/queue", json={"delete": [ids[1], "nope"]}) as response:
            assert response.status == 200
        server.release()
        for prompt_id in (ids[0], ids[2], ids[3]):
            await socket.until_prompt_done(prompt_id)
        started = [f.data["prompt_id"] for f in socket.frames if f.type == "execution_start"]
        server.hold()
        await post_prompt(session, base, txt2img(5), socket.client_id)
        async with session.post(f"{base}/queue", json={"clear": True}) as response:
            assert response.status == 200
        async with session.get(f"{base}/queue") as response:
            assert await response.json() == {"queue_running": [], "queue_pending": []}
        async with session.post(f"{base}/history", json={"delete": [ids[0]]}) as response:
            assert response.status == 200
        async with session.get(f"{base}/history") as response:
            assert list(await response.json()) == [ids[2], ids[3]]
        async with session.post(f"{base}/history", json={"clear": True}) as response:
            assert response.status == 200
        async with session.get(f"{base}/history/{ids[2]}") as response:
            assert await response.json() == {}
        await socket.close()
    assert started == [ids[0], ids[2], ids[3]]


async def test_prompt_scoped_interrupt_only_hits_the_running_prompt(demo_server_factory):
    handle = await demo_server_factory(step_delay=60.0)
    async with aiohttp.ClientSession() as session:
        socket = await Socket.open(session, handle.url)
        running = await post_prompt(session, handle.url, txt2img(1), socket.client_id)
        pending = await post_prompt(session, handle.url, txt2img(2), socket.client_id)
        await socket.read_until(lambda f: f.type == "executing" and f.data.get("node") == "3")
        async with session.post(
            f"{handle.url}/interrupt", json={"prompt_id": pending["prompt_id"]}
        ) as response:
            assert (response.status, await response.read()) == (200, b"")
        async with session.get(f"{handle.url}/queue") as response:
            assert [i[1] for i in (await response.json())["queue_running"]] == [
                running["prompt_id"]
            ]
        handle.server.step_delay = 0.0
        async with session.post(f"{handle.url}/interrupt", data=b"not json") as response:
            assert response.status == 200  # a body that is not JSON means "global"
        await socket.until_prompt_done(running["prompt_id"])
        await socket.until_prompt_done(pending["prompt_id"])
        await socket.close()
    ended = [
        f.type for f in socket.frames if f.type in {"execution_interrupted", "execution_success"}
    ]
    assert ended == ["execution_interrupted", "execution_success"]


async def test_interrupt_while_idle_is_lost(demo_server):
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{demo_server.url}/interrupt") as response:
            assert response.status == 200
        prompt_id = await run_prompt(session, demo_server.url, txt2img())
        async with session.get(f"{demo_server.url}/history/{prompt_id}") as response:
            item = (await response.json())[prompt_id]
    assert item["status"]["status_str"] == "success"


async def test_token_is_required_everywhere_when_configured(demo_server_factory):
    handle = await demo_server_factory(DemoConfig(require_token="s3cret"))
    good = {"Authorization": "Bearer s3cret"}
    async with aiohttp.ClientSession() as session:
        for path in ("/system_stats", "/api/object_info/KSampler", "/ws"):
            async with session.get(handle.url + path) as response:
                assert response.status == 401
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await session.ws_connect(f"{handle.url}/ws", headers={"Authorization": "Bearer no"})
        assert caught.value.status == 401
        async with session.get(f"{handle.url}/features", headers=good) as response:
            assert response.status == 200
        ws = await session.ws_connect(f"{handle.url}/ws?clientId=me", headers=good)
        assert (await ws.receive_json())["data"]["sid"] == "me"
        await ws.close()


async def test_restart_keeps_the_port_and_forgets_everything(demo_server):
    server = demo_server.server
    async with aiohttp.ClientSession() as session:
        await run_prompt(session, demo_server.url, txt2img())
        port = server.port
        await server.restart()
        assert server.port == port
        async with session.get(f"{demo_server.url}/history") as response:
            assert await response.json() == {}
        socket = await Socket.open(session, demo_server.url)
        body = await post_prompt(session, demo_server.url, txt2img(), socket.client_id)
        await socket.until_prompt_done(body["prompt_id"])
        await socket.close()
    assert body["number"] == 0
    cached = next(f.data["nodes"] for f in socket.frames if f.type == "execution_cached")
    assert cached == []
    output = next(f.data["output"] for f in socket.frames if f.type == "executed")
    assert output["images"][0]["filename"] == "ComfyUI_00002_.png"  # files survive


async def test_dropped_websockets_can_reconnect(demo_server):
    async with aiohttp.ClientSession() as session:
        socket = await Socket.open(session, demo_server.url, client_id="me")
        await demo_server.server.drop_websockets()
        message = await socket.ws.receive()
        assert message.type in {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED}
        again = await Socket.open(session, demo_server.url, client_id="me")
        assert again.frames[0].data["sid"] == "me"
        await again.close()
        await socket.close()


async def test_small_routes(demo_server):
    async with aiohttp.ClientSession() as session:
        base = demo_server.url
        async with session.get(f"{base}/api/models/nothing-here") as response:
            assert response.status == 404
        async with session.get(f"{base}/history?max_items=x") as response:
            assert response.status == 500
        async with session.post(f"{base}/free", json={"free_memory": True}) as response:
            assert (response.status, await response.read()) == (200, b"")
        async with session.get(f"{base}/api/") as response:
            assert "demo" in await response.text()
