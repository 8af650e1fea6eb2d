"""Frozen values parsed from the service's answers (the documented shapes, nothing more)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any
from urllib.parse import unquote, urlsplit

DEFAULT_BASE_URL = "https://cloud.infini-ai.com"
API_PREFIX = ("api", "maas", "comfy_task_api")


class TaskStatus(IntEnum):
    QUEUED = 1
    RUNNING = 2
    DONE = 3
    FAILED = 4
    NO_PERMISSION = 5

    @property
    def finished(self) -> bool:
        return self >= TaskStatus.DONE


@dataclass(frozen=True, slots=True)
class ResultFile:
    """One signed URL of one output node. ``index`` counts URLs within the node."""

    node_id: str
    url: str
    index: int = 0

    @property
    def filename(self) -> str:
        """The last path component of the URL (the query, which holds the signature, is not
        part of it)."""
        name = unquote(urlsplit(self.url).path.rsplit("/", 1)[-1])
        return name or f"{self.node_id}-{self.index}.png"


@dataclass(frozen=True, slots=True)
class TaskInfo:
    task_id: str
    status: TaskStatus
    queue_size: int | None = None
    position: int | None = None
    err_msg: str = ""
    files: tuple[ResultFile, ...] = ()


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def parse_files(raw: Any) -> tuple[ResultFile, ...]:
    """``"None"`` (sic) until done, then ``{node_id: url}`` or ``{node_id: [url, …]}``."""
    if not isinstance(raw, dict):
        return ()
    files: list[ResultFile] = []
    for node_id, value in raw.items():
        urls = value if isinstance(value, list) else [value]
        files.extend(
            ResultFile(str(node_id), url, index)
            for index, url in enumerate(u for u in urls if isinstance(u, str) and u)
        )
    return tuple(files)


def parse_task_info(raw: Any) -> TaskInfo | None:
    """One entry of ``data.comfy_task_info``; None when it has no id or an unknown status."""
    if not isinstance(raw, dict) or not isinstance(raw.get("comfy_task_id"), str):
        return None
    code = _int_or_none(raw.get("status"))
    if code is None:
        return None
    try:
        status = TaskStatus(code)
    except ValueError:
        return None
    err = raw.get("errMsg")
    return TaskInfo(
        task_id=raw["comfy_task_id"],
        status=status,
        queue_size=_int_or_none(raw.get("queue_size")),
        position=_int_or_none(raw.get("current_position")),
        err_msg=err if isinstance(err, str) else "",
        files=parse_files(raw.get("files")),
    )
