"""Every starter, fitted to the demo server, is accepted and runs to a saved picture."""

from __future__ import annotations

import asyncio

import pytest

from desktop.comfy.client import ComfyClient
from desktop.workflow.starters import StarterKind, adapt_starter, starter
from tests.protocol.jobs_support import eventually


@pytest.mark.parametrize("kind", list(StarterKind))
async def test_each_starter_runs_on_the_demo(demo_server, kind: StarterKind) -> None:
    async with ComfyClient(demo_server.url) as client:
        info = await client.object_info()
        adapted = await asyncio.to_thread(adapt_starter, starter(kind), info)
        assert adapted.runnable, adapted.check.messages()
        result = await client.submit(adapted.workflow.to_prompt())
        item = await eventually(lambda: client.history_item(result.prompt_id), limit=30)
    assert item.status_str == "success", item.error
    images = [image for output in item.outputs for image in output.images]
    assert len(images) == 1
    assert images[0].subfolder == "ComfyDesk"
    assert images[0].filename.startswith(kind.value)
