"""The large viewer and the compare window: zoom and pan, flipping with the arrow keys,
"Reuse parameters" / "Reuse seed", star and delete, and highlighted differences."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.library import Library, LibraryQuery
from desktop.ui.gallery import params
from desktop.ui.gallery.export_dialog import picture_folder, remember_folder
from desktop.ui.gallery.view import GalleryView
from desktop.ui.gallery.viewer import ImageViewer
from tests.ui.gallery_support import QT_NOISE, UI_WORKFLOW, FakeTrash, add_picture, until

pytestmark = QT_NOISE
BIG_SEED = 2**53 + 11  # beyond 32 bits and beyond a double's exact range


@pytest.fixture
async def view(qtbot: QtBot, library: Library) -> AsyncIterator[GalleryView]:
    sizes = [(300, 200), (120, 240), (640, 480)]  # oldest first; rows are newest first
    for n, size in enumerate(sizes):
        await add_picture(library, n, f"picture {n}", size=size, seed=BIG_SEED + n, steps=20 + n)
    gallery = GalleryView(library)  # not qtbot.addWidget: it would delete before shutdown
    await gallery.loaded()
    await until(lambda: gallery.model.entry(2) is not None)
    yield gallery
    await gallery.shutdown()
    gallery.close()
    gallery.deleteLater()


async def opened(view: GalleryView, row: int) -> ImageViewer:
    viewer = view.open_viewer(row)
    await until(lambda: viewer.row == row and viewer.original is not None)
    return viewer


async def test_viewer_zooms_pans_and_flips_with_the_arrow_keys(qtbot, view):
    viewer = await opened(view, 0)
    viewer.resize(1000, 700)
    canvas = viewer.canvas
    assert (canvas.image.width(), canvas.image.height()) == (640, 480)  # the original
    assert viewer.fields["prompt"].text() == "picture 2"
    assert canvas.fitted
    viewer._actions["actual"].trigger()
    assert not canvas.fitted
    assert canvas.zoom == 1.0
    assert viewer.zoom_label.text() == " 100 %"
    viewer._actions["zoom_in"].trigger()
    assert canvas.zoom == pytest.approx(1.25)
    viewer._actions["zoom_out"].trigger()
    canvas.set_zoom(4.0)
    before = canvas.center
    canvas.pan_by(40, 0)  # drag right: the view moves left over the image
    assert canvas.center.x() == pytest.approx(before.x() - 10)
    canvas.set_zoom(2.0, anchor=QPointF(100, 100))
    viewer._actions["fit"].trigger()
    assert canvas.fitted

    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    await until(lambda: viewer.original is not None and viewer.row == 1)
    await until(lambda: canvas.image is not None and canvas.image.width() == 120)
    assert viewer.entry == view.model.entry(1)
    assert viewer.fields["size"].text() == "120 × 240"
    assert view.selected_entries() == [view.model.entry(1)]  # the grid follows
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    await until(lambda: viewer.row == 2)
    qtbot.keyClick(viewer, Qt.Key.Key_Right)  # at the end: stays
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    await until(lambda: viewer.row == 1)
    assert viewer.fields["seed"].text() == str(BIG_SEED + 1)


async def test_reuse_parameters_emits_the_exact_prompt_and_workflow(qtbot, view, library):
    viewer = await opened(view, 1)
    stored = await library.get(viewer.entry.library_id)
    reused, seeds = [], []
    view.reuse_parameters.connect(lambda prompt, workflow: reused.append((prompt, workflow)))
    view.reuse_seed.connect(seeds.append)
    qtbot.mouseClick(viewer.buttons["reuse_parameters"], Qt.MouseButton.LeftButton)
    await until(lambda: reused)
    assert reused == [(stored.prompt, UI_WORKFLOW)]
    assert reused[0][0]["3"]["inputs"]["seed"] == BIG_SEED + 1
    qtbot.mouseClick(viewer.buttons["reuse_seed"], Qt.MouseButton.LeftButton)
    assert seeds == [BIG_SEED + 1]


async def test_copy_prompt_and_save_as_keep_the_original_bytes(qtbot, view, tmp_path):
    viewer = await opened(view, 0)
    qtbot.mouseClick(viewer.buttons["copy_prompt"], Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "picture 2"
    await viewer.save_as(tmp_path / "copy.png")
    assert (tmp_path / "copy.png").read_bytes() == viewer.original.read_bytes()
    assert viewer.drag_handle.mime_urls()[0].toLocalFile() == str(viewer.original)


async def test_save_as_opens_in_the_pictures_folder_then_the_last_one(qtbot, view, tmp_path):
    remember_folder(None)  # as in a fresh run of the app
    viewer = await opened(view, 0)
    qtbot.mouseClick(viewer.buttons["save_as"], Qt.MouseButton.LeftButton)
    dialog = viewer.findChild(QFileDialog, "viewerSaveDialog")
    assert Path(dialog.directory().absolutePath()) == picture_folder()
    assert Path(dialog.directory().absolutePath()) != Path.cwd()
    target = tmp_path / "chosen" / "mine.png"
    target.parent.mkdir()
    dialog.fileSelected.emit(str(target))  # what choosing a file in the dialog sends
    dialog.reject()
    await until(target.is_file)
    assert target.stat().st_mode & 0o777 != 0o600
    qtbot.mouseClick(viewer.buttons["save_as"], Qt.MouseButton.LeftButton)
    again = [d for d in viewer.findChildren(QFileDialog, "viewerSaveDialog") if d.isVisible()]
    assert Path(again[-1].directory().absolutePath()) == target.parent
    again[-1].reject()


async def test_star_and_delete_from_the_viewer(qtbot, view, library, monkeypatch):
    monkeypatch.setattr("desktop.library.store.send2trash", FakeTrash())
    viewer = await opened(view, 0)
    first = viewer.entry
    viewer._actions["star"].trigger()
    await until(lambda: view.model.entry(0).starred)
    assert viewer._actions["star"].isChecked()
    assert (await library.get(first.library_id)).starred

    viewer._actions["delete"].trigger()
    box = view.controller.confirm_box
    assert isinstance(box, QMessageBox)
    assert box.text() == "Move this picture to the trash?"
    next(b for b in box.buttons() if b.text() == "Move to Trash").click()
    await until(lambda: view.model.rowCount() == 2)
    await until(lambda: viewer.entry is not None and viewer.entry.key != first.key)
    assert viewer.entry == view.model.entry(0)  # the next picture moved up into view
    assert await library.count(LibraryQuery()) == 2


async def test_compare_highlights_exactly_the_differences(qtbot, view):
    view.select_rows([0, 2])
    window = view.compare_selected()
    assert window is not None
    await until(lambda: all(c.image is not None for c in window.canvases))
    assert window.differences == {"prompt", "seed", "steps", "size"}
    fields = [f for f, _ in params.FIELDS]
    for row, field in enumerate(fields):
        item = window.table.item(row, 0)
        assert QFont(item.font()).bold() == (field in window.differences), field
    seed_row = fields.index("seed")
    assert window.table.item(seed_row, 0).text() == str(BIG_SEED + 2)
    assert window.table.item(seed_row, 1).text() == str(BIG_SEED)
    assert window.stack.currentIndex() == 0
    window.slider_mode.setChecked(True)
    assert window.stack.currentIndex() == 1
    window.slider.set_split(1.7)
    assert window.slider.split == 1.0
    window.slider.resize(400, 300)
    window.slider.grab()  # paints both pictures and the divider
    await window.shutdown()


async def test_compare_needs_two_pictures(view):
    view.select_rows([0])
    assert view.compare_selected() is None
    assert not view.actions_["compare"].isEnabled()
