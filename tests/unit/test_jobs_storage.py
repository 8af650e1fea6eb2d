"""The job journal on disk and the folder sink for results."""

from __future__ import annotations

import json
import os
from pathlib import Path

from desktop.base.atomic import write_temp
from desktop.comfy.types import ImageRef
from desktop.jobs.journal import Journal, record_to_snapshot, snapshot_to_record
from desktop.jobs.model import JobError, JobOutput, JobSnapshot, JobState, Reason
from desktop.jobs.sinks import FolderSink

PROMPT = {"3": {"class_type": "KSampler", "inputs": {"seed": 2**63}}}


def job(job_id: str, state: JobState = JobState.QUEUED, **extra) -> JobSnapshot:
    return JobSnapshot(id=job_id, state=state, title="T", created=1.5, prompt=PROMPT, **extra)


async def test_journal_round_trip_keeps_unfinished_jobs_and_foreign_servers(tmp_path: Path):
    path = tmp_path / "journal.json"
    other = Journal(path, "http://other")
    await other.save([job("o1", server_url="http://other")])
    mine = Journal(path, "http://mine")
    await mine.load()
    saved = JobOutput("9", ImageRef("a.png", "sub", "output"), 1, tmp_path / "a.png")
    running = job(
        "r1",
        JobState.RUNNING,
        server_url="http://mine",
        number=7,
        outputs=(saved,),
        seed_values={("3", "seed"): 2**63},
        cancel_requested=True,
    )
    await mine.save([running, job("done", JobState.SUCCEEDED, server_url="http://mine")])
    again = await Journal(path, "http://mine").load()
    assert again == [running]
    assert [j.id for j in await Journal(path, "http://other").load()] == ["o1"]


async def test_damaged_journal_is_set_aside(tmp_path: Path):
    path = tmp_path / "journal.json"
    path.write_text("{not json")
    assert await Journal(path, "http://mine").load() == []
    assert (tmp_path / "journal.json.damaged").read_text() == "{not json"
    path.write_text(json.dumps({"jobs": [{"id": "x"}, 5, {"server_url": "http://mine"}]}))
    assert await Journal(path, "http://mine").load() == []  # bad entries skipped, no crash


async def test_folder_sink_never_overwrites_and_keeps_bytes(tmp_path: Path):
    sink = FolderSink(tmp_path / "out")
    out = JobOutput("9", ImageRef("../x.png"), 0)
    staging = await sink.staging_dir()
    first = await sink.store(job("a"), out, write_temp(staging, b"one"))
    second = await sink.store(job("b"), out, write_temp(staging, b"two"))
    assert first == tmp_path / "out" / "x.png"
    assert second == tmp_path / "out" / "x (1).png"
    assert (first.read_bytes(), second.read_bytes()) == (b"one", b"two")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["x (1).png", "x.png"]


def test_journal_keeps_the_reason_code_of_a_client_named_failure():
    lost = job("l1", JobState.RUNNING, error=JobError.because(Reason.SERVER_RESTARTED))
    again = record_to_snapshot(json.loads(json.dumps(snapshot_to_record(lost))))
    assert again.error == lost.error
    assert again.error is not None
    assert again.error.reason is Reason.SERVER_RESTARTED
    # A record from before reasons had codes (or from a newer version) keeps its sentence.
    old = snapshot_to_record(lost) | {"error": {"message": "Gone.", "reason": "martian"}}
    assert record_to_snapshot(old).error == JobError("Gone.")


async def test_folder_sink_files_follow_the_users_umask(tmp_path: Path):
    mask = os.umask(0o027)
    try:
        sink = FolderSink(tmp_path / "out")
        staged = write_temp(await sink.staging_dir(), b"png")
        path = await sink.store(job("a"), JobOutput("9", ImageRef("x.png"), 0), staged)
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o640  # what any program would make, not 0o600
