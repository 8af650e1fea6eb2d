"""Where gallery rows come from: the local library or one server's own history. Both give
``GalleryEntry`` values, so the model, delegate, viewer and compare window do not care."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop.library import ExtractedParams, Library, LibraryItem, LibraryQuery
from desktop.library.search_terms import parse_terms, term_matches
from desktop.library.server_history import ServerHistory, ServerImage


@dataclass(frozen=True, slots=True)
class GalleryEntry:
    """One picture in the gallery (a compact summary; graphs are fetched on demand)."""

    key: Hashable
    params: ExtractedParams
    created: float | None
    file_name: str
    server_url: str
    starred: bool = False
    width: int | None = None
    height: int | None = None
    library_id: int | None = None
    path: Path | None = None  # the library file (server images: after download)
    server_image: ServerImage | None = None

    @property
    def in_library(self) -> bool:
        return self.library_id is not None

    @property
    def size(self) -> tuple[int, int] | None:
        width = self.width or self.params.width
        height = self.height or self.params.height
        return (width, height) if width and height else None

    def with_starred(self, starred: bool) -> GalleryEntry:
        return replace(self, starred=starred)


@dataclass(frozen=True, slots=True)
class Details:
    """What the viewer's "Reuse" actions need."""

    prompt: dict[str, Any] | None
    workflow: dict[str, Any] | None


def library_entry(item: LibraryItem) -> GalleryEntry:
    return GalleryEntry(
        key=("library", item.id),
        params=item.params,
        created=item.created,
        file_name=item.file_name,
        server_url=item.server_url,
        starred=item.starred,
        width=item.width,
        height=item.height,
        library_id=item.id,
        path=item.path,
    )


def server_entry(image: ServerImage) -> GalleryEntry:
    return GalleryEntry(
        key=("server", *image.key),
        params=image.params,
        created=image.created,
        file_name=image.ref.filename,
        server_url=image.server_url,
        server_image=image,
    )


class LibrarySource:
    """Rows from the library: counted, then paged on demand (never all at once)."""

    kind = "library"

    def __init__(self, library: Library) -> None:
        self.library = library

    async def count(self, query: LibraryQuery) -> int:
        return await self.library.count(query)

    async def page(self, query: LibraryQuery, offset: int, limit: int) -> list[GalleryEntry]:
        return [library_entry(i) for i in await self.library.page(query, offset, limit)]

    async def thumbnail(self, entry: GalleryEntry) -> Path:
        assert entry.library_id is not None
        return await self.library.thumbnail(entry.library_id)

    async def original(self, entry: GalleryEntry) -> Path:
        assert entry.path is not None
        return entry.path

    async def details(self, entry: GalleryEntry) -> Details:
        item = None if entry.library_id is None else await self.library.get(entry.library_id)
        return Details(None, None) if item is None else Details(item.prompt, item.workflow)


class ServerSource:
    """Rows from a server's history, newest first, one page at a time."""

    kind = "server"

    def __init__(self, history: ServerHistory) -> None:
        self.history = history

    async def thumbnail(self, entry: GalleryEntry) -> Path:
        assert entry.server_image is not None
        return await self.history.thumbnail(entry.server_image)

    async def original(self, entry: GalleryEntry) -> Path:
        assert entry.server_image is not None
        return await self.history.original(entry.server_image)

    async def details(self, entry: GalleryEntry) -> Details:
        assert entry.server_image is not None
        found = await self.history.details(entry.server_image)
        return Details(found.prompt, found.workflow)


def matches(entry: GalleryEntry, text: str) -> bool:
    """Client-side filter for server rows, read like the library's search (every word, seeds
    and dates included; the library filters in SQL)."""
    params = entry.params
    haystack = "\n".join((params.positive, params.negative, *params.models, entry.file_name))
    return all(
        term_matches(term, haystack=haystack, seed=params.seed, created=entry.created)
        for term in parse_terms(text)
    )
