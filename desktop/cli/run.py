"""``python -m desktop run WORKFLOW``: queue a workflow headlessly and save every result.

Exit codes: 0 every job succeeded; 2 the workflow or an option is unusable, or the server
rejected the prompt; 3 a job failed, was interrupted or was lost; 4 the server is unreachable
or wants a login; 130 Ctrl+C (only the jobs this run started are cancelled).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from desktop.cli.backends import open_session
from desktop.cli.metrics import RunnerMetrics
from desktop.comfy.errors import AuthenticationRequired, PromptRejected, ServerUnreachable
from desktop.jobs.model import JobSnapshot, JobState, node_title
from desktop.jobs.session import ConnState, ServerSession, SessionStatus
from desktop.jobs.sinks import FolderSink
from desktop.workflow.document import Workflow, is_link
from desktop.workflow.errors import UiFormatNeedsServer, WorkflowError
from desktop.workflow.params import SEED_INPUT_NAMES, SEED_MAX, ParamKind, ParamSpec
from desktop.workflow.seeds import SeedMode, apply_seed_policy
from desktop.workflow.sources import aload_workflow

DEFAULT_SERVER = "http://127.0.0.1:8188"
DEFAULT_OUT = "comfydesk-output"
EXIT_OK, EXIT_USAGE, EXIT_FAILED, EXIT_SERVER, EXIT_INTERRUPTED = 0, 2, 3, 4, 130


class UsageProblem(Exception):
    """An option that cannot be applied; the message is printed as is."""


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("run", help="queue a workflow and save its images")
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
    p.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:  # a second Ctrl+C while cancelling
        print("Interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


# ----------------------------------------------------------------------------- options


def parse_headers(lines: list[str]) -> dict[str, str]:
    headers = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise UsageProblem(f"--header must look like 'Name: value', got {line!r}.")
        headers[name.strip()] = value.strip()
    return headers


def _parse_value(text: str, current: Any) -> Any:
    if isinstance(current, str):
        return text  # a text input keeps "123" as text
    try:
        return json.loads(text)
    except ValueError:
        return text


def find_node(workflow: Workflow, ref: str) -> str:
    """A node id, or the id of the single node with that title."""
    if ref in workflow.nodes:
        return ref
    matches = [nid for nid, node in workflow.nodes.items() if node.title == ref]
    if not matches:
        matches = [nid for nid, node in workflow.nodes.items() if node.class_type == ref]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageProblem(f"No node has the id or title {ref!r}.")
    ids = ", ".join(sorted(matches))
    raise UsageProblem(f"Several nodes are called {ref!r} (ids {ids}); use the node id.")


def apply_sets(workflow: Workflow, sets: list[str]) -> None:
    for item in sets:
        target, sep, text = item.partition("=")
        node_ref, dot, input_name = target.rpartition(".")
        if not sep or not dot or not node_ref or not input_name:
            raise UsageProblem(f"--set must look like NODE.INPUT=VALUE, got {item!r}.")
        node_id = find_node(workflow, node_ref)
        inputs = workflow.nodes[node_id].inputs
        if input_name not in inputs:
            names = ", ".join(sorted(n for n, v in inputs.items() if not is_link(v))) or "none"
            raise UsageProblem(
                f"{node_ref} has no input {input_name!r}; the ones you can set are: {names}."
            )
        current = workflow.get(node_id, input_name)
        if is_link(current):
            raise UsageProblem(f"{node_ref} › {input_name} is connected to another node.")
        workflow.set(node_id, input_name, _parse_value(text, current))


def seed_specs(workflow: Workflow) -> list[ParamSpec]:
    """Seed inputs by name (the runner has no node definitions to ask)."""
    specs = []
    for node_id, node in workflow.nodes.items():
        for name, value in node.inputs.items():
            if name in SEED_INPUT_NAMES and isinstance(value, int) and not isinstance(value, bool):
                specs.append(ParamSpec(node_id, name, ParamKind.SEED, value, min=0, max=SEED_MAX))
    return specs


# ----------------------------------------------------------------------------- output


class ProgressPrinter:
    """One line per visible change: job, state, node title, step k/N."""

    def __init__(self, out: TextIO, order: list[str], total: int) -> None:
        self._out = out
        self._order = order
        self._total = total
        self._last: dict[str, tuple[Any, ...]] = {}

    def __call__(self, job: JobSnapshot) -> None:
        if job.id not in self._order:
            return
        key = (job.state, job.current_node_title, job.step, job.steps, job.queue_position)
        if self._last.get(job.id) == key:
            return
        self._last[job.id] = key
        label = f"[{self._order.index(job.id) + 1}/{self._total}]"
        if job.state is JobState.QUEUED:
            where = "" if job.queue_position is None else f" (position {job.queue_position})"
            text = f"queued{where}"
        elif job.state is JobState.RUNNING:
            text = job.current_node_title or "running"
            if job.step is not None and job.steps:
                text += f"  step {job.step}/{job.steps}"
            text += f"  {job.progress:.0%}"
        else:
            text = job.state.value
        print(f"{label} {text}", file=self._out, flush=True)


def print_rejection(err: PromptRejected, prompt: Mapping[str, Any]) -> None:
    print(f"The server refused the workflow: {err}", file=sys.stderr)
    for node_id, problem in err.input_errors():
        title = node_title(prompt, node_id) or node_id
        where = f"{title} › {problem.input_name}" if problem.input_name else title
        detail = f" ({problem.details})" if problem.details else ""
        print(f"  {where}: {problem.message}{detail}", file=sys.stderr)


def print_status(status: SessionStatus) -> None:
    if status.state in (ConnState.DISCONNECTED, ConnState.AUTH_REQUIRED):
        print(f"Connection lost ({status.reason}); reconnecting…", file=sys.stderr, flush=True)
    elif status.state is ConnState.CONNECTED and status.attempt > 1:
        print("Reconnected.", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- the run


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


def summarize(jobs: list[JobSnapshot]) -> int:
    code = EXIT_OK
    for index, job in enumerate(jobs, 1):
        for path in job.saved_paths:
            print(path, flush=True)
        for warning in job.warnings:
            print(f"[{index}/{len(jobs)}] warning: {warning}", file=sys.stderr)
        if job.state is not JobState.SUCCEEDED:
            reason = f": {job.error}" if job.error else ""
            print(f"[{index}/{len(jobs)}] {job.state.value}{reason}", file=sys.stderr)
            code = EXIT_FAILED
    return code


async def run(args: argparse.Namespace) -> int:
    try:
        headers = parse_headers(args.headers)
        if args.count < 1:
            raise UsageProblem("--count must be at least 1.")
    except UsageProblem as err:
        print(err, file=sys.stderr)
        return EXIT_USAGE
    session = open_session(
        args.server or [DEFAULT_SERVER], headers=headers, result_sink=FolderSink(Path(args.out))
    )
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
    except (ServerUnreachable, AuthenticationRequired) as err:
        print(err, file=sys.stderr)
        return EXIT_SERVER
    except (WorkflowError, UsageProblem) as err:
        print(err, file=sys.stderr)
        return EXIT_USAGE
    specs = seed_specs(workflow)
    mode = SeedMode(args.seed_mode)
    batch = apply_seed_policy(workflow, specs, {s.key: mode for s in specs}, args.count)
    started: list[str] = []
    printer = ProgressPrinter(sys.stdout, started, len(batch.workflows))
    session.jobs.on_change(printer)
    session.on_status(print_status)
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
        finished = [await session.jobs.wait(job_id) for job_id in started]
    except PromptRejected as err:
        print_rejection(err, prompt)
        await _cancel(session, started)
        return EXIT_USAGE
    except (ServerUnreachable, AuthenticationRequired) as err:
        print(err, file=sys.stderr)
        await _cancel(session, started)
        return EXIT_SERVER
    except asyncio.CancelledError:
        # Ctrl+C: asyncio.run cancels us; stop our jobs (never anyone else's) and exit 130.
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        print("Interrupted; cancelling the jobs this run started…", file=sys.stderr)
        await _cancel(session, started)
        return EXIT_INTERRUPTED
    return summarize(finished)


async def _cancel(session: ServerSession, job_ids: list[str]) -> None:
    for job_id in job_ids:
        try:
            await session.jobs.cancel(job_id)
        except (ServerUnreachable, AuthenticationRequired) as err:
            print(f"Could not cancel a job: {err}", file=sys.stderr)
