"""``python -m desktop convert UI.json [--server URL | --object-info FILE] [-o API.json]``.

Converts a workflow saved by ComfyUI's web editor into the API prompt the editor would queue.
Exit codes: 0 converted, 1 bad usage or unreadable file, 2 the workflow cannot be converted
(each problem on stderr as ``node <id> (<type>): <message>``), 4 the server could not be asked
for its node definitions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from desktop.base import atomic

DEFAULT_SERVER = "http://127.0.0.1:8188"
EXIT_OK, EXIT_USAGE, EXIT_PROBLEMS, EXIT_SERVER = 0, 1, 2, 4


class _CliFailure(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "convert",
        help="convert a web-editor workflow (UI format) to an API prompt",
        description="Convert a workflow saved by ComfyUI's web editor into the API prompt it "
        "would queue. Node definitions come from a server or from a saved /object_info file.",
    )
    parser.add_argument("workflow", type=Path, help="UI-format workflow JSON file")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--server", metavar="URL", help=f"ask this ComfyUI server (default {DEFAULT_SERVER})"
    )
    source.add_argument(
        "--object-info", type=Path, metavar="FILE", help="read node definitions from this file"
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here, not stdout")
    parser.set_defaults(handler=handle)
    return parser


def handle(args: argparse.Namespace) -> int:
    from desktop.workflow.web_convert import ConversionError, convert_ui_workflow, is_ui_workflow

    try:
        ui = _read_json(args.workflow, "workflow")
        if not is_ui_workflow(ui):
            raise _CliFailure(
                f"{args.workflow} is not a workflow saved by ComfyUI's web editor "
                "(an API-format prompt needs no conversion)",
                EXIT_USAGE,
            )
        raw_info = (
            _read_json(args.object_info, "object_info")
            if args.object_info is not None
            else _fetch_object_info(args.server or DEFAULT_SERVER)
        )
        if not isinstance(raw_info, Mapping):
            raise _CliFailure("the object_info file does not hold a JSON object", EXIT_USAGE)
        prompt = convert_ui_workflow(ui, raw_info)
    except _CliFailure as err:
        print(f"comfydesk convert: {err}", file=sys.stderr)
        return err.code
    except ConversionError as err:
        print(f"comfydesk convert: {err}", file=sys.stderr)
        for problem in err.problems:
            where = (
                f"node {problem.node_id} ({problem.node_type})" if problem.node_id else "workflow"
            )
            print(f"{where}: {problem.message}", file=sys.stderr)
        return EXIT_PROBLEMS
    text = json.dumps(prompt, indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        atomic.atomic_write(args.output, text)
    except OSError as err:
        print(f"comfydesk convert: cannot write {args.output}: {err.strerror}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _read_json(path: Path, what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise _CliFailure(
            f"cannot read the {what} file {path}: {err.strerror}", EXIT_USAGE
        ) from err
    except UnicodeDecodeError as err:
        raise _CliFailure(f"the {what} file {path} is not UTF-8 text", EXIT_USAGE) from err
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise _CliFailure(f"the {what} file {path} is not valid JSON", EXIT_USAGE) from err


def _fetch_object_info(url: str) -> Any:
    from desktop.comfy.client import ComfyClient
    from desktop.comfy.errors import ComfyError

    async def fetch() -> Any:
        async with ComfyClient(url) as client:
            return (await client.object_info()).raw

    try:
        raw = asyncio.run(fetch())
    except ComfyError as err:
        raise _CliFailure(f"cannot get node definitions from {url}: {err}", EXIT_SERVER) from err
    except ValueError as err:  # a malformed URL
        raise _CliFailure(f"“{url}” is not a usable server address", EXIT_USAGE) from err
    return raw
