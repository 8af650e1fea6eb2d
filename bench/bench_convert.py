"""UI-format → API prompt conversion at sizes real files reach and beyond: a 10,000-node chain
(target: under a second) and a few-KB file whose nested subgraphs would expand to millions of
nodes (refused at the node budget, quickly)."""

from __future__ import annotations

import json

from bench.harness import Context, Metric, time_call
from bench.shared_paths import RECORDED_OBJECT_INFO
from bench.synthetic import chain_workflow, nested_subgraph_workflow
from desktop.comfy.object_info import ObjectInfo
from desktop.workflow.web_convert import GraphTooLargeError, convert_ui_workflow


def _refuse(workflow: dict, info: ObjectInfo) -> None:
    try:
        convert_ui_workflow(workflow, info)
    except GraphTooLargeError:
        return
    raise AssertionError("the nested workflow was not refused")


async def run(ctx: Context) -> None:
    info = ObjectInfo(json.loads(RECORDED_OBJECT_INFO.read_bytes()))
    for count in (1_000, 10_000):
        workflow = chain_workflow(count)
        ctx.add(
            Metric(
                f"convert a {count:,}-node chain (UI format → API)",
                "ms",
                time_call(lambda w=workflow: convert_ui_workflow(w, info), ctx.repeats(5, 2)),
                target=1000 if count == 10_000 else 100,
                judge="median",
                note="convert_ui_workflow against the recorded 0.3.64 object_info",
            )
        )
    nested = nested_subgraph_workflow(depth=8, fanout=8)
    ctx.add(
        Metric(
            "refuse nested subgraphs that expand to 2 million nodes",
            "ms",
            time_call(lambda: _refuse(nested, info), ctx.repeats(5, 2)),
            target=1000,
            judge="median",
            note=f"a {len(json.dumps(nested)):,}-byte file, stopped at the node budget",
        )
    )
