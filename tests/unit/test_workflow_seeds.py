from __future__ import annotations

import random
from typing import Any

import pytest

from desktop.workflow.document import Workflow
from desktop.workflow.params import SEED_MAX, ParamKind, ParamSpec, derive_params
from desktop.workflow.seeds import (
    DEFAULT_SEED_MODE,
    RANDOM_CAP,
    SeedBatch,
    SeedMode,
    apply_seed_policy,
    next_seed,
    seed_bounds,
    wrapped,
)
from tests.unit.workflow_support import load_api, load_expected_ui, recorded_object_info

OI = recorded_object_info()
KSAMPLER_SEED = ParamSpec("3", "seed", ParamKind.SEED, 42, min=0, max=SEED_MAX)
SMALL = ParamSpec("1", "seed", ParamKind.SEED, 0, min=10, max=20, step=1)


def seeds_of(batch: SeedBatch, key: tuple[str, str]) -> tuple[Any, ...]:
    """The value of one seed input in each job of the batch, in order."""
    return tuple(w.get(*key) for w in batch.workflows)


class FixedDraws:
    """A deterministic rng that records the ranges it was asked for."""

    def __init__(self, *values: int) -> None:
        self.values = list(values)
        self.ranges: list[tuple[int, int]] = []

    def randint(self, a: int, b: int) -> int:
        self.ranges.append((a, b))
        return self.values.pop(0)


def test_default_mode_is_randomize_like_comfyui() -> None:
    assert DEFAULT_SEED_MODE is SeedMode.RANDOMIZE
    assert [m.value for m in SeedMode] == ["fixed", "increment", "decrement", "randomize"]


def test_full_64_bit_range_with_python_ints() -> None:
    top = SEED_MAX
    assert top == 18446744073709551615
    assert next_seed(top - 1, SeedMode.INCREMENT, KSAMPLER_SEED) == top
    assert next_seed(top, SeedMode.INCREMENT, KSAMPLER_SEED) == 0  # round, not stuck at top
    assert next_seed(0, SeedMode.DECREMENT, KSAMPLER_SEED) == top
    assert next_seed(top, SeedMode.DECREMENT, KSAMPLER_SEED) == top - 1
    assert next_seed(top, SeedMode.FIXED, KSAMPLER_SEED) == top
    assert seed_bounds(KSAMPLER_SEED) == (0, top)


def test_increment_decrement_go_round_at_min_and_max() -> None:
    assert next_seed(15, SeedMode.INCREMENT, SMALL) == 16
    assert next_seed(20, SeedMode.INCREMENT, SMALL) == 10
    assert wrapped(20, 10, SeedMode.INCREMENT)
    assert not wrapped(15, 16, SeedMode.INCREMENT)
    assert next_seed(15, SeedMode.DECREMENT, SMALL) == 14
    assert next_seed(10, SeedMode.DECREMENT, SMALL) == 20
    assert wrapped(10, 20, SeedMode.DECREMENT)
    assert not wrapped(20, 10, SeedMode.FIXED)
    assert next_seed(99, SeedMode.FIXED, SMALL) == 20  # out-of-range values are clamped
    assert next_seed("junk", SeedMode.INCREMENT, SMALL) == 11  # unreadable -> min, then step


def test_step_is_respected() -> None:
    spec = ParamSpec("1", "seed", ParamKind.SEED, 0, min=0, max=100, step=5)
    assert next_seed(10, SeedMode.INCREMENT, spec) == 15
    assert next_seed(3, SeedMode.DECREMENT, spec) == 0  # stops at the end first
    assert next_seed(0, SeedMode.DECREMENT, spec) == 100
    assert next_seed(98, SeedMode.INCREMENT, spec) == 100


def test_a_batch_at_the_maximum_goes_round_and_says_so() -> None:
    wf = Workflow({"1": {"class_type": "KSampler", "inputs": {"seed": 19}}})
    batch = apply_seed_policy(wf, [SMALL], {SMALL.key: SeedMode.INCREMENT}, 3)
    assert seeds_of(batch, SMALL.key) == (19, 20, 10)  # three different pictures
    assert batch.next_values == {SMALL.key: 11}
    assert batch.wrapped == {SMALL.key: 10}
    calm = apply_seed_policy(wf, [SMALL], {SMALL.key: SeedMode.DECREMENT}, 3)
    assert seeds_of(calm, SMALL.key) == (19, 18, 17)
    assert calm.wrapped == {}


