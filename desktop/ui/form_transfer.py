"""Moving values into and out of the form without widgets: a result's parameters or seed back
into it ("Reuse parameters", "Reuse seed") and the edited workflow out as API-format JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.comfy.object_info import ObjectInfo
from desktop.ui.form import FormModel
from desktop.workflow.document import Workflow, is_link
from desktop.workflow.params import ParamKind

Key = tuple[str, str]


def shows_same_graph(form: FormModel, workflow: Workflow) -> bool:
    """Whether the form holds this graph (values may differ), so values can move across."""
    current = form.workflow()
    return current is not None and current.fingerprint() == workflow.fingerprint()


def load_reused(
    form: FormModel, workflow: Workflow, prompt: Mapping[str, Any], info: ObjectInfo
) -> None:
    """Replace the form with a result's graph, showing exactly the result's values."""
    form.load(workflow, info)
    form.load_values(prompt)  # values remembered for this graph must not win


def set_seeds(form: FormModel, seed: int) -> list[Key]:
    """Put ``seed`` into every editable seed input; the keys that were set."""
    keys = [
        spec.key
        for spec in form.specs()
        if spec.kind is ParamKind.SEED and not spec.read_only and not is_link(spec.value)
    ]
    for key in keys:
        form.set_value(key, int(seed))
    return keys
