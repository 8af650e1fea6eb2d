"""``python -m desktop run WORKFLOW.json --hosted-workflow wf-…``: run a workflow published on
GenStudio's hosted service and save its results.

WORKFLOW.json is the API-format workflow that was uploaded, or the parameter list saved from
the provider's console; ``--set`` changes inputs and only the changed ones are sent. The API key
is read from the environment variable ``--api-key-env`` names, never from the command line.

Exit codes as for ComfyUI runs: 0 every job succeeded; 2 the workflow or an option is unusable,
or the service refused the request (code != 0); 3 a job failed (status 4), was refused
(status 5) or its results could not be downloaded; 4 the service is unreachable or refused the
key (401/403); 130 Ctrl+C.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from desktop.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_SERVER,
    EXIT_USAGE,
    ProgressPrinter,
    UsageProblem,
    apply_sets,
    summarize,
)
from desktop.hosted.client import HostedClient
from desktop.hosted.errors import HostedApiError, HostedKeyRejected, HostedUnreachable
from desktop.hosted.specs import HostedForm, load_hosted_form
from desktop.hosted.types import DEFAULT_BASE_URL
from desktop.jobs.hosted import HostedJobs
from desktop.jobs.model import JobSnapshot
from desktop.jobs.sinks import FolderSink
from desktop.workflow.errors import WorkflowError
from desktop.workflow.params import ParamKind, validate_params
from desktop.workflow.seeds import SeedMode, apply_seed_policy

DEFAULT_KEY_VARIABLE = "GENSTUDIO_API_KEY"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("hosted workflows (GenStudio)")
    group.add_argument(
        "--hosted-workflow",
        metavar="WF_ID",
        default=None,
        help="run on GenStudio's hosted service: the workflow id it gave (wf-…)",
    )
    group.add_argument(
        "--hosted-url",
        default=DEFAULT_BASE_URL,
        metavar="URL",
        help=f"the service's base URL (default {DEFAULT_BASE_URL})",
    )
    group.add_argument(
        "--api-key-env",
        default=DEFAULT_KEY_VARIABLE,
        metavar="VAR",
        help=f"environment variable holding the API key (default {DEFAULT_KEY_VARIABLE})",
    )


def run_command(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


def api_key(args: argparse.Namespace) -> str:
    name = args.api_key_env
    key = os.environ.get(name, "").strip()
    if not key:
        raise UsageProblem(
            f"No API key: set the environment variable {name} to the key from the provider's "
            "console (the key is never taken from the command line)."
        )
    return key


def check_options(args: argparse.Namespace) -> None:
    if args.count < 1:
        raise UsageProblem("--count must be at least 1.")
    if args.headers or args.front:
        raise UsageProblem("--header and --front are for ComfyUI servers, not hosted workflows.")


async def load_form(args: argparse.Namespace) -> tuple[HostedForm, Any]:
    """The form as published, and a copy with ``--set`` applied and checked."""
    form = await asyncio.to_thread(load_hosted_form, Path(args.workflow))
    edited = form.workflow.copy()
    apply_sets(edited, args.sets)
    problems = validate_params(edited, form.specs)
    if problems:
        raise UsageProblem("\n".join(p.message for p in problems))
    return form, edited


def print_connection(error: HostedUnreachable | None, retry_in: float) -> None:
    if error is None:
        print("The service answers again.", file=sys.stderr, flush=True)
    else:
        print(f"{error} Next try in {retry_in:.0f} s.", file=sys.stderr, flush=True)


async def run(args: argparse.Namespace) -> int:
    try:
        check_options(args)
        key = api_key(args)
        form, edited = await load_form(args)
        client = HostedClient(key, args.hosted_url)
    except (WorkflowError, UsageProblem, ValueError) as err:
        print(err, file=sys.stderr)
        return EXIT_USAGE
    jobs = HostedJobs(client, args.hosted_workflow, FolderSink(Path(args.out)))
    try:
        return await _run(args, form, edited, jobs)
    finally:
        await jobs.close()
        await client.close()


async def _run(args: argparse.Namespace, form: HostedForm, edited: Any, jobs: HostedJobs) -> int:
    seeds = [s for s in form.specs if s.kind is ParamKind.SEED]
    mode = SeedMode(args.seed_mode)
    batch = apply_seed_policy(edited, seeds, {s.key: mode for s in seeds}, args.count)
    started: list[str] = []
    printer = ProgressPrinter(sys.stdout, started, len(batch.workflows))
    jobs.on_change(printer)
    jobs.on_connection(print_connection)
    title = form.workflow.name or Path(args.workflow).name
    finished: list[JobSnapshot] = []
    try:
        for job_workflow in batch.workflows:
            values = {s.key: job_workflow.get(s.node_id, s.input_name) for s in seeds}
            job = await jobs.submit(form.workflow, job_workflow, title=title, seed_values=values)
            started.append(job.id)
            printer(jobs.get(job.id) or job)
        finished = [await jobs.wait(job_id) for job_id in started]
    except HostedApiError as err:
        print(err, file=sys.stderr)
        await _stop_watching(jobs, started)
        return EXIT_USAGE
    except (HostedUnreachable, HostedKeyRejected) as err:
        print(err, file=sys.stderr)
        await _stop_watching(jobs, started)
        return EXIT_SERVER
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        print("Interrupted.", file=sys.stderr)
        await _stop_watching(jobs, started)
        return EXIT_INTERRUPTED
    return summarize(finished)


async def _stop_watching(jobs: HostedJobs, job_ids: list[str]) -> None:
    notes = {await jobs.cancel(job_id) for job_id in job_ids}
    for note in notes - {""}:
        print(note, file=sys.stderr)
