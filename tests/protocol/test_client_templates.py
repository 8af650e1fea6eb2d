"""The template library: the client against the demo server, the demo against the recordings
of ComfyUI 0.3.64 and 0.8.0, and which templates a server can run."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from aiohttp import ClientSession, web
from PIL import Image

from desktop.comfy.client import ComfyClient
from desktop.comfy.errors import ProtocolError
from desktop.comfy.object_info import ObjectInfo
from desktop.comfy.templates import parse_template_index
from desktop.demo.config import DemoConfig, showcase_models
from desktop.workflow.template_check import check_template
from tests.conftest import recorded_object_info_raw, shared_path

RECORDINGS = ("templates-0.3.64", "templates-0.8")
CATEGORY_KEYS = {"moduleName", "title", "type", "templates"}
TEMPLATE_KEYS = {"name", "title", "description", "mediaType", "mediaSubtype"}


def recorded_index(folder: str) -> Any:
    return json.loads(shared_path(folder, "index.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("folder", "count"), [("templates-0.3.64", 169), ("templates-0.8", 220)])
def test_both_recorded_indexes_parse_completely(folder: str, count: int) -> None:
    categories = parse_template_index(recorded_index(folder))
    templates = [t for c in categories for t in c.templates]
    assert len(templates) == count
    default = next(t for t in templates if t.name == "default")
    assert default.thumbnail_file == "default-1.webp"
    assert default.media_type == "image"
    assert "SD1.5" in default.models
    assert default.matches("text image")
    assert not default.paid_service
    paid = [t for t in templates if t.name.startswith("api_")]
    assert paid
    assert all(t.paid_service for t in paid)


def test_odd_entries_are_dropped_not_fatal() -> None:
    body = [
        {"title": "A", "templates": [{"name": "../evil"}, {"title": "no name"}, {"name": "ok"}]},
        {"title": "B", "templates": "nope"},
        "junk",
    ]
    (category,) = parse_template_index(body)
    assert [t.name for t in category.templates] == ["ok"]
    with pytest.raises(ProtocolError):
        parse_template_index(5)


async def test_demo_template_index_has_the_recorded_shape(demo_server) -> None:
    async with ClientSession() as http:
        async with http.get(f"{demo_server.url}/templates/index.json") as resp:
            assert resp.status == 200
            assert resp.content_type == "application/json"
            demo = await resp.json()
        async with http.get(f"{demo_server.url}/api/templates/index.json") as resp:
            assert resp.status == 404  # a static route in ComfyUI: no /api twin
        async with http.get(f"{demo_server.url}/templates/nope.json") as resp:
            assert resp.status == 404
        async with http.get(f"{demo_server.url}/templates/default-1.webp") as resp:
            assert resp.content_type == "application/octet-stream"  # as ComfyUI sends it
    for folder in RECORDINGS:
        real = recorded_index(folder)
        assert isinstance(real, list)
        assert isinstance(demo, list)
        for category in (*real, *demo):
            assert set(category) >= CATEGORY_KEYS
            for template in category["templates"]:
                assert set(template) >= TEMPLATE_KEYS
    real_default = next(
        t
        for c in recorded_index("templates-0.3.64")
        for t in c["templates"]
        if t["name"] == "default"
    )
    demo_default = next(t for c in demo for t in c["templates"] if t["name"] == "default")
    assert demo_default == real_default


async def test_client_reads_index_workflow_and_thumbnail(demo_server) -> None:
    async with ComfyClient(demo_server.url) as client:
        categories = await client.template_index()
        assert categories is not None
        templates = {t.name: t for c in categories for t in c.templates}
        assert {"default", "image2image", "flux_schnell"} <= set(templates)
        workflow = await client.template_workflow("default")
        assert workflow == json.loads(
            shared_path("templates-0.3.64", "default.json").read_text(encoding="utf-8")
        )
        data = await client.template_thumbnail(templates["default"])
        assert data is not None
        with Image.open(io.BytesIO(data)) as picture:
            assert picture.format == "WEBP"
        with pytest.raises(ProtocolError):
            await client.template_workflow("../object_info")


@pytest.mark.parametrize(("locale", "title"), [("zh", "图像生成"), ("xx", "Image Generation")])
async def test_the_index_in_the_artists_language_when_the_server_has_it(
    demo_server, locale: str, title: str
) -> None:
    async with ComfyClient(demo_server.url) as client:
        categories = await client.template_index(locale)
    assert categories is not None
    default = next(t for c in categories for t in c.templates if t.name == "default")
    assert default.title == title


@pytest.mark.parametrize("folder", RECORDINGS)
def test_both_recorded_chinese_indexes_parse(folder: str) -> None:
    body = json.loads(shared_path(folder, "index.zh.json").read_text(encoding="utf-8"))
    categories = parse_template_index(body)
    default = next(t for c in categories for t in c.templates if t.name == "default")
    assert default.title == "图像生成"


async def test_a_server_without_templates_is_not_an_error() -> None:
    app = web.Application()  # answers 404 everywhere, like a server without the package
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with ComfyClient(f"http://127.0.0.1:{port}") as client:
            assert await client.template_index() is None
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("version", "folder"),
    [("comfyui-captures", "templates-0.3.64"), ("comfyui-captures-0.8", "templates-0.8")],
)
def test_recorded_templates_name_the_models_the_recorded_server_lacks(
    version: str, folder: str
) -> None:
    info = ObjectInfo(
        json.loads(shared_path(version, "00-server-info", "object_info.json").read_text())
    )
    default = json.loads(shared_path(folder, "default.json").read_text(encoding="utf-8"))
    check = check_template(default, info, "default")
    assert not check.runnable
    assert check.missing_models == ("v1-5-pruned-emaonly-fp16.safetensors",)
    flux = json.loads(shared_path(folder, "flux_schnell.json").read_text(encoding="utf-8"))
    assert check_template(flux, info, "flux_schnell").missing_models == (
        "flux1-schnell-fp8.safetensors",
    )


def test_missing_node_classes_make_a_template_unrunnable() -> None:
    raw = dict(recorded_object_info_raw())
    del raw["KSampler"]
    default = json.loads(shared_path("templates-0.3.64", "default.json").read_text())
    check = check_template(default, ObjectInfo(raw), "default")
    assert check.missing_nodes == ("KSampler",)
    assert not check.runnable


async def test_the_demo_runs_some_of_its_templates_and_not_others(demo_server_factory) -> None:
    demo = await demo_server_factory(DemoConfig(models=showcase_models()))
    async with ComfyClient(demo.url) as client:
        info = await client.object_info()
        categories = await client.template_index()
        assert categories is not None
        results = {}
        for template in (t for c in categories for t in c.templates):
            ui = await client.template_workflow(template.name)
            results[template.name] = check_template(ui, info, template.name)
    assert results["default"].runnable
    assert results["image2image"].runnable
    assert not results["flux_schnell"].runnable
    assert results["flux_schnell"].missing_models == ("flux1-schnell-fp8.safetensors",)
