"""Library search over 10,000 items: what the gallery does when an artist types in the search
box or picks a filter (count the matches, fetch the first page of 200 summaries)."""

from __future__ import annotations

from pathlib import Path

from bench.harness import Context, LagProbe, Metric, time_async
from bench.library_fixture import library_for_run, size_label
from desktop.library import Library, LibraryQuery

FIRST_PAGE = 200
SEARCH_TARGET_MS = 50.0

# (label, query): common and rare words, several words, a model filter, an exact seed, CJK text
# (shorter than FTS's trigram minimum, so it takes the LIKE path) and plain browsing.
QUERIES = (
    ("browse newest", LibraryQuery()),
    ("text, common word 'fox'", LibraryQuery(text="fox")),
    ("text, two words 'dragon castle'", LibraryQuery(text="dragon castle")),
    ("text, no match 'zebra'", LibraryQuery(text="zebra")),
    ("text, CJK '猫'", LibraryQuery(text="猫")),
    ("model filter", LibraryQuery(model="model-03.safetensors")),
    ("starred only", LibraryQuery(starred_only=True)),
)


async def _count_and_page(lib: Library, query: LibraryQuery) -> None:
    await lib.count(query)
    await lib.page(query, 0, FIRST_PAGE)


async def run(ctx: Context) -> None:
    root, items, built = await library_for_run(ctx.quick)
    await measure_search(ctx, root, size_label(items))
    if built:
        print(f" (built the {size_label(items)}-item library in {built:.0f} s; cached)", end="")


async def measure_search(ctx: Context, root: Path, label: str) -> None:
    """Every search metric for the library at ``root`` (also used by bench_scale_library)."""
    lib = await Library.open(root)
    try:
        await _count_and_page(lib, LibraryQuery())  # open the catalogue's pages once
        lags: list[float] = []
        for name, query in QUERIES:
            with LagProbe() as probe:
                samples = await time_async(
                    lambda q=query: _count_and_page(lib, q), ctx.repeats(15, 4)
                )
            lags.extend(probe.lateness_ms)
            ctx.add(
                Metric(
                    f"library search {label} items: {name}",
                    "ms",
                    samples,
                    target=SEARCH_TARGET_MS,
                    note=f"count + first page of {FIRST_PAGE} summaries, on the catalogue thread",
                )
            )
        everything = LibraryQuery(text="fox")
        ctx.add(
            Metric(
                f"library search {label} items: all matches of 'fox' (no limit)",
                "ms",
                await time_async(lambda: lib.search(everything), ctx.repeats(5, 2)),
                note="every matching summary at once; the gallery pages instead",
            )
        )
        ctx.add(
            Metric(
                f"event-loop lag during library search ({label} items)",
                "ms",
                lags,
                target=50,
                judge="p99",
                note="lateness of a 5 ms timer on the GUI loop while searching",
            )
        )
    finally:
        await lib.close()
