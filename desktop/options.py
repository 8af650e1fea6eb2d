"""Command-line options of the desktop app (Qt-free, so they are cheap to parse and test)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop import __version__
from desktop.settings import InvalidServerUrl, normalize_server_url

SELF_TEST_TIMEOUT = 30.0
LANG_ALIASES = {"en": "en", "en_us": "en", "zh": "zh_CN", "zh_cn": "zh_CN", "system": "system"}


@dataclass(frozen=True)
class AppOptions:
    file: Path | None = None
    server: str | None = None
    demo: bool = False
    demo_hosted: bool = False  # the hosted workflow stand-in (GenStudio), in-process
    self_test: bool = False
    lang: str | None = None
    self_test_timeout: float = SELF_TEST_TIMEOUT


def parse_args(argv: Sequence[str]) -> AppOptions:
    parser = argparse.ArgumentParser(
        prog="comfydesk", description="A desktop client for ComfyUI servers."
    )
    parser.add_argument("file", nargs="?", type=Path, help="a workflow (.json/.png/.webp)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--server", metavar="URL", help="connect to this ComfyUI server")
    source.add_argument(
        "--demo", action="store_true", help="start the built-in demo server (placeholder images)"
    )
    source.add_argument(
        "--demo-hosted",
        action="store_true",
        help="start the built-in stand-in for GenStudio's hosted workflows (placeholder images)",
    )
    parser.add_argument("--lang", metavar="LANG", help="user interface language: en or zh_CN")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start the demo server, connect, exit 0 when connected (1 otherwise)",
    )
    parser.add_argument("--version", "-V", action="version", version=f"ComfyDesk {__version__}")
    args = parser.parse_args(list(argv))
    lang = None
    if args.lang is not None:
        lang = LANG_ALIASES.get(args.lang.replace("-", "_").lower())
        if lang is None:
            parser.error(f"unknown language {args.lang!r}; use en or zh_CN")
    server = None
    if args.server is not None:
        try:
            server = normalize_server_url(args.server)
        except InvalidServerUrl as err:
            parser.error(f"--server: {err}")
    return AppOptions(
        file=args.file,
        server=server,
        demo=args.demo,
        demo_hosted=args.demo_hosted,
        self_test=args.self_test,
        lang=lang,
    )
