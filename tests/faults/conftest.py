"""Fixtures for the fault scenarios: the demo server behind a hostile ComfyUI (HTTP faults per
route) or behind a TCP fault proxy, with a bearer token so every request carries a secret."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from desktop.demo import DemoConfig, DemoServer
from tests.faults.hostile import HostileServer
from tests.faults.tcp_proxy import FaultProxy

SECRET = "s3cr3t-Tok3n-for-fault-tests"
AUTH = {"Authorization": f"Bearer {SECRET}"}


@dataclass(frozen=True)
class Faulty:
    demo: DemoServer
    hostile: HostileServer

    @property
    def url(self) -> str:
        return self.hostile.url


@pytest.fixture
async def faulty(demo_server_factory) -> AsyncIterator[Faulty]:
    handle = await demo_server_factory(DemoConfig(step_delay=0.0, require_token=SECRET))
    assert handle.server is not None
    hostile = HostileServer(handle.url)
    await hostile.start()
    try:
        yield Faulty(handle.server, hostile)
    finally:
        await hostile.stop()


@dataclass(frozen=True)
class Proxied:
    demo: DemoServer
    proxy: FaultProxy

    @property
    def url(self) -> str:
        return self.proxy.url


@pytest.fixture
async def proxied(demo_server_factory) -> AsyncIterator[Proxied]:
    handle = await demo_server_factory(DemoConfig(step_delay=0.02, require_token=SECRET))
    assert handle.server is not None
    proxy = FaultProxy(handle.server.host, handle.server.port)
    await proxy.start()
    try:
        yield Proxied(handle.server, proxy)
    finally:
        await proxy.stop()
