"""Shared Hypothesis settings and strategies for the parsers of outside data.

Every property: any input gives a value or our typed error, never another exception, and never
takes longer than a second (``deadline``). ``derandomize`` and no example database keep CI
deterministic; ``max_examples`` stays modest so the whole folder runs in seconds."""

from __future__ import annotations

import struct
import zlib

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROPERTY = settings(
    max_examples=60,
    deadline=1000,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=10)
)


def json_like(keys: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[object]:
    """Nested JSON values; ``keys`` biases object keys towards the names a parser looks for."""
    key_strategy = st.text(max_size=8) if keys is None else keys | st.text(max_size=4)
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(key_strategy, children, max_size=5)
        ),
        max_leaves=25,
    )


def png_chunk(kind: bytes, body: bytes, *, good_crc: bool = True) -> bytes:
    crc = zlib.crc32(kind + body) if good_crc else zlib.crc32(kind + body) ^ 1
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)
