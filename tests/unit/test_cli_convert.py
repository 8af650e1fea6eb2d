"""``comfydesk convert``: files in, prompt out, exit codes, and fetching node definitions."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import pytest
from aiohttp import web

from desktop.cli import convert
from tests.conftest import shared_path
from tests.unit.test_ui_convert_support import expected

OBJECT_INFO = shared_path("comfyui-captures", "00-server-info", "object_info.json")
LORA = shared_path("workflows", "ui", "lora.json")


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="comfydesk")
    convert.add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["convert", *argv])


def run(*argv: str) -> int:
    args = parse(*argv)
    return args.handler(args)


def test_converts_with_a_saved_object_info_to_stdout(capsys):
    assert run(str(LORA), "--object-info", str(OBJECT_INFO)) == 0

    out = capsys.readouterr().out
    assert json.loads(out) == expected("lora")
    assert out.startswith('{\n  "3": {\n    "inputs": {\n      "seed": 261660645921551,')


def test_writes_the_prompt_to_a_file(tmp_path: Path, capsys):
    target = tmp_path / "api.json"

    assert run(str(LORA), "--object-info", str(OBJECT_INFO), "-o", str(target)) == 0

    assert json.loads(target.read_text(encoding="utf-8")) == expected("lora")
    assert capsys.readouterr().out == ""


def test_conversion_problems_exit_2_with_one_line_each(tmp_path: Path, capsys):
    doc = json.loads(LORA.read_text(encoding="utf-8"))
    doc["nodes"][0]["type"] = "NotInstalled"
    doc["nodes"][1]["widgets_values"] = {"text": "x"}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    assert run(str(path), "--object-info", str(OBJECT_INFO)) == 2

    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("comfydesk convert: 2 problems stop this workflow")
    assert lines[1:] == [
        "node 3 (NotInstalled): this node type is not installed on the server — install the "
        "custom node pack that provides it, or remove the node",
        "node 7 (CLIPTextEncode): its widget values are saved by name (a custom-node format) "
        "and cannot be mapped",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the workflow file"),
        ("{not json", "is not valid JSON"),
        ('{"3": {"class_type": "KSampler", "inputs": {}}}', "is not a workflow saved by"),
    ],
)
def test_bad_workflow_files_exit_1(tmp_path: Path, capsys, content, message):
    path = tmp_path / "w.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")

    assert run(str(path), "--object-info", str(OBJECT_INFO)) == 1

    assert message in capsys.readouterr().err


def test_object_info_that_is_not_an_object_exits_1(tmp_path: Path, capsys):
    info = tmp_path / "info.json"
    info.write_text("[1, 2]", encoding="utf-8")

    assert run(str(LORA), "--object-info", str(info)) == 1

    assert "does not hold a JSON object" in capsys.readouterr().err


def test_server_and_object_info_are_exclusive(capsys):
    with pytest.raises(SystemExit) as caught:
        parse(str(LORA), "--server", "http://x", "--object-info", str(OBJECT_INFO))

    assert caught.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


async def _serve_object_info() -> tuple[web.AppRunner, str]:
    body = OBJECT_INFO.read_bytes()

    async def object_info(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_get("/api/object_info", object_info)
    app.router.add_get("/object_info", object_info)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def test_converts_with_node_definitions_from_a_server(capsys):
    runner, url = await _serve_object_info()
    try:
        args = parse(str(LORA), "--server", url)
        # The command runs its own event loop, as it does from a shell.
        code = await asyncio.to_thread(args.handler, args)
    finally:
        await runner.cleanup()

    assert code == 0
    assert json.loads(capsys.readouterr().out) == expected("lora")


async def test_unreachable_server_exits_4(capsys):
    runner, url = await _serve_object_info()
    await runner.cleanup()  # the port is now closed

    args = parse(str(LORA), "--server", url)
    code = await asyncio.to_thread(args.handler, args)

    assert code == 4
    assert f"cannot get node definitions from {url}" in capsys.readouterr().err
