"""The benchmark harness's bookkeeping: statistics, pass/fail, the regression check, the table
and the results file. Nothing here measures time."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench import report
from bench.harness import (
    Context,
    LagProbe,
    Metric,
    percentile,
    regressions,
    render_table,
    write_results,
)


def test_percentile_interpolates_between_ranks() -> None:
    data = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(data, 0) == 10.0
    assert percentile(data, 50) == 30.0
    assert percentile(data, 100) == 50.0
    assert percentile(data, 95) == pytest.approx(48.0)
    assert percentile(reversed(data), 25) == 20.0


def test_percentile_of_one_sample_and_of_none() -> None:
    assert percentile([7.0], 95) == 7.0
    assert math.isnan(percentile([], 50))


def test_metric_statistics() -> None:
    m = Metric("x", "ms", [5.0, 1.0, 3.0, 100.0, 2.0])
    assert m.median == 3.0
    assert m.p95 == pytest.approx(81.0)
    assert m.p99 == pytest.approx(96.2)
    assert m.max == 100.0


@pytest.mark.parametrize(
    ("judge", "target", "passed"),
    [
        ("median", 3.0, True),
        ("median", 2.9, False),
        ("p95", 81.0, True),
        ("p95", 80.0, False),
        ("max", 100.0, True),
        ("max", 99.9, False),
    ],
)
def test_metric_passes_on_its_judged_statistic(judge: str, target: float, passed: bool) -> None:
    m = Metric("x", "ms", [5.0, 1.0, 3.0, 100.0, 2.0], target=target, judge=judge)
    assert m.passed is passed


def test_higher_is_better_turns_the_comparison_around() -> None:
    m = Metric(
        "rate", "1/s", [90.0, 100.0, 110.0], target=95, higher_is_better=True, judge="median"
    )
    assert m.passed is True
    assert Metric("rate", "1/s", [90.0], target=95, higher_is_better=True).passed is False


def test_a_metric_without_target_or_samples_only_reports() -> None:
    assert Metric("x", "ms", [1.0]).passed is None
    assert Metric("x", "ms", [], target=5).passed is None


def test_an_unknown_judge_is_refused() -> None:
    with pytest.raises(ValueError, match="judge must be one of"):
        Metric("x", "ms", [1.0], judge="mean")


def test_context_repeats_and_pending() -> None:
    assert Context(quick=True).repeats(10, 2) == 2
    ctx = Context(quick=False)
    assert ctx.repeats(10, 2) == 10
    m = ctx.add(Metric("x", "ms", [1.0]))
    ctx.mark_pending("gallery", "not there yet")
    assert ctx.metrics == [m]
    assert ctx.pending == [("gallery", "not there yet")]


def _baseline(tmp_path: Path, **samples: tuple[list[float], str]) -> Path:
    path = tmp_path / "baseline.json"
    metrics = {name: {"samples": data, "unit": unit} for name, (data, unit) in samples.items()}
    path.write_text(json.dumps({"metrics": metrics}), encoding="utf-8")
    return path


def test_regressions_flag_a_best_sample_more_than_three_times_worse(tmp_path: Path) -> None:
    base = _baseline(
        tmp_path,
        slow=([10.0, 50.0], "ms"),
        fine=([10.0, 11.0], "ms"),
        faster=([30.0], "ms"),
    )
    metrics = [
        Metric("slow", "ms", [31.0, 40.0]),
        Metric("fine", "ms", [29.0, 200.0]),  # one slow sample is interference, not code
        Metric("faster", "ms", [3.0]),
        Metric("new", "ms", [1000.0]),  # not in the baseline: nothing to compare
    ]
    assert regressions(metrics, base) == ["slow: best 10.00 -> 31.00 ms (3.1× worse)"]


def test_regressions_for_higher_is_better(tmp_path: Path) -> None:
    base = _baseline(tmp_path, rate=([60.0, 90.0], "1/s"))
    dropped = Metric("rate", "1/s", [10.0, 20.0], higher_is_better=True)
    assert regressions([dropped], base) == ["rate: best 90.00 -> 20.00 1/s (4.5× worse)"]
    assert regressions([Metric("rate", "1/s", [40.0], higher_is_better=True)], base) == []


def test_regressions_ignore_noise_sized_numbers(tmp_path: Path) -> None:
    base = _baseline(tmp_path, tiny=([0.5], "ms"), small=([4.0], "MB"), big=([30.0], "MB"))
    metrics = [
        Metric("tiny", "ms", [4.9, 4.9]),  # under the 5 ms floor
        Metric("small", "MB", [19.0, 19.0]),  # under the 20 MB floor
        Metric("big", "MB", [100.0, 101.0]),
    ]
    assert regressions(metrics, base) == ["big: best 30.00 -> 100.00 MB (3.3× worse)"]


def test_regressions_leave_worst_case_metrics_to_their_targets(tmp_path: Path) -> None:
    base = _baseline(tmp_path, stall=([10.0], "ms"), lag=([10.0], "ms"))
    metrics = [
        Metric("stall", "ms", [90.0], target=50, judge="max"),
        Metric("lag", "ms", [90.0], target=50, judge="p99"),
    ]
    assert regressions(metrics, base) == []


def test_regressions_fall_back_to_a_baseline_median(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"metrics": {"x": {"median": 10.0}}}), encoding="utf-8")
    assert regressions([Metric("x", "ms", [40.0, 41.0])], path) == [
        "x: best 10.00 -> 40.00 ms (4.0× worse)"
    ]


def test_regressions_skip_single_samples(tmp_path: Path) -> None:
    base = _baseline(tmp_path, first=([10.0], "ms"))
    assert regressions([Metric("first", "ms", [100.0])], base) == []
    assert regressions([Metric("first", "ms", [100.0, 90.0])], base) == [
        "first: best 10.00 -> 90.00 ms (9.0× worse)"
    ]


def test_regressions_without_a_baseline_file(tmp_path: Path) -> None:
    assert regressions([Metric("x", "ms", [1e6])], tmp_path / "missing.json") == []


def test_render_table_rows_and_verdicts() -> None:
    table = render_table(
        [
            Metric("open", "ms", [10.0, 20.0, 30.0], target=25),
            Metric("stall", "ms", [1.0, 2.0, 60.0], target=50, judge="max"),
            Metric("import", "ms", [7.0]),
        ]
    ).splitlines()
    assert table[0].split() == ["metric", "n", "median", "p95", "judged", "target", "result"]
    assert set(table[1]) == {"-", " "}
    assert table[2].split() == ["open", "[ms]", "3", "20.00", "29.00", "p95", "≤", "25", "FAIL"]
    assert table[3].split() == [
        "stall", "[ms]", "3", "2.00", "54.20", "60.00", "max", "≤", "50", "FAIL"
    ]  # fmt: skip
    assert table[4].split() == ["import", "[ms]", "1", "7.00", "7.00", "report"]


def test_write_results_round_trips(tmp_path: Path) -> None:
    path = write_results(
        [Metric("open", "ms", [1.0, 3.0], target=5, note="why")],
        quick=True,
        path=tmp_path / "out.json",
        pending=[("gallery", "not there yet")],
        info={"cpus": 2},
    )
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["quick"] is True
    assert doc["machine"] == {"cpus": 2}
    assert doc["pending"] == [{"name": "gallery", "reason": "not there yet"}]
    assert doc["metrics"]["open"] == {
        "name": "open",
        "unit": "ms",
        "samples": [1.0, 3.0],
        "target": 5,
        "higher_is_better": False,
        "note": "why",
        "judge": "p95",
        "median": 2.0,
        "p95": pytest.approx(2.9),
        "p99": pytest.approx(2.98),
        "max": 3.0,
        "passed": True,
    }
    # A results file is also a valid baseline (that is how --update-baseline makes one).
    assert regressions([Metric("open", "ms", [3.0, 3.0])], path) == []
    assert regressions([Metric("open", "ms", [5.5, 6.0])], path) == [
        "open: best 1.00 -> 5.50 ms (5.5× worse)"
    ]


def test_lag_probe_worst_pairs_lateness_with_its_cpu_share() -> None:
    probe = LagProbe()
    assert probe.worst == (0.0, 0.0)
    assert probe.max_ms == 0.0
    probe.lateness_ms = [1.0, 80.0, 3.0]
    probe.on_cpu_ms = [1.0, 20.0, 3.0]
    assert probe.worst == (80.0, 20.0)
    assert probe.max_ms == 80.0


def test_report_renders_a_results_file_as_markdown(tmp_path: Path) -> None:
    path = write_results(
        [
            Metric("open | form", "ms", [10.0, 200.0], target=300),
            Metric("stall", "ms", [1.0, 70.0], target=50, judge="max"),
            Metric("import", "ms", [5.0]),
        ],
        quick=False,
        path=tmp_path / "run.json",
        pending=[("jobs", "not there yet")],
        info={"cpus": 2, "python": "3.11.7", "pyside6": "6.11.3", "load_average": [1.0]},
    )
    lines = report.markdown(json.loads(path.read_text(encoding="utf-8"))).splitlines()
    assert lines[0].startswith("Run: ")
    assert lines[0].endswith(
        ", full mode, 2 CPUs, Python 3.11.7, PySide6 6.11.3, load average before / after: "
        "[1.0] / ?."
    )
    assert lines[2] == "| metric | unit | n | median | p95 | judged | target | result |"
    assert lines[4] == "| open \\| form | ms | 2 | 105 | 190 | 190 | p95 ≤ 300 | pass |"
    assert lines[5] == "| stall | ms | 2 | 35.5 | 66.5 | 70.0 | max ≤ 50 | **FAIL** |"
    assert lines[6] == "| import | ms | 1 | 5.0 | 5.0 |  |  | report |"
    assert lines[-1] == "Pending: jobs (not there yet)."


def test_report_replaces_only_the_generated_block(tmp_path: Path) -> None:
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text(f"intro\n{report.START}\nold table\n{report.END}\noutro\n", encoding="utf-8")
    report.update_doc("| new |", doc)
    assert doc.read_text(encoding="utf-8") == (
        f"intro\n{report.START}\n| new |\n{report.END}\noutro\n"
    )
    bare = tmp_path / "bare.md"
    bare.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no <!-- bench-table:start -->"):
        report.update_doc("| new |", bare)


def test_a_regression_must_show_again_when_re_measured(tmp_path, monkeypatch) -> None:
    import asyncio

    import bench.__main__ as runner

    monkeypatch.setattr(runner, "regressions", lambda ms: regressions(ms, base))
    base = _baseline(tmp_path, noisy=([10.0, 11.0], "ms"), slow=([10.0, 11.0], "ms"))
    reruns: list[list[str]] = []

    async def fake_run_all(ctx, modules, owners):
        reruns.append(modules)
        ctx.add(Metric("noisy", "ms", [10.5, 12.0]))  # the neighbour went quiet
        ctx.add(Metric("slow", "ms", [50.0, 55.0]))  # still slow: a real regression
        return []

    monkeypatch.setattr(runner, "run_all", fake_run_all)
    ctx = Context(quick=True)
    ctx.add(Metric("noisy", "ms", [40.0, 41.0]))
    ctx.add(Metric("slow", "ms", [50.0, 52.0]))
    owners = {"noisy": "bench_a", "slow": "bench_b"}
    worse = asyncio.run(runner.remeasure(ctx, owners))
    assert reruns == [["bench_a", "bench_b"]]
    assert worse == ["slow: best 10.00 -> 50.00 ms (5.0× worse)"]
