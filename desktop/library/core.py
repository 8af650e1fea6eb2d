"""The library's synchronous core: files plus catalogue rows. Every method runs on the one
worker thread that owns the SQLite connection (see store.Library)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import Catalog, NewItem, ResultKey
from .errors import CatalogDamagedError, LibraryError
from .extract import extract_params
from .files import ensure_inside, month_folder, name_for_content, replace_file, write_new_file
from .imaging import probe_size
from .metadata import read_png_metadata
from .models import CatalogDamage, DeleteReport, LibraryItem, dumps_graph

log = logging.getLogger("comfydesk.library")

CATALOG_NAME = "catalog.sqlite3"
NEEDS_CHECK = "catalog.needs-check.json"  # a damaged catalogue was replaced; not checked yet
IMAGES_DIR = "images"
THUMBS_DIR = "thumbs"


def set_aside(catalog: Path) -> Path | None:
    """Rename a damaged catalogue (and its WAL files) to ``catalog.damaged-<time>.sqlite3``
    next to it; the new name, or None when there was no file."""
    if not catalog.exists():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = catalog.with_name(f"{catalog.stem}.damaged-{stamp}{catalog.suffix}")
    n = 1
    while kept.exists():
        kept = catalog.with_name(f"{catalog.stem}.damaged-{stamp}-{n}{catalog.suffix}")
        n += 1
    for extra in ("-wal", "-shm"):
        side = catalog.with_name(catalog.name + extra)
        if side.exists():
            os.replace(side, kept.with_name(kept.name + extra))
    os.replace(catalog, kept)
    return kept


@dataclass(frozen=True, slots=True)
class ResultInfo:
    """What the jobs layer knows about one server output."""

    server_filename: str
    prompt_id: str
    server_url: str
    node_id: str
    node_title: str = ""
    batch_index: int = 0
    prompt: Mapping[str, Any] | None = None
    workflow: Mapping[str, Any] | None = None
    subfolder: str = ""
    created: float | None = None
    source: str = "job"


class LibraryCore:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()
        self.images = self.root / IMAGES_DIR
        self.thumbs = self.root / THUMBS_DIR
        self.images.mkdir(exist_ok=True)
        self.thumbs.mkdir(exist_ok=True)
        ensure_inside(self.root, self.images)
        self.damage: CatalogDamage | None = None
        try:
            self.catalog = Catalog(self.root, self.root / CATALOG_NAME)
        except CatalogDamagedError as err:
            self.catalog = self._fresh_catalog(err)
        else:
            self.damage = self._unchecked_damage()

    def _fresh_catalog(self, err: CatalogDamagedError) -> Catalog:
        """Set the unreadable catalogue aside (never delete it) and start an empty one, so
        new results are still kept; the pictures on disk are all still there."""
        kept = set_aside(self.root / CATALOG_NAME)
        log.error("The catalogue is damaged (%s); kept as %s, starting a new one", err, kept)
        catalog = Catalog(self.root, self.root / CATALOG_NAME)
        self.damage = CatalogDamage(err.reason, kept)
        # Until "check library" runs, every start says so (else the next start looks empty).
        note = {"reason": err.reason, "kept_as": kept.name if kept is not None else None}
        replace_file(self.root / NEEDS_CHECK, json.dumps(note).encode())
        return catalog

    def _unchecked_damage(self) -> CatalogDamage | None:
        try:
            note = json.loads((self.root / NEEDS_CHECK).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            note = {}
        note = note if isinstance(note, dict) else {}
        kept = note.get("kept_as")
        return CatalogDamage(
            str(note.get("reason") or "unknown"),
            self.root / kept if isinstance(kept, str) and "/" not in kept else None,
        )

    def replace_damaged_catalog(self, err: CatalogDamagedError) -> None:
        """The catalogue broke while in use: close it and carry on with a fresh one."""
        with contextlib.suppress(sqlite3.Error):
            self.catalog.close()
        self.catalog = self._fresh_catalog(err)

    def repaired(self) -> None:
        """ "Check library" ran on the fresh catalogue: the pictures are listed again."""
        self.damage = None
        with contextlib.suppress(FileNotFoundError):
            (self.root / NEEDS_CHECK).unlink()

    def close(self) -> None:
        self.catalog.close()

    # -- adding ----------------------------------------------------------------------------

    def add_result(self, data: bytes, info: ResultInfo) -> LibraryItem:
        key: ResultKey = (info.prompt_id, info.node_id, info.subfolder, info.server_filename)
        existing = self.catalog.find_result(key) if info.prompt_id else None
        sha = hashlib.sha256(data).hexdigest()
        if existing is None:
            existing = self.catalog.find_sha(sha)
            if existing is not None and info.prompt_id:
                # Same bytes under another key: remember the key so it stays exactly-once.
                self.catalog.add_result_key(key, existing)
        if existing is not None:
            item = self.catalog.get(existing)
            if item is not None:
                return item
        created = time.time() if info.created is None else info.created
        name = name_for_content(info.server_filename, data)
        path = write_new_file(self.root, self.images / month_folder(created), name, data)
        embedded_prompt, embedded_workflow = (None, None)
        if info.prompt is None or info.workflow is None:
            embedded_prompt, embedded_workflow = read_png_metadata(data)
        prompt = info.prompt if info.prompt is not None else embedded_prompt
        workflow = info.workflow if info.workflow is not None else embedded_workflow
        new = self._new_item(path, data, sha, created, prompt, workflow, info)
        item_id = self.catalog.insert(new, key if info.prompt_id else None)
        item = self.catalog.get(item_id)
        assert item is not None  # just inserted on this thread
        return item

    def _new_item(
        self,
        path: Path,
        data: bytes,
        sha: str,
        created: float,
        prompt: Mapping[str, Any] | None,
        workflow: Mapping[str, Any] | None,
        info: ResultInfo,
    ) -> NewItem:
        size = probe_size(data)
        return NewItem(
            rel_path=path.relative_to(self.root).as_posix(),
            file_name=path.name,
            sha256=sha,
            size_bytes=len(data),
            created=created,
            params=extract_params(prompt, workflow, output_node=info.node_id or None),
            prompt_json=dumps_graph(prompt),
            workflow_json=dumps_graph(workflow),
            prompt_id=info.prompt_id,
            server_url=info.server_url,
            node_id=info.node_id,
            node_title=info.node_title,
            batch_index=info.batch_index,
            width=size[0] if size else None,
            height=size[1] if size else None,
            server_filename=info.server_filename,
            server_subfolder=info.subfolder,
            source=info.source,
        )

    def catalogue_existing(
        self, path: Path, source: str = "recovered", *, data: bytes | None = None
    ) -> LibraryItem:
        """Add a row for a file already inside ``images/`` (check library); ``data`` is its
        content when the caller has read it already."""
        data = path.read_bytes() if data is None else data
        prompt, workflow = read_png_metadata(data)
        info = ResultInfo(server_filename=path.name, prompt_id="", server_url="", node_id="",
                          source=source)  # fmt: skip
        created = path.stat().st_mtime
        new = self._new_item(
            path, data, hashlib.sha256(data).hexdigest(), created, prompt, workflow, info
        )
        item = self.catalog.get(self.catalog.insert(new, None))
        assert item is not None
        return item

    # -- reading ---------------------------------------------------------------------------

    def get(self, item_id: int) -> LibraryItem | None:
        return self.catalog.get(item_id)

    def item_file(self, item_id: int) -> LibraryItem:
        item = self.catalog.get(item_id)
        if item is None:
            raise LibraryError(f"Item {item_id} is not in the library.")
        ensure_inside(self.root, item.path)
        return item

    # -- removing and exporting ------------------------------------------------------------

    def delete(
        self,
        item_ids: Sequence[int],
        trash: Callable[[str], None] | None,
        *,
        permanent_fallback: bool,
    ) -> DeleteReport:
        removed: list[int] = []
        shas: set[str] = set()
        trashed: list[Path] = []
        permanent: list[Path] = []
        failed: list[tuple[int, str]] = []
        for item_id in dict.fromkeys(item_ids):
            item = self.catalog.get(item_id)
            if item is None:
                continue
            try:
                how = self._remove_file(item.path, trash, permanent_fallback=permanent_fallback)
            except (OSError, LibraryError) as err:
                log.warning("could not delete %s: %s", item.path, err)
                failed.append((item_id, f"{item.file_name}: {err}"))
                continue
            if how == "trash":
                trashed.append(item.path)
            elif how == "permanent":
                permanent.append(item.path)
            removed.append(item_id)
            shas.add(item.sha256)
        self.catalog.delete_rows(removed)
        for sha in shas:
            if self.catalog.find_sha(sha) is None:
                for thumb in (self.thumbs / sha[:2]).glob(f"{sha}-*.jpg"):
                    with contextlib.suppress(OSError):
                        thumb.unlink()
        if permanent:
            log.warning("no system trash: %d file(s) deleted permanently", len(permanent))
        return DeleteReport(tuple(removed), tuple(trashed), tuple(permanent), tuple(failed))

    def _remove_file(
        self, path: Path, trash: Callable[[str], None] | None, *, permanent_fallback: bool
    ) -> str:
        if not os.path.lexists(path):
            return "missing"
        ensure_inside(self.root, path.parent)  # the file itself may be a hostile symlink
        if trash is not None:
            try:
                trash(str(path))
            except OSError as err:
                if not permanent_fallback:
                    raise
                log.warning("moving %s to the trash failed (%s); deleting it", path, err)
            else:
                return "trash"
        os.unlink(path)
        return "permanent"

    def drop_unused_thumbnails(self) -> int:
        used = self.catalog.shas()
        removed = 0
        for thumb in self.thumbs.glob("*/*.jpg"):
            if thumb.name.split("-", 1)[0] not in used:
                with contextlib.suppress(OSError):
                    thumb.unlink()
                    removed += 1
        return removed

    def resolve(self, item_ids: Sequence[int]) -> list[tuple[int, LibraryItem | None]]:
        return [(item_id, self.catalog.get(item_id)) for item_id in item_ids]
