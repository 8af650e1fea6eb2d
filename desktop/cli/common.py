"""What the runner's two modes (a ComfyUI server or farm, and a hosted workflow) share:
exit codes, printing with secrets redacted, ``--set``, progress lines and the summary."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from desktop.jobs.model import JobSnapshot, JobState
from desktop.logs import redact
from desktop.workflow.document import Workflow, is_link

EXIT_OK, EXIT_USAGE, EXIT_FAILED, EXIT_SERVER, EXIT_BAD_ANSWER, EXIT_INTERRUPTED = (
    0, 2, 3, 4, 5, 130,
)  # fmt: skip
EXIT_CODES = f"""exit codes:
  {EXIT_OK}    every job succeeded and every picture was saved
  {EXIT_USAGE}    the workflow or an option is unusable, or the server rejected the prompt
  {EXIT_FAILED}    a job failed, was interrupted or lost, or a picture was not saved
  {EXIT_SERVER}    the server is unreachable (or stayed away too long) or wants a login
  {EXIT_BAD_ANSWER}    the server answered with an error or something unreadable
  {EXIT_INTERRUPTED}  Ctrl+C (only the jobs this run started are cancelled)"""


class UsageProblem(Exception):
    """An option that cannot be applied; the message is printed as is."""


def say(text: object, *, to: TextIO | None = None) -> None:
    """Print one line with every known secret redacted (a server may echo a token back)."""
    print(redact(str(text)), file=to or sys.stderr, flush=True)


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
            if job.backend != "hosted":  # hosted runs report no progress, only their state
                text += f"  {job.progress:.0%}"
        else:
            text = job.state.value
        say(f"{label} {text}", to=self._out)


def summarize(jobs: list[JobSnapshot]) -> int:
    code = EXIT_OK
    for index, job in enumerate(jobs, 1):
        label = f"[{index}/{len(jobs)}]"
        for path in job.saved_paths:
            say(path, to=sys.stdout)
        for warning in job.warnings:
            say(f"{label} warning: {warning}")
        if job.state is not JobState.SUCCEEDED:
            reason = f": {job.error}" if job.error else ""
            say(f"{label} {job.state.value}{reason}")
            code = EXIT_FAILED
        unsaved = [o.ref.filename for o in job.outputs if not o.temp and o.saved_path is None]
        if unsaved:
            say(f"{label} not saved: {', '.join(unsaved)}")
            code = EXIT_FAILED
    return code
