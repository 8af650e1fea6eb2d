"""Turn a file into a :class:`Workflow`: API JSON, UI JSON, or a PNG/WebP saved by ComfyUI.

The format is detected from the content, not the extension. Every failure is a
:class:`WorkflowError` whose message names the file. Loading reads and parses synchronously;
call it through :func:`aload_workflow` (or ``asyncio.to_thread``) from the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from desktop.comfy.object_info import ObjectInfo
from desktop.workflow.document import Workflow
from desktop.workflow.errors import (
    FileTooLarge,
    NoWorkflowInImage,
    UiConversionFailed,
    UiFormatNeedsServer,
    UnsupportedFileError,
    WorkflowError,
    WorkflowLoadError,
)
from desktop.workflow.image_metadata import (
    ImageMetadataError,
    is_png,
    is_webp,
    read_image_text,
)

log = logging.getLogger("comfydesk.workflow")

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_JSON_DEPTH = 64

_JSON_START = (b"{", b"[")


def _clean_name(name: str) -> str:
    """A file name safe to show in a sentence: no control characters, not absurdly long."""
    cleaned = "".join(" " if unicodedata.category(c).startswith("C") else c for c in name)
    cleaned = cleaned.strip() or "the file"
    return cleaned if len(cleaned) <= 120 else cleaned[:117] + "…"


def _too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class _BadJson(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _parse_json(data: bytes | str) -> Any:
    try:
        value = json.loads(data)
    except RecursionError as err:
        raise _BadJson("it is nested too deeply") from err
    except json.JSONDecodeError as err:
        raise _BadJson(f"it is not valid JSON (line {err.lineno}, column {err.colno})") from err
    except ValueError as err:  # bad encoding, absurd numbers
        raise _BadJson("it is not valid JSON") from err
    if _too_deep(value):
        raise _BadJson("it is nested too deeply")
    return value


def _is_api(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(node, dict) for node in value.values())
        and any("class_type" in node for node in value.values())
    )


def _is_ui(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("nodes"), list)
        and ("links" in value or "version" in value or "last_node_id" in value or "state" in value)
    )


def _classify(value: Any) -> Literal["api", "ui", "unknown"]:
    if _is_api(value):
        return "api"
    if _is_ui(value):
        return "ui"
    return "unknown"


def _looks_like_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in _JSON_START


def _unwrap_request(value: Any) -> tuple[Any, Any]:
    """A saved ``POST /prompt`` body or history entry: ``{"prompt": {...}, "extra_data": …}``."""
    if isinstance(value, dict) and _is_api(value.get("prompt")):
        extra = value.get("extra_data")
        pnginfo = extra.get("extra_pnginfo") if isinstance(extra, dict) else None
        ui = pnginfo.get("workflow") if isinstance(pnginfo, dict) else None
        return value["prompt"], ui if _is_ui(ui) else None
    return value, None


def _conversion_failed(name: str, err: WorkflowError) -> UiConversionFailed:
    problems = tuple(getattr(err, "problems", ()) or ())
    if getattr(err, "node_types", None):
        # MissingNodesError: its sentence names every class to install, which is what counts.
        return UiConversionFailed(f"Could not open “{name}”: {err}", problems, str(err))
    if not problems:
        return UiConversionFailed(f"Could not convert “{name}”: {err}", (), str(err))
    first = str(problems[0]).rstrip(".")
    more = len(problems) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return UiConversionFailed(
        f"Could not convert “{name}” from the web editor's format: {first}{tail}.",
        problems,
        str(err),
    )


def _from_ui(
    ui: dict[str, Any], name: str, object_info: ObjectInfo | None, source: Path | None
) -> Workflow:
    if object_info is None:
        raise UiFormatNeedsServer(
            f"“{name}” is saved in the web editor's format — connect to a server to open this "
            "workflow."
        )
    try:
        from desktop.workflow.web_convert import convert_ui_workflow

        prompt = convert_ui_workflow(ui, object_info)
    except WorkflowError as err:
        raise _conversion_failed(name, err) from err
    except Exception as err:
        # A converter bug must not take the app down with a file the artist picked.
        log.exception("UI workflow conversion crashed for %s", name)
        raise UiConversionFailed(
            f"Could not convert “{name}” from the web editor's format."
        ) from err
    return Workflow(prompt, ui_workflow=ui, source=source, name=name)


def _from_json(
    value: Any, name: str, object_info: ObjectInfo | None, source: Path | None
) -> Workflow:
    value, ui = _unwrap_request(value)
    kind = _classify(value)
    if kind == "api":
        return Workflow(value, ui_workflow=ui, source=source, name=name)
    if kind == "ui":
        return _from_ui(value, name, object_info, source)
    if isinstance(value, dict) and not value:
        raise WorkflowLoadError(f"“{name}” is an empty JSON object, not a workflow.")
    raise WorkflowLoadError(f"“{name}” is JSON but not a ComfyUI workflow.")


def _from_image_text(
    texts: dict[str, str],
    name: str,
    object_info: ObjectInfo | None,
    source: Path | None,
) -> Workflow:
    ui = None
    if "workflow" in texts:
        try:
            parsed = _parse_json(texts["workflow"])
        except _BadJson:
            parsed = None
        ui = parsed if _is_ui(parsed) else None
    if "prompt" in texts:
        try:
            prompt = _parse_json(texts["prompt"])
        except _BadJson:
            prompt = None
        if _is_api(prompt):
            return Workflow(prompt, ui_workflow=ui, source=source, name=name)
        if ui is None:
            raise NoWorkflowInImage(f"The workflow stored in “{name}” is damaged.")
    if ui is not None:
        return _from_ui(ui, name, object_info, source)
    raise NoWorkflowInImage(
        f"“{name}” has no ComfyUI workflow in it (it may have been saved without metadata)."
    )


def load_workflow_bytes(
    data: bytes,
    name: str,
    object_info: ObjectInfo | None = None,
    *,
    source: Path | None = None,
) -> Workflow:
    """Build a workflow from file contents; ``name`` is used in messages and as its name."""
    name = _clean_name(name)
    if not data:
        raise WorkflowLoadError(f"“{name}” is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLarge(f"“{name}” is too large to be a workflow (over 50 MB).")
    if is_png(data) or is_webp(data):
        try:
            texts = read_image_text(data)
        except ImageMetadataError as err:
            raise WorkflowLoadError(f"Could not read “{name}”: {err}.") from err
        return _from_image_text(texts, name, object_info, source)
    if not _looks_like_json(data):
        raise UnsupportedFileError(
            f"“{name}” is not a file ComfyDesk can open (use a workflow .json, or a .png or "
            ".webp made by ComfyUI)."
        )
    try:
        value = _parse_json(data)
    except _BadJson as err:
        raise WorkflowLoadError(f"Could not open “{name}”: {err.reason}.") from err
    return _from_json(value, name, object_info, source)


def load_workflow(path: Path, object_info: ObjectInfo | None = None) -> Workflow:
    """Read and load a workflow file (blocking: big files are read and parsed here)."""
    path = Path(path)
    name = _clean_name(path.name)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FileTooLarge(f"“{name}” is too large to be a workflow (over 50 MB).")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        reason = (err.strerror or "it could not be opened").rstrip(".").lower()
        raise WorkflowLoadError(f"Could not read “{name}”: {reason}.") from err
    return load_workflow_bytes(data, path.name, object_info, source=path)


async def aload_workflow(path: Path, object_info: ObjectInfo | None = None) -> Workflow:
    """:func:`load_workflow` off the event loop."""
    return await asyncio.to_thread(load_workflow, path, object_info)
