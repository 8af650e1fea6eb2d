"""The per-job state machine and the progress model, fed the real recorded messages."""

from __future__ import annotations

import itertools

from desktop.comfy.messages import (
    ExecutionError,
    ExecutionInterrupted,
    ExecutionStart,
    NodeProgress,
    Progress,
    ProgressState,
)
from desktop.comfy.types import ImageRef
from desktop.jobs.model import JobOutput, JobSnapshot, JobState
from desktop.jobs.progress import ProgressModel, nodes_that_run
from desktop.jobs.tracker import JobTracker
from tests.unit.jobs_fakes import ERROR_ID, SUCCESS_ID, recorded_messages, recorded_prompt


def make_tracker(job_id: str, prompt: dict, state: JobState = JobState.QUEUED) -> JobTracker:
    clock = itertools.count(start=100.0, step=1.0)
    snapshot = JobSnapshot(id=job_id, state=state, title="t", created=0.0, prompt=prompt)
    return JobTracker(snapshot, wall=lambda: 1000.0, monotonic=lambda: next(clock))


def feed(tracker: JobTracker, messages: list) -> list[int]:
    """Apply every message addressed to the tracker; indexes of 'results ready' updates."""
    ready = []
    for index, msg in enumerate(messages):
        if getattr(msg, "prompt_id", None) != tracker.id:
            continue
        if tracker.apply(msg).results_ready:
            ready.append(index)
    return ready


def test_recorded_success_run_walks_the_states_and_announces_results_once():
    prompt = recorded_prompt("01-success-with-previews")
    tracker = make_tracker(SUCCESS_ID, prompt)
    messages = recorded_messages("01-success-with-previews")
    seen_titles = []
    ready = []
    for index, msg in enumerate(messages):
        if getattr(msg, "prompt_id", None) != SUCCESS_ID:
            continue
        update = tracker.apply(msg)
        if update.results_ready:
            ready.append(index)
        if tracker.snapshot.current_node_title and (
            not seen_titles or seen_titles[-1] != tracker.snapshot.current_node_title
        ):
            seen_titles.append(tracker.snapshot.current_node_title)
        if msg.__class__.__name__ == "Progress":
            assert tracker.snapshot.steps == 3
    assert ready == [len(messages) - 1]  # only `executing` with node null
    assert seen_titles == ["Empty Latent Image", "KSampler", "VAE Decode", "Save Image"]
    snap = tracker.snapshot
    assert snap.state is JobState.RUNNING  # final state comes with collection
    assert tracker.outcome is JobState.SUCCEEDED
    assert snap.progress == 1.0
    assert snap.started_at == 1795262894.936
    assert snap.outputs == (JobOutput("9", ImageRef("ComfyUI_00003_.png", "", "output"), 0),)
    assert tracker.finish(JobState.SUCCEEDED).changed
    assert tracker.snapshot.finished
    assert not tracker.apply(messages[-1]).changed  # finished jobs ignore late messages


def test_progress_counts_nodes_that_run_and_never_goes_back():
    prompt = recorded_prompt("01-success-with-previews")
    tracker = make_tracker(SUCCESS_ID, prompt)
    values = []
    for msg in recorded_messages("01-success-with-previews"):
        if getattr(msg, "prompt_id", None) == SUCCESS_ID:
            tracker.apply(msg)
            values.append(tracker.snapshot.progress)
    assert values == sorted(values)
    # 4, 6, 7 cached: 5, 3, 8, 9 run; after the sampler's first of 3 steps: (1 + 1/3) / 4.
    model = ProgressModel(prompt)
    model.cached(("4", "6", "7"))
    model.apply_state(
        ProgressState(
            SUCCESS_ID,
            {
                "5": NodeProgress("5", 1.0, 1.0, "finished"),
                "3": NodeProgress("3", 1, 3, "running"),
            },
        )
    )
    assert model.overall == (1 + 1 / 3) / 4


