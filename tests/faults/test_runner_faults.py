"""The headless runner (a real ``python -m desktop run`` process) against a hostile ComfyUI.

Each scenario asserts: the exit code, one clear line (no traceback), a bounded time, every
finished picture saved exactly once (no temp files left), nothing written outside the output
folder, and the bearer token nowhere in the output or the log file."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from desktop.cli.common import (
    EXIT_BAD_ANSWER,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SERVER,
    EXIT_USAGE,
)
from tests.faults.conftest import SECRET, Faulty, Proxied
from tests.protocol.jobs_support import WORKFLOW, until

pytestmark = pytest.mark.demo_only

ROOT = Path(__file__).resolve().parents[2]
# Small bounds so a failing scenario ends in seconds; a hang would take LIMIT at most.
FAST = ("--timeout", "1", "--tries", "2", "--offline-limit", "3", "--max-download-mb", "4")
LIMIT = 60.0


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str
    seconds: float
    saved: list[Path]


async def run_runner(url: str, tmp_path: Path, *extra: str, header: str | None = None) -> Outcome:
    out = tmp_path / "out"
    args = [str(WORKFLOW), "--server", url, "--out", str(out), *FAST, *extra]
    args += ["--header", header if header is not None else f"Authorization: Bearer {SECRET}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "desktop", "run", *args,
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with asyncio.timeout(LIMIT):
            stdout, stderr = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    saved = sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []
    outcome = Outcome(
        proc.returncode or 0,
        stdout.decode(),
        stderr.decode(),
        time.monotonic() - started,
        saved,
    )
    check_hygiene(outcome, tmp_path)
    return outcome


def check_hygiene(outcome: Outcome, tmp_path: Path) -> None:
    assert "Traceback" not in outcome.err, outcome.err
    assert SECRET not in outcome.out + outcome.err
    logs = list((tmp_path / "comfydesk-log").rglob("*"))
    for log_file in logs:
        if log_file.is_file():
            assert SECRET not in log_file.read_text(encoding="utf-8", errors="replace")
    # Only the output folder (and the log) may gain files; no temp file may stay behind.
    written = [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and not p.is_relative_to(tmp_path / "comfydesk-log")
    ]
    assert all(p.is_relative_to(tmp_path / "out") for p in written), written
    assert not [p for p in written if p.name.startswith(".")], written
    printed = {line for line in outcome.out.splitlines() if line.startswith(str(tmp_path))}
    assert printed == {str(p) for p in outcome.saved}


async def test_baseline_through_the_hostile_proxy_saves_both_pictures(faulty: Faulty, tmp_path):
    result = await run_runner(faulty.url, tmp_path)
    assert result.code == 0, result.err
    assert len(result.saved) == 2


@pytest.mark.parametrize(
    ("route", "kind", "method", "code", "message"),
    [
        (
            "/system_stats",
            "html_502",
            None,
            5,
            "The server failed while handling the request (502).",
        ),
        ("/system_stats", "html_500", None, 5, "(500)"),
        ("/system_stats", "truncated", None, 5, "Unexpected answer from the server"),
        ("/system_stats", "login", None, 4, "asks for a login"),
        ("/system_stats", "redirect", None, 4, "asks for a login"),
        ("/system_stats", "stall", None, 4, "no answer in time"),
        ("/system_stats", "echo_headers", None, 5, "(500)"),
        ("/prompt", "html_502", "POST", 5, "(502)"),
        ("/prompt", "truncated", "POST", 0, ""),  # the server kept it: found and collected
        ("/prompt", "swallow", "POST", 0, ""),
        ("/prompt", "forward_then_502", "POST", 0, ""),
        ("/prompt", "stall", "POST", 4, "no answer in time"),
        ("/history", "html_500", None, 3, "could not be fetched after 2 tries"),
        ("/history", "truncated", None, 3, "could not be fetched after 2 tries"),
        ("/history", "echo_headers", None, 3, "could not be fetched after 2 tries"),
        ("/view", "login", None, 3, "asks for a login"),
        ("/view", "redirect", None, 3, "asks for a login"),
        ("/view", "slow_body", None, 3, "the download stalled"),
        ("/view", "cut_body", None, 3, "the connection dropped"),
        ("/view", "html_502", None, 3, "(502)"),
        ("/view", "echo_headers", None, 3, "(500)"),
        ("/view", "huge", None, 3, "larger than the download limit of 4 MB"),
    ],
)
async def test_a_failing_route_ends_in_one_line_and_the_documented_exit_code(
    faulty: Faulty, tmp_path, route, kind, method, code, message
):
    faulty.hostile.add(route, kind, method=method)
    result = await run_runner(faulty.url, tmp_path)
    assert result.code == code, result.err
    assert message in result.err
    assert result.seconds < LIMIT
    prompts = faulty.demo.received_prompts
    if code == 0:
        assert len(prompts) == 1  # sent once, found again, collected: no duplicate job
        assert len(result.saved) == 2
    if code in (3, 4, 5) and prompts:
        assert faulty.demo.state.queue.remaining() == 0  # nothing left queued or running


async def test_transient_faults_are_retried_and_every_picture_is_saved_once(
    faulty: Faulty, tmp_path
):
    faulty.hostile.add("/history", "html_500", times=1)
    faulty.hostile.add("/view", "cut_body", times=1)
    result = await run_runner(faulty.url, tmp_path, "--tries", "3")
    assert result.code == 0, result.err
    assert len(result.saved) == 2


async def test_hostile_file_names_stay_inside_the_output_folder(faulty: Faulty, tmp_path):
    faulty.hostile.add("/history", "hostile_names")
    result = await run_runner(faulty.url, tmp_path)
    assert result.code == 0, result.err
    names = sorted(p.name for p in result.saved)
    assert names == ["_COM¹.png", "gnp.exe.bin"]
    assert all(p.parent == tmp_path / "out" for p in result.saved)


async def test_malformed_binary_frames_do_not_break_the_run(faulty: Faulty, tmp_path):
    faulty.hostile.add("/ws", "bad_frames")
    result = await run_runner(faulty.url, tmp_path)
    assert result.code == 0, result.err
    assert len(result.saved) == 2


@pytest.mark.parametrize(
    "header",
    [
        SECRET,  # no colon: the whole line is the secret
        f"Bad Name: {SECRET}",
        f"X-Token {SECRET}",
    ],
)
async def test_a_malformed_header_never_echoes_the_secret(faulty: Faulty, tmp_path, header):
    result = await run_runner(faulty.url, tmp_path, header=header)
    assert result.code == 2
    assert "--header number 1 must look like 'Name: value'" in result.err
    assert faulty.hostile.seen == []  # refused before any request


async def test_a_proxy_refusing_websockets_is_not_taken_for_an_absent_server(
    faulty: Faulty, tmp_path
):
    # The job outlasts --offline-limit; /system_stats still answers, so the runner polls on.
    faulty.hostile.add("/ws", "html_502")
    faulty.demo.hold()
    asyncio.get_running_loop().call_later(4.0, faulty.demo.release)
    result = await run_runner(faulty.url, tmp_path, "--offline-limit", "1")
    assert result.code == 0, result.err
    assert len(result.saved) == 2


async def test_an_unreachable_server_gives_up_within_the_offline_limit(tmp_path):
    result = await run_runner("http://127.0.0.1:9", tmp_path)
    assert result.code == 4
    assert "not reachable" in result.err


def test_exit_codes_are_documented_in_help_and_readme(capsys):
    with pytest.raises(SystemExit):
        cli_main(["run", "--help"])
    shown = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = {int(m) for m in re.findall(r"^\| (\d+) \|", readme, re.MULTILINE)}
    codes = {EXIT_OK, EXIT_USAGE, EXIT_FAILED, EXIT_SERVER, EXIT_BAD_ANSWER, EXIT_INTERRUPTED}
    assert documented == codes
    for code in codes:
        assert re.search(rf"^  {code} +\S", shown, re.MULTILINE), code


async def test_a_server_that_vanishes_mid_run_ends_it_within_the_offline_limit(
    proxied: Proxied, tmp_path
):
    proxied.demo.hold()  # the job waits in the queue until the server is gone

    def vanish() -> None:
        proxied.proxy.refuse = True
        proxied.proxy.cut_all()

    # simulated time: the runner is connected and waiting when the server goes, 2 s in
    asyncio.get_running_loop().call_later(2.0, vanish)
    result = await run_runner(proxied.url, tmp_path, "--offline-limit", "2")
    assert result.code == 4, result.err
    assert "not reachable" in result.err
    assert result.saved == []


async def test_an_output_path_that_is_a_file_is_a_usage_problem(faulty: Faulty, tmp_path):
    (tmp_path / "out").write_text("not a folder")
    result = await run_runner(faulty.url, tmp_path)
    assert result.code == 2
    assert "is a file, not a folder" in result.err
    assert faulty.demo.received_prompts == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery to a child differs")
async def test_ctrl_c_while_the_submit_hangs_cancels_the_job_the_server_kept(
    faulty: Faulty, tmp_path
):
    faulty.demo.hold()  # the job waits in the queue
    faulty.hostile.add("/prompt", "forward_then_stall", method="POST")
    out = tmp_path / "out"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "desktop", "run", str(WORKFLOW), "--server", faulty.url,
        "--out", str(out), "--header", f"Authorization: Bearer {SECRET}",
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await until(lambda: faulty.demo.state.queue.remaining() > 0)  # the server has it
        proc.send_signal(signal.SIGINT)
        async with asyncio.timeout(LIMIT):
            _, stderr = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 130, stderr.decode()
    assert SECRET not in stderr.decode()
    assert faulty.demo.state.queue.remaining() == 0  # cancelled, not left to run unseen
