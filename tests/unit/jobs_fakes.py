"""An in-memory stand-in for ComfyClient plus helpers that replay the real recordings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop.base import atomic
from desktop.comfy.errors import ServerUnreachable
from desktop.comfy.messages import ServerMessage, parse_message
from desktop.comfy.parsing import parse_history_item, parse_queue
from desktop.comfy.types import HistoryItem, ImageRef, QueueSnapshot, SubmitResult
from tests.conftest import shared_path

CAPTURES = shared_path("comfyui-captures")
SUCCESS_ID = "ebcc45e6-e9c6-4ec2-9dd6-1d09d3866739"
ERROR_ID = "d6a987e2-5635-4430-8c79-9be9e6acb100"


def recorded_prompt(scenario: str, name: str = "post_prompt.json") -> dict[str, Any]:
    return json.loads((CAPTURES / scenario / name).read_text())["request"]["json"]["prompt"]


def recorded_messages(scenario: str, rename: dict[str, str] | None = None) -> list[ServerMessage]:
    """The text frames of a recording, parsed; ``rename`` maps recorded prompt ids to ours."""
    out = []
    for line in (CAPTURES / scenario / "ws_submitter.jsonl").read_text().splitlines():
        frame = json.loads(line)
        if "json" not in frame:
            continue
        text = json.dumps(frame["json"])
        for old, new in (rename or {}).items():
            text = text.replace(old, new)
        out.append(parse_message(json.loads(text)))
    return out


def recorded_history(scenario: str, name: str, prompt_id: str) -> HistoryItem:
    body = json.loads((CAPTURES / scenario / name).read_text())["body"]
    return parse_history_item(prompt_id, next(iter(body.values())))


def queue_of(running: list[str] = (), pending: list[str] = ()) -> QueueSnapshot:  # type: ignore[assignment]
    def item(n: int, pid: str) -> list[Any]:
        return [n, pid, {}, {"client_id": "me"}, ["9"]]

    return parse_queue(
        {
            "queue_running": [item(i, p) for i, p in enumerate(running)],
            "queue_pending": [item(10 + i, p) for i, p in enumerate(pending)],
        }
    )


class FakeClient:
    """Answers like ComfyUI from dictionaries the test fills in; records every call."""

    base_url = "http://fake:8188"
    client_id = "me"

    def __init__(self) -> None:
        self.queue_snapshot = queue_of()
        self.history: dict[str, HistoryItem] = {}
        self.files: dict[str, bytes] = {}
        self.calls: list[tuple[Any, ...]] = []
        self.unreachable = False
        self.number = 0

    def _check(self) -> None:
        if self.unreachable:
            raise ServerUnreachable(self.base_url, "test")

    async def submit(
        self,
        prompt: Any,
        *,
        workflow: Any = None,
        extra_data: Any = None,
        front: bool = False,
        prompt_id: str | None = None,
    ) -> SubmitResult:
        self._check()
        assert prompt_id is not None
        self.calls.append(("submit", prompt_id))
        self.number += 1
        self.queue_snapshot = QueueSnapshot(
            self.queue_snapshot.running,
            (*self.queue_snapshot.pending, *queue_of(pending=[prompt_id]).pending),
        )
        return SubmitResult(prompt_id, self.number)

    async def queue(self) -> QueueSnapshot:
        self._check()
        self.calls.append(("queue",))
        return self.queue_snapshot

    async def history_item(self, prompt_id: str) -> HistoryItem | None:
        self._check()
        self.calls.append(("history", prompt_id))
        return self.history.get(prompt_id)

    async def view(
        self, ref: ImageRef, *, preview: str | None = None, prompt_id: str | None = None
    ) -> bytes:
        self._check()
        self.calls.append(("view", ref))
        return self.files[ref.filename]

    async def download(
        self, ref: ImageRef, directory: Path, *, prompt_id: str | None = None
    ) -> Path:
        data = await self.view(ref, prompt_id=prompt_id)
        return atomic.write_temp(directory, data)

    async def delete_queued(self, prompt_ids: list[str]) -> None:
        self.calls.append(("delete", tuple(prompt_ids)))
        keep = tuple(i for i in self.queue_snapshot.pending if i.prompt_id not in prompt_ids)
        self.queue_snapshot = QueueSnapshot(self.queue_snapshot.running, keep)

    async def interrupt(self, prompt_id: str | None = None) -> None:
        self.calls.append(("interrupt", prompt_id))

    def count(self, kind: str) -> int:
        return sum(1 for c in self.calls if c[0] == kind)

    def start_running(self, prompt_id: str) -> None:
        pending = tuple(i for i in self.queue_snapshot.pending if i.prompt_id != prompt_id)
        running = queue_of(running=[prompt_id]).running
        self.queue_snapshot = QueueSnapshot(running, pending)

    def finish(self, prompt_id: str, item: HistoryItem) -> None:
        self.queue_snapshot = QueueSnapshot(
            tuple(i for i in self.queue_snapshot.running if i.prompt_id != prompt_id),
            tuple(i for i in self.queue_snapshot.pending if i.prompt_id != prompt_id),
        )
        self.history[prompt_id] = item


def output_png() -> bytes:
    return Path(CAPTURES / "01-success-with-previews" / "output.png").read_bytes()
