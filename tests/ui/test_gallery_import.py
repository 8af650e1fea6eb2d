"""Importing a ComfyUI output folder from the gallery: the folder dialog, the progress strip,
new pictures in the grid, Stop, and resuming an import the app did not finish."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop.base.atomic import atomic_write
from desktop.library import Library
from desktop.library.import_folder import ImportProgress, import_folder
from desktop.ui.gallery.import_strip import MARKER, read_unfinished
from tests.ui.app_support import QT_NOISE, wait_until
from tests.ui.gallery_support import open_view
from tests.unit.test_library_import import output_folder

pytestmark = [QT_NOISE]  # the folder dialog under the offscreen platform

PICTURES = 8  # output_folder(…, 6): six PNGs, a real ComfyUI PNG and a WebP


async def test_a_folder_chosen_in_the_dialog_is_imported_with_progress(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    folder = output_folder(tmp_path / "output", 6)
    view = await open_view(qtbot, library)
    try:
        assert view.folder_import.isHidden()
        view.actions_["import"].trigger()
        dialog = view.findChild(QFileDialog, "importFolderDialog")
        assert dialog is not None
        assert dialog.fileMode() is QFileDialog.FileMode.Directory
        dialog.fileSelected.emit(str(folder))  # what choosing the folder sends

        strip = view.folder_import
        assert strip.isVisible()
        assert strip.running
        assert strip.cancel_button.isVisible()
        await wait_until(lambda: not strip.running)
        assert strip.progress is not None
        assert (strip.progress.imported, strip.progress.total) == (PICTURES, PICTURES)
        assert strip.label.text() == "Imported “output”: 8 of 8 · 8 new · 0 unreadable"
        assert not strip.cancel_button.isVisible()
        assert strip.close_button.isVisible()
        await wait_until(lambda: view.model.rowCount() == PICTURES)
        assert read_unfinished(library) is None  # finished: nothing to resume

        # Again: everything is already there, nothing is copied twice.
        task = view.import_folder(folder)
        assert task is not None
        await task
        assert strip.progress is not None
        assert (strip.progress.imported, strip.progress.already) == (0, PICTURES)
        strip.close_button.click()
        assert strip.isHidden()
    finally:
        await view.shutdown()


async def test_an_import_cut_short_is_offered_again_and_resumes(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    folder = output_folder(tmp_path / "output", 6)

    # What a killed app leaves: the marker naming the folder, and the first pictures in.
    def stop_after_first_batch(progress: ImportProgress) -> None:
        if progress.done:
            first.cancel()  # stands in for the kill: nothing after this batch runs

    first = asyncio.ensure_future(
        import_folder(library, folder, stop_after_first_batch, batch_files=3)
    )
    with pytest.raises(asyncio.CancelledError):
        await first
    atomic_write(library.root / MARKER, str(folder))
    assert read_unfinished(library) == folder

    view = await open_view(qtbot, library)
    try:
        strip = view.folder_import
        await strip.offer_resume()
        assert strip.isVisible()
        assert strip.label.text() == "Importing “output” did not finish last time."
        assert strip.resume_button.isVisible()
        strip.resume_button.click()
        assert strip.running
        await wait_until(lambda: not strip.running)
        assert strip.progress is not None
        assert strip.progress.done == PICTURES
        assert strip.progress.already == 3  # the first batch was not imported again
        await wait_until(lambda: view.model.rowCount() == PICTURES)
        assert not (library.root / MARKER).exists()
    finally:
        await view.shutdown()


async def test_stop_keeps_what_is_in_and_is_not_offered_again(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    folder = output_folder(tmp_path / "output", 6)
    view = await open_view(qtbot, library)
    try:
        strip = view.folder_import
        assert view.import_folder(folder) is not None
        strip.cancel_button.click()
        await wait_until(lambda: not strip.running)
        assert strip.resume_button.isVisible()
        assert "stopped" in strip.label.text()
        assert read_unfinished(library) is None
        assert view.import_folder(tmp_path / "missing") is not None
        await wait_until(lambda: not strip.running)
        assert strip.label.text() == "No pictures found in “missing”."
    finally:
        await view.shutdown()
