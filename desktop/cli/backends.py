"""The runner's session: one server, or several as a farm (``--server`` given more than once)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from desktop.farm.farm import Farm, ServerSpec
from desktop.jobs.session import ServerSession
from desktop.jobs.sinks import ResultSink


def server_name(url: str) -> str:
    """``http://gpu-2:8188`` -> ``gpu-2:8188``: short enough for a progress line."""
    return urlsplit(url).netloc or url


def open_session(
    urls: Sequence[str],
    *,
    headers: Mapping[str, str],
    result_sink: ResultSink,
    client_options: Mapping[str, Any] | None = None,
    session_options: Mapping[str, Any] | None = None,
) -> ServerSession:
    """``client_options`` go to each server's client (timeouts, download cap),
    ``session_options`` to the session (silence timeout, collection policy)."""
    client_id = uuid.uuid4().hex
    if len(urls) == 1:
        return ServerSession(
            urls[0],
            client_id=client_id,
            headers=headers,
            result_sink=result_sink,
            load_object_info=False,
            **(client_options or {}),
            **(session_options or {}),
        )
    farm = Farm(
        [ServerSpec(url, server_name(url), headers) for url in urls],
        client_id=client_id,
        client_options=client_options,
    )
    return ServerSession(
        farm.base_url,
        client_id=client_id,
        result_sink=result_sink,
        load_object_info=False,
        backend=farm,
        **(session_options or {}),
    )
