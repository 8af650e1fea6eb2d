"""The runner on several servers (``--server`` repeated) and its ``--metrics-port`` endpoint."""

from __future__ import annotations

import aiohttp
import pytest

from desktop.cli.metrics import RunnerMetrics
from desktop.jobs.model import JobState
from tests.protocol.farm_support import farm_session
from tests.protocol.jobs_support import WAIT, WORKFLOW, eventually, files_in, txt2img
from tests.protocol.test_runner import free_port_url, run_cli

pytestmark = pytest.mark.demo_only


async def test_runner_spreads_a_batch_over_several_servers(demo_server_factory, tmp_path, capsys):
    handles = [await demo_server_factory(step_delay=0.02) for _ in range(3)]
    out = tmp_path / "out"
    port = int(free_port_url().rsplit(":", 1)[1])
    argv = [WORKFLOW, "--out", out, "--count", 6, "--seed-mode", "increment"]
    for handle in handles:
        argv += ["--server", handle.url]
    code = await run_cli(*argv, "--metrics-port", port)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert len(files_in(out)) == 12  # 6 jobs x batch of 2, each once
    counts = [len(h.server.received_prompts) for h in handles]
    assert sum(counts) == 6
    assert all(counts), counts  # every server took part
    seeds = sorted(
        p["prompt"]["3"]["inputs"]["seed"] for h in handles for p in h.server.received_prompts
    )
    assert seeds == list(range(42, 48))


async def test_metrics_endpoint_counts_jobs_and_shows_each_server(
    demo_server_factory,
    tmp_path,
    closing,
):
    handles = [await demo_server_factory() for _ in range(2)]
    session, _farm = await farm_session(handles, tmp_path)
    closing.append(session)
    metrics = RunnerMetrics(session, 0)
    try:
        jobs = [await session.jobs.submit(txt2img(seed, batch=1)) for seed in range(3)]
        done = [await session.jobs.wait(j.id, timeout=WAIT) for j in jobs]
        assert {j.state for j in done} == {JobState.SUCCEEDED}
        await handles[1].server.kill()
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{metrics.port}/metrics"

            async def scrape() -> str:
                async with http.get(url) as reply:
                    text = await reply.text()
                # The server snapshot refreshes every second: wait for the kill to show.
                return text if 'comfydesk_server_up{server="s1"} 0.0' in text else ""

            text = await eventually(scrape)
    finally:
        await metrics.close()
    assert 'comfydesk_jobs_total{event="submitted"} 3.0' in text
    assert 'comfydesk_jobs_total{event="completed"} 3.0' in text
    assert 'comfydesk_jobs_total{event="failed"} 0.0' in text
    assert 'comfydesk_jobs_total{event="lost"} 0.0' in text
    assert "comfydesk_job_duration_seconds_count 3.0" in text
    assert 'comfydesk_server_up{server="s0"} 1.0' in text
    assert 'comfydesk_server_queue_length{server="s0"} 0.0' in text
