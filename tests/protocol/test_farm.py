"""A farm of demo servers behind one ServerSession: routing by nodes and models, wait-based
balancing, failover with the same prompt id (every picture exactly once), comeback, and
cancel/interrupt on the right server."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import PromptRejected
from desktop.demo import DemoConfig
from desktop.farm.farm import Farm, ServerSpec
from desktop.jobs.model import JobState
from tests.conftest import recorded_object_info_raw
from tests.protocol.farm_support import farm_session, models
from tests.protocol.jobs_support import (
    WAIT,
    eventually,
    make_session,
    txt2img,
    until,
)

pytestmark = pytest.mark.demo_only


def received(handle: Any) -> set[str]:
    return {body["prompt_id"] for body in handle.server.received_prompts}


async def test_jobs_go_only_where_their_model_is(demo_server_factory, tmp_path, closing):
    a = await demo_server_factory(models=models("random-sd15.safetensors"))
    b = await demo_server_factory(models=models("other.safetensors"))
    c = await demo_server_factory(models=models("random-sd15.safetensors", "other.safetensors"))
    session, _farm = await farm_session([a, b, c], tmp_path)
    closing.append(session)
    common = [await session.jobs.submit(txt2img(seed, batch=1)) for seed in range(4)]
    rare = await session.jobs.submit(txt2img(9, batch=1, ckpt="other.safetensors"))
    done = [await session.jobs.wait(j.id, timeout=WAIT) for j in [*common, rare]]
    assert {j.state for j in done} == {JobState.SUCCEEDED}
    assert not received(b) & {j.id for j in common}  # b lacks the model: never tried
    assert received(a) | received(c) >= {j.id for j in common}
    assert rare.id in received(b) | received(c)
    assert rare.id not in received(a)

    with pytest.raises(PromptRejected) as caught:
        await session.jobs.submit(txt2img(1, ckpt="nowhere.safetensors"))
    details = caught.value.error.details
    for name in ("s0", "s1", "s2"):
        assert f"{name} lacks model nowhere.safetensors" in details


async def test_a_server_without_a_node_class_is_never_tried(demo_server_factory, tmp_path, closing):
    info = {k: v for k, v in recorded_object_info_raw().items() if k != "SaveImage"}
    lacking_info = tmp_path / "object_info.json"
    lacking_info.write_text(json.dumps(info))
    full = await demo_server_factory()
    partial = await demo_server_factory(DemoConfig(object_info_path=lacking_info))
    session, _farm = await farm_session([partial, full], tmp_path)
    closing.append(session)
    jobs = [await session.jobs.submit(txt2img(seed, batch=1)) for seed in range(3)]
    done = [await session.jobs.wait(j.id, timeout=WAIT) for j in jobs]
    assert {j.state for j in done} == {JobState.SUCCEEDED}
    assert received(partial) == set()
    assert received(full) == {j.id for j in jobs}


async def test_jobs_avoid_a_server_busy_with_other_peoples_work(
    demo_server_factory, tmp_path, closing
):
    busy, b, c = [await demo_server_factory() for _ in range(3)]
    busy.server.hold()
    async with ComfyClient(busy.url) as stranger:
        for seed in range(3):
            await stranger.submit(txt2img(seed, batch=1))
    session, farm = await farm_session([busy, b, c], tmp_path)
    closing.append(session)
    jobs = [await session.jobs.submit(txt2img(seed, batch=1)) for seed in range(4)]
    owners = [farm.owner_of(j.id) for j in jobs]
    assert owners.count("s0") == 0
    assert owners.count("s1") == owners.count("s2") == 2  # the batch is spread evenly
    done = [await session.jobs.wait(j.id, timeout=WAIT) for j in jobs]
    assert {j.state for j in done} == {JobState.SUCCEEDED}
    busy.server.release()


async def test_a_server_killed_mid_batch_loses_nothing_and_duplicates_nothing(
    demo_server_factory, tmp_path, closing
):
    handles = [await demo_server_factory(step_delay=0.03) for _ in range(3)]
    session, farm = await farm_session(handles, tmp_path)
    closing.append(session)
    jobs = [await session.jobs.submit(txt2img(seed, steps=4)) for seed in range(9)]
    victim = handles[1]
    assert any(farm.owner_of(j.id) == "s1" for j in jobs)
    await until(lambda: any(session.jobs.get(j.id).finished for j in jobs))
    await victim.server.kill()
    done = [await session.jobs.wait(j.id, timeout=WAIT) for j in jobs]
    assert [j.state for j in done] == [JobState.SUCCEEDED] * 9
    assert [len(j.saved_paths) for j in done] == [2] * 9  # batch of two, each once
    saved = sorted(p for j in done for p in j.saved_paths)
    assert len(set(saved)) == 18
    assert sorted(p for p in (tmp_path / "out").rglob("*") if p.is_file()) == saved
    assert farm.moves >= 1
    assert not farm.servers()[1].up

    # The server comes back: it is used again as soon as it is the shortest wait. Its
    # per-job time was measured on a busy machine and may look slow; the other two hold
    # their queues, so their expected waits only grow until the comeback is chosen.
    await victim.server.start(victim.server.host, victim.server.port)
    await until(lambda: farm.servers()[1].up)
    others = (handles[0].server, handles[2].server)
    for server in others:
        server.hold()
    more: list = []
    while len(more) < 30 and "s1" not in {farm.owner_of(j.id) for j in more}:
        more.append(await session.jobs.submit(txt2img(20 + len(more), batch=1)))
    assert "s1" in {farm.owner_of(j.id) for j in more}
    for server in others:
        server.release()
    done = [await session.jobs.wait(j.id, timeout=WAIT) for j in more]
    assert {j.state for j in done} == {JobState.SUCCEEDED}


async def test_cancel_and_interrupt_act_on_the_right_server_only(
    demo_server_factory, tmp_path, closing
):
    a, b = [await demo_server_factory(step_delay=0.05) for _ in range(2)]
    session, farm = await farm_session([a, b], tmp_path)
    closing.append(session)
    a.server.hold()
    b.server.hold()
    async with ComfyClient(a.url) as stranger_a, ComfyClient(b.url) as stranger_b:
        theirs_a = await stranger_a.submit(txt2img(1, batch=1))
        theirs_b = await stranger_b.submit(txt2img(2, batch=1))
        first = await session.jobs.submit(txt2img(3, batch=1))
        second = await session.jobs.submit(txt2img(4, batch=1))
        assert {farm.owner_of(first.id), farm.owner_of(second.id)} == {"s0", "s1"}
        await session.jobs.cancel(first.id)
        await session.jobs.wait(first.id, timeout=WAIT)
        assert session.jobs.get(first.id).state is JobState.CANCELLED
        queued = {h.url: {item[1] for item in h.server.queue.snapshot()[1]} for h in (a, b)}
        assert theirs_a.prompt_id in queued[a.url]
        assert theirs_b.prompt_id in queued[b.url]
        assert first.id not in queued[a.url] | queued[b.url]
        assert second.id in queued[a.url] | queued[b.url]

        # Running: only ours stops, on its server; the stranger's job elsewhere runs on.
        owner, stranger_owner = (
            (a, stranger_a) if farm.owner_of(second.id) == "s0" else (b, stranger_b)
        )
        other, stranger_other = (b, stranger_b) if owner is a else (a, stranger_a)
        theirs_other = theirs_b if owner is a else theirs_a
        theirs_owner = theirs_a if owner is a else theirs_b
        await stranger_owner.delete_queued([theirs_owner.prompt_id])
        for handle in (owner, other):
            handle.server.step_delay = 0.3
            handle.server.release()
        await until(lambda: session.jobs.get(second.id).state is JobState.RUNNING)
        await session.jobs.cancel(second.id)
        final = await session.jobs.wait(second.id, timeout=WAIT)
        assert final.state is JobState.INTERRUPTED
        item = await eventually(lambda: stranger_other.history_item(theirs_other.prompt_id))
        assert item.status_str == "success"
        assert not item.interrupted


async def quit_with_a_job_on_each(factory: Any, tmp: Path) -> tuple[list[Any], list[Any], list]:
    """Three held servers with one job of ours each; then the app quits (journal kept)."""
    handles = [await factory() for _ in range(3)]
    for handle in handles:
        handle.server.hold()
    session, farm = await farm_session(handles, tmp)
    jobs = [await session.jobs.submit(txt2img(seed, batch=1)) for seed in range(3)]
    owners = [farm.owner_of(j.id) for j in jobs]
    assert sorted(owners) == ["s0", "s1", "s2"]
    await session.close()  # the app quits with the jobs still queued
    return handles, jobs, owners


async def test_the_journal_survives_an_app_restart_with_jobs_on_several_servers(
    demo_server_factory, tmp_path, closing
):
    handles, jobs, _owners = await quit_with_a_job_on_each(demo_server_factory, tmp_path)
    for handle in handles:
        handle.server.release()
    restarted, _farm = await farm_session(handles, tmp_path)
    closing.append(restarted)
    done = [await restarted.jobs.wait(j.id, timeout=WAIT) for j in jobs]
    assert [j.state for j in done] == [JobState.SUCCEEDED] * 3
    saved = sorted(p for j in done for p in j.saved_paths)
    assert len(saved) == 3
    assert sorted(p for p in (tmp_path / "out").rglob("*") if p.is_file()) == saved


async def test_after_an_app_restart_a_job_of_a_dead_server_runs_elsewhere(
    demo_server_factory, tmp_path, closing
):
    handles, jobs, owners = await quit_with_a_job_on_each(demo_server_factory, tmp_path)
    on_dead = jobs[owners.index("s2")]
    await handles[2].server.kill()  # its queue is gone with it
    for handle in handles[:2]:
        handle.server.release()
    restarted = make_session("", tmp_path, backend=Farm(
        [ServerSpec(h.url, f"s{i}") for i, h in enumerate(handles)],
        client_id=uuid.uuid4().hex, failover_after=0.5, health_interval=0.5,
    ))  # fmt: skip
    closing.append(restarted)
    await restarted.start()
    done = [await restarted.jobs.wait(j.id, timeout=WAIT) for j in jobs]
    assert [j.state for j in done] == [JobState.SUCCEEDED] * 3
    assert sum(on_dead.id in received(h) for h in handles[:2]) == 1  # ran again, once
    saved = sorted(p for j in done for p in j.saved_paths)
    assert len(saved) == 3
    assert sorted(p for p in (tmp_path / "out").rglob("*") if p.is_file()) == saved
