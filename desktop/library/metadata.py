"""Read the ``prompt``/``workflow`` JSON that ComfyUI embeds in its outputs, without decoding
pixels: PNG text chunks (tEXt/zTXt/iTXt, and the ``comf`` chunks of animated PNGs) and the
EXIF of WebP files. Untrusted input: every size is capped and bad data gives ``None``."""

from __future__ import annotations

import json
import logging
import struct
import zlib
from pathlib import Path
from typing import Any

from PIL import Image

log = logging.getLogger("library")

MAX_JSON_CHARS = 20 * 1024 * 1024
MAX_FILE_BYTES = 512 * 1024 * 1024
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt", b"comf"}

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
    if data.startswith(_PNG_SIGNATURE):
        texts = _png_texts(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        texts = _webp_exif_texts(data)
    else:
        return None, None
    return _graph(texts.get("prompt")), _graph(texts.get("workflow"))


def _graph(text: str | None) -> dict[str, Any] | None:
    return parse_graph_json(text) if text is not None else None


def _read_bytes(source: Path | bytes) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    with open(source, "rb") as fh:
        return fh.read(MAX_FILE_BYTES)


def _inflate(data: bytes) -> bytes | None:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_JSON_CHARS + 1)
    except zlib.error:
        return None
    # A compressed chunk that inflates past the cap is a bomb, not a workflow.
    return None if len(out) > MAX_JSON_CHARS or inflater.unconsumed_tail else out


def _png_texts(data: bytes) -> dict[str, str]:
    texts: dict[str, str] = {}
    pos = len(_PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if len(body) < length or ctype == b"IEND":
            break
        if ctype in _TEXT_CHUNKS:
            item = _png_text_chunk(ctype, body)
            if item is not None:
                texts.setdefault(*item)
    return texts


def _png_text_chunk(ctype: bytes, body: bytes) -> tuple[str, str] | None:
    key, sep, rest = body.partition(b"\0")
    if not sep:
        return None
    keyword = key.decode("latin-1")
    if ctype in (b"tEXt", b"comf"):
        raw: bytes | None = rest
        encoding = "latin-1" if ctype == b"tEXt" else "utf-8"
    elif ctype == b"zTXt":
        raw = _inflate(rest[1:])
        encoding = "latin-1"
    else:  # iTXt: flag, method, language\0, translated keyword\0, text
        if len(rest) < 2:
            return None
        compressed = rest[0] == 1
        _lang, _, tail = rest[2:].partition(b"\0")
        _translated, _, text = tail.partition(b"\0")
        raw = _inflate(text) if compressed else text
        encoding = "utf-8"
    if raw is None:
        return None
    return keyword, raw.decode(encoding, errors="replace")


def _webp_exif_texts(data: bytes) -> dict[str, str]:
    texts: dict[str, str] = {}
    pos = 12
    while pos + 8 <= len(data):
        fourcc, size = struct.unpack("<4sI", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + size]
        pos += 8 + size + (size & 1)
        if fourcc != b"EXIF":
            continue
        exif = Image.Exif()
        try:
            exif.load(body)
        except (OSError, ValueError, struct.error, SyntaxError):
            return texts
        # ComfyUI writes "prompt:<json>" into tag 0x0110 and "workflow:<json>" into 0x010F,
        # further extra_pnginfo keys at lower tag numbers.
        for value in exif.values():
            if isinstance(value, bytes):
                value = value.decode("utf-8", errors="replace")
            if isinstance(value, str):
                key, sep, rest = value.partition(":")
                if sep and key.isidentifier():
                    texts.setdefault(key, rest)
        break
    return texts
