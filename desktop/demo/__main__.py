"""python -m desktop.demo --port 8188 [--host 127.0.0.1] [--step-delay S] [--object-info FILE]"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from pathlib import Path

from desktop.demo.config import DemoConfig
from desktop.demo.server import DemoServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m desktop.demo",
        description="A stand-in ComfyUI server that draws placeholder images (no AI).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8188)
    parser.add_argument("--step-delay", type=float, default=0.15, help="seconds per step")
    parser.add_argument("--object-info", type=Path, default=None, help="serve this JSON")
    parser.add_argument("--token", default=None, help="require 'Authorization: Bearer TOKEN'")
    parser.add_argument("--no-previews", action="store_true", help="like --preview-method none")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    config = DemoConfig(
        step_delay=args.step_delay,
        object_info_path=args.object_info,
        require_token=args.token,
        previews=not args.no_previews,
    )
    server = DemoServer(config)
    await server.start(args.host, args.port)
    print(f"ComfyDesk demo server (placeholder images) on {server.url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Not available on Windows; Ctrl+C still ends asyncio.run there.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
