"""A studio's archive: the library and gallery benchmarks over 100,000 items.

Full runs only: building the 100,000-item library takes minutes (cached afterwards, like the
10,000-item one in library_fixture). The quick run's stand-ins are bench_library and
bench_gallery over 10,000 items, which measure the same code paths.
"""

from __future__ import annotations

from bench.bench_gallery import GalleryView, measure_gallery
from bench.bench_library import measure_search
from bench.harness import Context
from bench.library_fixture import cached_library, size_label

ITEMS = 100_000
FIRST_SCREEN_TARGET_MS = 300.0
# A fling: 100,000 items are ~7,000 screenfuls; one step per frame, 25 pages a step.
PAGES_PER_STEP = 25


async def run(ctx: Context) -> None:
    if ctx.quick:
        return
    root, built = await cached_library(ITEMS)
    if built:
        print(f" (built the 100k-item library in {built:.0f} s; cached)", end="")
    label = size_label(ITEMS)
    await measure_search(ctx, root, label)
    if GalleryView is None:
        ctx.mark_pending("gallery 100k", "desktop.ui.gallery.GalleryView is not there yet")
        return
    await measure_gallery(
        ctx, root, label, PAGES_PER_STEP, first_screen_target=FIRST_SCREEN_TARGET_MS
    )