def test_randomize_draws_in_min_to_capped_max() -> None:
    rng = FixedDraws(123, 15)
    assert next_seed(42, SeedMode.RANDOMIZE, KSAMPLER_SEED, rng) == 123
    assert next_seed(42, SeedMode.RANDOMIZE, SMALL, rng) == 15
    assert rng.ranges == [(0, RANDOM_CAP), (10, 20)]
    assert RANDOM_CAP == 2**50
    draws = {next_seed(0, SeedMode.RANDOMIZE, KSAMPLER_SEED, random.Random(7)) for _ in range(5)}
    assert all(0 <= d <= 2**50 for d in draws)


def _seed_specs(wf: Workflow) -> list[ParamSpec]:
    return [s for s in derive_params(wf, OI) if s.kind is ParamKind.SEED]


@pytest.mark.parametrize(
    ("mode", "expected_seeds", "expected_next"),
    [
        (SeedMode.FIXED, (42, 42, 42), 42),
        (SeedMode.INCREMENT, (42, 43, 44), 45),
        (SeedMode.DECREMENT, (42, 41, 40), 39),
    ],
)
def test_batch_of_three(mode: SeedMode, expected_seeds: tuple, expected_next: int) -> None:
    wf = load_api("txt2img_batch2_subfolder.json")
    specs = derive_params(wf, OI)
    batch = apply_seed_policy(wf, specs, {("3", "seed"): mode}, 3)
    assert len(batch.workflows) == 3
    assert seeds_of(batch, ("3", "seed")) == expected_seeds
    assert batch.next_values == {("3", "seed"): expected_next}
    assert wf.get("3", "seed") == 42  # the document itself is untouched
    assert all(job is not wf for job in batch.workflows)
    # Only the seed differs between jobs.
    prompts = [job.to_prompt() for job in batch.workflows]
    for prompt in prompts:
        prompt["3"]["inputs"].pop("seed")
    assert prompts[0] == prompts[1] == prompts[2]


def test_batch_randomize_gives_distinct_seeds_starting_with_shown_value() -> None:
    wf = load_api("txt2img_batch2_subfolder.json")
    batch = apply_seed_policy(wf, derive_params(wf, OI), {}, 3, random.Random(1))
    seeds = seeds_of(batch, ("3", "seed"))
    assert seeds[0] == 42
    assert len(set(seeds)) == 3
    assert all(0 <= s <= 2**50 for s in seeds)
    assert batch.next_values[("3", "seed")] not in seeds


def test_randomize_retries_collisions_within_a_batch() -> None:
    wf = Workflow({"1": {"class_type": "RandomNoise", "inputs": {"noise_seed": 5}}})
    rng = FixedDraws(5, 5, 6, 6, 7, 8)
    batch = apply_seed_policy(wf, _seed_specs(wf), {}, 3, rng)
    assert seeds_of(batch, ("1", "noise_seed")) == (5, 6, 7)
    assert batch.next_values == {("1", "noise_seed"): 8}


def test_every_seed_in_the_graph_advances_by_its_own_mode() -> None:
    wf = load_expected_ui("sdxl_refiner_prompt_example.api.json")
    specs = derive_params(wf, OI)
    assert [s.key for s in specs if s.kind is ParamKind.SEED] == [
        ("10", "noise_seed"),
        ("11", "noise_seed"),
    ]
    modes = {("10", "noise_seed"): SeedMode.INCREMENT, ("11", "noise_seed"): SeedMode.FIXED}
    batch = apply_seed_policy(wf, specs, modes, 2)
    assert seeds_of(batch, ("10", "noise_seed")) == (6767725640732, 6767725640733)
    assert seeds_of(batch, ("11", "noise_seed")) == (0, 0)
    assert batch.next_values == {("10", "noise_seed"): 6767725640734, ("11", "noise_seed"): 0}


def test_linked_seed_is_left_alone_and_count_must_be_positive() -> None:
    wf = Workflow(
        {
            "1": {"class_type": "KSampler", "inputs": {"seed": ["2", 0], "steps": 3}},
            "2": {"class_type": "PrimitiveInt", "inputs": {"value": 9}},
        }
    )
    specs = derive_params(wf, OI)
    batch = apply_seed_policy(wf, specs, {("2", "value"): SeedMode.INCREMENT}, 2)
    assert seeds_of(batch, ("1", "seed")) == (["2", 0], ["2", 0])
    assert seeds_of(batch, ("2", "value")) == (9, 10)
    with pytest.raises(ValueError, match="count"):
        apply_seed_policy(wf, specs, {}, 0)
