"""Read the text metadata ComfyUI embeds in the images it saves, without decoding pixels.

* PNG: one text chunk per key (``prompt``, ``workflow``); ``tEXt`` in practice, ``zTXt`` and
  ``iTXt`` accepted. V3 animated PNGs put ``comf`` chunks (``key\\0json``) after the image data.
* WebP: EXIF tag 0x0110 = ``"prompt:<json>"``, 0x010F = ``"workflow:<json>"``, further keys at
  lower tag numbers (PROTOCOL.md §7.4).

Pillow opens the file lazily, so only headers and metadata chunks are parsed; it also refuses
images whose pixel count looks like a decompression bomb. Compressed text is inflated with a
size cap.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT_BYTES = 64 * 1024 * 1024
_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt", b"comf")


class ImageMetadataError(Exception):
    """Why an image could not be read; ``str()`` is a clause such as "it is damaged"."""


def is_png(data: bytes) -> bool:
    return data.startswith(PNG_SIGNATURE)


def is_webp(data: bytes) -> bool:
    return len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP"


class _TextTooLarge(Exception):
    """Pillow refused a compressed text chunk over its 1 MB limit (a large workflow)."""


def _open(data: bytes, fmt: str) -> dict[str, object]:
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            return dict(image.info)
    except Image.DecompressionBombError as err:
        raise ImageMetadataError("the image is too large to open safely") from err
    except ValueError as err:
        if fmt == "PNG":
            raise _TextTooLarge from err
        raise ImageMetadataError("the image is damaged or truncated") from err
    except Exception as err:
        # Pillow reports damage as OSError, SyntaxError, ValueError, EOFError, struct.error…
        raise ImageMetadataError("the image is damaged or truncated") from err


def _inflate(payload: bytes) -> bytes:
    inflater = zlib.decompressobj()
    out = inflater.decompress(payload, MAX_TEXT_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("compressed text is too large")
    return out


def _decode_text_chunk(kind: bytes, body: bytes) -> tuple[str, str] | None:
    if kind == b"comf":
        key, sep, value = body.partition(b"\0")
        return (key.decode("latin-1"), value.decode("utf-8")) if sep else None
    key, sep, rest = body.partition(b"\0")
    if not sep:
        return None
    if kind == b"tEXt":
        return key.decode("latin-1"), rest.decode("latin-1")
    if kind == b"zTXt":
        return key.decode("latin-1"), _inflate(rest[1:]).decode("latin-1")
    # iTXt: compression flag, method, language\0, translated keyword\0, text
    if len(rest) < 2:
        return None
    compressed = rest[0] == 1
    _lang, _, rest = rest[2:].partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    return key.decode("latin-1"), (_inflate(text) if compressed else text).decode("utf-8")


def _png_text_chunks(data: bytes, *, after_image_data: bool) -> dict[str, str]:
    """Text chunks read straight from the file (CRC-checked, inflation capped).

    Used for chunks after the image data, which Pillow would only read by decoding pixels,
    and for compressed text larger than Pillow's 1 MB limit.
    """
    found: dict[str, str] = {}
    pos = len(PNG_SIGNATURE)
    collecting = not after_image_data
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            break
        body = data[pos + 8 : pos + 8 + length]
        collecting = collecting or kind == b"IDAT"
        crc_ok = zlib.crc32(kind + body) == struct.unpack(">I", data[end - 4 : end])[0]
        if collecting and kind in _TEXT_CHUNKS and crc_ok:
            try:
                item = _decode_text_chunk(kind, body)
            except (ValueError, zlib.error):
                item = None
            if item is not None:
                found.setdefault(item[0], item[1])
        if kind == b"IEND":
            break
        pos = end
    return found


def read_png_text(data: bytes) -> dict[str, str]:
    """All text entries of a PNG (key -> text). Raises ``ImageMetadataError`` when damaged."""
    try:
        info = _open(data, "PNG")
    except _TextTooLarge as err:
        texts = _png_text_chunks(data, after_image_data=False)
        if not texts:
            raise ImageMetadataError("its metadata is damaged or too large") from err
        return texts
    texts = {k: str(v) for k, v in info.items() if isinstance(k, str) and isinstance(v, str)}
    if "prompt" not in texts and "workflow" not in texts:
        for key, value in _png_text_chunks(data, after_image_data=True).items():
            texts.setdefault(key, value)
    return texts


def _exif_string(value: object) -> str | None:
    if isinstance(value, bytes):
        try:
            return value.rstrip(b"\0").decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(value, str):
        return None
    # Pillow decodes EXIF ASCII as Latin-1; writers other than ComfyUI may have stored UTF-8.
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def read_webp_text(data: bytes) -> dict[str, str]:
    """``key -> text`` from the ``key:text`` EXIF entries ComfyUI writes into WebP files."""
    info = _open(data, "WEBP")
    raw = info.get("exif")
    if not isinstance(raw, bytes) or not raw:
        return {}
    exif = Image.Exif()
    try:
        exif.load(raw)
        items = list(exif.items())
    except Exception as err:
        raise ImageMetadataError("its metadata is damaged") from err
    texts: dict[str, str] = {}
    for _tag, value in sorted(items, key=lambda item: -item[0]):
        text = _exif_string(value)
        if text is None:
            continue
        key, sep, rest = text.partition(":")
        if sep and key and key.isidentifier():
            texts.setdefault(key, rest)
    return texts
