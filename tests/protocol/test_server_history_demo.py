"""The library sink and the server-history pager against the in-process demo server."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from desktop.comfy.client import ComfyClient
from desktop.jobs.library_sink import LibrarySink
from desktop.jobs.model import JobState
from desktop.jobs.session import ServerSession
from desktop.library import Library, LibraryQuery
from desktop.library.server_history import ServerHistory
from tests.protocol.jobs_support import WAIT, connected, eventually, txt2img

pytestmark = pytest.mark.demo_only

WORKFLOW = {"last_node_id": 9, "nodes": [{"id": 9, "type": "SaveImage"}], "links": []}


@pytest.fixture
async def library(tmp_path: Path):
    lib = await Library.open(tmp_path / "library")
    yield lib
    await lib.close()


@pytest.fixture
async def session(demo_server, tmp_path: Path, library: Library):
    s = ServerSession(
        demo_server.url,
        client_id=uuid.uuid4().hex,
        journal_path=tmp_path / "journal.json",
        result_sink=LibrarySink(library),
        load_object_info=False,
    )
    await s.start()
    await connected(s)
    yield s
    await s.close()


@pytest.fixture
async def client(demo_server):
    async with ComfyClient(demo_server.url) as c:
        yield c


async def finished(client: ComfyClient, prompt_id: str) -> None:
    await eventually(lambda: client.history_item(prompt_id))


async def test_job_results_land_in_the_library_and_survive_a_restart(
    demo_server, session, library: Library
):
    prompt = txt2img(1234, batch=2)
    job = await session.jobs.submit(prompt, ui_workflow=WORKFLOW, title="fox")
    done = await session.jobs.wait(job.id, timeout=WAIT)
    assert done.state is JobState.SUCCEEDED
    items = await library.search(LibraryQuery(), with_graphs=True)
    assert len(items) == 2
    assert sorted(p.resolve() for p in done.saved_paths) == sorted(i.path for i in items)
    for item in items:
        assert item.prompt_id == job.id
        assert item.server_url == demo_server.url
        assert item.node_id == "9"
        assert item.node_title == "Save Image"
        assert item.server_subfolder == "fox"
        assert item.prompt == prompt
        assert item.workflow == WORKFLOW
        assert item.params.seed == 1234
        assert item.params.positive == "a red fox in snow"
        assert item.params.negative == "blurry"
        assert item.params.models == ("random-sd15.safetensors",)
        assert (item.width, item.height) == (64, 64)
    assert sorted(i.batch_index for i in items) == [0, 1]

    await demo_server.server.restart()  # the server's history is wiped ...
    async with ComfyClient(demo_server.url) as fresh:
        assert await fresh.history(max_items=10) == []
    assert await library.count(LibraryQuery()) == 2  # ... the library is not
    assert await library.count(LibraryQuery(text="red fox")) == 2


async def test_history_pages_stay_complete_while_jobs_finish(demo_server, client, tmp_path):
    ids = [(await client.submit(txt2img(seed, batch=1))).prompt_id for seed in range(7)]
    await finished(client, ids[-1])
    history = ServerHistory(client, tmp_path / "cache", page_size=3)
    seen = list(await history.first_page())
    more = [(await client.submit(txt2img(100 + s, batch=1))).prompt_id for s in range(2)]
    await finished(client, more[-1])
    while history.has_older:
        seen.extend(await history.older())
    assert [i.prompt_id for i in seen] == ids[::-1]
    assert [i.params.seed for i in seen] == list(range(6, -1, -1))
    newer = await history.newer()
    assert not newer.reset
    assert [i.prompt_id for i in newer.images] == more[::-1]
    assert all(i.ref.subfolder == "fox" and i.created for i in seen)

    await demo_server.server.restart()
    async with ComfyClient(demo_server.url) as fresh:
        history.client = fresh
        after = await history.newer()
        assert after.reset
        assert after.images == ()


async def test_keeping_a_server_item_recognises_what_the_library_has(
    demo_server, session, client, library: Library, tmp_path
):
    ours = await session.jobs.submit(txt2img(5, batch=1), ui_workflow=WORKFLOW)
    await session.jobs.wait(ours.id, timeout=WAIT)
    theirs = (await client.submit(txt2img(6, batch=1), workflow=WORKFLOW)).prompt_id
    await finished(client, theirs)
    history = ServerHistory(client, tmp_path / "cache")
    newest, ours_image = await history.first_page()
    assert (newest.prompt_id, ours_image.prompt_id) == (theirs, ours.id)
    stored = await library.find_result(ours.id, "9", "fox", ours_image.ref.filename)
    assert stored is not None

    kept_ours = await history.keep(ours_image, library)
    assert kept_ours.id == stored.id  # the job already put it there
    kept = await history.keep(newest, library)
    again = await history.keep(newest, library)
    assert again.id == kept.id
    assert await library.count(LibraryQuery()) == 2
    full = await library.get(kept.id)
    assert full is not None
    assert full.prompt == txt2img(6, batch=1)
    assert full.workflow == WORKFLOW
    assert full.source == "server-history"
    assert full.params.seed == 6


async def test_downloads_run_in_parallel_but_each_file_once(client, tmp_path):
    pid = (await client.submit(txt2img(9, batch=2))).prompt_id
    await finished(client, pid)
    calls = []
    real_download = client.download

    async def counting_download(ref, directory):
        calls.append(ref)
        return await real_download(ref, directory)

    client.download = counting_download  # the original, never /view?preview=
    history = ServerHistory(client, tmp_path / "cache")
    images = await history.first_page()
    thumbs = await asyncio.gather(*(history.thumbnail(i) for i in images * 3))
    assert len(set(thumbs)) == 2
    assert sorted(ref.filename for ref in calls) == sorted(i.ref.filename for i in images)
    originals = {await history.original(i) for i in images}
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in originals)
