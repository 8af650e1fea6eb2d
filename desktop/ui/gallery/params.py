"""The generation settings of a gallery entry as labelled text rows (viewer side panel and the
compare window's table), plus which rows differ between two entries."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDateTime

from desktop.ui.gallery.sources import GalleryEntry
from desktop.ui.i18n import QT_TRANSLATE_NOOP

CONTEXT = "GalleryParams"
FIELDS: tuple[tuple[str, str], ...] = (
    ("prompt", QT_TRANSLATE_NOOP("GalleryParams", "Prompt")),
    ("negative", QT_TRANSLATE_NOOP("GalleryParams", "Negative prompt")),
    ("seed", QT_TRANSLATE_NOOP("GalleryParams", "Seed")),
    ("steps", QT_TRANSLATE_NOOP("GalleryParams", "Steps")),
    ("cfg", QT_TRANSLATE_NOOP("GalleryParams", "CFG")),
    ("sampler", QT_TRANSLATE_NOOP("GalleryParams", "Sampler")),
    ("scheduler", QT_TRANSLATE_NOOP("GalleryParams", "Scheduler")),
    ("denoise", QT_TRANSLATE_NOOP("GalleryParams", "Denoise")),
    ("model", QT_TRANSLATE_NOOP("GalleryParams", "Model")),
    ("size", QT_TRANSLATE_NOOP("GalleryParams", "Size")),
    ("server", QT_TRANSLATE_NOOP("GalleryParams", "Server")),
    ("time", QT_TRANSLATE_NOOP("GalleryParams", "Time")),
    ("file", QT_TRANSLATE_NOOP("GalleryParams", "File")),
)


def label(field: str) -> str:
    source = dict(FIELDS)[field]
    return QCoreApplication.translate(CONTEXT, source)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def format_time(created: float | None) -> str:
    if created is None:
        return ""
    # ISO order reads the same in every language and sorts in the compare table.
    return QDateTime.fromMSecsSinceEpoch(int(created * 1000)).toString("yyyy-MM-dd HH:mm:ss")


def values(entry: GalleryEntry) -> dict[str, str]:
    p = entry.params
    size = entry.size
    return {
        "prompt": p.positive,
        "negative": p.negative,
        "seed": "" if p.seed is None else str(p.seed),
        "steps": "" if p.steps is None else str(p.steps),
        "cfg": _number(p.cfg),
        "sampler": p.sampler or "",
        "scheduler": p.scheduler or "",
        "denoise": _number(p.denoise),
        "model": ", ".join(p.models),
        "size": f"{size[0]} × {size[1]}" if size else "",
        "server": entry.server_url,
        "time": format_time(entry.created),
        "file": entry.file_name,
    }


# Rows that say where/when, not how: they always differ and are not worth highlighting.
_CIRCUMSTANCES = frozenset({"time", "file", "server"})


def differences(a: GalleryEntry, b: GalleryEntry) -> set[str]:
    """Fields whose values differ (generation settings only)."""
    left, right = values(a), values(b)
    return {f for f, _ in FIELDS if f not in _CIRCUMSTANCES and left[f] != right[f]}
