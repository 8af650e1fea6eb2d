"""Measurement plumbing shared by every benchmark: repeated samples, median/p95, targets,
a results table, JSON output and the regression check against the committed baseline."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
BASELINE = Path(__file__).resolve().parent / "baseline.json"
REGRESSION_FACTOR = 3.0


@dataclass
class Metric:
    name: str
    unit: str
    samples: list[float]
    target: float | None = None  # the metric passes when its p95 (or value) <= target
    higher_is_better: bool = False
    note: str = ""
    judge: str = "p95"  # which statistic is compared with the target: "p95" or "median"

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def judged(self) -> float:
        return self.p95 if self.judge == "p95" else self.median

    @property
    def passed(self) -> bool | None:
        if self.target is None or not self.samples:
            return None
        if self.higher_is_better:
            return self.judged >= self.target
        return self.judged <= self.target

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(median=self.median, p95=self.p95, passed=self.passed)
        return data


@dataclass
class Context:
    quick: bool
    metrics: list[Metric] = field(default_factory=list)

    def repeats(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def add(self, metric: Metric) -> Metric:
        self.metrics.append(metric)
        return metric


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
    late it ran. On a qasync loop this is exactly how long the GUI thread was busy."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.lateness_ms: list[float] = []
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + self.interval
            await asyncio.sleep(self.interval)
            self.lateness_ms.append(max(0.0, (loop.time() - expected) * 1000))

    def __enter__(self) -> LagProbe:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()

    @property
    def max_ms(self) -> float:
        return max(self.lateness_ms, default=0.0)


def render_table(metrics: list[Metric]) -> str:
    rows = [("metric", "median", "p95", "target", "result")]
    for m in metrics:
        target = "" if m.target is None else f"{'≥' if m.higher_is_better else '≤'} {m.target:g}"
        verdict = {None: "report", True: "pass", False: "FAIL"}[m.passed]
        rows.append((f"{m.name} [{m.unit}]", f"{m.median:.2f}", f"{m.p95:.2f}", target, verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_results(metrics: list[Metric], quick: bool, path: Path | None = None) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = path or RESULTS / "latest.json"
    doc = {
        "quick": quick,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "metrics": {m.name: m.to_json() for m in metrics},
    }
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def regressions(metrics: list[Metric], baseline_path: Path = BASELINE) -> list[str]:
    """Metrics more than REGRESSION_FACTOR× worse than the committed baseline."""
    if not baseline_path.exists():
        return []
    base = json.loads(baseline_path.read_text(encoding="utf-8")).get("metrics", {})
    found = []
    for m in metrics:
        ref = base.get(m.name)
        if not ref or not m.samples:
            continue
        old, new = float(ref["median"]), m.median
        # Sub-millisecond numbers are all noise on a shared 2-core machine.
        if m.unit == "ms" and max(old, new) < 2.0:
            continue
        worse = old / new if m.higher_is_better and new > 0 else new / old if old > 0 else 1.0
        if worse > REGRESSION_FACTOR:
            found.append(f"{m.name}: {old:.2f} -> {new:.2f} {m.unit} ({worse:.1f}× worse)")
    return found
