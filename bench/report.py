"""``python -m bench.report [RESULTS.json] [--update-doc]``: the results as a Markdown table.

With ``--update-doc`` the table replaces the generated block of docs/PERFORMANCE.md (between
the ``bench-table`` markers), so the document's appendix always matches a real run.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

from bench.harness import RESULTS
from bench.shared_paths import REPO

DOC = REPO / "docs" / "PERFORMANCE.md"
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"


def _num(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}"


def markdown(doc: dict) -> str:
    machine = doc.get("machine", {})
    kind = "quick" if doc.get("quick") else "full"
    load = f"{machine.get('load_average', '?')} / {machine.get('load_average_after', '?')}"
    lines = [
        f"Run: {doc.get('time', '?')}, {kind} mode, {machine.get('cpus', '?')} CPUs, Python "
        f"{machine.get('python', '?')}, PySide6 {machine.get('pyside6', '?')}, load average "
        f"before / after: {load}.",
        "",
        "| metric | unit | n | median | p95 | judged | target | result |",
        "|---|---|--:|--:|--:|--:|---|---|",
    ]
    for name, m in doc.get("metrics", {}).items():
        target = ""
        judged = ""
        if m.get("target") is not None:
            sign = "≥" if m.get("higher_is_better") else "≤"
            target = f"{m['judge']} {sign} {m['target']:g}"
            judged = _num(m.get(m["judge"], float("nan")))
        verdict = {None: "report", True: "pass", False: "**FAIL**"}[m.get("passed")]
        cells = (
            name.replace("|", "\\|"),
            m["unit"],
            str(len(m["samples"])),
            _num(m["median"]),
            _num(m["p95"]),
            judged,
            target,
            verdict,
        )
        lines.append("| " + " | ".join(cells) + " |")
    for item in doc.get("pending", []):
        lines.append(f"\nPending: {item['name']} ({item['reason']}).")
    return "\n".join(lines)


def update_doc(table: str, doc_path: Path = DOC) -> None:
    text = doc_path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{doc_path} has no {START} … {END} block")
    doc_path.write_text(pattern.sub(f"{START}\n{table}\n{END}", text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("results", nargs="?", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--update-doc", action="store_true", help=f"rewrite the table in {DOC}")
    args = parser.parse_args(argv)
    table = markdown(json.loads(args.results.read_text(encoding="utf-8")))
    if args.update_doc:
        update_doc(table)
        print(f"updated {DOC.relative_to(REPO)}")
    else:
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
