"""The ``prompt`` of a submission: only the literal inputs a run changes.

The service merges it into the published workflow, so an input the artist left alone is never
sent (and cannot overwrite a value the publisher changed since)."""

from __future__ import annotations

from typing import Any

from desktop.workflow.document import Workflow, is_link


def changed_inputs(published: Workflow, edited: Workflow) -> dict[str, dict[str, Any]]:
    """``{node_id: {"inputs": {name: value}}}`` for every literal input whose value differs.

    Links are never sent (the service changes values, not wiring); values are compared as
    they would travel (``to_prompt``), so a multi-select list is wrapped as the server wants.
    """
    before = published.to_prompt()
    after = edited.to_prompt()
    changes: dict[str, dict[str, Any]] = {}
    for node_id, node in after.items():
        old_inputs = before.get(node_id, {}).get("inputs", {})
        for name, value in node.get("inputs", {}).items():
            if is_link(value) or (name in old_inputs and _same(old_inputs[name], value)):
                continue
            changes.setdefault(node_id, {"inputs": {}})["inputs"][name] = value
    return changes


def _same(a: Any, b: Any) -> bool:
    # 1 == 1.0 == True in Python; a changed type is a change the service should see.
    return type(a) is type(b) and a == b
