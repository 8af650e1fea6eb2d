"""Finding a job whose ``POST /prompt`` answer never arrived (a proxy cut it, the reply timed
out, a 502 from a gateway that had already forwarded the prompt). We chose the prompt_id, so
the server's ``/queue`` and ``/history`` can tell whether it kept the job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.comfy.types import HistoryItem


@dataclass(frozen=True, slots=True)
class Sighting:
    """The server has the job: queued or running (``number``), or already done (``item``)."""

    number: float
    item: HistoryItem | None = None


async def look_for(client: Any, prompt_id: str) -> Sighting | None:
    """Where the server has ``prompt_id``; None when it has never heard of it. Raises
    ComfyError when it cannot be asked."""
    queue = await client.queue()
    for entry in (*queue.running, *queue.pending):
        if entry.prompt_id == prompt_id:
            return Sighting(entry.number)
    item = await client.history_item(prompt_id)
    return None if item is None else Sighting(0.0, item)
