"""Where the GUI thread was when it stalled: a profile of stalls, not of CPU time.

cProfile says where CPU time goes; a 400 ms stall can hide in it as one call among thousands.
``StallSampler`` is a watchdog thread. The lag probe's tick on the loop calls ``beat()``; while
the loop is later than ``threshold_ms`` for its next beat, the watchdog samples the GUI
thread's Python stack every ``every_ms``. Each sample is charged to its stack, so the report
says which code the stalls were spent in.

Off unless asked for: ``BENCH_STALL_STACKS=/path/file.txt python -m bench --only …`` makes
every ``LagProbe`` carry one and append its report to that file.
"""

from __future__ import annotations

import collections
import os
import sys
import threading
import time
from pathlib import Path
from types import FrameType

ENV = "BENCH_STALL_STACKS"
_DEPTH = 14  # innermost frames kept per sample: enough to reach the app's own code


def _stack(frame: FrameType | None) -> tuple[str, ...]:
    out: list[str] = []
    while frame is not None and len(out) < _DEPTH:
        code = frame.f_code
        path = code.co_filename
        for marker in ("/desktop/", "/bench/", "/site-packages/", "/lib/python"):
            if marker in path:
                path = path[path.index(marker) + 1 :]
                break
        out.append(f"{path}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return tuple(out)


class StallSampler:
    def __init__(self, threshold_ms: float = 20.0, every_ms: float = 2.0) -> None:
        self._threshold = threshold_ms / 1000
        self._every = every_ms / 1000
        self._main = threading.main_thread().ident
        self._last = time.perf_counter()
        self._stop = threading.Event()
        self.samples: collections.Counter[tuple[str, ...]] = collections.Counter()
        self._thread = threading.Thread(target=self._watch, name="stall sampler", daemon=True)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._thread.start()

    def beat(self) -> None:
        self._last = time.perf_counter()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(1.0)

    def _watch(self) -> None:
        while not self._stop.wait(self._every):
            if time.perf_counter() - self._last > self._threshold:
                frame = sys._current_frames().get(self._main or 0)
                self.samples[_stack(frame)] += 1

    def report(self, title: str, top: int = 6) -> str:
        total = sum(self.samples.values())
        lines = [f"== {title}: {total} samples of {self._every * 1000:.0f} ms in stalls"]
        by_function: collections.Counter[str] = collections.Counter()
        for stack, count in self.samples.items():
            own = next((f for f in stack if f.startswith("desktop/")), stack[0] if stack else "?")
            by_function[own] += count
        lines.append("-- innermost app frame:")
        for name, count in by_function.most_common(top):
            lines.append(f"{count * self._every * 1000:8.0f} ms  {name}")
        for stack, count in self.samples.most_common(top):
            lines.append(f"-- {count * self._every * 1000:.0f} ms in:")
            lines.extend(f"     {frame}" for frame in stack)
        return "\n".join(lines) + "\n"


def sampler_from_env() -> StallSampler | None:
    return StallSampler() if os.environ.get(ENV) else None


def write_report(sampler: StallSampler, title: str) -> None:
    with Path(os.environ[ENV]).open("a", encoding="utf-8") as out:
        out.write(sampler.report(title))
