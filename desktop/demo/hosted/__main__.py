"""python -m desktop.demo.hosted --port 8600 [--files-port 8601] [--run-seconds S]
[--write-files DIR]"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from desktop.demo.hosted.server import DEMO_KEY, LIMITED_KEY, HostedDemoServer
from desktop.demo.hosted.workflows import param_dump
from desktop.demo.serving import run, server_arguments, stop_requested


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = server_arguments(
        "python -m desktop.demo.hosted",
        "A stand-in for GenStudio's hosted ComfyUI workflows (placeholder images).",
        port=8600,
    )
    parser.add_argument("--files-port", type=int, default=0, help="signed-URL host (any free)")
    parser.add_argument("--run-seconds", type=float, default=3.0, help="how long a run takes")
    parser.add_argument(
        "--write-files",
        type=Path,
        default=None,
        metavar="DIR",
        help="save each published workflow and its console parameter list there",
    )
    return parser.parse_args(argv)


def write_files(server: HostedDemoServer, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for workflow_id, prompt in server.workflows.items():
        (folder / f"{workflow_id}.json").write_text(json.dumps(prompt, indent=1), "utf-8")
        dump = json.dumps(param_dump(prompt), indent=1)
        (folder / f"{workflow_id}.params.json").write_text(dump, "utf-8")


async def serve(args: argparse.Namespace) -> None:
    server = HostedDemoServer(run_seconds=args.run_seconds)
    await server.start(args.host, args.port, args.files_port)
    if args.write_files is not None:
        await asyncio.to_thread(write_files, server, args.write_files)
    print(f"Hosted workflow stand-in on {server.url} (results on {server.files_url})")
    print(f"Workflows: {', '.join(server.workflows)}")
    print(f"API keys: {DEMO_KEY} (every workflow), {LIMITED_KEY} (txt2img only)", flush=True)
    stop = stop_requested()
    try:
        await stop.wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
