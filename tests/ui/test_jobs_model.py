"""JobsViewModel on a real ServerSession against the demo server."""

from __future__ import annotations

import pytest

from desktop.comfy.messages import PreviewImage
from desktop.jobs.model import JobSnapshot, JobState
from desktop.ui.jobs_model import JobsViewModel, is_sampler
from tests.ui.jobs_ui_support import (  # noqa: F401 -- collect_widgets is a fixture
    WAIT,
    collect_widgets,
    job_prompt,
    other_client,
    session_vm,
    until,
)

pytestmark = [pytest.mark.demo_only, pytest.mark.usefixtures("collect_widgets")]


async def test_jobs_arrive_as_signals_and_each_finishes_once(demo_server, tmp_path):
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        changed: list[JobSnapshot] = []
        finished: list[JobSnapshot] = []
        frames: list[tuple[str, PreviewImage]] = []
        vm.job_changed.connect(changed.append)
        vm.job_finished.connect(finished.append)
        vm.preview_frame.connect(lambda job_id, frame: frames.append((job_id, frame)))
        jobs = [await session.jobs.submit(job_prompt(seed, steps=3)) for seed in (1, 2, 3)]
        for job in jobs:
            await session.jobs.wait(job.id, timeout=WAIT)
        await until(lambda: len(finished) == 3)
        assert sorted(j.id for j in finished) == sorted(j.id for j in jobs)
        assert {j.state for j in finished} == {JobState.SUCCEEDED}
        assert [j.id for j in vm.jobs()] == [j.id for j in reversed(jobs)]  # newest first
        assert {s.state for s in changed} >= {JobState.QUEUED, JobState.RUNNING}
        # Three steps per job: one frame each, all attributed to our jobs by their prompt id.
        assert {job_id for job_id, _ in frames} == {j.id for j in jobs}
        assert all(f.prompt_id == job_id and f.event == 4 for job_id, f in frames)
        assert all(vm.has_frames(j.id) for j in jobs)
        assert vm.elapsed(jobs[0].id) is not None
        assert vm.running_job() is None
        assert vm.shown_job().id == jobs[-1].id


async def test_selection_falls_back_to_following(demo_server, tmp_path):
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        seen: list[object] = []
        vm.selection_changed.connect(seen.append)
        job = await session.jobs.submit(job_prompt(5))
        await session.jobs.wait(job.id, timeout=WAIT)
        vm.select(job.id)
        vm.select("not-a-job")
        assert seen == [job.id, None]
        assert vm.selected_id is None


async def test_previews_missing_is_reported_once(demo_server_factory, tmp_path):
    handle = await demo_server_factory(previews=False)
    async with session_vm(handle.url, tmp_path) as (session, vm):
        missing: list[str] = []
        vm.previews_missing.connect(missing.append)
        first = await session.jobs.submit(job_prompt(1, steps=4))
        second = await session.jobs.submit(job_prompt(2, steps=4))
        for job in (first, second):
            await session.jobs.wait(job.id, timeout=WAIT)
        assert missing == [first.id]
        assert not vm.has_frames(first.id)


async def test_previews_present_are_not_reported_missing(demo_server, tmp_path):
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        missing: list[str] = []
        vm.previews_missing.connect(missing.append)
        job = await session.jobs.submit(job_prompt(1, steps=4))
        await session.jobs.wait(job.id, timeout=WAIT)
        assert missing == []
        assert vm.has_frames(job.id)


async def test_other_clients_jobs_are_published(demo_server, tmp_path):
    demo_server.server.hold()
    async with (
        session_vm(demo_server.url, tmp_path) as (session, vm),
        other_client(demo_server.url) as theirs,
    ):
        queues: list[object] = []
        vm.other_queue_changed.connect(queues.append)
        a = await theirs.submit(job_prompt(8))
        b = await theirs.submit(job_prompt(9))
        ours = await session.jobs.submit(job_prompt(10))

        def others() -> tuple[str, ...]:
            queue = vm.other_clients_queue()
            return tuple(i.prompt_id for i in queue.pending) if queue else ()

        await until(lambda: others() == (a.prompt_id, b.prompt_id))
        assert queues[-1] is vm.other_clients_queue()
        await until(lambda: vm.get(ours.id).queue_position == 2)
        await session.jobs.cancel(ours.id)
        demo_server.server.release()


async def test_switching_sessions_forgets_the_old_jobs(demo_server, tmp_path):
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        job = await session.jobs.submit(job_prompt(3))
        await session.jobs.wait(job.id, timeout=WAIT)
        sessions: list[object] = []
        vm.session_changed.connect(sessions.append)
        vm.set_session(None)
        assert vm.jobs() == []
        assert sessions == [None]
        vm.set_session(session)  # re-reads the manager's jobs
        assert [j.id for j in vm.jobs()] == [job.id]


def test_is_sampler() -> None:
    prompt = {"3": {"class_type": "KSampler"}, "8": {"class_type": "VAEDecode"}, "9": 4}
    assert is_sampler(prompt, "3")
    assert not is_sampler(prompt, "8")
    assert not is_sampler(prompt, "9")
    assert not is_sampler(prompt, None)


def test_without_a_session_commands_do_nothing(qtbot) -> None:
    vm = JobsViewModel()
    vm.cancel("x")
    vm.retry("x")
    vm.cancel_all_mine()
    assert vm.jobs() == []
    assert vm.shown_job() is None


async def test_the_last_result_stays_shown_while_the_next_job_waits(demo_server, tmp_path):
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        done = await session.jobs.submit(job_prompt(1))
        await session.jobs.wait(done.id, timeout=WAIT)
        demo_server.server.hold()
        waiting = await session.jobs.submit(job_prompt(2))
        assert vm.get(waiting.id).state is JobState.QUEUED
        assert vm.shown_job().id == done.id
        demo_server.server.release()
        await session.jobs.wait(waiting.id, timeout=WAIT)
        assert vm.shown_job().id == waiting.id
