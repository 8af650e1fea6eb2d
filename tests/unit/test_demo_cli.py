"""The demo server's command line: several instances with their own model lists."""

from __future__ import annotations

import pytest

from desktop.demo.__main__ import parse_args, parse_model_lists


def test_model_lists_replace_one_folder_each() -> None:
    lists = parse_model_lists(["checkpoints=a.safetensors, b.safetensors", "loras="])
    assert lists == {"checkpoints": ["a.safetensors", "b.safetensors"], "loras": []}


def test_instances_and_models_are_parsed() -> None:
    args = parse_args(["--port", "9000", "--instances", "3", "--models", "checkpoints=x.ckpt"])
    assert args.instances == 3
    assert args.model_lists == {"checkpoints": ["x.ckpt"]}


@pytest.mark.parametrize("argv", [["--models", "nofolder"], ["--instances", "0"]])
def test_bad_options_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(argv)
