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
