"""The gallery grid through its real widgets: filter bar, star, delete, export, thumbnails,
virtual paging of a large library."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QToolButton

from desktop.library import LibraryQuery, read_png_metadata
from desktop.library.synthetic import populate_synthetic
from desktop.ui.gallery.export_dialog import ExportDialog, picture_folder, remember_folder
from desktop.ui.gallery.model import PAGE, PAGES_WANTED
from desktop.ui.gallery.view import GalleryView
from tests.ui.gallery_support import QT_NOISE, FakeTrash, add_picture, open_view, until

pytestmark = QT_NOISE


@pytest.fixture
def trash(monkeypatch: pytest.MonkeyPatch) -> FakeTrash:
    fake = FakeTrash()
    monkeypatch.setattr("desktop.library.store.send2trash", fake)
    return fake


async def test_search_and_star_through_the_filter_bar_and_star_button(qtbot, library):
    for n, text in enumerate(["a red fox", "castle at dusk", "fox cub", "castle ruins"]):
        await add_picture(library, n, text)
    view = await open_view(qtbot, library)
    try:
        assert view.model.rowCount() == 4
        qtbot.keyClicks(view.search, "FOX")
        await until(lambda: view.model.rowCount() == 2)
        await view.loaded()
        await until(lambda: all(e is not None for e in view.model.entries()))
        assert [e.params.positive for e in view.model.entries()] == ["fox cub", "a red fox"]

        view.select_rows([1])
        star = view.findChild(QToolButton, "gallery_star_button")
        assert star.isEnabled()
        qtbot.mouseClick(star, Qt.MouseButton.LeftButton)
        await until(lambda: view.model.entry(1).starred)
        red_fox = view.model.entry(1)
        assert (await library.get(red_fox.library_id)).starred

        qtbot.mouseClick(view.starred_only, Qt.MouseButton.LeftButton)
        await view.loaded()
        await until(lambda: view.model.rowCount() == 1 and view.model.entry(0) is not None)
        assert view.model.entry(0).key == red_fox.key
        view.search.clear()
        await until(lambda: view.model.query.text == "")
        await view.loaded()
        assert view.model.rowCount() == 1  # still only starred ones

        view.select_rows([0])
        qtbot.mouseClick(star, Qt.MouseButton.LeftButton)  # unstar: leaves the starred view
        await until(lambda: view.model.rowCount() == 0)
        assert not (await library.get(red_fox.library_id)).starred
    finally:
        await view.shutdown()


async def test_delete_asks_once_then_trashes_the_files(qtbot, library, trash):
    items = [await add_picture(library, n) for n in range(3)]
    view = await open_view(qtbot, library)
    try:
        await until(lambda: view.model.entry(2) is not None)
        view.select_rows([0, 2])  # the newest and the oldest
        view.actions_["delete"].trigger()
        box = view.controller.confirm_box
        assert isinstance(box, QMessageBox)
        assert box.text() == "Move 2 pictures to the trash?"
        move = next(b for b in box.buttons() if b.text() == "Move to Trash")
        qtbot.mouseClick(move, Qt.MouseButton.LeftButton)
        await until(lambda: view.model.rowCount() == 1)
        assert view.model.entry(0).library_id == items[1].id
        assert sorted(trash.trashed) == sorted([items[0].path, items[2].path])
        assert await library.count(LibraryQuery()) == 1
        assert view.status.text() == "Moved 2 pictures to the trash."
    finally:
        await view.shutdown()


async def test_cancelling_the_question_deletes_nothing(qtbot, library, trash):
    await add_picture(library, 1)
    view = await open_view(qtbot, library)
    try:
        await until(lambda: view.model.entry(0) is not None)
        view.select_rows([0])
        view.actions_["delete"].trigger()
        box = view.controller.confirm_box
        box.button(QMessageBox.StandardButton.Cancel).click()
        await until(lambda: view.controller.confirm_box is None)
        assert view.model.rowCount() == 1
        assert trash.trashed == []
    finally:
        await view.shutdown()


async def test_export_copies_the_selection(qtbot, library, tmp_path):
    items = [await add_picture(library, n) for n in range(3)]
    view = await open_view(qtbot, library)
    try:
        await until(lambda: view.model.entry(2) is not None)
        view.select_rows([0, 1])
        written = await view.export_selected_to(tmp_path / "out")
        assert sorted(p.name for p in written) == sorted([items[2].file_name, items[1].file_name])
        assert all(p.read_bytes() == i.path.read_bytes() for p, i in
                   zip(sorted(written), sorted([items[2], items[1]], key=lambda i: i.file_name),
                       strict=True))  # fmt: skip
    finally:
        await view.shutdown()


async def test_a_thumbnail_arrives_as_a_change_of_one_row(qtbot, library):
    for n in range(3):
        await add_picture(library, n, size=(600, 300))
    view = await open_view(qtbot, library)
    try:
        model = view.model
        await until(lambda: model.entry(2) is not None)
        view.thumbs.clear()
        changes = []
        model.dataChanged.connect(lambda a, b, roles: changes.append((a.row(), b.row(), roles)))
        assert model.data(model.index(1), Qt.ItemDataRole.DecorationRole) is None  # placeholder
        await until(lambda: (1, 1, [Qt.ItemDataRole.DecorationRole]) in changes)
        image = model.data(model.index(1), Qt.ItemDataRole.DecorationRole)
        assert isinstance(image, QImage)
        assert (image.width(), image.height()) == (256, 128)
    finally:
        await view.shutdown()


async def test_a_damaged_file_gets_a_failed_tile_not_a_crash(qtbot, library):
    item = await add_picture(library, 1)
    item.path.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    view = await open_view(qtbot, library)
    try:
        model = view.model
        await until(lambda: model.entry(0) is not None)
        model.data(model.index(0), Qt.ItemDataRole.DecorationRole)
        await until(lambda: view.thumbs.failure(model.entry(0).key) is not None)
        assert model.data(model.index(0), Qt.ItemDataRole.DecorationRole) is None
        view.grab()  # paints the failed placeholder
    finally:
        await view.shutdown()


async def test_a_large_library_is_loaded_page_by_page(qtbot, library):
    await populate_synthetic(library, 2 * PAGE + 50)
    view = await open_view(qtbot, library)
    try:
        model = view.model
        assert model.rowCount() == 2 * PAGE + 50
        await until(lambda: model.entry(0) is not None)
        loaded = sum(e is not None for e in model.entries())
        assert loaded == PAGE  # only what is on screen

        def scrolled_to_the_end() -> bool:
            view.list.scrollToBottom()  # again while the batched layout is still growing
            return model.entry(2 * PAGE + 49) is not None

        await until(scrolled_to_the_end)
        assert model.entry(PAGE) is None  # the middle page was never needed
        last = model.entry(2 * PAGE + 49)
        assert last.file_name == "ComfyUI_00000_.png"  # newest first: the oldest is last
    finally:
        await view.shutdown()


async def test_after_a_fling_the_page_on_screen_loads_first(qtbot, library):
    """A fling asks for every page it passes; the page it stops on must not wait behind
    them (at 100,000 items it waited more than 30 s)."""
    pages = 12
    await populate_synthetic(library, pages * PAGE)
    view = await open_view(qtbot, library)
    try:
        model = view.model
        await until(lambda: model.entry(0) is not None)
        for page in range(1, pages):  # one paint per page passed, faster than pages load
            model.index(page * PAGE).data()
        await until(lambda: model.entry((pages - 1) * PAGE) is not None)
        await view.model.shutdown()  # no later paint asks again: see what was loaded
        loaded = [p for p in range(pages) if model.entry(p * PAGE) is not None]
        assert loaded[-1] == pages - 1
        assert len(loaded) <= 1 + PAGES_WANTED  # the first page and the newest asked for
    finally:
        await view.shutdown()


async def test_check_library_reports_and_reloads(qtbot, library):
    items = [await add_picture(library, n) for n in range(2)]
    items[0].path.unlink()
    view = await open_view(qtbot, library)
    try:
        assert view.model.rowCount() == 2
        await view.check_library()
        await view.loaded()
        assert view.model.rowCount() == 1
        assert view.status.text() == (
            "Library checked: 1 missing file removed, 0 files added back."
        )
    finally:
        await view.shutdown()


async def test_check_library_removes_copies_of_kept_pictures(qtbot, library):
    item = await add_picture(library, 0)
    (item.path.parent / "copy.png").write_bytes(item.path.read_bytes())
    view = await open_view(qtbot, library)
    try:
        await view.check_library()
        await view.loaded()
        assert view.model.rowCount() == 1
        assert view.status.text() == (
            "Library checked: 0 missing files removed, 0 files added back. "
            "1 extra copy of kept pictures removed."
        )
        assert not (item.path.parent / "copy.png").exists()
    finally:
        await view.shutdown()


def test_png_support_writes_real_images(tmp_path):
    from tests.ui.gallery_support import png, prompt_for

    path = tmp_path / "x.png"
    path.write_bytes(png(prompt_for(3), (20, 10), 1))
    with Image.open(path) as im:
        assert im.size == (20, 10)
        assert '"seed": 3' in im.text["prompt"]


async def test_the_search_box_finds_seeds_and_days(qtbot, library):
    # add_picture makes picture n at 1_700_000_000 + n·60 s: all on one day, 14 Nov 2023.
    made = [await add_picture(library, n, seed=1000 + n) for n in range(3)]
    day = datetime.fromtimestamp(made[0].created).strftime("%Y-%m-%d")
    view = await open_view(qtbot, library)
    try:
        assert view.model.rowCount() == 3
        qtbot.keyClicks(view.search, "1001")
        await until(lambda: view.model.rowCount() == 1)
        await until(lambda: view.model.entry(0) is not None)
        assert view.model.entry(0).library_id == made[1].id
        view.search.clear()
        qtbot.keyClicks(view.search, f"seed:1002 {day}")
        await until(lambda: view.model.query.text == f"seed:1002 {day}")
        await view.loaded()
        await until(lambda: view.model.rowCount() == 1 and view.model.entry(0) is not None)
        assert view.model.entry(0).library_id == made[2].id
        view.search.clear()
        qtbot.keyClicks(view.search, "1999-01-01")
        await until(lambda: view.model.rowCount() == 0)
        assert view.list.hint()[0] == "Nothing matches"
    finally:
        await view.shutdown()


def star_pixels(view: GalleryView, row: int) -> int:
    """Pixels of the star badge's colour painted on one tile."""
    shot = view.list.viewport().grab().toImage()
    rect = view.list.visualRect(view.model.index(row))
    ratio = shot.devicePixelRatio()
    found = 0
    for x in range(int(rect.left() * ratio), int(rect.right() * ratio)):
        for y in range(int(rect.top() * ratio), int((rect.top() + 40) * ratio)):
            colour = shot.pixelColor(x, y)
            if colour.red() > 230 and 160 < colour.green() < 220 and colour.blue() < 60:
                found += 1
    return found


