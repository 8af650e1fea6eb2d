"""Headless commands (no Qt): ``python -m desktop run …`` and ``python -m desktop convert …``."""

from __future__ import annotations

import argparse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="comfydesk", description="ComfyDesk without a window")
    sub = parser.add_subparsers(dest="command", required=True)
    from desktop.cli import convert, run

    run.add_parser(sub)
    convert.add_parser(sub)
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))
