"""``python -m desktop run WORKFLOW``: queue a workflow headlessly and save every result.

Every wait is bounded (``--timeout``, ``--tries``, ``--offline-limit``), every problem ends in
one line on stderr with the exit code below, and no line printed or logged carries a header
value (they are registered as secrets and redacted).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, overload

from desktop.cli.backends import open_session
from desktop.cli.common import (
    EXIT_BAD_ANSWER,
    EXIT_CODES,
    EXIT_INTERRUPTED,
    EXIT_SERVER,
    EXIT_USAGE,
    ProgressPrinter,
    UsageProblem,
    apply_sets,
    say,
    summarize,
)
from desktop.cli.metrics import RunnerMetrics
from desktop.cli.offline import OfflineWatch
from desktop.comfy.errors import (
    AuthenticationRequired,
    ComfyError,
    PromptRejected,
    ServerUnreachable,
)
from desktop.comfy.http import DEFAULT_MAX_DOWNLOAD
from desktop.jobs.collect import CollectPolicy
from desktop.jobs.model import node_title
from desktop.jobs.session import ConnState, ServerSession, SessionStatus
from desktop.jobs.sinks import FolderSink
from desktop.logs import register_secret, remove_handlers, setup_logging
from desktop.workflow.document import Workflow
from desktop.workflow.errors import UiFormatNeedsServer, WorkflowError
from desktop.workflow.params import SEED_INPUT_NAMES, SEED_MAX, ParamKind, ParamSpec
from desktop.workflow.seeds import SeedMode, apply_seed_policy
from desktop.workflow.sources import aload_workflow

DEFAULT_SERVER = "http://127.0.0.1:8188"
DEFAULT_OUT = "comfydesk-output"
# A header name is an HTTP token; a value may not hold line breaks or NULs.
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_HEADER_VALUE_BAD = re.compile(r"[\r\n\x00]")


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "run",
        help="queue a workflow and save its images",
        description="Queue a workflow on a ComfyUI server and save every picture it makes.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("workflow", help="API-format .json, or a .png/.webp made by ComfyUI")
    p.add_argument(
        "--server",
        action="append",
        default=None,
        help=f"(default {DEFAULT_SERVER}); give it several times to run on a farm of servers",
    )
    p.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        metavar="N",
        help="serve Prometheus metrics on 127.0.0.1:N while running",
    )
    p.add_argument("--out", default=DEFAULT_OUT, help=f"folder for results (./{DEFAULT_OUT})")
    p.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NODE.INPUT=VALUE",
        help="change an input; NODE is a node id or its title (repeatable)",
    )
    p.add_argument("--count", type=int, default=1, help="how many jobs to queue (default 1)")
    p.add_argument(
        "--seed-mode",
        choices=[m.value for m in (SeedMode.FIXED, SeedMode.INCREMENT, SeedMode.RANDOMIZE)],
        default=SeedMode.FIXED.value,
        help="how seeds change from one job to the next (default fixed)",
    )
    p.add_argument(
        "--header",
        dest="headers",
        action="append",
        default=[],
        metavar="'Name: value'",
        help="extra HTTP header for every request, e.g. an Authorization token (repeatable)",
    )
    p.add_argument("--front", action="store_true", help="put the jobs at the front of the queue")
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="longest wait for one answer, or for the next piece of a download (default 30)",
    )
    p.add_argument(
        "--tries",
        type=int,
        default=5,
        help="tries at a finished job's pictures before it counts as failed (default 5)",
    )
    p.add_argument(
        "--max-download-mb",
        type=int,
        default=DEFAULT_MAX_DOWNLOAD // 2**20,
        metavar="MB",
        help=f"largest file to download (default {DEFAULT_MAX_DOWNLOAD // 2**20})",
    )
    p.add_argument(
        "--offline-limit",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="give up when the server stays unreachable this long (default 300)",
    )
    from desktop.cli import run_hosted  # imports this module: load it once parsing starts

    run_hosted.add_arguments(p)
    p.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    if args.hosted_workflow:
        from desktop.cli import run_hosted

        return run_hosted.run_command(args)
    # Details go to the (redacted) log file; the terminal gets one line per problem.
    log_path = setup_logging(console=False)
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:  # a second Ctrl+C while cancelling
        say("Interrupted.")
        return EXIT_INTERRUPTED
    finally:
        logging.getLogger("comfydesk.cli").debug("run finished; log at %s", log_path)
        remove_handlers()


# ----------------------------------------------------------------------------- options


def parse_headers(lines: list[str]) -> dict[str, str]:
    """``Name: value`` lines. Values are secrets: they are registered for redaction, and no
    message here quotes the line (a malformed one may be all secret)."""
    headers = {}
    for number, line in enumerate(lines, 1):
        name, sep, value = line.partition(":")
        register_secret(value.strip())
        if not sep:
            register_secret(line.strip())
        if not sep or not _HEADER_NAME.match(name.strip()):
            raise UsageProblem(
                f"--header number {number} must look like 'Name: value' "
                "(a name of letters, digits and -, a colon, then the value)."
            )
        if _HEADER_VALUE_BAD.search(value):
            raise UsageProblem(
                f"The value of --header {name.strip()} holds a line break; it cannot be sent."
            )
        headers[name.strip()] = value.strip()
    return headers


def seed_specs(workflow: Workflow) -> list[ParamSpec]:
    """Seed inputs by name (the runner has no node definitions to ask)."""
    specs = []
    for node_id, node in workflow.nodes.items():
        for name, value in node.inputs.items():
            if name in SEED_INPUT_NAMES and isinstance(value, int) and not isinstance(value, bool):
                specs.append(ParamSpec(node_id, name, ParamKind.SEED, value, min=0, max=SEED_MAX))
    return specs


# ----------------------------------------------------------------------------- output


def print_rejection(err: PromptRejected, prompt: Mapping[str, Any]) -> None:
    say(f"The server refused the workflow: {err}")
    for node_id, problem in err.input_errors():
        title = node_title(prompt, node_id) or node_id
        where = f"{title} › {problem.input_name}" if problem.input_name else title
        detail = f" ({problem.details})" if problem.details else ""
        say(f"  {where}: {problem.message}{detail}")


def print_status(status: SessionStatus) -> None:
    if status.state in (ConnState.DISCONNECTED, ConnState.AUTH_REQUIRED):
        say(f"Connection lost ({status.reason}); reconnecting…")
    elif status.state is ConnState.CONNECTED and status.attempt > 1:
        say("Reconnected.")


# ----------------------------------------------------------------------------- the run


@overload
async def load(args: argparse.Namespace, session: None) -> Workflow | None: ...
@overload
async def load(args: argparse.Namespace, session: ServerSession) -> Workflow: ...
async def load(args: argparse.Namespace, session: ServerSession | None) -> Workflow | None:
    """The workflow with ``--set`` applied; None when it needs the server to be converted."""
    path = Path(args.workflow)
    try:
        if session is None:
            workflow = await aload_workflow(path)
        else:
            # An editor-format file needs the server's node definitions to convert.
            workflow = await aload_workflow(path, await session.client.object_info())
    except UiFormatNeedsServer:
        if session is None:
            return None
        raise
    apply_sets(workflow, args.sets)
    return workflow


def exit_code_for(err: ComfyError) -> int:
    if isinstance(err, PromptRejected):
        return EXIT_USAGE
    if isinstance(err, ServerUnreachable | AuthenticationRequired):
        return EXIT_SERVER
    return EXIT_BAD_ANSWER


def check_options(args: argparse.Namespace) -> dict[str, str]:
    """The options that need no server; returns the parsed headers. Raises UsageProblem."""
    headers = parse_headers(args.headers)
    if args.count < 1:
        raise UsageProblem("--count must be at least 1.")
    if args.timeout <= 0 or args.tries < 1 or args.max_download_mb < 1:
        raise UsageProblem("--timeout, --tries and --max-download-mb must be positive.")
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise UsageProblem(f"--out {args.out} is a file, not a folder.")
    return headers


async def run(args: argparse.Namespace) -> int:
    try:
        headers = check_options(args)
        session = open_session(
            args.server or [DEFAULT_SERVER],
            headers=headers,
            result_sink=FolderSink(Path(args.out)),
            client_options={
                "timeout": args.timeout,
                "max_download": args.max_download_mb * 2**20,
            },
            session_options={
                "silence_timeout": min(15.0, args.timeout),
                "collect_policy": CollectPolicy(
                    attempts=args.tries,
                    first_delay=min(1.0, args.timeout / 10),
                    max_delay=min(15.0, args.timeout),
                ),
            },
        )
    except (UsageProblem, ValueError) as err:
        say(err)
        return EXIT_USAGE
    metrics = None
    try:
        if args.metrics_port is not None:
            metrics = RunnerMetrics(session, args.metrics_port)
        return await _run(args, session)
    finally:
        if metrics is not None:
            await metrics.close()
        await session.close()


async def _run(args: argparse.Namespace, session: ServerSession) -> int:
    try:
        workflow = await load(args, None)  # usage problems first, before any network
        await session.client.system_stats()
        if workflow is None:
            workflow = await load(args, session)
    except ComfyError as err:
        say(err)
        return exit_code_for(err)
    except (WorkflowError, UsageProblem) as err:
        say(err)
        return EXIT_USAGE
    specs = seed_specs(workflow)
    mode = SeedMode(args.seed_mode)
    batch = apply_seed_policy(workflow, specs, {s.key: mode for s in specs}, args.count)
    started: list[str] = []
    printer = ProgressPrinter(sys.stdout, started, len(batch.workflows))
    session.jobs.on_change(printer)
    offline = OfflineWatch(args.offline_limit, session.client.system_stats)
    session.on_status(print_status)
    session.on_status(offline.update)
    await session.start()
    title = workflow.name or Path(args.workflow).name
    prompt: dict[str, Any] = {}
    try:
        for job_workflow in batch.workflows:
            prompt = job_workflow.to_prompt()
            seeds = {s.key: job_workflow.get(s.node_id, s.input_name) for s in specs}
            job = await session.jobs.submit(
                prompt,
                ui_workflow=job_workflow.ui_workflow,
                front=args.front,
                title=title,
                seed_values=seeds,
            )
            started.append(job.id)
            printer(session.jobs.get(job.id) or job)
        finished = await offline.guard(
            asyncio.gather(*(session.jobs.wait(job_id) for job_id in started))
        )
    except PromptRejected as err:
        print_rejection(err, prompt)
        await _cancel(session, args.timeout)
        return EXIT_USAGE
    except ComfyError as err:
        say(err)
        await _cancel(session, args.timeout)
        return exit_code_for(err)
    except asyncio.CancelledError:
        # Ctrl+C: asyncio.run cancels us; stop our jobs (never anyone else's) and exit 130.
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        say("Interrupted; cancelling the jobs this run started…")
        await _cancel(session, args.timeout)
        return EXIT_INTERRUPTED
    return summarize(list(finished))


async def _cancel(session: ServerSession, limit: float) -> None:
    """Cancel every unfinished job of this run (including one whose POST answer was lost)."""
    for job in session.jobs.jobs():
        if job.finished:
            continue
        try:
            async with asyncio.timeout(3 * limit):
                await session.jobs.cancel(job.id)
        except (ComfyError, TimeoutError) as err:
            say(f"Could not cancel a job: {err}")
