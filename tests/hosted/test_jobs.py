"""Hosted jobs end to end against the stand-in: every task status, expired links, network loss
while polling, cancel, only changed inputs sent, and results filed in the library."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from desktop.demo.hosted import (
    IMG2IMG_ID,
    LIMITED_KEY,
    TXT2IMG_ID,
    HostedDemoServer,
    published_workflows,
)
from desktop.hosted.errors import HostedApiError, HostedUnreachable
from desktop.jobs.hosted import CANCEL_NOTE, HostedJobs
from desktop.jobs.library_sink import LibrarySink
from desktop.jobs.model import JobSnapshot, JobState
from desktop.library import Library, LibraryQuery
from desktop.workflow.document import Workflow
from tests.hosted.conftest import MakeJobs
from tests.protocol.jobs_support import until


def published(workflow_id: str = TXT2IMG_ID) -> Workflow:
    return Workflow(published_workflows()[workflow_id], name=workflow_id)


def record(jobs: HostedJobs) -> list[JobSnapshot]:
    seen: list[JobSnapshot] = []
    jobs.on_change(seen.append)
    return seen


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def test_queued_positions_then_running_then_done(
    hosted: HostedDemoServer, make_jobs: MakeJobs
) -> None:
    jobs = make_jobs(TXT2IMG_ID)
    seen = record(jobs)
    hosted.queue.hold()
    base = published()
    ids = []
    for seed in (1, 2, 3):
        edited = base.copy()
        edited.set("3", "seed", seed)
        ids.append((await jobs.submit(base, edited)).id)
    # Status 1 with the service's queue positions, as the queue panel shows them.
    await until(lambda: [jobs.get(i).queue_position for i in ids] == [1, 2, 3])
    assert all(jobs.get(i).state is JobState.QUEUED for i in ids)
    hosted.queue.release()
    finished = [await jobs.wait(i) for i in ids]
    assert [j.state for j in finished] == [JobState.SUCCEEDED] * 3
    states = [s.state for s in seen if s.id == ids[0]]
    assert JobState.QUEUED in states
    assert JobState.RUNNING in states  # status 2
    # Status 3: every signed URL downloaded, bytes untouched.
    for job in finished:
        assert job.backend == "hosted"
        assert job.remote_id is not None
        assert job.remote_id.startswith("cft-")
        (output,) = job.outputs
        assert output.saved_path is not None
        name = f"{job.remote_id}/{output.ref.filename}"
        assert sha(output.saved_path.read_bytes()) == sha(hosted.queue.objects[name])


async def test_failed_run_reports_the_services_error(
    hosted: HostedDemoServer, make_jobs: MakeJobs
) -> None:
    jobs = make_jobs(TXT2IMG_ID)
    hosted.queue.fail_next = "CUDA out of memory"
    base = published()
    job = await jobs.wait((await jobs.submit(base, base.copy())).id)
    assert job.state is JobState.FAILED  # status 4
    assert job.error is not None
    assert "CUDA out of memory" in str(job.error)
    assert job.outputs == ()


async def test_unknown_image_fails_like_the_service(make_jobs: MakeJobs) -> None:
    jobs = make_jobs(IMG2IMG_ID)
    base = published(IMG2IMG_ID)
    edited = base.copy()
    edited.set("10", "image", "te-x/ac-y/sui-missing.png")
    job = await jobs.wait((await jobs.submit(base, edited)).id)
    assert job.state is JobState.FAILED
    assert "Invalid image file" in str(job.error)


async def test_key_without_permission_says_so(make_jobs: MakeJobs) -> None:
    jobs = make_jobs(IMG2IMG_ID, key=LIMITED_KEY)
    base = published(IMG2IMG_ID)
    job = await jobs.wait((await jobs.submit(base, base.copy())).id)
    assert job.state is JobState.FAILED  # status 5
    assert "This API key may not run this workflow" in str(job.error)


async def test_refused_submission_keeps_a_failed_job(make_jobs: MakeJobs) -> None:
    jobs = make_jobs("wf-unknown")
    base = published()
    with pytest.raises(HostedApiError):
        await jobs.submit(base, base.copy())
    (job,) = jobs.jobs()
    assert job.state is JobState.FAILED
    assert "wf-unknown not found" in str(job.error)


async def test_only_changed_inputs_are_sent(hosted: HostedDemoServer, make_jobs: MakeJobs) -> None:
    jobs = make_jobs(TXT2IMG_ID)
    base = published()
    edited = base.copy()
    edited.set("3", "seed", 123)
    edited.set("6", "text", "a red fox in snow")
    edited.set("3", "steps", base.get("3", "steps"))  # set to the same value: not a change
    job = await jobs.wait((await jobs.submit(base, edited)).id)
    assert job.state is JobState.SUCCEEDED
    assert hosted.api.received[-1] == {
        "workflow_id": TXT2IMG_ID,
        "prompt": {"3": {"inputs": {"seed": 123}}, "6": {"inputs": {"text": "a red fox in snow"}}},
    }
    # The job keeps the whole prompt, so the library records every parameter.
    assert job.prompt["3"]["inputs"]["seed"] == 123
    assert job.prompt["3"]["inputs"]["steps"] == 20


async def test_expired_links_are_signed_again(
    hosted: HostedDemoServer, make_jobs: MakeJobs
) -> None:
    jobs = make_jobs(TXT2IMG_ID)
    hosted.storage.stale_links = 1  # the first link the job gets has already expired
    base = published()
    job = await jobs.wait((await jobs.submit(base, base.copy())).id)
    assert job.state is JobState.SUCCEEDED
    assert len(job.saved_paths) == 1
    # One download refused, one served after a fresh get_task_info signed a new link.
    assert len(hosted.storage.seen_headers) == 2


async def test_network_loss_while_polling_loses_nothing(
    hosted: HostedDemoServer, make_jobs: MakeJobs
) -> None:
    jobs = make_jobs(TXT2IMG_ID)
    notices: list[HostedUnreachable | None] = []
    jobs.on_connection(lambda error, _retry: notices.append(error))
    hosted.queue.hold()
    base = published()
    job = await jobs.submit(base, base.copy())
    await until(lambda: jobs.get(job.id).queue_position == 1)
    await hosted.go_offline()
    await until(lambda: len(notices) >= 2)  # the poller keeps trying, backing off
    assert all(isinstance(n, HostedUnreachable) for n in notices)
    hosted.queue.release()  # the service finishes the task while we cannot see it
    await until(lambda: all(t.status == 3 for t in hosted.queue.tasks.values()))
    assert not jobs.get(job.id).finished
    await hosted.come_back()
    done = await jobs.wait(job.id)
    assert done.state is JobState.SUCCEEDED
    assert len(done.saved_paths) == 1
    assert notices[-1] is None  # "the service answers again"


async def test_cancel_stops_watching_and_says_the_service_cannot_cancel(
    hosted: HostedDemoServer, make_jobs: MakeJobs, tmp_path: Path
) -> None:
    jobs = make_jobs(TXT2IMG_ID)
    hosted.queue.hold()
    base = published()
    job = await jobs.submit(base, base.copy())
    await until(lambda: jobs.get(job.id).queue_position == 1)
    note = await jobs.cancel(job.id)
    assert note == CANCEL_NOTE
    assert "cannot cancel" in note
    cancelled = await jobs.wait(job.id)
    assert cancelled.state is JobState.CANCELLED
    assert CANCEL_NOTE in cancelled.warnings
    # Honest: the task is still on the service; nothing was downloaded for it.
    hosted.queue.release()
    await until(lambda: all(t.status == 3 for t in hosted.queue.tasks.values()))
    assert jobs.get(job.id).outputs == ()
    assert not (tmp_path / "out").exists()
    assert await jobs.cancel(job.id) == ""  # a finished job: nothing to say


async def test_results_go_to_the_library_with_their_parameters(
    hosted: HostedDemoServer, make_jobs: MakeJobs, tmp_path: Path
) -> None:
    async with await Library.open(tmp_path / "library") as library:
        jobs = make_jobs(TXT2IMG_ID, sink=LibrarySink(library, source="hosted"))
        base = published()
        edited = base.copy()
        edited.set("3", "seed", 4242)
        edited.set("6", "text", "an otter reading")
        job = await jobs.wait((await jobs.submit(base, edited)).id)
        assert job.state is JobState.SUCCEEDED
        (item,) = await library.search(LibraryQuery(seed=4242))
        assert item.source == "hosted"
        assert item.params.positive == "an otter reading"
        assert item.path == job.saved_paths[0]


async def test_a_batch_gives_a_list_of_links_and_every_picture_is_kept(
    hosted: HostedDemoServer, make_jobs: MakeJobs
) -> None:
    jobs = make_jobs(TXT2IMG_ID)
    base = published()
    edited = base.copy()
    edited.set("5", "batch_size", 2)
    job = await jobs.wait((await jobs.submit(base, edited)).id)
    assert job.state is JobState.SUCCEEDED
    assert [(o.node_id, o.batch_index) for o in job.outputs] == [("9", 0), ("9", 1)]
    assert len({p.read_bytes() for p in job.saved_paths}) == 2


async def test_a_task_sent_before_a_restart_is_still_collected(
    hosted: HostedDemoServer, make_jobs: MakeJobs
) -> None:
    first = make_jobs(TXT2IMG_ID)
    hosted.queue.hold()
    base = published()
    sent = await first.submit(base, base.copy(), title="before the restart")
    await first.close()  # the app quits; the task stays on the service
    hosted.queue.release()
    later = make_jobs(TXT2IMG_ID)
    assert sent.remote_id is not None
    adopted = later.adopt(sent.remote_id, sent.prompt, title=sent.title, created=sent.created)
    assert later.adopt(sent.remote_id, sent.prompt) == adopted  # once per task
    done = await later.wait(adopted.id)
    assert done.state is JobState.SUCCEEDED
    assert len(done.saved_paths) == 1
    assert done.title == "before the restart"
