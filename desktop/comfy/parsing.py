"""Turn REST response bodies (shapes as in tests/data/comfyui-captures/) into the frozen values of
``types``. Every function raises ``ProtocolError`` for a shape it cannot use, never a bare
KeyError/TypeError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.comfy.errors import ProtocolError, parse_node_errors
from desktop.comfy.types import (
    Device,
    HistoryItem,
    HistoryOutput,
    QueueItem,
    QueueSnapshot,
    SubmitResult,
    SystemStats,
    images_in_output,
)


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _number(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _object(value: Any, what: str, url: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProtocolError(f"{what} is not a JSON object", url)
    return value


def parse_system_stats(body: Any, url: str = "") -> SystemStats:
    system = _object(_object(body, "system_stats", url).get("system"), "system_stats.system", url)
    devices = []
    for raw in body.get("devices") or ():
        if isinstance(raw, Mapping):
            devices.append(
                Device(
                    name=str(raw.get("name") or ""),
                    type=str(raw.get("type") or ""),
                    vram_total=_int(raw.get("vram_total")),
                    vram_free=_int(raw.get("vram_free")),
                )
            )
    return SystemStats(
        comfyui_version=str(system.get("comfyui_version") or ""),
        python_version=str(system.get("python_version") or ""),
        pytorch_version=str(system.get("pytorch_version") or ""),
        os=str(system.get("os") or ""),
        ram_total=_int(system.get("ram_total")),
        ram_free=_int(system.get("ram_free")),
        devices=tuple(devices),
        raw=body,
    )


def parse_string_list(body: Any, what: str, url: str = "") -> list[str]:
    if not isinstance(body, list):
        raise ProtocolError(f"{what} is not a list", url)
    return [str(item) for item in body]


def parse_submit_result(body: Any, prompt_id: str, url: str = "") -> SubmitResult:
    body = _object(body, "the prompt answer", url)
    returned = body.get("prompt_id")
    return SubmitResult(
        prompt_id=str(returned) if returned else prompt_id,
        number=_number(body.get("number")),
        node_errors=parse_node_errors(body.get("node_errors")),
    )


def _queue_item(raw: Any) -> QueueItem | None:
    # [number, prompt_id, prompt, extra_data, outputs_to_execute(, sensitive on newer servers)]
    if not isinstance(raw, list) or len(raw) < 2:
        return None
    outputs = raw[4] if len(raw) > 4 and isinstance(raw[4], list) else []
    return QueueItem(
        number=_number(raw[0]),
        prompt_id=str(raw[1]),
        prompt=raw[2] if len(raw) > 2 else None,
        extra_data=raw[3] if len(raw) > 3 else None,
        outputs_to_execute=tuple(str(o) for o in outputs),
    )


def parse_queue(body: Any, url: str = "") -> QueueSnapshot:
    body = _object(body, "the queue", url)

    def items(key: str) -> list[QueueItem]:
        raw = body.get(key) or []
        if not isinstance(raw, list):
            raise ProtocolError(f"{key} is not a list", url)
        return [item for item in map(_queue_item, raw) if item is not None]

    pending = sorted(items("queue_pending"), key=lambda i: (i.number, i.prompt_id))
    return QueueSnapshot(running=tuple(items("queue_running")), pending=tuple(pending))


def parse_history_item(prompt_id: str, raw: Any) -> HistoryItem:
    raw = raw if isinstance(raw, Mapping) else {}
    queued = raw.get("prompt") if isinstance(raw.get("prompt"), list) else []
    outputs = raw.get("outputs") if isinstance(raw.get("outputs"), Mapping) else {}
    status = raw.get("status") if isinstance(raw.get("status"), Mapping) else {}
    messages = []
    for entry in status.get("messages") or ():
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str):
            messages.append((entry[0], entry[1]))
    return HistoryItem(
        prompt_id=str(prompt_id),
        number=_number(queued[0]) if queued else 0.0,
        prompt=queued[2] if len(queued) > 2 else None,
        extra_data=queued[3] if len(queued) > 3 else None,
        outputs=tuple(
            HistoryOutput(node_id=str(node_id), images=images_in_output(ui), raw=ui)
            for node_id, ui in outputs.items()
        ),
        status_str=str(status.get("status_str") or ""),
        completed=bool(status.get("completed")),
        messages=tuple(messages),
    )


def parse_history(body: Any, url: str = "") -> list[HistoryItem]:
    """``{prompt_id: item}`` in server order (oldest first)."""
    body = _object(body, "the history", url)
    return [parse_history_item(pid, item) for pid, item in body.items()]
