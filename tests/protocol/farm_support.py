"""Helpers for the farm tests: a ServerSession over a Farm of demo servers."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from desktop.demo.config import default_models
from desktop.farm.farm import Farm, ServerSpec
from desktop.jobs.session import ServerSession
from tests.protocol.jobs_support import connected, make_session, until


def models(*checkpoints: str) -> dict[str, list[str]]:
    lists = default_models()
    lists["checkpoints"] = list(checkpoints)
    return lists


async def farm_session(
    handles: list[Any], tmp: Path, **farm_options: Any
) -> tuple[ServerSession, Farm]:
    farm = Farm(
        [ServerSpec(h.url, f"s{i}") for i, h in enumerate(handles)],
        client_id=uuid.uuid4().hex,
        **{"failover_after": 0.5, "health_interval": 0.5, **farm_options},
    )
    session = make_session("", tmp, backend=farm)
    await session.start()
    await connected(session)
    await until(lambda: all(s.up for s in farm.servers()))
    await farm.wait_ready()
    return session, farm
