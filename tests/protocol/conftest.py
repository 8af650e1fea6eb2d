"""Fixtures of the protocol tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from desktop.jobs.session import ServerSession


@pytest.fixture
async def closing() -> AsyncIterator[list[ServerSession]]:
    sessions: list[ServerSession] = []
    yield sessions
    for session in sessions:
        await session.close()
