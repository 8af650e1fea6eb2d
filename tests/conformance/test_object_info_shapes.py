"""The client reads the ``/object_info`` of both recorded servers through real HTTP: the demo
server serves each recording (0.3.64's and 0.8.0's), ComfyClient fetches and parses it, and a
UI-format workflow converts against what came back. test_http_shapes.py compares the demo
server with the 0.3.64 recording only; this is its twin for the node definitions of 0.8.0."""

from __future__ import annotations

import json

import pytest

from desktop.comfy.client import ComfyClient
from desktop.demo import DemoConfig
from desktop.workflow.web_convert import convert_ui_workflow
from tests.conftest import shared_path

RECORDINGS = {"0.3.64": "comfyui-captures", "0.8.0": "comfyui-captures-0.8"}
SAMPLE = shared_path("workflows", "ui", "default.json")


def recording(version: str):
    return shared_path(RECORDINGS[version], "00-server-info", "object_info.json")


@pytest.mark.parametrize("version", RECORDINGS)
async def test_client_reads_the_node_definitions_of_each_server_version(
    demo_server_factory, version
):
    server = await demo_server_factory(DemoConfig(object_info_path=recording(version)))
    theirs = json.loads(recording(version).read_text(encoding="utf-8"))

    async with ComfyClient(server.url) as client:
        info = await client.object_info()

    assert sorted(info) == sorted(theirs)
    sampler = info["KSampler"].input("sampler_name")
    assert sampler.type == "COMBO"
    assert sampler.choices == tuple(theirs["KSampler"]["input"]["required"]["sampler_name"][0])
    # Every class the server described parses, whatever V1 or V3 shape its inputs use.
    assert all(info[name].name for name in info)


@pytest.mark.parametrize("version", RECORDINGS)
async def test_a_ui_workflow_converts_against_each_server_version(demo_server_factory, version):
    server = await demo_server_factory(DemoConfig(object_info_path=recording(version)))
    async with ComfyClient(server.url) as client:
        info = await client.object_info()

    prompt = convert_ui_workflow(json.loads(SAMPLE.read_text(encoding="utf-8")), info)

    assert {entry["class_type"] for entry in prompt.values()} == {
        "CheckpointLoaderSimple",
        "CLIPTextEncode",
        "EmptyLatentImage",
        "KSampler",
        "VAEDecode",
        "SaveImage",
    }
    assert prompt["3"]["inputs"]["model"] == ["4", 0]
