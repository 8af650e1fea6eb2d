"""Seed control: ComfyUI's fixed / increment / decrement / randomize, done on the client.

The server never changes a seed. ComfyUI's web UI applies the control
*after* queueing by default, so the value on screen is the one that was used. We do the same:
job 1 of a "Generate ×N" submits the values currently shown, each later job gets the value
advanced once more per seed, and :attr:`SeedBatch.next_values` is what the form should show
afterwards (the value the next Generate will use). That way a result can always be reproduced
from the number that was on screen when it was queued.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from desktop.workflow.document import Workflow, is_link
from desktop.workflow.params import SEED_MAX, ParamKey, ParamKind, ParamSpec

# The web frontend caps random draws at 2**50 to stay exact in a JS number; matching it keeps
# seeds reproducible when a workflow moves between ComfyDesk and the browser.
RANDOM_CAP = 2**50
_DISTINCT_TRIES = 16


class SeedMode(Enum):
    FIXED = "fixed"
    INCREMENT = "increment"
    DECREMENT = "decrement"
    RANDOMIZE = "randomize"


DEFAULT_SEED_MODE = SeedMode.RANDOMIZE


class RandomSource(Protocol):
    def randint(self, a: int, b: int) -> int: ...


def seed_bounds(spec: ParamSpec) -> tuple[int, int]:
    lo = int(spec.min) if spec.min is not None else 0
    hi = int(spec.max) if spec.max is not None else SEED_MAX
    return lo, max(lo, hi)


def _as_int(value: Any, fallback: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return fallback


def next_seed(value: Any, mode: SeedMode, spec: ParamSpec, rng: RandomSource = random) -> int:
    """The value after one control step, within the input's range.

    INCREMENT at the maximum starts again at the minimum (DECREMENT at the minimum, at the
    maximum) instead of staying put as ComfyUI's web UI does, which would queue the same
    picture again and again; :func:`wrapped` tells when that happened. A step that would pass
    the end stops at it first, so no seed of the range is skipped on the way.
    """
    lo, hi = seed_bounds(spec)
    if mode is SeedMode.RANDOMIZE:
        return rng.randint(max(lo, -RANDOM_CAP), max(lo, min(hi, RANDOM_CAP)))
    current = _as_int(value, lo)
    step = _as_int(spec.step, 1) if spec.step else 1
    step = max(step, 1)
    if mode is SeedMode.INCREMENT:
        current = lo if current == hi else current + step
    elif mode is SeedMode.DECREMENT:
        current = hi if current == lo else current - step
    return min(max(current, lo), hi)


def wrapped(before: Any, after: int, mode: SeedMode) -> bool:
    """True when one INCREMENT/DECREMENT step went round the end of the range."""
    if not isinstance(before, int) or isinstance(before, bool):
        return False
    if mode is SeedMode.INCREMENT:
        return after < before
    return mode is SeedMode.DECREMENT and after > before


@dataclass(frozen=True, slots=True)
class SeedBatch:
    """Per-job workflows for one Generate ×N, and the seeds to show once they are queued."""

    workflows: tuple[Workflow, ...]
    next_values: Mapping[ParamKey, int] = field(default_factory=dict)
    # Seeds whose INCREMENT/DECREMENT went round the end of the range in this batch (for
    # the notice), with the value they started again from.
    wrapped: Mapping[ParamKey, int] = field(default_factory=dict)


def apply_seed_policy(
    workflow: Workflow,
    specs: Sequence[ParamSpec],
    modes: Mapping[ParamKey, SeedMode],
    count: int,
    rng: RandomSource = random,
) -> SeedBatch:
    """Copies of ``workflow`` for ``count`` jobs with seeds advanced per ``modes``.

    Seeds without an entry in ``modes`` use :data:`DEFAULT_SEED_MODE`. With RANDOMIZE the
    draws within one batch are kept distinct (when the range allows), so ×N never queues the
    same picture twice by chance; INCREMENT/DECREMENT go round at the range's ends (reported in
    :attr:`SeedBatch.wrapped`) and FIXED repeats the value, as in ComfyUI.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    seeds = [
        s
        for s in specs
        if s.kind is ParamKind.SEED
        and s.node_id in workflow.nodes
        and not is_link(workflow.get(s.node_id, s.input_name))
    ]
    current: dict[ParamKey, Any] = {s.key: workflow.get(s.node_id, s.input_name) for s in seeds}
    used: dict[ParamKey, set[Any]] = {key: {value} for key, value in current.items()}
    went_round: dict[ParamKey, int] = {}
    jobs = []
    for index in range(count):
        job = workflow.copy()
        if index:
            for spec in seeds:
                job.set(spec.node_id, spec.input_name, current[spec.key])
        jobs.append(job)
        for spec in seeds:
            mode = modes.get(spec.key, DEFAULT_SEED_MODE)
            value = next_seed(current[spec.key], mode, spec, rng)
            if mode is SeedMode.RANDOMIZE:
                for _ in range(_DISTINCT_TRIES):
                    if value not in used[spec.key]:
                        break
                    value = next_seed(value, mode, spec, rng)
            elif wrapped(current[spec.key], value, mode):
                went_round.setdefault(spec.key, value)
            used[spec.key].add(value)
            current[spec.key] = value
    return SeedBatch(workflows=tuple(jobs), next_values=dict(current), wrapped=went_round)
