"""The ``prompt``/``workflow`` JSON that ComfyUI embeds in its outputs, read with the one
picture-metadata reader of :mod:`desktop.workflow.image_metadata` (which caps bytes and time
per file). Untrusted input: bad data gives ``None``."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from desktop.workflow.image_metadata import ImageMetadataError, read_image_text

log = logging.getLogger("comfydesk.library")

MAX_JSON_CHARS = 20 * 1024 * 1024
MAX_FILE_BYTES = 512 * 1024 * 1024

Graphs = tuple[dict[str, Any] | None, dict[str, Any] | None]


def parse_graph_json(text: str | bytes) -> dict[str, Any] | None:
    """A JSON object from untrusted text, or None (too big, too deep, not an object)."""
    if len(text) > MAX_JSON_CHARS:
        log.warning("embedded JSON of %d characters ignored (limit %d)", len(text), MAX_JSON_CHARS)
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def read_png_metadata(source: Path | bytes) -> Graphs:
    """``(prompt, workflow)`` embedded in a ComfyUI output (PNG or WebP), each None if absent
    or unreadable. Never raises for bad content; an unreadable path raises OSError."""
    data = _read_bytes(source)
    try:
        texts = read_image_text(data)
    except ImageMetadataError as err:
        log.info("no metadata read from a picture: %s", err)
        return None, None
    return _graph(texts.get("prompt")), _graph(texts.get("workflow"))


def _graph(text: str | None) -> dict[str, Any] | None:
    return parse_graph_json(text) if text is not None else None


def _read_bytes(source: Path | bytes) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    with open(source, "rb") as fh:
        return fh.read(MAX_FILE_BYTES)
