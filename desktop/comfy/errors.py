"""The client's error tree. Each error carries a sentence an artist can read (``str(err)``);
the technical detail stays on the attributes and in the log."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class ComfyError(Exception):
    """Base of every error the protocol client raises."""


class ServerUnreachable(ComfyError):
    """Nothing answered at the address (refused, DNS failure, timeout, TLS failure)."""

    def __init__(self, url: str, reason: str = "", *, dropped: bool = False) -> None:
        self.url = url
        self.reason = reason
        # The server answered but the connection broke mid-answer (a proxy cutting bodies):
        # retrying callers count these rather than wait for a reconnect.
        self.dropped = dropped
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"ComfyUI is not reachable at {url}{detail}. Start it, check the address, "
            "or try the demo server."
        )


class ServerTooSlow(ServerUnreachable):
    """The server took longer than the timeout to answer, or stopped sending mid-answer. It
    may be reachable but stuck; callers that retry count these tries (they do not wait for a
    reconnect, which may never come)."""

    def __init__(self, url: str, reason: str = "no answer in time") -> None:
        super().__init__(url, reason)


class DownloadTooLarge(ComfyError):
    """A download passed the size cap (``max_download`` of the client)."""

    def __init__(self, url: str, limit: int) -> None:
        self.url = url
        self.limit = limit
        super().__init__(
            f"The file at {url} is larger than the download limit of {limit // 2**20} MB."
        )


class AuthenticationRequired(ComfyError):
    """401/403, or a login page where JSON was expected: a proxy wants credentials."""

    def __init__(self, url: str, status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(
            f"The server at {url} asks for a login. Add an access token or the header "
            "your proxy expects in the connection settings."
        )


@dataclass(frozen=True, slots=True)
class InputError:
    """One entry of ``node_errors[id].errors``; ``input_name`` maps it to a widget."""

    type: str
    message: str
    details: str = ""
    input_name: str | None = None
    extra_info: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NodeError:
    node_id: str
    class_type: str
    errors: tuple[InputError, ...]
    dependent_outputs: tuple[str, ...] = ()


def parse_input_error(raw: Any) -> InputError:
    if not isinstance(raw, Mapping):
        return InputError(type="unknown", message=str(raw))
    raw_extra = raw.get("extra_info")
    extra: Mapping[str, Any] = raw_extra if isinstance(raw_extra, Mapping) else {}
    name = extra.get("input_name")
    return InputError(
        type=str(raw.get("type") or "unknown"),
        message=str(raw.get("message") or ""),
        details=str(raw.get("details") or ""),
        input_name=str(name) if name is not None else None,
        extra_info=dict(extra),
    )


def parse_node_errors(raw: Any) -> tuple[NodeError, ...]:
    if not isinstance(raw, Mapping):
        return ()
    result = []
    for node_id, entry in raw.items():
        if not isinstance(entry, Mapping):
            continue
        raw_errors = entry.get("errors")
        errors: list[Any] = raw_errors if isinstance(raw_errors, list) else []
        deps = entry.get("dependent_outputs")
        result.append(
            NodeError(
                node_id=str(node_id),
                class_type=str(entry.get("class_type") or ""),
                errors=tuple(parse_input_error(e) for e in errors),
                dependent_outputs=tuple(str(d) for d in deps) if isinstance(deps, list) else (),
            )
        )
    return tuple(result)


class PromptRejected(ComfyError):
    """``POST /prompt`` answered 400: the server validated the prompt and refused it."""

    def __init__(self, error: InputError, node_errors: tuple[NodeError, ...] = ()) -> None:
        self.error = error
        self.node_errors = node_errors
        text = error.message or "The server refused the workflow"
        if error.details and not node_errors:
            text = f"{text}: {error.details}"
        super().__init__(text)

    @classmethod
    def from_body(cls, body: Any) -> PromptRejected:
        body = body if isinstance(body, Mapping) else {}
        raw_error = body.get("error")
        if isinstance(raw_error, str):
            error = InputError(type="unknown", message=raw_error)
        else:
            error = parse_input_error(raw_error or {})
        return cls(error, parse_node_errors(body.get("node_errors")))

    def input_errors(self) -> list[tuple[str, InputError]]:
        """Flattened ``(node_id, error)`` pairs."""
        return [(n.node_id, e) for n in self.node_errors for e in n.errors]


class ServerError(ComfyError):
    """An HTTP error status other than the ones above (often 5xx with a plain-text body)."""

    def __init__(self, status: int, url: str, body: str = "") -> None:
        self.status = status
        self.url = url
        self.body = body
        if status == 404:
            text = "The server does not have what was asked for (404)."
        elif status == 413:
            text = "The file is larger than the server accepts (413)."
        elif status >= 500:
            text = f"The server failed while handling the request ({status})."
        else:
            text = f"The server refused the request ({status})."
        # The first line of the server's own text (an HTML page's title), shown as it came.
        self.snippet = _first_line(body)
        super().__init__(f"{text} {self.snippet}".strip())


def _first_line(body: str) -> str:
    """A plain-text body's first line; an HTML page (nginx, a proxy) gives its title."""
    text = body.strip()
    if text[:1] == "<":
        title = re.search(r"<title>([^<]{1,200})</title>", text, re.IGNORECASE)
        return title.group(1).strip() if title else ""
    return text.splitlines()[0][:200] if text else ""


class ProtocolError(ComfyError):
    """The server answered with a shape we do not understand."""

    def __init__(self, message: str, url: str = "") -> None:
        self.url = url
        self.detail = message
        super().__init__(f"Unexpected answer from the server: {message}")
