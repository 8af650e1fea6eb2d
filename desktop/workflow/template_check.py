"""Can this server run a template from its library? (missing node classes, missing models)

Templates are UI-format workflows. Missing node classes come from the converter's own view of
the graph (notes, reroutes and subgraphs are not nodes the server runs; muted or bypassed
nodes are not sent); when every node is there the workflow is converted and checked like any
opened file (:mod:`desktop.workflow.checks`), so a model the server lacks is named too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop.comfy.object_info import ObjectInfo
from desktop.workflow.checks import check_against_server
from desktop.workflow.document import Workflow
from desktop.workflow.errors import WorkflowError
from desktop.workflow.sources import load_workflow_bytes
from desktop.workflow.web_graph import MODE_BYPASS, MODE_NEVER, parse_ui_workflow
from desktop.workflow.web_resolve import build_exec_nodes

MODEL_SUFFIXES = (".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".sft", ".onnx")


@dataclass(frozen=True, slots=True)
class TemplateCheck:
    workflow: Workflow | None  # the converted workflow, when conversion worked
    missing_nodes: tuple[str, ...] = ()
    missing_models: tuple[str, ...] = ()
    problem: str = ""  # why the template cannot be opened at all (conversion failed)
    # Other values the form will flag (e.g. an input picture to upload first): not blockers.
    notes: tuple[str, ...] = ()

    @property
    def runnable(self) -> bool:
        return self.workflow is not None and not self.missing_nodes and not self.missing_models


def missing_node_types(ui: Mapping[str, Any], info: ObjectInfo) -> tuple[str, ...]:
    """Node classes the template would send that the server does not have."""
    graph, _problems = parse_ui_workflow(ui)
    nodes = build_exec_nodes(graph, info, lambda *_args: None)
    missing: dict[str, None] = {}
    for node in nodes.values():
        if node.kind == "missing" and node.mode not in (MODE_NEVER, MODE_BYPASS):
            missing.setdefault(node.node.type, None)
    return tuple(missing)


def check_template(ui: Mapping[str, Any], info: ObjectInfo, name: str = "") -> TemplateCheck:
    """What stands between ``ui`` and a picture on this server (blocking: converts)."""
    if not isinstance(ui, Mapping):
        return TemplateCheck(None, problem="the template is not a workflow")
    missing = missing_node_types(ui, info)
    if missing:
        return TemplateCheck(None, missing_nodes=missing)
    try:
        data = json.dumps(ui).encode("utf-8")
        workflow = load_workflow_bytes(data, name or "template.json", info)
    except WorkflowError as err:
        return TemplateCheck(None, problem=str(err))
    models: dict[str, None] = {}
    notes = []
    for problem in check_against_server(workflow, info).invalid_values:
        if isinstance(problem.value, str) and problem.value.lower().endswith(MODEL_SUFFIXES):
            models.setdefault(problem.value, None)
        else:
            notes.append(problem.message)
    return TemplateCheck(workflow, missing_models=tuple(models), notes=tuple(notes))
