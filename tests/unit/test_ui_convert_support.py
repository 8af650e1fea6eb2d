"""Helpers to write UI-format workflows in the converter tests (holds no tests itself)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from desktop.comfy.object_info import ObjectInfo
from tests.conftest import shared_path


@cache
def _recorded_raw() -> dict[str, Any]:
    path = shared_path("comfyui-captures", "00-server-info", "object_info.json")
    return json.loads(path.read_text(encoding="utf-8"))


def recorded_object_info(**extra: Any) -> ObjectInfo:
    """The recorded server's node definitions, plus ``extra`` classes for a test."""
    return ObjectInfo({**_recorded_raw(), **extra})


@cache
def object_info_08() -> ObjectInfo:
    """The node definitions recorded from ComfyUI 0.8.0."""
    path = shared_path("comfyui-captures-0.8", "00-server-info", "object_info.json")
    return ObjectInfo(json.loads(path.read_text(encoding="utf-8")))


def node_def(required: dict[str, Any], optional: dict[str, Any] | None = None, **rest: Any) -> dict:
    """A synthetic /object_info entry."""
    inputs: dict[str, Any] = {"required": required}
    order: dict[str, list[str]] = {"required": list(required)}
    if optional:
        inputs["optional"] = optional
        order["optional"] = list(optional)
    return {
        "input": inputs,
        "input_order": order,
        "output": rest.pop("output", ["IMAGE"]),
        "name": rest.pop("name", "Synthetic"),
        "display_name": rest.pop("display_name", "Synthetic node"),
        **rest,
    }


def resize_workflow(saved: list) -> dict[str, Any]:
    """LoadImage (1) into 0.8's ResizeImageMaskNode (2, holding ``saved``), whose output links
    to nothing yet, as 0.7.67's templates save them."""
    return {
        "nodes": [
            {
                "id": 1,
                "type": "LoadImage",
                "widgets_values": ["example.png", "image"],
                "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}],
            },
            {
                "id": 2,
                "type": "ResizeImageMaskNode",
                "widgets_values": saved,
                "inputs": [{"name": "input", "type": "IMAGE,MASK", "link": 1}],
                "outputs": [{"name": "resized", "type": "IMAGE", "links": []}],
            },
        ],
        "links": [[1, 1, 0, 2, 0, "IMAGE"]],
    }


class UiGraphBuilder:
    """Builds a schema-0.4 document: ``node()`` then ``link()``."""

    def __init__(self) -> None:
        self.nodes: list[dict[str, Any]] = []
        self.links: list[list[Any]] = []
        self.subgraphs: list[dict[str, Any]] = []

    def node(
        self,
        node_id: int,
        node_type: str,
        widgets_values: Any = None,
        *,
        mode: int = 0,
        title: str | None = None,
        inputs: tuple[tuple[str, str] | tuple[str, str, str], ...] = (),
        outputs: tuple[str, ...] = (),
        properties: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        node: dict[str, Any] = {
            "id": node_id,
            "type": node_type,
            "mode": mode,
            "inputs": [
                {"name": i[0], "type": i[1], "link": None}
                | ({"widget": {"name": i[2]}} if len(i) > 2 else {})
                for i in inputs
            ],
            "outputs": [{"name": t, "type": t, "links": []} for t in outputs],
            "properties": properties or {},
        }
        if widgets_values is not None:
            node["widgets_values"] = widgets_values
        if title is not None:
            node["title"] = title
        self.nodes.append(node)
        return node

    def link(self, origin: int, origin_slot: int, target: int, input_name: str) -> int:
        link_id = len(self.links) + 1
        src = next(n for n in self.nodes if n["id"] == origin)
        dst = next(n for n in self.nodes if n["id"] == target)
        slot = next(i for i, s in enumerate(dst["inputs"]) if s["name"] == input_name)
        dst["inputs"][slot]["link"] = link_id
        src["outputs"][origin_slot]["links"].append(link_id)
        link_type = src["outputs"][origin_slot]["type"]
        self.links.append([link_id, origin, origin_slot, target, slot, link_type])
        return link_id

    def doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"nodes": self.nodes, "links": self.links, "version": 0.4}
        if self.subgraphs:
            doc["definitions"] = {"subgraphs": self.subgraphs}
        return doc


def sample(name: str) -> dict[str, Any]:
    return json.loads(shared_path("workflows", "ui", f"{name}.json").read_text(encoding="utf-8"))


def expected(name: str) -> dict[str, Any]:
    path = shared_path("workflows", "ui-expected", f"{name}.api.json")
    return json.loads(path.read_text(encoding="utf-8"))


SAMPLES = (
    "default",
    "hidream_e1_full",
    "hiresfix_latent_workflow",
    "image2image",
    "image_qwen_image",
    "image_qwen_image_instantx_controlnet",
    "inpaint_example",
    "lora",
    "sdxl_refiner_prompt_example",
    "sdxl_simple_example",
)