async def test_starred_tiles_wear_a_star_badge(qtbot, library):
    await add_picture(library, 1)
    await add_picture(library, 2)
    view = await open_view(qtbot, library)
    try:
        await until(lambda: view.model.entry(1) is not None)
        assert star_pixels(view, 0) == 0
        assert star_pixels(view, 1) == 0
        view.select_rows([1])
        qtbot.mouseClick(
            view.findChild(QToolButton, "gallery_star_button"), Qt.MouseButton.LeftButton
        )
        await until(lambda: view.model.entry(1).starred)
        await until(lambda: star_pixels(view, 1) > 20)
        assert star_pixels(view, 0) == 0
    finally:
        await view.shutdown()


async def test_export_asks_where_and_can_leave_the_metadata_out(qtbot, library, tmp_path):
    item = await add_picture(library, 1)
    remember_folder(None)  # as in a fresh run of the app
    view = await open_view(qtbot, library)
    try:
        await until(lambda: view.model.entry(0) is not None)
        view.select_rows([0])
        qtbot.mouseClick(
            view.findChild(QToolButton, "gallery_export_button"), Qt.MouseButton.LeftButton
        )
        dialog = view.findChild(ExportDialog)
        assert dialog is not None
        assert dialog.isVisible()
        assert dialog.chosen_folder() == picture_folder()
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        assert dialog.chosen_folder() in (Path(pictures), Path.home())
        assert dialog.chosen_folder() != Path.cwd()
        assert dialog.keep_metadata.isChecked()
        dialog.folder.setText(str(tmp_path / "plain"))
        qtbot.mouseClick(dialog.keep_metadata, Qt.MouseButton.LeftButton)
        assert not dialog.keep_metadata.isChecked()
        export = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert export.text() == "Export"
        qtbot.mouseClick(export, Qt.MouseButton.LeftButton)
        out = tmp_path / "plain" / item.file_name
        await until(out.is_file)
        await until(lambda: view.status.text().startswith("Exported 1 picture to"))
        assert read_png_metadata(out.read_bytes()) == (None, None)
        assert read_png_metadata(item.path.read_bytes())[0] is not None
        # The next export (or Save As) starts in the folder used last.
        assert picture_folder() == tmp_path / "plain"
    finally:
        await view.shutdown()
