"""The workflows the stand-in has "published", and the parameter dump its console would show.

The dump follows the provider's console: per node and input ``{type, current, spec}``, with
numbers as JavaScript has them (2**64 - 1 arrives as 18446744073709552000)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from desktop.demo.catalog import NodeDef, bundled_object_info

TXT2IMG_ID = "wf-demo-txt2img"
IMG2IMG_ID = "wf-demo-img2img"
EXAMPLE_IMAGE = "example.png"

_CLIP = {"clip": ["4", 1]}


def _txt2img() -> dict[str, Any]:
    return {
        "3": {
            "class_type": "KSampler",
            "_meta": {"title": "KSampler"},
            "inputs": {
                "seed": 1,
                "steps": 20,
                "cfg": 7.0,
                "sampler_name": "euler",
                "scheduler": "normal",
                "denoise": 1.0,
                "model": ["4", 0],
                "positive": ["6", 0],
                "negative": ["7", 0],
                "latent_image": ["5", 0],
            },
        },
        "4": {
            "class_type": "CheckpointLoaderSimple",
            "_meta": {"title": "Load Checkpoint"},
            "inputs": {"ckpt_name": "random-sd15.safetensors"},
        },
        "5": {
            "class_type": "EmptyLatentImage",
            "_meta": {"title": "Empty Latent Image"},
            "inputs": {"width": 512, "height": 512, "batch_size": 1},
        },
        "6": {
            "class_type": "CLIPTextEncode",
            "_meta": {"title": "Positive"},
            "inputs": {"text": "a lighthouse on a cliff at dawn", **_CLIP},
        },
        "7": {
            "class_type": "CLIPTextEncode",
            "_meta": {"title": "Negative"},
            "inputs": {"text": "blurry, watermark", **_CLIP},
        },
        "8": {
            "class_type": "VAEDecode",
            "_meta": {"title": "VAE Decode"},
            "inputs": {"samples": ["3", 0], "vae": ["4", 2]},
        },
        "9": {
            "class_type": "SaveImage",
            "_meta": {"title": "Save Image"},
            "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]},
        },
    }


def _img2img() -> dict[str, Any]:
    prompt = _txt2img()
    del prompt["5"]
    prompt["10"] = {
        "class_type": "LoadImage",
        "_meta": {"title": "Load Image"},
        "inputs": {"image": EXAMPLE_IMAGE},
    }
    prompt["11"] = {
        "class_type": "VAEEncode",
        "_meta": {"title": "VAE Encode"},
        "inputs": {"pixels": ["10", 0], "vae": ["4", 2]},
    }
    prompt["3"]["inputs"].update(latent_image=["11", 0], denoise=0.6)
    return prompt


def published_workflows() -> dict[str, dict[str, Any]]:
    """Fresh copies, by workflow id."""
    return {TXT2IMG_ID: _txt2img(), IMG2IMG_ID: _img2img()}


def _js_number(value: Any) -> Any:
    """What JSON.stringify makes of a number: beyond 2**53 integers lose precision."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return int(Decimal(repr(float(value))))
    return value


def _input_def(node_def: NodeDef, name: str) -> list[Any] | None:
    inputs = node_def.get("input", {})
    for group in ("required", "optional"):
        entry = inputs.get(group, {}).get(name)
        if isinstance(entry, list) and entry:
            return entry
    return None


def _dump_entry(class_type: str, name: str, value: Any, idef: list[Any]) -> dict[str, Any]:
    kind, options = idef[0], (idef[1] if len(idef) > 1 and isinstance(idef[1], dict) else {})
    if kind == "COMBO":
        kind = list(options.get("options", []))
    spec: dict[str, Any] = {}
    if options.get("image_upload"):
        type_name = "IMAGE"
        spec["choices"] = []  # the console does not list the service's files
    elif isinstance(kind, list):
        type_name = "MODEL" if name.endswith("_name") and "Loader" in class_type else "LIST"
        spec["choices"] = list(kind)
    else:
        type_name = str(kind)
        for key in ("default", "min", "max", "step", "round"):
            if key in options:
                spec[key] = _js_number(options[key])
    return {"type": type_name, "current": value, "spec": spec}


def param_dump(prompt: dict[str, Any]) -> dict[str, Any]:
    """The console's parameter list for a published workflow: every literal input."""
    info = bundled_object_info()
    dump: dict[str, Any] = {}
    for node_id, node in prompt.items():
        node_def = info.get(node["class_type"], {})
        inputs = {}
        for name, value in node["inputs"].items():
            idef = _input_def(node_def, name)
            if isinstance(value, list) or idef is None:
                continue
            inputs[name] = _dump_entry(node["class_type"], name, copy.deepcopy(value), idef)
        if inputs:
            dump[node_id] = {
                "inputs": inputs,
                "class_type": node["class_type"],
                "_meta": dict(node.get("_meta", {})),
            }
    return dump
