"""Node definitions the demo server knows: the recorded /object_info, with the combo lists
that depend on files (models, input images) filled in from the demo's own folders."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

NodeDef = dict[str, Any]

# Which model folder feeds which loader input; these lists change with the files on disk.
_MODEL_INPUTS: dict[str, dict[str, str]] = {
    "CheckpointLoaderSimple": {"ckpt_name": "checkpoints"},
    "CheckpointLoader": {"ckpt_name": "checkpoints"},
    "unCLIPCheckpointLoader": {"ckpt_name": "checkpoints"},
    "ImageOnlyCheckpointLoader": {"ckpt_name": "checkpoints"},
    "CreateHookModelAsLora": {"ckpt_name": "checkpoints"},
    "CreateHookModelAsLoraModelOnly": {"ckpt_name": "checkpoints"},
    "LoraLoader": {"lora_name": "loras"},
    "LoraLoaderModelOnly": {"lora_name": "loras"},
    "CreateHookLora": {"lora_name": "loras"},
    "CreateHookLoraModelOnly": {"lora_name": "loras"},
    "CLIPLoader": {"clip_name": "text_encoders"},
    "DualCLIPLoader": {"clip_name1": "text_encoders", "clip_name2": "text_encoders"},
    "TripleCLIPLoader": {f"clip_name{i}": "text_encoders" for i in range(1, 4)},
    "QuadrupleCLIPLoader": {f"clip_name{i}": "text_encoders" for i in range(1, 5)},
    "UNETLoader": {"unet_name": "diffusion_models"},
    "UpscaleModelLoader": {"model_name": "upscale_models"},
    "ControlNetLoader": {"control_net_name": "controlnet"},
    "DiffControlNetLoader": {"control_net_name": "controlnet"},
    "StyleModelLoader": {"style_model_name": "style_models"},
    "CLIPVisionLoader": {"clip_name": "clip_vision"},
    "GLIGENLoader": {"gligen_name": "gligen"},
    "HypernetworkLoader": {"hypernetwork_name": "hypernetworks"},
    "ModelPatchLoader": {"name": "model_patches"},
}
_VAE_EXTRAS = ["pixel_space"]
_INPUT_IMAGE_NODES = ("LoadImage", "LoadImageMask")


def _load_json(path: Path) -> dict[str, NodeDef]:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    data = json.loads(raw)
    # Accept a capture file ({"request", "status", "body"}) as well as a bare /object_info.
    if isinstance(data, dict) and "body" in data and "request" in data:
        data = data["body"]
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold an /object_info object")
    return data


def bundled_object_info() -> dict[str, NodeDef]:
    ref = resources.files("desktop.demo").joinpath("data", "object_info.json.gz")
    with resources.as_file(ref) as path:
        return _load_json(path)


class NodeCatalog:
    """Read-mostly view of the node definitions; file-backed lists are patched on demand."""

    def __init__(self, object_info_path: Path | None, models: Mapping[str, list[str]]) -> None:
        self._defs = _load_json(object_info_path) if object_info_path else bundled_object_info()
        self._version = 0
        self._models = {folder: sorted(names) for folder, names in models.items()}
        self._patch_models()
        self._input_files: tuple[str, ...] | None = None
        self._encoded: bytes | None = None

    def _patch_models(self) -> None:
        for class_type, inputs in _MODEL_INPUTS.items():
            for input_name, folder in inputs.items():
                if folder in self._models:
                    self._set_combo(class_type, input_name, list(self._models[folder]))
        if "vae" in self._models:
            self._set_combo("VAELoader", "vae_name", self._models["vae"] + _VAE_EXTRAS)

    def _set_combo(self, class_type: str, input_name: str, choices: list[str]) -> None:
        node = self._defs.get(class_type)
        if node is None:
            return
        for section in ("required", "optional"):
            spec = node.get("input", {}).get(section, {}).get(input_name)
            if not isinstance(spec, list) or not spec:
                continue
            if isinstance(spec[0], list):
                patched = [choices, *spec[1:]]
            elif spec[0] == "COMBO" and len(spec) > 1 and isinstance(spec[1], dict):
                patched = ["COMBO", {**spec[1], "options": choices}]  # the V3 combo form
            else:
                continue
            # Copy on write: an encode running in a worker thread may hold the old dicts.
            inputs = dict(node["input"])
            inputs[section] = {**inputs[section], input_name: patched}
            self._defs[class_type] = {**node, "input": inputs}
            self._version += 1
            return

    def set_input_files(self, names: list[str]) -> None:
        """LoadImage's list is the input folder's top-level files, like the real server."""
        files = tuple(sorted(names))
        if files == self._input_files:
            return
        self._input_files = files
        self._encoded = None
        for class_type in _INPUT_IMAGE_NODES:
            self._set_combo(class_type, "image", list(files))

    def models(self, folder: str) -> list[str] | None:
        return self._models.get(folder)

    def model_folders(self) -> list[str]:
        return list(self._models)

    def __contains__(self, class_type: object) -> bool:
        return class_type in self._defs

    def get(self, class_type: str) -> NodeDef | None:
        return self._defs.get(class_type)

    def all(self) -> dict[str, NodeDef]:
        return self._defs

    async def encoded(self) -> bytes:
        """The whole /object_info body (0.5 MB), serialized off the loop once per change."""
        if self._encoded is None:
            snapshot, version = dict(self._defs), self._version
            encoded = await asyncio.to_thread(lambda: json.dumps(snapshot).encode())
            if version == self._version:
                self._encoded = encoded
            return encoded
        return self._encoded

    def is_output(self, class_type: str) -> bool:
        node = self._defs.get(class_type)
        return bool(node and node.get("output_node") is True)

    def return_types(self, class_type: str) -> list[Any]:
        node = self._defs.get(class_type) or {}
        return list(node.get("output", []))
