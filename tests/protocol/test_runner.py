"""The headless runner (``python -m desktop run``) against the demo server: exit codes 0/2/3/4,
saved files, printed problems, and Ctrl+C cancelling only its own job."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from desktop.comfy.client import ComfyClient
from tests.protocol.jobs_support import WAIT, WORKFLOW, eventually, files_in, txt2img

pytestmark = pytest.mark.demo_only

ROOT = Path(__file__).resolve().parents[2]


def free_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the socket is closed


async def run_cli(*argv: str) -> int:
    # asyncio.run inside the runner needs its own thread: this test's loop serves the demo.
    return await asyncio.to_thread(cli_main, ["run", *map(str, argv)])


async def test_count_three_saves_every_image_and_exits_0(demo_server, tmp_path, capsys):
    out = tmp_path / "out"
    code = await run_cli(
        WORKFLOW, "--server", demo_server.url, "--out", out, "--count", 3,
        "--seed-mode", "increment", "--set", "KSampler.steps=3",
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    saved = files_in(out)
    assert len(saved) == 6  # 3 jobs x batch of 2
    printed = [Path(line) for line in captured.out.splitlines() if line.startswith(str(out))]
    assert sorted(printed) == saved
    assert "KSampler  step 3/3" in captured.out
    seeds = [p["prompt"]["3"]["inputs"]["seed"] for p in demo_server.server.received_prompts]
    assert seeds == [42, 43, 44]
    assert [p["prompt"]["3"]["inputs"]["steps"] for p in demo_server.server.received_prompts] == [
        3
    ] * 3


async def test_rejection_prints_each_problem_and_exits_2(demo_server, tmp_path, capsys):
    code = await run_cli(
        WORKFLOW, "--server", demo_server.url, "--out", tmp_path / "out",
        "--set", "Load Checkpoint.ckpt_name=missing.safetensors", "--set", "3.steps=0",
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "Load Checkpoint › ckpt_name: " in err
    assert "KSampler › steps: " in err
    assert files_in(tmp_path / "out") == []


async def test_bad_set_option_exits_2_without_submitting(demo_server, tmp_path, capsys):
    code = await run_cli(WORKFLOW, "--server", demo_server.url, "--set", "Nope.seed=1")
    assert code == 2
    assert "No node has the id or title 'Nope'" in capsys.readouterr().err
    assert demo_server.server.received_prompts == []


async def test_set_with_an_unknown_input_name_lists_the_valid_ones(demo_server, tmp_path, capsys):
    code = await run_cli(WORKFLOW, "--server", demo_server.url, "--set", "KSampler.stepz=3")
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "KSampler has no input 'stepz'; the ones you can set are: "
        "cfg, denoise, sampler_name, scheduler, seed, steps."
    )
    assert demo_server.server.received_prompts == []


async def test_execution_error_exits_3(demo_server, tmp_path, capsys):
    code = await run_cli(
        WORKFLOW, "--server", demo_server.url, "--out", tmp_path,
        "--set", "4.ckpt_name=broken.safetensors",
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 3
    assert "failed: Load Checkpoint: " in err


async def test_unreachable_server_exits_4(tmp_path, capsys):
    code = await run_cli(WORKFLOW, "--server", free_port_url(), "--out", tmp_path)
    assert code == 4
    assert "not reachable" in capsys.readouterr().err


async def _start_runner(*argv: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "desktop", "run", *argv,
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_subprocess_run_succeeds(demo_server, tmp_path):
    out = tmp_path / "out"
    proc = await _start_runner(str(WORKFLOW), "--server", demo_server.url, "--out", str(out))
    async with asyncio.timeout(WAIT * 2):
        stdout, stderr = await proc.communicate()
    assert proc.returncode == 0, stderr.decode()
    assert len(files_in(out)) == 2
    assert sorted(Path(p) for p in stdout.decode().splitlines() if p.startswith(str(out))) == (
        files_in(out)
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery to a child differs")
async def test_ctrl_c_cancels_only_the_job_the_runner_started(demo_server, tmp_path):
    server = demo_server.server
    server.hold()
    async with ComfyClient(demo_server.url, client_id=uuid.uuid4().hex) as other:
        theirs = await other.submit(txt2img(1))
        proc = await _start_runner(
            str(WORKFLOW), "--server", demo_server.url, "--out", str(tmp_path)
        )
        await eventually(lambda: _queued_count(other, 2))
        # the runner prints its job as queued once it tracks it
        assert proc.stdout is not None
        async with asyncio.timeout(WAIT):
            while b"queued" not in await proc.stdout.readline():
                pass
        proc.send_signal(signal.SIGINT)
        async with asyncio.timeout(WAIT):
            _, stderr = await proc.communicate()
        assert proc.returncode == 130, stderr.decode()
        queue = await other.queue()
        assert [i.prompt_id for i in queue.running + queue.pending] == [theirs.prompt_id]
        server.release()


async def _queued_count(client: ComfyClient, n: int) -> bool:
    queue = await client.queue()
    return len(queue.running) + len(queue.pending) == n
