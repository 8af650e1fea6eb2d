"""python -m desktop.demo --port 8188 [--host 127.0.0.1] [--step-delay S] [--object-info FILE]
[--models FOLDER=a,b ...] [--instances N]

``--instances 4`` serves four independent servers on ports PORT..PORT+3 (a farm to try).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.demo.config import DemoConfig
from desktop.demo.server import DemoServer
from desktop.demo.serving import run, server_arguments, stop_requested


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = server_arguments(
        "python -m desktop.demo",
        "A stand-in ComfyUI server that draws placeholder images (no AI).",
        port=8188,
    )
    parser.add_argument("--step-delay", type=float, default=0.15, help="seconds per step")
    parser.add_argument("--object-info", type=Path, default=None, help="serve this JSON")
    parser.add_argument("--token", default=None, help="require 'Authorization: Bearer TOKEN'")
    parser.add_argument("--no-previews", action="store_true", help="like --preview-method none")
    parser.add_argument(
        "--models",
        dest="models",
        action="append",
        default=[],
        metavar="FOLDER=a,b",
        help="the files of one model folder, e.g. checkpoints=a.safetensors,b.safetensors "
        "(repeatable; replaces that folder's list)",
    )
    parser.add_argument(
        "--instances", type=int, default=1, help="serve N servers on ports PORT..PORT+N-1"
    )
    args = parser.parse_args(argv)
    try:
        args.model_lists = parse_model_lists(args.models)
    except ValueError as err:
        parser.error(str(err))
    if args.instances < 1:
        parser.error("--instances must be at least 1")
    return args


def parse_model_lists(items: list[str]) -> dict[str, list[str]]:
    """``["checkpoints=a,b"]`` -> ``{"checkpoints": ["a", "b"]}``."""
    lists: dict[str, list[str]] = {}
    for item in items:
        folder, sep, names = item.partition("=")
        if not sep or not folder.strip():
            raise ValueError(f"--models must look like FOLDER=a,b, got {item!r}")
        lists[folder.strip()] = [n.strip() for n in names.split(",") if n.strip()]
    return lists


async def serve(args: argparse.Namespace) -> None:
    servers: list[DemoServer] = []
    stop = stop_requested()
    try:
        for index in range(args.instances):
            config = DemoConfig(
                step_delay=args.step_delay,
                object_info_path=args.object_info,
                require_token=args.token,
                previews=not args.no_previews,
            )
            config.models.update(args.model_lists)
            server = DemoServer(config)
            servers.append(server)
            await server.start(args.host, args.port + index if args.port else 0)
            print(f"ComfyDesk demo server (placeholder images) on {server.url}", flush=True)
        await stop.wait()
    finally:
        for server in servers:
            await server.stop()


def main(argv: list[str] | None = None) -> None:
    run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
