"""Helpers for the form tests."""

from __future__ import annotations

from desktop.ui.form import FormModel
from desktop.workflow.seeds import apply_seed_policy


def advance_seeds(model: FormModel, count: int = 1) -> None:
    """What Generate does to the form after queueing ``count`` jobs (``Workspace``): show the
    seeds the next Generate will use."""
    batch = apply_seed_policy(model.current_workflow(), model.specs(), model.seed_modes(), count)
    for key, value in batch.next_values.items():
        model.set_value(key, value)
