"""The one worker task: takes prompts off the queue and "runs" them, producing the same
message sequence as ComfyUI 0.3.64 (the recordings in tests/data/comfyui-captures)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import traceback
from typing import Any

from desktop.demo import images, nodes
from desktop.demo.graph import DependencyCycleError, ExecutionList, is_link, signatures
from desktop.demo.hub import preview_frame, preview_frame_with_metadata
from desktop.demo.queue import QueueItem
from desktop.demo.state import CacheEntry, DemoState

log = logging.getLogger("comfydesk.demo")
JSON = dict[str, Any]


class Interrupted(Exception):
    pass


def _now_ms() -> int:
    return int(time.time() * 1000)


def _exception_name(exc: BaseException) -> str:
    module = type(exc).__module__
    return type(exc).__qualname__ if module == "builtins" else f"{module}.{type(exc).__qualname__}"


class ProgressState:
    """progress_state messages: every node that is running or finished in this prompt."""

    def __init__(self, run: PromptRun) -> None:
        self.run = run
        self.nodes: dict[str, JSON] = {}

    def _entry(self, node_id: str) -> JSON:
        return self.nodes.setdefault(
            node_id,
            {
                "value": 0.0,
                "max": 1.0,
                "state": "running",
                "node_id": node_id,
                "prompt_id": self.run.prompt_id,
                "display_node_id": node_id,
                "parent_node_id": None,
                "real_node_id": node_id,
            },
        )

    def _send(self) -> None:
        data = {"prompt_id": self.run.prompt_id, "nodes": self.nodes}
        self.run.state.hub.send("progress_state", data, self.run.client_id)

    def start(self, node_id: str) -> None:
        self._entry(node_id).update(value=0.0, max=1.0, state="running")
        self._send()

    def update(self, node_id: str, value: int, maximum: int) -> None:
        self._entry(node_id).update(value=value, max=maximum, state="running")
        self._send()

    def finish(self, node_id: str) -> None:
        entry = self._entry(node_id)
        entry.update(state="finished", value=entry["max"])
        self._send()


class PromptRun:
    def __init__(self, state: DemoState, item: QueueItem) -> None:
        self.state = state
        _, self.prompt_id, self.prompt, self.extra_data, self.outputs = item
        self.client_id: str | None = self.extra_data.get("client_id")
        self.messages: list[list[Any]] = []
        self.progress = ProgressState(self)
        self.executed: list[str] = []
        self.values: dict[str, JSON] = {}
        self.keys: dict[str, str] = {}

    # -- messages --------------------------------------------------------------------------
    def to_client(self, kind: str, data: JSON) -> None:
        """Per-prompt messages go only to the submitting socket, and nowhere without one."""
        if self.client_id is not None:
            self.state.hub.send(kind, data, self.client_id)

    def add_message(self, kind: str, data: JSON, broadcast: bool = False) -> None:
        """A status message that is also kept for the history item."""
        data = {**data, "timestamp": _now_ms()}
        self.messages.append([kind, data])
        if self.client_id is not None or broadcast:
            self.state.hub.send(kind, data, self.client_id)

    # -- running ---------------------------------------------------------------------------
    async def execute(self) -> bool:
        state = self.state
        self.add_message("execution_start", {"prompt_id": self.prompt_id})
        self.keys = await asyncio.to_thread(signatures, self.prompt, self._file_salt)
        state.cache.retain(set(self.keys.values()))
        cached = [node_id for node_id in self.prompt if self.keys[node_id] in state.cache]
        self.add_message("execution_cached", {"nodes": cached, "prompt_id": self.prompt_id})
        order = ExecutionList(
            self.prompt,
            is_cached=lambda node_id: self.keys[node_id] in state.cache,
            is_output=lambda node_id: state.catalog.is_output(self.prompt[node_id]["class_type"]),
        )
        for output_id in self.outputs:
            order.add_node(output_id)
        node_id = ""
        try:
            while not order.is_empty():
                node_id = order.next_node()
                await self._execute_node(node_id)
                order.complete(node_id)
        except Interrupted:
            self._report_interrupt(node_id)
            return False
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._report_error(node_id, exc)
            return False
        self.add_message("execution_success", {"prompt_id": self.prompt_id})
        return True

    def _file_salt(self, _node_id: str, node: JSON) -> str:
        # LoadImage re-runs when its file changes, like its IS_CHANGED hash on a real server.
        if node.get("class_type") not in nodes.IMAGE_LOADERS:
            return ""
        path = self.state.folders.resolve_input_image(str(node.get("inputs", {}).get("image")))
        if path is None:
            return "missing"
        stat = path.stat()
        return f"{stat.st_mtime_ns}:{stat.st_size}"

    def _check_interrupt(self) -> None:
        if self.state.interrupted.is_set():
            raise Interrupted

    async def _step_wait(self) -> None:
        """One sampler step's worth of time; an interrupt ends the wait at once."""
        delay = self.state.step_delay
        if delay <= 0:
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.state.interrupted.wait(), delay)

    async def _execute_node(self, node_id: str) -> None:
        state = self.state
        node = self.prompt[node_id]
        class_type, inputs = node["class_type"], node["inputs"]
        entry = state.cache.get(self.keys[node_id])
        if entry is not None:
            # Only output nodes get here when cached: they replay their UI (or null).
            self.to_client("executed", self._executed_data(node_id, entry.ui))
            self.progress.finish(node_id)
            self.values[node_id] = entry.meta
            return
        self.progress.start(node_id)
        state.last_node_id = node_id
        self.to_client(
            "executing", {"node": node_id, "display_node": node_id, "prompt_id": self.prompt_id}
        )
        self._check_interrupt()
        upstream = {
            name: self._value_of(value[0]) for name, value in inputs.items() if is_link(value)
        }
        nodes.check_runnable(inputs)
        meta = nodes.merge_meta(inputs, upstream)
        if class_type in nodes.IMAGE_LOADERS:
            loaded = await asyncio.to_thread(
                nodes.load_image_meta, state.folders, str(inputs.get("image"))
            )
            meta.update(loaded)
        steps = nodes.sampler_steps(class_type, inputs, meta)
        if steps is not None:
            meta = nodes.sampler_meta(inputs, upstream, meta)
            await self._sample(node_id, steps, meta)
        ui = None
        if state.catalog.is_output(class_type):
            ui = await asyncio.to_thread(
                nodes.save_outputs,
                class_type,
                inputs,
                meta,
                self.prompt,
                self.extra_data,
                state.folders,
            )
        state.cache.set(self.keys[node_id], CacheEntry(meta, ui))
        self.values[node_id] = meta
        self.executed.append(node_id)
        if ui is not None:
            self.to_client("executed", self._executed_data(node_id, ui))
        self.progress.finish(node_id)

    def _value_of(self, node_id: str) -> JSON:
        if node_id in self.values:
            return self.values[node_id]
        entry = self.state.cache.get(self.keys.get(node_id, ""))
        return entry.meta if entry is not None else {}

    def _executed_data(self, node_id: str, ui: JSON | None) -> JSON:
        return {"node": node_id, "display_node": node_id, "output": ui, "prompt_id": self.prompt_id}

    async def _sample(self, node_id: str, steps: int, meta: JSON) -> None:
        state = self.state
        picture = nodes.picture_of(meta)
        base = None
        if state.config.previews:
            base = await asyncio.to_thread(images.preview_base, picture, state.config.preview_size)
        progress = {"value": 0, "max": steps, "prompt_id": self.prompt_id, "node": node_id}
        for step in range(1, steps + 1):
            await self._step_wait()
            self._check_interrupt()
            self.progress.update(node_id, step, steps)
            progress = {**progress, "value": step}
            if base is None:
                state.hub.send("progress", progress, self.client_id)
                continue
            jpeg = await asyncio.to_thread(images.preview_jpeg, base, step, steps, picture.seed)
            if state.hub.supports_metadata(self.client_id):
                metadata = {
                    "node_id": node_id,
                    "prompt_id": self.prompt_id,
                    "display_node_id": node_id,
                    "parent_node_id": None,
                    "real_node_id": node_id,
                    "image_type": "image/jpeg",
                }
                state.hub.send_binary(preview_frame_with_metadata(jpeg, metadata), self.client_id)
                state.hub.send("progress", progress, self.client_id)
            else:
                state.hub.send("progress", progress, self.client_id)
                state.hub.send_binary(preview_frame(jpeg), self.client_id)

    # -- endings ---------------------------------------------------------------------------
    def _failure_base(self, node_id: str) -> JSON:
        node_type = self.prompt[node_id]["class_type"] if node_id in self.prompt else None
        return {
            "prompt_id": self.prompt_id,
            "node_id": node_id,
            "node_type": node_type,
            "executed": list(self.executed),
        }

    def _report_interrupt(self, node_id: str) -> None:
        log.info("prompt %s interrupted at node %s", self.prompt_id, node_id)
        self.add_message("execution_interrupted", self._failure_base(node_id), broadcast=True)

    def _report_error(self, node_id: str, exc: Exception) -> None:
        if isinstance(exc, nodes.NodeFailure):
            message, kind, tb = exc.message, exc.exception_type, list(exc.traceback)
        elif isinstance(exc, DependencyCycleError):
            node_id = next(iter(self.prompt), node_id)
            message, kind, tb = str(exc), "comfy_execution.graph.DependencyCycleError", []
        else:
            log.warning("demo node %s failed", node_id, exc_info=exc)
            message, kind = str(exc), _exception_name(exc)
            tb = traceback.format_tb(exc.__traceback__)
        inputs = self.prompt.get(node_id, {}).get("inputs", {})
        data = {
            **self._failure_base(node_id),
            "exception_message": message,
            "exception_type": kind,
            "traceback": tb,
            "current_inputs": {
                name: [f"<output {value[1]} of node {value[0]}>" if is_link(value) else value]
                for name, value in inputs.items()
            },
            "current_outputs": list(self.prompt),
        }
        self.add_message("execution_error", data)

    def history_result(self) -> JSON:
        outputs: JSON = {}
        meta: JSON = {}
        for node_id in self.prompt:
            entry = self.state.cache.get(self.keys.get(node_id, ""))
            if entry is not None and entry.ui is not None:
                outputs[node_id] = entry.ui
                meta[node_id] = {
                    "node_id": node_id,
                    "display_node": node_id,
                    "parent_node": None,
                    "real_node_id": node_id,
                }
        return {"outputs": outputs, "meta": meta}


async def run_worker(state: DemoState) -> None:
    """Run prompts one at a time until cancelled."""
    while True:
        task_id, item = await state.queue.get()
        state.interrupted.clear()  # an interrupt sent while idle is lost, as on a real server
        run = PromptRun(state, item)
        state.running_client_id = run.client_id
        success = False
        try:
            success = await run.execute()
        except asyncio.CancelledError:
            raise
        except Exception:  # a demo bug must not kill the worker; the prompt ends as an error
            log.exception("demo worker failed on prompt %s", run.prompt_id)
        finally:
            state.last_node_id = None
            state.running_client_id = None
        status = {
            "status_str": "success" if success else "error",
            "completed": success,
            "messages": run.messages,
        }
        state.queue.task_done(task_id, status, run.history_result())
        if run.client_id is not None:
            state.hub.send("executing", {"node": None, "prompt_id": run.prompt_id}, run.client_id)
        if state.free_memory_requested:
            state.free_memory_requested = False
            state.cache.clear()
