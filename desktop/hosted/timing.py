"""How often a hosted job is polled; apart from the poller so that the view-model can name
the defaults without loading the HTTP client (aiohttp) before the window's first paint."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PollTiming:
    """Seconds between polls. The provider's own sample polls every 5 s."""

    running: float = 1.5
    queued_first: float = 2.0
    queued_max: float = 10.0
    queued_growth: float = 1.5
    offline_first: float = 2.0
    offline_max: float = 30.0
    # How many answers in a row may miss the task before it counts as unknown to the service.
    missing_limit: int = 5


DEFAULT_TIMING = PollTiming()
