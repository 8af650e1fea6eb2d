"""Typed WebSocket events: one frozen dataclass per server message, plus binary frames and the
stream's own connection-state events.

``parse_text`` and ``parse_binary`` never raise on server input: anything unexpected becomes an
``Unknown`` (text) or ``MalformedFrame`` (binary) value that the caller logs and skips.
"""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop.comfy.types import ImageRef, images_in_output

# ----------------------------------------------------------------------------- server messages


@dataclass(frozen=True, slots=True)
class Status:
    queue_remaining: int
    sid: str | None = None


@dataclass(frozen=True, slots=True)
class ExecutionStart:
    prompt_id: str
    timestamp: int | None = None


@dataclass(frozen=True, slots=True)
class ExecutionCached:
    prompt_id: str
    nodes: tuple[str, ...]
    timestamp: int | None = None


@dataclass(frozen=True, slots=True)
class Executing:
    """A node started. ``node is None`` (with our prompt_id) means results are in /history.

    On reconnect the server may replay ``executing`` with no ``prompt_id`` at all.
    """

    prompt_id: str | None
    node: str | None
    display_node: str | None = None

    @property
    def finished(self) -> bool:
        return self.node is None


@dataclass(frozen=True, slots=True)
class Progress:
    prompt_id: str | None
    node: str | None
    value: int
    max: int


@dataclass(frozen=True, slots=True)
class NodeProgress:
    node_id: str
    value: float
    max: float
    state: str
    display_node_id: str | None = None
    parent_node_id: str | None = None
    real_node_id: str | None = None


@dataclass(frozen=True, slots=True)
class ProgressState:
    prompt_id: str | None
    nodes: Mapping[str, NodeProgress]


