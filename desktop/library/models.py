"""Values the library hands out: items, extracted parameters, queries and reports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class ExtractedParams:
    """The generation settings read from an API prompt (best effort; unknown is None)."""

    positive: str = ""
    negative: str = ""
    seed: int | None = None
    steps: int | None = None
    cfg: float | None = None
    sampler: str | None = None
    scheduler: str | None = None
    models: tuple[str, ...] = ()
    width: int | None = None
    height: int | None = None
    denoise: float | None = None


@dataclass(frozen=True, slots=True)
class LibraryItem:
    """One stored result.

    Items from ``search``/``page`` are summaries: ``prompt`` and ``workflow`` are None and
    ``graphs_loaded`` is False (10,000 full graphs would cost ~200 MB). ``get`` and
    ``add_result`` return full items.
    """

    id: int
    prompt_id: str
    server_url: str
    created: float
    node_id: str
    node_title: str
    batch_index: int
    width: int | None
    height: int | None
    path: Path
    file_name: str
    starred: bool
    prompt: dict[str, Any] | None
    workflow: dict[str, Any] | None
    params: ExtractedParams
    sha256: str
    source: str
    server_filename: str = ""
    server_subfolder: str = ""
    size_bytes: int = 0
    graphs_loaded: bool = True


@dataclass(frozen=True, slots=True)
class LibraryQuery:
    """Filters for search/count/page; all given filters must match."""

    text: str = ""  # prompt text, model, node title or file name (substring, any case)
    model: str | None = None  # exact model name, any case
    seed: int | None = None
    since: float | None = None  # created >= since (epoch seconds)
    until: float | None = None  # created < until
    starred_only: bool = False


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What "check library" found and did."""

    removed_missing: tuple[Path, ...] = ()  # rows whose file was gone (rows removed)
    recatalogued: tuple[Path, ...] = ()  # files without a row, now catalogued
    removed_duplicates: tuple[Path, ...] = ()  # files without a row whose bytes were catalogued
    removed_partial: tuple[Path, ...] = ()  # interrupted writes (temp or empty files) removed
    skipped: tuple[Path, ...] = ()  # symlinks or unreadable files left alone
    removed_thumbnails: int = 0
    errors: tuple[str, ...] = field(default=())

    @property
    def missing_count(self) -> int:
        return len(self.removed_missing)

    @property
    def recatalogued_count(self) -> int:
        return len(self.recatalogued)

    @property
    def clean(self) -> bool:
        return not (
            self.removed_missing
            or self.recatalogued
            or self.removed_duplicates
            or self.removed_partial
            or self.skipped
        )


@dataclass(frozen=True, slots=True)
class CatalogDamage:
    """The catalogue could not be read: it was set aside and a fresh one started, so new
    results are still kept. "Check library" puts the pictures already in the folder back."""

    reason: str  # what SQLite (or the version check) said
    kept_as: Path | None  # the damaged catalogue, renamed and left in the library folder


@dataclass(frozen=True, slots=True)
class DeleteReport:
    removed_ids: tuple[int, ...] = ()
    trashed: tuple[Path, ...] = ()  # moved to the system trash
    deleted_permanently: tuple[Path, ...] = ()  # no trash available: removed for good
    failed: tuple[tuple[int, str], ...] = ()  # (item id, reason); row and file kept

    @property
    def used_permanent_delete(self) -> bool:
        return bool(self.deleted_permanently)


def dumps_graph(graph: object | None) -> str | None:
    if graph is None:
        return None
    return json.dumps(graph, ensure_ascii=False, separators=(",", ":"), default=str)
