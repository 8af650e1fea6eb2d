"""Measurement plumbing shared by every benchmark: repeated samples, median/p95, targets,
a results table, JSON output and the regression check against the committed baseline."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.stall_stacks import sampler_from_env, write_report

RESULTS = Path(__file__).resolve().parent / "results"
BASELINE = Path(__file__).resolve().parent / "baseline.json"
REGRESSION_FACTOR = 3.0
# Below these a >3× change is scheduling noise, not a regression (2 shared cores).
NOISE_FLOOR = {"ms": 5.0, "MB": 20.0}


@dataclass
class Metric:
    name: str
    unit: str
    samples: list[float]
    target: float | None = None  # the metric passes when its judged statistic <= target
    higher_is_better: bool = False
    note: str = ""
    judge: str = "p95"  # the statistic compared with the target: see JUDGES

    def __post_init__(self) -> None:
        if self.judge not in JUDGES:
            raise ValueError(f"judge must be one of {', '.join(JUDGES)}, not {self.judge!r}")

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)

    @property
    def max(self) -> float:
        return max(self.samples, default=float("nan"))

    @property
    def judged(self) -> float:
        return float(getattr(self, self.judge))

    @property
    def passed(self) -> bool | None:
        if self.target is None or not self.samples:
            return None
        if self.higher_is_better:
            return self.judged >= self.target
        return self.judged <= self.target

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(
            median=self.median, p95=self.p95, p99=self.p99, max=self.max, passed=self.passed
        )
        return data


JUDGES = ("median", "p95", "p99", "max")


@dataclass
class Context:
    quick: bool
    metrics: list[Metric] = field(default_factory=list)
    # Benchmarks that could not run because their feature has not landed: (name, reason).
    pending: list[tuple[str, str]] = field(default_factory=list)

    def repeats(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def add(self, metric: Metric) -> Metric:
        self.metrics.append(metric)
        return metric

    def mark_pending(self, name: str, reason: str) -> None:
        self.pending.append((name, reason))


def percentile(samples: Iterable[float], pct: float) -> float:
    data = sorted(samples)
    if not data:
        return float("nan")
    k = (len(data) - 1) * pct / 100
    lo = int(k)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def time_call(fn: Callable[[], object], repeats: int) -> list[float]:
    """Wall time of ``fn`` in milliseconds, ``repeats`` times."""
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


async def time_async(fn: Callable[[], Awaitable[object]], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


class LagProbe:
    """Measures event-loop stalls: a callback scheduled every ``interval`` seconds records how
    late it ran. On a qasync loop this is exactly how long the GUI thread was busy.

    Prefer ``async with LagProbe() as probe:``, which also catches a stall at the very end."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.lateness_ms: list[float] = []
        # Per tick: how much of the lateness this process spent on a CPU (any thread). On a
        # shared machine a late tick with little CPU time was another process's doing.
        self.on_cpu_ms: list[float] = []
        self._task: asyncio.Task | None = None
        self._ticked = asyncio.Event()
        self._sampler = sampler_from_env()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + self.interval
            cpu = time.process_time()
            await asyncio.sleep(self.interval)
            if self._sampler is not None:
                self._sampler.beat()
            late = max(0.0, (loop.time() - expected) * 1000)
            self.lateness_ms.append(late)
            self.on_cpu_ms.append(min(late, (time.process_time() - cpu) * 1000))
            self._ticked.set()

    def __enter__(self) -> LagProbe:
        if self._sampler is not None:
            self._sampler.start()
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self._sampler is not None:
            self._sampler.stop()
            write_report(
                self._sampler, f"{len(self.lateness_ms)} ticks, longest {self.max_ms:.0f} ms"
            )
            self._sampler = None

    async def __aenter__(self) -> LagProbe:
        return self.__enter__()

    async def __aexit__(self, *exc: object) -> None:
        # A stall at the very end of the measured work only shows when the probe's pending
        # tick runs, so wait for one more tick before stopping.
        if self._task is not None:
            self._ticked.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await self._ticked.wait()
        self.__exit__()

    @property
    def max_ms(self) -> float:
        return max(self.lateness_ms, default=0.0)

    @property
    def p99_ms(self) -> float:
        return percentile(self.lateness_ms, 99) if self.lateness_ms else 0.0

    @property
    def worst(self) -> tuple[float, float]:
        """(longest lateness, the part of it this process was on a CPU), in ms."""
        if not self.lateness_ms:
            return 0.0, 0.0
        i = max(range(len(self.lateness_ms)), key=self.lateness_ms.__getitem__)
        return self.lateness_ms[i], self.on_cpu_ms[i]


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux: current; elsewhere: the peak so far)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError, AttributeError):
        import resource  # not on Windows; fine for a benchmark helper

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def settled_rss_mb() -> float:
    """RSS after a full gc and, with glibc, after handing freed heap pages back to the OS, so
    the number is live memory rather than what the allocator keeps around for reuse."""
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass  # not glibc (e.g. musl): the plain RSS will do
    return rss_mb()


