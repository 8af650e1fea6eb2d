"""``python -m desktop run … --hosted-workflow``: a real subprocess against the stand-in (which
runs in the test's loop), checking output files, parameters and exit codes."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
from PIL import Image

from desktop.demo.hosted import (
    DEMO_KEY,
    IMG2IMG_ID,
    LIMITED_KEY,
    TXT2IMG_ID,
    HostedDemoServer,
    param_dump,
    published_workflows,
)

RUN_LIMIT = 60.0  # generous bound for a loaded machine; a run takes a few seconds


async def run_cli(
    *args: str, key: str | None = DEMO_KEY, variable: str = "TEST_HOSTED_KEY"
) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if k != variable}
    if key is not None:
        env[variable] = key
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "desktop",
        "run",
        *args,
        "--api-key-env",
        variable,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(RUN_LIMIT):
        out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.fixture
def dump_file(tmp_path: Path) -> Path:
    path = tmp_path / "txt2img.params.json"
    path.write_text(json.dumps(param_dump(published_workflows()[TXT2IMG_ID])), "utf-8")
    return path


@pytest.fixture
def img2img_file(tmp_path: Path) -> Path:
    path = tmp_path / "img2img.json"
    path.write_text(json.dumps(published_workflows()[IMG2IMG_ID]), "utf-8")
    return path


async def test_runs_count_jobs_and_saves_results_with_their_parameters(
    hosted: HostedDemoServer, dump_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = await run_cli(
        str(dump_file),
        "--hosted-workflow",
        TXT2IMG_ID,
        "--hosted-url",
        hosted.url,
        "--out",
        str(out),
        "--set",
        "3.seed=77",
        "--set",
        "Positive.text=a heron at dusk",
        "--count",
        "2",
        "--seed-mode",
        "increment",
    )
    assert code == 0, stderr
    assert [b.get("prompt") for b in hosted.api.received] == [
        {"3": {"inputs": {"seed": 77}}, "6": {"inputs": {"text": "a heron at dusk"}}},
        {"3": {"inputs": {"seed": 78}}, "6": {"inputs": {"text": "a heron at dusk"}}},
    ]
    saved = [Path(line) for line in stdout.splitlines() if line.endswith(".png")]
    assert len(saved) == 2
    seeds = []
    for path in saved:
        assert path.parent == out
        with Image.open(path) as image:
            seeds.append(json.loads(image.info["prompt"])["3"]["inputs"]["seed"])
    assert sorted(seeds) == [77, 78]
    assert DEMO_KEY not in stdout + stderr


async def test_no_permission_exits_3(hosted: HostedDemoServer, img2img_file: Path) -> None:
    code, _out, err = await run_cli(
        str(img2img_file), "--hosted-workflow", IMG2IMG_ID, "--hosted-url", hosted.url,
        key=LIMITED_KEY,
    )  # fmt: skip
    assert code == 3
    assert "may not run this workflow" in err


async def test_failed_run_exits_3_with_the_services_error(
    hosted: HostedDemoServer, dump_file: Path
) -> None:
    hosted.queue.fail_next = "Out of credits for this run"
    code, _out, err = await run_cli(
        str(dump_file), "--hosted-workflow", TXT2IMG_ID, "--hosted-url", hosted.url
    )
    assert code == 3
    assert "Out of credits for this run" in err


async def test_wrong_key_exits_4(hosted: HostedDemoServer, dump_file: Path) -> None:
    code, _out, err = await run_cli(
        str(dump_file), "--hosted-workflow", TXT2IMG_ID, "--hosted-url", hosted.url, key="sk-no"
    )
    assert code == 4
    assert "refused the API key" in err
    assert "sk-no" not in err


async def test_unreachable_service_exits_4(dump_file: Path) -> None:
    gone = HostedDemoServer()
    await gone.start()
    url = gone.url
    await gone.stop()
    code, _out, err = await run_cli(
        str(dump_file), "--hosted-workflow", TXT2IMG_ID, "--hosted-url", url
    )
    assert code == 4
    assert "not reachable" in err


async def test_refused_request_exits_2(hosted: HostedDemoServer, dump_file: Path) -> None:
    code, _out, err = await run_cli(
        str(dump_file), "--hosted-workflow", "wf-nope", "--hosted-url", hosted.url
    )
    assert code == 2
    assert "wf-nope not found" in err


async def test_missing_key_variable_exits_2_before_any_request(
    hosted: HostedDemoServer, dump_file: Path
) -> None:
    code, _out, err = await run_cli(
        str(dump_file), "--hosted-workflow", TXT2IMG_ID, "--hosted-url", hosted.url, key=None
    )
    assert code == 2
    assert "TEST_HOSTED_KEY" in err
    assert hosted.api.seen_headers == []


async def test_value_outside_the_dumps_range_exits_2(
    hosted: HostedDemoServer, dump_file: Path
) -> None:
    code, _out, err = await run_cli(
        str(dump_file), "--hosted-workflow", TXT2IMG_ID, "--hosted-url", hosted.url,
        "--set", "3.steps=0",
    )  # fmt: skip
    assert code == 2
    assert "Steps must be at least 1" in err
    assert hosted.api.received == []