def test_a_queue_refresh_does_not_count_cached_nodes_again():
    """/queue lists the prompt's outputs after every ``status``; the nodes they depend on
    include the cached ones, which must stay out of the count (they never run)."""
    prompt = recorded_prompt("01-success-with-previews")
    tracker = make_tracker(SUCCESS_ID, prompt)
    values = []
    for msg in recorded_messages("01-success-with-previews"):
        if getattr(msg, "prompt_id", None) != SUCCESS_ID:
            continue
        tracker.apply(msg)
        tracker.seen_in_queue(0, True, ["9"])  # a refresh after every message
        values.append(tracker.snapshot.progress)
    assert values == sorted(values)
    model = ProgressModel(prompt)
    model.cached(("4", "6", "7"))
    model.set_outputs(prompt, ["9"])
    model.node_progress("3", 6, 8, now=1.0)
    assert model.overall == (6 / 8) / 4  # 5, 3, 8, 9 run: not (6/8) / 7


def test_eta_comes_from_step_timing():
    model = ProgressModel({"1": {"class_type": "KSampler", "inputs": {}}})
    model.node_progress("1", 1, 10, now=10.0)
    assert model.eta is None
    model.node_progress("1", 3, 10, now=14.0)  # 2 s per step, 7 steps left
    assert model.eta == 14.0


def test_nodes_that_run_follows_links_from_the_outputs():
    prompt = recorded_prompt("01-success-with-previews")
    assert nodes_that_run(prompt) == {"3", "4", "5", "6", "7", "8", "9"}
    assert nodes_that_run(prompt, ["8"]) == {"3", "4", "5", "6", "7", "8"}
    dangling = {**prompt, "99": {"class_type": "LoadImage", "inputs": {"image": "x.png"}}}
    assert nodes_that_run(dangling, ["9"]) == nodes_that_run(prompt)


def test_recorded_execution_error_names_the_node_by_its_title():
    tracker = make_tracker(ERROR_ID, recorded_prompt("03-execution-error"))
    ready = feed(tracker, recorded_messages("03-execution-error"))
    assert len(ready) == 1
    assert tracker.outcome is JobState.FAILED
    error = tracker.snapshot.error
    assert error is not None
    assert error.node_id == "4"
    assert error.node_type == "CheckpointLoaderSimple"
    assert error.node_title == "Load Checkpoint"
    assert error.message == "Error while deserializing header: header too large"
    assert error.exception_type == "safetensors._safetensors_rust.SafetensorError"
    assert len(error.traceback) == 8
    assert str(error) == "Load Checkpoint: Error while deserializing header: header too large"


def test_execution_blocked_is_a_warning_not_a_failure():
    tracker = make_tracker("p", {"5": {"class_type": "X", "_meta": {"title": "Gate"}}})
    tracker.apply(ExecutionStart("p"))
    blocked = ExecutionError("p", "5", "X", "nothing to do", "ExecutionBlocked")
    assert tracker.apply(blocked).changed
    assert tracker.outcome is None
    assert tracker.snapshot.error is None
    assert tracker.snapshot.warnings == ("Gate: nothing to do",)


def test_recorded_interrupts_move_only_their_own_job():
    scenario = "04-queue-cancel-interrupt"
    prompt = recorded_prompt(scenario, "post_prompt_0.json")
    ids = [
        "6fa96e13-3bc8-46ae-932b-251a0f53856e",
        "7341f74b-2a78-4f5d-a7bf-1e1b9052c4a2",
        "32a83438-1275-4c08-a7f4-1c0bdf633c69",
    ]
    trackers = [make_tracker(i, prompt) for i in ids]
    messages = recorded_messages(scenario)
    first_done = None
    step_at_interrupt = {}
    for index, msg in enumerate(messages):
        for tracker in trackers:
            if getattr(msg, "prompt_id", None) == tracker.id:
                if isinstance(msg, ExecutionInterrupted):
                    step_at_interrupt[tracker.id] = tracker.snapshot.step
                if tracker.apply(msg).results_ready and tracker is trackers[0]:
                    first_done = index
                    # at the moment the first job ends, the second has not started
                    assert trackers[1].state is JobState.QUEUED
    assert first_done is not None
    assert [t.outcome for t in trackers] == [JobState.INTERRUPTED, JobState.INTERRUPTED, None]
    assert step_at_interrupt == {ids[0]: 7, ids[1]: 4}
    assert trackers[2].state is JobState.QUEUED  # deleted while queued: no message at all


def test_progress_without_node_id_uses_the_current_node():
    tracker = make_tracker("p", {"3": {"class_type": "KSampler", "inputs": {}}})
    tracker.apply(ExecutionStart("p"))
    tracker.apply(Progress("p", None, 2, 4))
    assert (tracker.snapshot.step, tracker.snapshot.steps) == (2, 4)
