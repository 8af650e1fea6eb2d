"""PNG/WebP metadata: any bytes give texts or ``ImageMetadataError`` (workflow loader) and
``(dict|None, dict|None)`` (library), within a second."""

from __future__ import annotations

import struct
import zlib

from hypothesis import given
from hypothesis import strategies as st

from desktop.library.metadata import read_png_metadata
from desktop.workflow.errors import WorkflowError
from desktop.workflow.image_metadata import ImageMetadataError, read_image_text
from desktop.workflow.sources import load_workflow_bytes
from tests.properties.strategies import PROPERTY, png_chunk
from tests.unit.workflow_support import PNG_0, WEBP

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SAMPLE_PNG = PNG_0.read_bytes()
SAMPLE_WEBP = WEBP.read_bytes()

keywords = st.sampled_from([b"prompt", b"workflow", b"Comment", b""]) | st.binary(max_size=6)
texts = st.sampled_from([b'{"1": {"class_type": "X", "inputs": {}}}', b"{", b"[1]"]) | st.binary(
    max_size=40
)


@st.composite
def text_chunks(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from([b"tEXt", b"zTXt", b"iTXt", b"comf", b"IDAT", b"IEND", b"abcd"]))
    key, text = draw(keywords), draw(texts)
    packed = zlib.compress(text) if draw(st.booleans()) else text
    if kind == b"zTXt":
        body = key + b"\0\0" + packed
    elif kind == b"iTXt":
        flag = draw(st.sampled_from([b"\0", b"\1", b"\2"]))
        body = key + b"\0" + flag + b"\0" + draw(st.binary(max_size=3)) + b"\0\0" + packed
    else:
        body = key + b"\0" + text
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    return png_chunk(kind, body, good_crc=draw(st.booleans()))


@st.composite
def pngs(draw: st.DrawFn) -> bytes:
    chunks = b"".join(draw(st.lists(text_chunks(), max_size=6)))
    data = SAMPLE_PNG[:33] + chunks + SAMPLE_PNG[33:] if draw(st.booleans()) else PNG_SIGNATURE
    if not draw(st.booleans()):
        data = PNG_SIGNATURE + chunks
    cut = draw(st.integers(0, len(data)))
    return data[:cut] if draw(st.booleans()) else data


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from([SAMPLE_PNG, SAMPLE_WEBP])))
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.integers(8, len(data)))
    return bytes(data[:cut])


@st.composite
def webps(draw: st.DrawFn) -> bytes:
    chunks = b""
    for _ in range(draw(st.integers(0, 4))):
        fourcc = draw(st.sampled_from([b"EXIF", b"VP8X", b"ANIM", b"junk"]))
        body = draw(
            st.sampled_from([b"", b"Exif\0\0", b"II*\0\x08\0\0\0", b"MM\0*\0\0\0\x08"])
        ) + draw(st.binary(max_size=60))
        size = len(body) if draw(st.booleans()) else draw(st.integers(0, 2**32 - 1))
        chunks += fourcc + struct.pack("<I", size) + body + (b"\0" if len(body) & 1 else b"")
    riff = draw(st.integers(0, 2**32 - 1)) if draw(st.booleans()) else len(chunks) + 4
    return b"RIFF" + struct.pack("<I", riff) + b"WEBP" + chunks


pictures = pngs() | webps() | mutated() | st.binary(max_size=64)


@PROPERTY
@given(pictures)
def test_reader_gives_texts_or_its_error(data: bytes) -> None:
    try:
        result = read_image_text(data)
    except ImageMetadataError as err:
        message = str(err)
        assert message
    else:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in result.items())


@PROPERTY
@given(pictures)
def test_library_reader_never_raises(data: bytes) -> None:
    prompt, workflow = read_png_metadata(data)
    assert prompt is None or isinstance(prompt, dict)
    assert workflow is None or isinstance(workflow, dict)


@PROPERTY
@given(pictures)
def test_loading_a_picture_gives_a_workflow_or_a_workflow_error(data: bytes) -> None:
    try:
        load_workflow_bytes(data, "picture.png")
    except WorkflowError as err:
        message = str(err)
        assert message
