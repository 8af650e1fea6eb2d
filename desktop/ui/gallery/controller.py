"""``GalleryController``: the gallery's actions (star, delete, export, keep, check) as async
work owned by one TaskOwner; the grid and the viewer both call it, so they never disagree."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.library import ExportError, Library, LibraryError
from desktop.ui.gallery.model import GalleryModel
from desktop.ui.gallery.sources import GalleryEntry, ServerSource
from desktop.ui.tasks import TaskOwner

log = logging.getLogger("comfydesk.ui")


class GalleryController(QObject):
    message = Signal(str)  # a sentence for the status line
    deleted = Signal(list)  # keys removed from the library
    kept = Signal(list)  # library ids of server items copied into the library

    def __init__(self, model: GalleryModel, library: Library | None, parent: QObject) -> None:
        super().__init__(parent)
        self.model = model
        self.library = library
        self.tasks = TaskOwner(self, area="gallery", report_to_excepthook=False)
        self.tasks.failed.connect(lambda _name, err: self.message.emit(str(err)))
        self.confirm_box: QMessageBox | None = None

    # -- star ------------------------------------------------------------------------------

    def star(self, entries: Sequence[GalleryEntry], starred: bool) -> asyncio.Task[None]:
        return self.tasks.start(self._star(list(entries), starred), name="gallery star")

    async def _star(self, entries: list[GalleryEntry], starred: bool) -> None:
        library = self._require_library()
        for entry in entries:
            if entry.library_id is None:
                continue
            await library.set_starred(entry.library_id, starred)
            if self.model.query.starred_only and not starred:
                self.model.remove_keys([entry.key])
            else:
                self.model.replace_entry(entry.with_starred(starred))

    # -- delete (asks once) ----------------------------------------------------------------

    def ask_delete(self, entries: Sequence[GalleryEntry], parent: QWidget) -> QMessageBox | None:
        """Ask once, then move the files to the trash. Non-modal (see qasync #59)."""
        chosen = [e for e in entries if e.library_id is not None]
        if not chosen:
            return None
        box = QMessageBox(parent)
        box.setObjectName("galleryDeleteBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Delete Pictures"))
        box.setText(
            self.tr("Move %n picture(s) to the trash?", "", len(chosen))
            if len(chosen) > 1
            else self.tr("Move this picture to the trash?")
        )
        box.setInformativeText(self.tr("They are removed from the library as well."))
        delete = box.addButton(self.tr("Move to Trash"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            self.confirm_box = None
            box.deleteLater()
            if clicked is delete:
                self.delete(chosen)

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()
        return box

    def delete(self, entries: Sequence[GalleryEntry]) -> asyncio.Task[None]:
        return self.tasks.start(self._delete(list(entries)), name="gallery delete")

    async def _delete(self, entries: list[GalleryEntry]) -> None:
        library = self._require_library()
        ids = [e.library_id for e in entries if e.library_id is not None]
        report = await library.delete(ids)
        removed = set(report.removed_ids)
        keys = [e.key for e in entries if e.library_id in removed]
        self.model.remove_keys(keys)
        self.deleted.emit(keys)
        if report.failed:
            reasons = "; ".join(reason for _id, reason in report.failed)
            self.message.emit(
                self.tr("Some pictures could not be deleted: {reasons}").format(reasons=reasons)
            )
        elif report.used_permanent_delete:
            self.message.emit(
                self.tr(
                    "No trash is available here: %n file(s) were deleted for good.",
                    "",
                    len(report.deleted_permanently),
                )
            )
        else:
            self.message.emit(self.tr("Moved %n picture(s) to the trash.", "", len(keys)))

    # -- export ----------------------------------------------------------------------------

    def export(
        self, entries: Sequence[GalleryEntry], folder: Path, *, keep_metadata: bool = True
    ) -> asyncio.Task[list[Path]]:
        return self.tasks.start(
            self._export(list(entries), folder, keep_metadata), name="gallery export"
        )

    async def _export(
        self, entries: list[GalleryEntry], folder: Path, keep_metadata: bool
    ) -> list[Path]:
        library = self._require_library()
        ids = [e.library_id for e in entries if e.library_id is not None]
        try:
            written = await library.export(ids, folder, keep_metadata=keep_metadata)
        except ExportError as err:
            self.message.emit(self.tr("Export finished with problems: {error}").format(error=err))
            return []
        self.message.emit(
            self.tr("Exported %n picture(s) to {folder}.", "", len(written)).format(folder=folder)
        )
        return written

    # -- keep server items -----------------------------------------------------------------

    def keep(self, entries: Sequence[GalleryEntry]) -> asyncio.Task[list[int]]:
        return self.tasks.start(self._keep(list(entries)), name="gallery keep")

    async def _keep(self, entries: list[GalleryEntry]) -> list[int]:
        library = self._require_library()
        source = self.model.source
        if not isinstance(source, ServerSource):
            return []
        ids: list[int] = []
        for entry in entries:
            if entry.server_image is None:
                continue
            item = await source.history.keep(entry.server_image, library)
            ids.append(item.id)
        self.kept.emit(ids)
        self.message.emit(self.tr("Kept %n picture(s) in the library.", "", len(ids)))
        return ids

    # -- check -----------------------------------------------------------------------------

    def check(self) -> asyncio.Task[None]:
        return self.tasks.start(self._check(), name="gallery check")

    async def _check(self) -> None:
        library = self._require_library()
        self.message.emit(self.tr("Checking the library…"))
        report = await library.check()
        if report.clean:
            self.message.emit(self.tr("The library is in order."))
        else:
            text = self.tr("Library checked: {removed}, {added}.").format(
                removed=self.tr("%n missing file(s) removed", "", report.missing_count),
                added=self.tr("%n file(s) added back", "", report.recatalogued_count),
            )
            if report.removed_duplicates:
                copies = len(report.removed_duplicates)
                text += " " + self.tr("%n extra copy(ies) of kept pictures removed.", "", copies)
            self.message.emit(text)
        if self.model.source is not None and self.model.source.kind == "library":
            await self.model.reload()

    # -- helpers ---------------------------------------------------------------------------

    def _require_library(self) -> Library:
        if self.library is None:
            raise LibraryError(self.tr("The library is not open."))
        return self.library

    async def shutdown(self) -> None:
        await self.tasks.shutdown()
