"""Gallery thumbnails in memory: decoded at their real size (3 bytes a pixel when opaque), and a
painted tile keeps its pixmap after the decoded-image cache has let the image go."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop.library import Library
from desktop.ui.gallery.thumbs import ThumbnailCache, decode_file, load_thumbnail
from desktop.ui.gallery.view import GalleryView
from tests.ui.gallery_support import QT_NOISE, add_picture, until

pytestmark = QT_NOISE


async def test_an_opaque_thumbnail_is_stored_as_rgb_at_its_real_size(tmp_path: Path) -> None:
    path = tmp_path / "wide.jpg"
    Image.new("RGB", (256, 100), (200, 30, 40)).save(path, "JPEG", quality=95)
    image = await load_thumbnail(path)
    assert image.format() == QImage.Format.Format_RGB888
    assert (image.width(), image.height()) == (256, 100)
    assert image.sizeInBytes() == 256 * 3 * 100
    color = image.pixelColor(128, 50).getRgb()[:3]
    assert max(abs(got - want) for got, want in zip(color, (200, 30, 40), strict=True)) <= 4


async def test_a_bigger_file_is_scaled_to_the_thumbnail_size(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("RGB", (1024, 512), (0, 0, 255)).save(path)
    image = await load_thumbnail(path)
    assert (image.width(), image.height()) == (256, 128)


def test_transparency_keeps_its_alpha_channel(tmp_path: Path) -> None:
    path = tmp_path / "cutout.png"
    Image.new("RGBA", (40, 20), (10, 20, 30, 0)).save(path)
    raw = decode_file(path, 256, compact=True)
    assert raw.has_alpha
    assert len(raw.pixels) == 40 * 20 * 4
    assert raw.pixels[:4] == bytes((10, 20, 30, 0))


def test_full_size_decoding_for_the_viewer_stays_rgba(tmp_path: Path) -> None:
    path = tmp_path / "opaque.png"
    Image.new("RGB", (30, 10), (1, 2, 3)).save(path)
    raw = decode_file(path)
    assert (raw.width, raw.height, raw.has_alpha) == (30, 10, True)
    assert raw.pixels[:4] == bytes((1, 2, 3, 255))


async def test_a_full_cache_drops_the_least_recently_used_image() -> None:
    cache = ThumbnailCache(capacity=2)
    images = [QImage(4, 4, QImage.Format.Format_RGB888) for _ in range(3)]
    cache.put("a", images[0])
    cache.put("b", images[1])
    assert cache.get("a") is images[0]  # "a" is now the most recently used
    cache.put("c", images[2])
    assert cache.get("b") is None
    assert cache.get("a") is images[0]
    assert cache.get("c") is images[2]
    await cache.shutdown()


async def test_a_painted_tile_needs_no_second_decode(qtbot: QtBot, library: Library) -> None:
    for n in range(3):
        await add_picture(library, n, size=(600, 300))
    view = GalleryView(library)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    await view.loaded()
    try:
        model = view.model
        await until(lambda: all(model.entry(row) is not None for row in range(3)))
        for row in range(3):
            model.data(model.index(row), Qt.ItemDataRole.DecorationRole)
        await until(lambda: all(view.thumbs.get(e.key) is not None for e in model.entries()))
        first = view.list.viewport().grab().toImage()

        view.thumbs.clear()  # the decoded images are gone; the painted pixmaps are not
        again = view.list.viewport().grab().toImage()
        assert view.thumbs.pending == 0  # nothing was requested again
        assert again == first
    finally:
        await view.shutdown()
