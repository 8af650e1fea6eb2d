"""Synthetic inputs shaped like the real thing, for benchmarks at sizes the recordings lack."""

from __future__ import annotations

import json
import random
from pathlib import Path

from bench.shared_paths import RECORDED_OBJECT_INFO


def object_info_document(target_bytes: int, seed: int = 7) -> bytes:
    """A ``/object_info`` JSON of about ``target_bytes``: the recorded core nodes plus custom
    nodes whose loaders repeat one long model list, which is what makes real installs big."""
    rng = random.Random(seed)
    doc = json.loads(RECORDED_OBJECT_INFO.read_bytes())
    models = [
        f"pack_{i // 50}/model-{i:05d}-{rng.getrandbits(32):08x}.safetensors" for i in range(3000)
    ]
    base = len(json.dumps(doc))
    n = 0
    while base < target_bytes:
        n += 1
        inputs = {
            "ckpt_name": [models, {"tooltip": "The model file to load."}],
            "strength": ["FLOAT", {"default": 1.0, "min": -10.0, "max": 10.0, "step": 0.01}],
            "steps": ["INT", {"default": 20, "min": 1, "max": 10000}],
            "text": ["STRING", {"multiline": True, "tooltip": "Prompt text."}],
            "model": ["MODEL", {}],
        }
        node = {
            "input": {"required": inputs},
            "input_order": {"required": list(inputs)},
            "output": ["MODEL"],
            "output_is_list": [False],
            "output_name": ["MODEL"],
            "name": f"CustomLoader{n}",
            "display_name": f"Custom Loader {n}",
            "description": "A synthetic custom node with a long model list.",
            "python_module": f"custom_nodes.pack{n % 40}",
            "category": "loaders/custom",
            "output_node": False,
        }
        doc[node["name"]] = node
        base += len(json.dumps(node)) + 4
    return json.dumps(doc).encode()


def write_object_info(path: Path, target_bytes: int) -> Path:
    if not path.exists() or abs(path.stat().st_size - target_bytes) > target_bytes * 0.2:
        path.write_bytes(object_info_document(target_bytes))
    return path


def chain_workflow(count: int) -> dict:
    """A UI-format workflow: one LoadImage followed by ``count - 1`` ImageInvert nodes in a
    line, each fed by the one before (saved in reverse so nothing is in execution order)."""
    nodes: list[dict] = [
        {
            "id": 1,
            "type": "LoadImage",
            "mode": 0,
            "inputs": [],
            "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1] if count > 1 else []}],
            "widgets_values": ["example.png", "image"],
        }
    ]
    links: list[list] = []
    for i in range(2, count + 1):
        nodes.append(
            {
                "id": i,
                "type": "ImageInvert",
                "mode": 0,
                "inputs": [{"name": "image", "type": "IMAGE", "link": i - 1}],
                "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [i] if i < count else []}],
            }
        )
        links.append([i - 1, i - 1, 0, i, 0, "IMAGE"])
    return {"nodes": nodes[::-1], "links": links, "version": 0.4}


def nested_subgraph_workflow(depth: int, fanout: int) -> dict:
    """A small file that expands to ``fanout ** depth`` real nodes: each subgraph level holds
    ``fanout`` instances of the level below; the innermost holds one EmptyLatentImage."""
    subgraphs = []
    for level in range(depth):
        inner_type = "EmptyLatentImage" if level == 0 else f"level-{level - 1}"
        nodes = [
            {
                "id": k + 1,
                "type": inner_type,
                "mode": 0,
                "inputs": [],
                "outputs": [],
                **({"widgets_values": [512, 512, 1]} if level == 0 else {}),
            }
            for k in range(fanout if level else 1)
        ]
        subgraphs.append(
            {"id": f"level-{level}", "name": f"level {level}", "nodes": nodes, "links": []}
        )
    root = {"id": 1, "type": f"level-{depth - 1}", "mode": 0, "inputs": [], "outputs": []}
    return {
        "nodes": [root],
        "links": [],
        "version": 0.4,
        "definitions": {"subgraphs": subgraphs},
    }
