"""The GUI's jobs layer (ServerSession + JobManager, with the folder sink and the library sink)
against a hostile ComfyUI and a TCP fault proxy. Each scenario: the job ends (bounded time),
in the expected state with a plain message, and every picture is saved exactly once, inside
the output or library folder."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from desktop.comfy.errors import ServerUnreachable
from desktop.jobs.collect import CollectPolicy
from desktop.jobs.library_sink import LibrarySink
from desktop.jobs.model import JobSnapshot, JobState
from desktop.jobs.session import ServerSession
from desktop.jobs.sinks import FolderSink
from desktop.library import Library
from tests.faults.conftest import AUTH, SECRET, Faulty, Proxied
from tests.protocol.jobs_support import connected, files_in, running, txt2img

pytestmark = pytest.mark.demo_only

LIMIT = 30.0
POLICY = CollectPolicy(attempts=2, first_delay=0.05, max_delay=0.2)


def session_for(url: str, tmp_path: Path, **options) -> ServerSession:
    return ServerSession(
        url,
        client_id=uuid.uuid4().hex,
        journal_path=tmp_path / "journal.json",
        headers=AUTH,
        timeout=1.0,
        silence_timeout=1.0,
        collect_policy=POLICY,
        load_object_info=False,
        **{"result_sink": FolderSink(tmp_path / "out"), **options},
    )


@pytest.fixture
async def open_session() -> AsyncIterator[Callable[[ServerSession], asyncio.Future]]:
    sessions: list[ServerSession] = []

    async def start(session: ServerSession) -> ServerSession:
        sessions.append(session)
        await session.start()
        await connected(session)
        return session

    yield start  # type: ignore[misc]
    for session in sessions:
        await session.close()


async def finish(session: ServerSession, job: JobSnapshot) -> JobSnapshot:
    return await session.jobs.wait(job.id, timeout=LIMIT)


def no_secret_logged(caplog: pytest.LogCaptureFixture) -> None:
    assert SECRET not in caplog.text


async def test_a_lost_submit_answer_is_found_and_collected_once(
    faulty: Faulty, tmp_path, open_session, caplog
):
    caplog.set_level(logging.INFO)
    faulty.hostile.add("/prompt", "swallow", method="POST")
    session = await open_session(session_for(faulty.url, tmp_path))
    job = await session.jobs.submit(txt2img())
    done = await finish(session, job)
    assert done.state is JobState.SUCCEEDED
    assert len(faulty.demo.received_prompts) == 1
    assert len(files_in(tmp_path / "out")) == 2
    assert "was lost" in caplog.text
    no_secret_logged(caplog)


async def test_a_lost_answer_the_server_cannot_confirm_is_found_on_the_next_reconcile(
    faulty: Faulty, tmp_path, open_session
):
    faulty.hostile.add("/prompt", "swallow", method="POST")
    broken_queue = faulty.hostile.add("/queue", "html_502", method="GET")
    session = await open_session(session_for(faulty.url, tmp_path))
    with pytest.raises(ServerUnreachable):
        await session.jobs.submit(txt2img())
    broken_queue.times = broken_queue.hits  # the server answers again from now on
    (job,) = session.jobs.jobs()
    assert not job.finished  # kept (queued, or already running): the server may have it
    assert "looked for again" in job.warnings[-1]
    await session.jobs.reconcile()
    done = await finish(session, job)
    assert done.state is JobState.SUCCEEDED
    assert len(files_in(tmp_path / "out")) == 2


async def test_a_submit_the_server_never_got_fails_plainly(faulty: Faulty, tmp_path, open_session):
    faulty.hostile.add("/prompt", "html_502", method="POST")
    session = await open_session(session_for(faulty.url, tmp_path))
    with pytest.raises(Exception, match=r"\(502\)"):
        await session.jobs.submit(txt2img())
    (job,) = session.jobs.jobs()
    assert job.state is JobState.FAILED
    assert faulty.demo.received_prompts == []


@pytest.mark.parametrize(
    ("route", "kind", "message"),
    [
        ("/history", "html_500", "(500)"),
        ("/history", "truncated", "Unexpected answer"),
        ("/history", "echo_headers", "(500)"),
        ("/view", "echo_headers", "(500)"),
        ("/view", "login", "asks for a login"),
        ("/view", "redirect", "asks for a login"),
        ("/view", "slow_body", "the download stalled"),
        ("/view", "huge", "larger than the download limit"),
    ],
)
async def test_a_result_that_keeps_failing_ends_the_job_in_bounded_time(
    faulty: Faulty, tmp_path, open_session, caplog, route, kind, message
):
    faulty.hostile.add(route, kind)
    session = await open_session(session_for(faulty.url, tmp_path, max_download=2**20))
    done = await finish(session, await session.jobs.submit(txt2img()))
    assert done.state is JobState.FAILED
    assert done.error is not None
    assert message in done.error.message
    assert SECRET not in done.error.message + "".join(done.warnings)
    assert files_in(tmp_path / "out") == []
    no_secret_logged(caplog)


async def test_library_sink_keeps_hostile_names_inside_the_library(
    faulty: Faulty, tmp_path, open_session
):
    faulty.hostile.add("/history", "hostile_names")
    library = await Library.open(tmp_path / "library")
    try:
        session = await open_session(
            session_for(faulty.url, tmp_path, result_sink=LibrarySink(library))
        )
        done = await finish(session, await session.jobs.submit(txt2img()))
        assert done.state is JobState.SUCCEEDED
        paths = done.saved_paths
        assert len(paths) == 2
        assert all(p.resolve().is_relative_to((tmp_path / "library").resolve()) for p in paths)
        assert all("\u202e" not in p.name and not p.name.endswith(".exe") for p in paths)
        assert not (tmp_path / "out").exists()
    finally:
        await library.close()


@pytest.mark.parametrize("fault", ["cut_websockets", "cut_all", "drop_mid_frame", "stall"])
async def test_connection_faults_mid_job_lose_and_duplicate_nothing(
    proxied: Proxied, tmp_path, open_session, fault
):
    proxy = proxied.proxy
    session = await open_session(session_for(proxied.url, tmp_path))
    job = await session.jobs.submit(txt2img(steps=12))
    await running(session, job.id)
    if fault == "cut_websockets":
        proxy.cut_websockets()
    elif fault == "cut_all":
        proxy.cut_all()
    elif fault == "drop_mid_frame":
        proxy.drop_websocket_mid_frame()
    else:
        proxy.stall()  # nothing flows for a while, then everything resumes
        asyncio.get_running_loop().call_later(1.5, proxy.resume)
    done = await finish(session, job)
    assert done.state is JobState.SUCCEEDED
    saved = files_in(tmp_path / "out")
    assert len(saved) == 2
    assert sorted(done.saved_paths) == saved


async def test_latency_on_every_chunk_still_finishes(proxied: Proxied, tmp_path, open_session):
    proxied.proxy.latency = 0.02
    session = await open_session(session_for(proxied.url, tmp_path))
    done = await finish(session, await session.jobs.submit(txt2img(steps=3)))
    assert done.state is JobState.SUCCEEDED
    assert len(files_in(tmp_path / "out")) == 2


async def test_a_sink_that_cannot_write_fails_the_job_plainly(
    faulty: Faulty, tmp_path, open_session
):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    session = await open_session(session_for(faulty.url, tmp_path, result_sink=FolderSink(blocked)))
    done = await finish(session, await session.jobs.submit(txt2img()))
    assert done.state is JobState.FAILED
    assert done.error is not None
    assert done.error.message.startswith("2 pictures were not saved: ")
    assert str(blocked) in done.error.message
    assert done.saved_paths == ()
