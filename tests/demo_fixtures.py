"""Fixtures that start the demo server in-process.

`demo_server` yields a handle with `.url` and `.server` (the DemoServer). With the environment
variable COMFYDESK_TEST_SERVER set to a URL, it points at that server instead (`.server` is
None) and tests marked `demo_only` are skipped, since they need the demo's controls.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from desktop.demo import DemoConfig, DemoServer

TEST_SERVER_ENV = "COMFYDESK_TEST_SERVER"


@dataclass(frozen=True)
class DemoHandle:
    url: str
    server: DemoServer | None


DemoFactory = Callable[..., Awaitable[DemoHandle]]


def external_server() -> str | None:
    url = os.environ.get(TEST_SERVER_ENV, "").strip()
    return url.rstrip("/") or None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    url = external_server()
    if url is None:
        return
    skip = pytest.mark.skip(reason=f"needs demo-server controls; {TEST_SERVER_ENV}={url}")
    for item in items:
        if item.get_closest_marker("demo_only") is not None:
            item.add_marker(skip)


@pytest.fixture
async def demo_server_factory() -> AsyncIterator[DemoFactory]:
    """Start demo servers: `await factory()` (step_delay 0), `await factory(config)` or
    `await factory(step_delay=0.1, previews=False)`. All are stopped after the test."""
    if external_server() is not None:
        pytest.skip(f"starts its own demo servers; {TEST_SERVER_ENV} is set")
    servers: list[DemoServer] = []

    async def start(config: DemoConfig | None = None, **options: Any) -> DemoHandle:
        server = DemoServer(config or DemoConfig(**options))
        await server.start("127.0.0.1", 0)
        servers.append(server)
        return DemoHandle(server.url, server)

    try:
        yield start
    finally:
        for server in reversed(servers):
            await server.stop()


@pytest.fixture
async def demo_server() -> AsyncIterator[DemoHandle]:
    """One demo server (step_delay 0) for this test, or the external test server."""
    url = external_server()
    if url is not None:
        yield DemoHandle(url, None)
        return
    server = DemoServer(DemoConfig(step_delay=0.0))
    await server.start("127.0.0.1", 0)
    try:
        yield DemoHandle(server.url, server)
    finally:
        await server.stop()