@dataclass(frozen=True, slots=True)
class Executed:
    prompt_id: str | None
    node: str
    display_node: str | None
    output: Mapping[str, Any] | None
    images: tuple[ImageRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ExecutionSuccess:
    prompt_id: str
    timestamp: int | None = None


@dataclass(frozen=True, slots=True)
class ExecutionError:
    prompt_id: str
    node_id: str | None
    node_type: str | None
    exception_message: str
    exception_type: str
    traceback: tuple[str, ...] = ()
    executed: tuple[str, ...] = ()
    current_inputs: Mapping[str, Any] = field(default_factory=dict)
    timestamp: int | None = None

    @property
    def blocked(self) -> bool:
        """ExecutionBlocker messages look like errors but the prompt keeps running."""
        return self.exception_type == "ExecutionBlocked"


@dataclass(frozen=True, slots=True)
class ExecutionInterrupted:
    prompt_id: str
    node_id: str | None
    node_type: str | None
    executed: tuple[str, ...] = ()
    timestamp: int | None = None


@dataclass(frozen=True, slots=True)
class FeatureFlags:
    flags: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Unknown:
    """A text message we do not model (custom nodes invent their own types)."""

    type: str
    data: Any


# ----------------------------------------------------------------------------- binary frames

EVENT_PREVIEW_IMAGE = 1
EVENT_TEXT = 3
EVENT_PREVIEW_IMAGE_WITH_METADATA = 4


@dataclass(frozen=True, slots=True)
class PreviewImage:
    """A live preview frame. Event 1 carries no ids; event 4 names prompt and node."""

    image: bytes = field(repr=False)
    mime_type: str
    prompt_id: str | None = None
    node_id: str | None = None
    display_node_id: str | None = None
    received_at: float = 0.0  # time.monotonic() when the frame was read from the socket
    event: int = EVENT_PREVIEW_IMAGE


@dataclass(frozen=True, slots=True)
class ProgressText:
    node_id: str
    text: str


@dataclass(frozen=True, slots=True)
class MalformedFrame:
    reason: str
    length: int


# ----------------------------------------------------------------------------- stream states


@dataclass(frozen=True, slots=True)
class Connecting:
    url: str
    attempt: int


@dataclass(frozen=True, slots=True)
class Connected:
    client_id: str
    server_flags: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Disconnected:
    """The socket is down. ``retry_in`` seconds until the next attempt (None: not retrying)."""

    reason: str
    error: Exception | None = None
    retry_in: float | None = None
    auth_required: bool = False


ServerMessage = (
    Status
    | ExecutionStart
    | ExecutionCached
    | Executing
    | Progress
    | ProgressState
    | Executed
    | ExecutionSuccess
    | ExecutionError
    | ExecutionInterrupted
    | FeatureFlags
    | Unknown
)
BinaryMessage = PreviewImage | ProgressText | MalformedFrame
ConnectionEvent = Connecting | Connected | Disconnected
StreamEvent = ServerMessage | BinaryMessage | ConnectionEvent

# The messages that speak of one prompt's run: clients route them to that prompt's job.
JOB_MESSAGES = (
    ExecutionStart,
    ExecutionCached,
    Executing,
    Progress,
    ProgressState,
    Executed,
    ExecutionSuccess,
    ExecutionError,
    ExecutionInterrupted,
)


def starts_running(msg: object) -> bool:
    """The server has begun running the message's prompt."""
    return isinstance(msg, ExecutionStart) or (isinstance(msg, Executing) and bool(msg.node))


def ends_run(msg: object) -> bool:
    """The message's prompt has stopped running: finished, interrupted or failed.

    An error that only reports a blocked node (`blocked`) leaves the rest of the prompt running.
    """
    return isinstance(msg, ExecutionSuccess | ExecutionInterrupted) or (
        isinstance(msg, ExecutionError) and not msg.blocked
    )


# ----------------------------------------------------------------------------- parsing


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _num(value: Any, default: float = 0) -> Any:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else default


def _parse_known(kind: str, d: dict[str, Any]) -> ServerMessage:
    if kind == "status":
        exec_info = (d.get("status") or {}).get("exec_info") or {}
        return Status(int(_num(exec_info.get("queue_remaining"))), _str_or_none(d.get("sid")))
    if kind == "execution_start":
        return ExecutionStart(str(d["prompt_id"]), _int_or_none(d.get("timestamp")))
    if kind == "execution_cached":
        return ExecutionCached(
            str(d["prompt_id"]), _ids(d.get("nodes")), _int_or_none(d.get("timestamp"))
        )
    if kind == "executing":
        return Executing(
            _str_or_none(d.get("prompt_id")),
            _str_or_none(d.get("node")),
            _str_or_none(d.get("display_node")),
        )
    if kind == "progress":
        return Progress(
            _str_or_none(d.get("prompt_id")),
            _str_or_none(d.get("node")),
            int(_num(d.get("value"))),
            int(_num(d.get("max"), 1)),
        )
    if kind == "progress_state":
        nodes = {}
        for node_id, n in (d.get("nodes") or {}).items():
            if not isinstance(n, dict):
                continue
            nodes[str(node_id)] = NodeProgress(
                node_id=str(n.get("node_id", node_id)),
                value=_num(n.get("value")),
                max=_num(n.get("max"), 1),
                state=str(n.get("state") or ""),
                display_node_id=_str_or_none(n.get("display_node_id")),
                parent_node_id=_str_or_none(n.get("parent_node_id")),
                real_node_id=_str_or_none(n.get("real_node_id")),
            )
        return ProgressState(_str_or_none(d.get("prompt_id")), nodes)
    if kind == "executed":
        output = d.get("output")
        return Executed(
            _str_or_none(d.get("prompt_id")),
            str(d["node"]),
            _str_or_none(d.get("display_node")),
            output if isinstance(output, dict) else None,
            images_in_output(output),
        )
    if kind == "execution_success":
        return ExecutionSuccess(str(d["prompt_id"]), _int_or_none(d.get("timestamp")))
    if kind == "execution_error":
        tb = d.get("traceback")
        return ExecutionError(
            prompt_id=str(d["prompt_id"]),
            node_id=_str_or_none(d.get("node_id")),
            node_type=_str_or_none(d.get("node_type")),
            exception_message=str(d.get("exception_message") or ""),
            exception_type=str(d.get("exception_type") or ""),
            traceback=tuple(str(line) for line in tb) if isinstance(tb, list) else (),
            executed=_ids(d.get("executed")),
            current_inputs=d.get("current_inputs") or {},
            timestamp=_int_or_none(d.get("timestamp")),
        )
    if kind == "execution_interrupted":
        return ExecutionInterrupted(
            prompt_id=str(d["prompt_id"]),
            node_id=_str_or_none(d.get("node_id")),
            node_type=_str_or_none(d.get("node_type")),
            executed=_ids(d.get("executed")),
            timestamp=_int_or_none(d.get("timestamp")),
        )
    if kind == "feature_flags":
        return FeatureFlags(dict(d))
    return Unknown(kind, d)


def parse_message(message: Any) -> ServerMessage:
    """Turn one decoded JSON text frame into a typed message; never raises."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return Unknown("", message)
    kind = message["type"]
    data = message.get("data")
    if not isinstance(data, dict):
        return Unknown(kind, data)
    try:
        return _parse_known(kind, data)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return Unknown(kind, data)


def parse_text(text: str) -> ServerMessage:
    try:
        return parse_message(json.loads(text))
    except (ValueError, RecursionError):
        return Unknown("", text)


_IMAGE_FORMATS = {1: "image/jpeg", 2: "image/png"}


def parse_binary(frame: bytes, received_at: float | None = None) -> BinaryMessage:
    """Decode a binary frame (events 1, 3 and 4). Never raises."""
    when = time.monotonic() if received_at is None else received_at
    if len(frame) < 8:
        return MalformedFrame("frame shorter than its header", len(frame))
    event, second = struct.unpack_from(">II", frame, 0)
    if event == EVENT_PREVIEW_IMAGE:
        mime = _IMAGE_FORMATS.get(second)
        if mime is None:
            return MalformedFrame(f"unknown preview image format {second}", len(frame))
        return PreviewImage(bytes(frame[8:]), mime, received_at=when, event=event)
    if event == EVENT_TEXT:
        end = 8 + second
        if end > len(frame):
            return MalformedFrame("text frame node id runs past the end", len(frame))
        try:
            node_id = bytes(frame[8:end]).decode("utf-8")
            text = bytes(frame[end:]).decode("utf-8")
        except UnicodeDecodeError:
            return MalformedFrame("text frame is not UTF-8", len(frame))
        return ProgressText(node_id, text)
    if event == EVENT_PREVIEW_IMAGE_WITH_METADATA:
        end = 8 + second
        if end > len(frame):
            return MalformedFrame("preview metadata runs past the end", len(frame))
        try:
            meta = json.loads(bytes(frame[8:end]).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return MalformedFrame("preview metadata is not JSON", len(frame))
        if not isinstance(meta, dict):
            return MalformedFrame("preview metadata is not an object", len(frame))
        return PreviewImage(
            bytes(frame[end:]),
            str(meta.get("image_type") or "image/jpeg"),
            prompt_id=_str_or_none(meta.get("prompt_id")),
            node_id=_str_or_none(meta.get("node_id")),
            display_node_id=_str_or_none(meta.get("display_node_id")),
            received_at=when,
            event=event,
        )
    return MalformedFrame(f"unknown binary event {event}", len(frame))
