"""The gallery over a 10,000-item library: first screen of thumbnails (warm and cold thumbnail
cache), scrolling from top to bottom (GUI stalls, frame time) and the memory it costs."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from bench.harness import Context, LagProbe, Metric, settled_rss_mb
from bench.library_fixture import forget_thumbnails, library_for_run, real_items, size_label
from bench.qt_support import PaintWatcher, wait_until
from desktop.library import Library

WINDOW = (1200, 800)
OPEN_LIMIT = 30.0  # seconds before a first screen counts as never finished
STALL_TARGET_MS = 50.0

try:
    from desktop.ui.gallery.view import GalleryView
except ImportError:  # the gallery has not landed yet
    GalleryView = None  # type: ignore[assignment,misc]


def first_screen_ready(view: GalleryView) -> bool:
    """Every tile in the top screenful has its entry and its thumbnail (or a failure)."""
    model, grid = view.model, view.list
    count = model.rowCount()
    if count == 0:
        return False
    area = grid.viewport().rect()
    for row in range(count):
        rect = grid.visualRect(model.index(row))
        if rect.top() > area.bottom():
            break
        if not rect.intersects(area):
            continue
        entry = model.entry(row)
        if entry is None:
            return False
        if view.thumbs.get(entry.key) is None and view.thumbs.failure(entry.key) is None:
            return False
    return True


class FirstScreen(QObject):
    """Notes the first paint of the grid that draws a complete first screen."""

    def __init__(self, view: GalleryView) -> None:
        super().__init__()
        self.view = view
        self.at: float | None = None
        self.done = asyncio.Event()
        view.list.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Checked before the paint runs: if complete now, this paint shows it complete.
        if self.at is None and event.type() == QEvent.Type.Paint and first_screen_ready(self.view):
            self.at = time.perf_counter()
            self.done.set()
        return False

    def close(self) -> None:
        self.view.list.viewport().removeEventFilter(self)


async def close_view(view: QWidget) -> None:
    await view.shutdown()  # type: ignore[attr-defined]
    view.close()
    view.deleteLater()
    await asyncio.sleep(0)


async def open_gallery(lib: Library) -> tuple[GalleryView, float, LagProbe]:
    """A new gallery window; ms from creating it to a painted, complete first screen."""
    async with LagProbe() as probe:
        start = time.perf_counter()
        view = GalleryView(lib)
        view.resize(*WINDOW)
        watch = FirstScreen(view)
        try:
            view.show()
            async with asyncio.timeout(OPEN_LIMIT):
                await watch.done.wait()
        finally:
            watch.close()
    assert watch.at is not None
    return view, (watch.at - start) * 1000, probe


async def _first_screens(
    ctx: Context, lib: Library, label: str, cold: bool, repeats: int, target: float = 1000
) -> list[float]:
    real = await real_items(lib)
    times, stalls, lateness = [], [], []
    worst = (0.0, 0.0)
    for _ in range(repeats):
        if cold:
            await asyncio.to_thread(forget_thumbnails, lib.root, real)
        view, ms, probe = await open_gallery(lib)
        await close_view(view)
        times.append(ms)
        stalls.append(probe.max_ms)
        lateness += probe.lateness_ms
        worst = max(worst, probe.worst)
    kind = "cold (thumbnails made from 1024² PNGs)" if cold else "warm thumbnail cache"
    ctx.add(
        Metric(
            f"gallery {label} items: open to first screen of thumbnails, {kind}",
            "ms",
            times,
            target=target if not cold else None,
            note=f"{WINDOW[0]}×{WINDOW[1]} window; new GalleryView until a paint shows every "
            "visible tile with its thumbnail",
        )
    )
    ctx.add(
        Metric(
            f"gallery {label} items: longest GUI stall while opening, {kind}",
            "ms",
            stalls,
            target=STALL_TARGET_MS,
            judge="max",
            note=f"the worst ({worst[0]:.0f} ms) had this process on a CPU for {worst[1]:.0f} ms",
        )
    )
    return lateness


async def _scroll(ctx: Context, lib: Library, label: str, pages_per_step: int) -> list[float]:
    """Open, then page down to the bottom one step per frame, like a fast fling."""
    before = settled_rss_mb()
    view, _ms, _probe = await open_gallery(lib)
    bar = view.list.verticalScrollBar()
    watcher = PaintWatcher(view.list)
    frames = []
    started = time.perf_counter()
    try:
        async with LagProbe() as probe:
            unchanged = 0
            while unchanged < 3:  # the batched layout may still be growing the range
                if bar.value() >= bar.maximum():
                    unchanged += 1
                    await asyncio.sleep(1 / 60)
                    continue
                unchanged = 0
                watcher.arm()
                step_start = time.perf_counter()
                bar.setValue(min(bar.value() + bar.pageStep() * pages_per_step, bar.maximum()))
                painted = await watcher.painted(5.0)
                frames.append((painted - step_start) * 1000)
                await asyncio.sleep(1 / 60)
            scrolled = time.perf_counter() - started
            thumbs = view.thumbs
            model = view.model

            # A fling can outrun the page loads, and the batched layout may still be growing
            # the range: stay at the bottom (as a hand on the scroll bar would) and give the
            # bottom page time to arrive.
            def at_bottom_and_loaded(m: Any = model, v: Any = view) -> bool:
                v.list.scrollToBottom()
                return m.entry(m.rowCount() - 1) is not None

            with contextlib.suppress(TimeoutError):
                await wait_until(at_bottom_and_loaded, 30.0)
            await wait_until(lambda t=thumbs: not t.pending, 30.0)
        last = view.model.entry(view.model.rowCount() - 1)
        growth = settled_rss_mb() - before
    finally:
        watcher.close()
        await close_view(view)
    del view, watcher, bar, thumbs  # the Python wrappers hold the thumbnail caches' dicts
    await asyncio.sleep(0.05)  # let deleteLater run
    retained = settled_rss_mb() - before
    if last is None:
        raise RuntimeError("scrolled to the bottom but the last page never loaded")
    step = "1 page" if pages_per_step == 1 else f"{pages_per_step} pages"
    ctx.add(
        Metric(
            f"gallery {label} items: scroll frame, {step} per step",
            "ms",
            frames,
            note=f"setValue on the scroll bar until the grid painted; {len(frames)} steps to "
            f"the bottom in {scrolled:.1f} s (60 fps is 16.7 ms)",
        )
    )
    ctx.add(
        Metric(
            f"gallery {label} items: memory growth, open + scroll to the bottom",
            "MB",
            [growth],
            target=150,
            judge="max",
            note="live RSS (after gc and malloc_trim) at the bottom with every thumbnail "
            "loaded, minus the same before opening the gallery",
        )
    )
    ctx.add(
        Metric(
            f"gallery {label} items: memory still held after closing it",
            "MB",
            [retained],
            note="live RSS after closing the gallery minus before opening it: leaks",
        )
    )
    worst = probe.worst
    ctx.add(
        Metric(
            f"gallery {label} items: longest GUI stall while scrolling",
            "ms",
            list(probe.lateness_ms),
            target=STALL_TARGET_MS,
            judge="max",
            note=f"5 ms probe timer; the worst ({worst[0]:.0f} ms) had this process on a CPU "
            f"for {worst[1]:.0f} ms",
        )
    )
    return list(probe.lateness_ms)


async def run(ctx: Context) -> None:
    if GalleryView is None:
        ctx.mark_pending("gallery", "desktop.ui.gallery.GalleryView is not there yet")
        return
    root, items, _built = await library_for_run(ctx.quick)
    label = size_label(items)
    await measure_gallery(ctx, root, label, pages_per_step=1 if not ctx.quick else 4)


async def measure_gallery(
    ctx: Context, root: Path, label: str, pages_per_step: int, first_screen_target: float = 1000
) -> None:
    """Every gallery metric for the library at ``root`` (also used by bench_scale_library)."""
    lib = await Library.open(root)
    try:
        # Memory first, before any other gallery has touched the allocator.
        lateness = await _scroll(ctx, lib, label, pages_per_step=pages_per_step)
        lateness += await _first_screens(
            ctx, lib, label, cold=False, repeats=ctx.repeats(6, 3), target=first_screen_target
        )
        lateness += await _first_screens(ctx, lib, label, cold=True, repeats=ctx.repeats(4, 2))
    finally:
        await lib.close()
    ctx.add(
        Metric(
            f"event-loop lag in the gallery ({label} items: open, scroll)",
            "ms",
            lateness,
            target=STALL_TARGET_MS,
            judge="p99",
            note="every 5 ms probe sample while opening and scrolling the gallery",
        )
    )
