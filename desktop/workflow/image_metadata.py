"""Read the text metadata ComfyUI embeds in the images it saves, without decoding pixels.

* PNG: one text chunk per key (``prompt``, ``workflow``); ``tEXt`` in practice, ``zTXt`` and
  ``iTXt`` accepted. V3 animated PNGs put ``comf`` chunks (``key\\0json``) after the image data.
* WebP: EXIF tag 0x0110 = ``"prompt:<json>"``, 0x010F = ``"workflow:<json>"``, further keys at
  lower tag numbers.

This is the one reader of picture metadata: the workflow loader and the library both use it.
The file is untrusted. Chunks are walked directly (CRC-checked, nothing decoded but text), and
one :class:`ReadBudget` covers every chunk of a file: a total of inflated bytes and a deadline,
so many compressed chunks that each stay under a per-chunk cap still cannot take gigabytes or
minutes together.
"""

from __future__ import annotations

import struct
import time
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Per file, over all chunks: what text may inflate to, and how long reading may take.
MAX_TEXT_BYTES = 64 * 1024 * 1024
MAX_READ_SECONDS = 2.0
_INFLATE_STEP = 1024 * 1024
_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt", b"comf")
_IEND = b"IEND"


class ImageMetadataError(Exception):
    """Why an image could not be read; ``str()`` is a clause such as "it is damaged"."""


_TOO_LARGE = "its metadata is damaged or too large"
_DAMAGED = "the image is damaged or truncated"


def is_png(data: bytes) -> bool:
    return data.startswith(PNG_SIGNATURE)


def is_webp(data: bytes) -> bool:
    return len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP"


class ReadBudget:
    """Bytes and time one file's metadata may cost; spent across all of its chunks."""

    def __init__(self, max_bytes: int | None = None, max_seconds: float | None = None) -> None:
        self.left = MAX_TEXT_BYTES if max_bytes is None else max_bytes
        seconds = MAX_READ_SECONDS if max_seconds is None else max_seconds
        self.deadline = time.monotonic() + seconds

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise ImageMetadataError(_TOO_LARGE)

    def inflate(self, payload: bytes) -> bytes:
        """``payload`` inflated, in steps, charging every produced byte to the budget.
        Raises ``ImageMetadataError`` when the file's budget is spent."""
        inflater = zlib.decompressobj()
        parts: list[bytes] = []
        pending = payload
        while True:
            self.check_time()
            if self.left <= 0:
                raise ImageMetadataError(_TOO_LARGE)
            try:
                out = inflater.decompress(pending, min(_INFLATE_STEP, self.left))
            except zlib.error as err:
                raise ValueError("compressed text is damaged") from err
            self.left -= len(out)
            parts.append(out)
            pending = inflater.unconsumed_tail
            if not pending:
                # Input fully consumed; a stream that never ends is damaged, not text.
                if not inflater.eof:
                    raise ValueError("compressed text is truncated")
                return b"".join(parts)
            if self.left <= 0:
                raise ImageMetadataError(_TOO_LARGE)


def _decode_text_chunk(kind: bytes, body: bytes, budget: ReadBudget) -> tuple[str, str] | None:
    key, sep, rest = body.partition(b"\0")
    if not sep or not key:
        return None
    keyword = key.decode("latin-1")
    if kind == b"comf":
        return keyword, rest.decode("utf-8")
    if kind == b"tEXt":
        return keyword, rest.decode("latin-1")
    if kind == b"zTXt":
        return keyword, budget.inflate(rest[1:]).decode("latin-1")
    # iTXt: compression flag, method, language\0, translated keyword\0, text
    if len(rest) < 2:
        return None
    compressed = rest[0] == 1
    _lang, _, rest = rest[2:].partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    return keyword, (budget.inflate(text) if compressed else text).decode("utf-8")


def read_png_text(data: bytes, budget: ReadBudget | None = None) -> dict[str, str]:
    """All text entries of a PNG (key -> text; the first chunk of a key wins), before and
    after the image data. Chunks with a bad CRC or undecodable text are skipped. Raises
    ``ImageMetadataError`` when the file is cut short before any text, or when the file's
    budget is spent."""
    budget = budget or ReadBudget()
    if not is_png(data):
        raise ImageMetadataError(_DAMAGED)
    found: dict[str, str] = {}
    pos = len(PNG_SIGNATURE)
    complete = False
    while pos + 12 <= len(data):
        budget.check_time()
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            break
        if kind == _IEND:
            complete = True
            break
        if kind in _TEXT_CHUNKS:
            body = data[pos + 8 : pos + 8 + length]
            crc_ok = zlib.crc32(kind + body) == struct.unpack_from(">I", data, end - 4)[0]
            item = None
            if crc_ok:
                try:
                    item = _decode_text_chunk(kind, body, budget)
                except ValueError:  # damaged compression, bad UTF-8: skip this chunk
                    item = None
            if item is not None:
                found.setdefault(*item)
        pos = end
    if not complete and not found:
        raise ImageMetadataError(_DAMAGED)
    return found


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


def _webp_exif(data: bytes, budget: ReadBudget) -> bytes | None:
    """The body of the first ``EXIF`` chunk of a RIFF/WebP file, or None when it has none."""
    (riff_size,) = struct.unpack_from("<I", data, 4)
    complete = riff_size + 8 <= len(data)
    pos = 12
    while pos + 8 <= len(data):
        budget.check_time()
        fourcc, size = struct.unpack_from("<4sI", data, pos)
        end = pos + 8 + size
        if end > len(data):
            break
        if fourcc == b"EXIF":
            return data[pos + 8 : end]
        pos = end + (size & 1)
    else:
        if complete and pos > 12:
            return None
    raise ImageMetadataError(_DAMAGED)


def read_webp_text(data: bytes, budget: ReadBudget | None = None) -> dict[str, str]:
    """``key -> text`` from the ``key:text`` EXIF entries ComfyUI writes into WebP files."""
    budget = budget or ReadBudget()
    if not is_webp(data):
        raise ImageMetadataError(_DAMAGED)
    raw = _webp_exif(data, budget)
    if not raw:
        return {}
    if raw.startswith(b"Exif\0\0"):  # some writers keep the JPEG APP1 prefix
        raw = raw[6:]
    from PIL import Image  # only WebP EXIF needs Pillow; PNG chunks are read by hand

    exif = Image.Exif()
    try:
        exif.load(raw)
        items = list(exif.items())
    except Exception as err:
        # Pillow reports damaged EXIF as OSError, SyntaxError, ValueError, struct.error…
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


def read_image_text(data: bytes, budget: ReadBudget | None = None) -> dict[str, str]:
    """Text entries of a PNG or WebP; ``{}`` for any other kind of file."""
    if is_png(data):
        return read_png_text(data, budget)
    if is_webp(data):
        return read_webp_text(data, budget)
    return {}