def machine_info() -> dict[str, object]:
    """What the numbers were measured on; the load average says how busy the machine was."""
    info: dict[str, object] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        pass
    try:
        import PySide6

        info["pyside6"] = PySide6.__version__
    except ImportError:
        pass
    return info


def render_table(metrics: list[Metric]) -> str:
    """One row per metric. ``judged`` repeats the statistic the target is compared with when
    it is not already a column (p99, max)."""
    rows = [("metric", "n", "median", "p95", "judged", "target", "result")]
    for m in metrics:
        target = judged = ""
        if m.target is not None:
            sign = "≥" if m.higher_is_better else "≤"
            target = f"{m.judge} {sign} {m.target:g}"
            if m.judge not in ("median", "p95"):
                judged = f"{m.judged:.2f}"
        verdict = {None: "report", True: "pass", False: "FAIL"}[m.passed]
        rows.append(
            (
                f"{m.name} [{m.unit}]",
                str(len(m.samples)),
                f"{m.median:.2f}",
                f"{m.p95:.2f}",
                judged,
                target,
                verdict,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_results(
    metrics: list[Metric],
    quick: bool,
    path: Path | None = None,
    *,
    pending: list[tuple[str, str]] | None = None,
    info: dict[str, object] | None = None,
) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = path or RESULTS / "latest.json"
    doc = {
        "quick": quick,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": info if info is not None else machine_info(),
        "metrics": {m.name: m.to_json() for m in metrics},
        "pending": [{"name": name, "reason": reason} for name, reason in pending or []],
    }
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def _best(samples: Iterable[float], higher_is_better: bool) -> float:
    return max(samples) if higher_is_better else min(samples)


def regressions(metrics: list[Metric], baseline_path: Path = BASELINE) -> list[str]:
    """Metrics more than REGRESSION_FACTOR× worse than the committed baseline.

    Compares the *best* sample of each side: other processes on a shared machine only ever
    make a sample slower, so the best one is the steadiest estimate of the code's own cost.
    Worst-case metrics (judged on p99 or max: GUI stalls, loop lag) are left to their targets;
    they measure the scheduler as much as the code."""
    if not baseline_path.exists():
        return []
    base = json.loads(baseline_path.read_text(encoding="utf-8")).get("metrics", {})
    found = []
    for m in metrics:
        ref = base.get(m.name)
        if not ref or not m.samples or m.judge in ("p99", "max"):
            continue
        # A single sample (a first-ever fetch, a cold start) is too noisy to judge alone.
        if len(m.samples) < 2:
            continue
        old_samples = ref.get("samples") or [ref["median"]]
        old = float(_best(old_samples, m.higher_is_better))
        new = _best(m.samples, m.higher_is_better)
        # Tiny numbers are all noise on a shared 2-core machine.
        if max(old, new) < NOISE_FLOOR.get(m.unit, 0.0):
            continue
        worse = old / new if m.higher_is_better and new > 0 else new / old if old > 0 else 1.0
        if worse > REGRESSION_FACTOR:
            found.append(f"{m.name}: best {old:.2f} -> {new:.2f} {m.unit} ({worse:.1f}× worse)")
    return found
