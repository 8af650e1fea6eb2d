"""Draw the small pictures of the starter workflow cards (desktop/assets/starters/*.png).

Run once after changing a card: ``.venv/bin/python scripts/make-starter-cards.py``. The
pictures are plain illustrations drawn with Pillow, 2x size for sharp HiDPI cards.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

W, H = 320, 200
OUT = Path(__file__).resolve().parent.parent / "desktop" / "assets" / "starters"
SKY_TOP, SKY_LOW = (72, 94, 168), (240, 170, 120)
INK = (40, 44, 58)
PAPER = (250, 248, 242)
ACCENT = (232, 96, 64)


def sky(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    x0, y0, x1, y1 = box
    for y in range(y0, y1):
        t = (y - y0) / max(1, y1 - y0 - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(SKY_TOP, SKY_LOW, strict=True))
        draw.line([(x0, y), (x1 - 1, y)], fill=colour)


def landscape(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], soft: bool = False
) -> None:
    """Sky, sun, two hills and a tree inside ``box``."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    sky(draw, box)
    sun = (x0 + w * 0.70, y0 + h * 0.30)
    r = h * 0.13
    draw.ellipse([sun[0] - r, sun[1] - r, sun[0] + r, sun[1] + r], fill=(255, 224, 140))
    far = (96, 140, 120) if not soft else (150, 180, 170)
    near = (52, 104, 78) if not soft else (110, 160, 130)
    draw.polygon(
        [
            (x0, y1),
            (x0, y0 + h * 0.62),
            (x0 + w * 0.35, y0 + h * 0.45),
            (x0 + w * 0.75, y0 + h * 0.66),
            (x1, y0 + h * 0.58),
            (x1, y1),
        ],
        fill=far,
    )
    draw.polygon(
        [
            (x0, y1),
            (x0, y0 + h * 0.80),
            (x0 + w * 0.45, y0 + h * 0.68),
            (x1, y0 + h * 0.86),
            (x1, y1),
        ],
        fill=near,
    )
    tx, ty = x0 + w * 0.25, y0 + h * 0.70
    draw.rectangle([tx - w * 0.01, ty, tx + w * 0.01, ty + h * 0.10], fill=(90, 60, 40))
    draw.polygon(
        [(tx - w * 0.06, ty + h * 0.02), (tx, ty - h * 0.18), (tx + w * 0.06, ty + h * 0.02)],
        fill=(30, 80, 56),
    )


def frame(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    draw.rounded_rectangle(box, radius=10, outline=INK, width=3)


def arrow(draw: ImageDraw.ImageDraw, x0: int, x1: int, y: int) -> None:
    draw.line([(x0, y), (x1 - 10, y)], fill=INK, width=6)
    draw.polygon([(x1, y), (x1 - 16, y - 12), (x1 - 16, y + 12)], fill=INK)


def card() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (W, H), PAPER)
    return image, ImageDraw.Draw(image)


def text_to_image() -> Image.Image:
    image, draw = card()
    draw.rounded_rectangle(
        [18, 50, 110, 150], radius=10, fill=(255, 255, 255), outline=INK, width=3
    )
    for i, length in enumerate((70, 56, 64, 40)):
        draw.line([(30, 72 + i * 20), (30 + length, 72 + i * 20)], fill=(120, 124, 140), width=6)
    arrow(draw, 120, 160, 100)
    box = (172, 30, 302, 170)
    landscape(draw, box)
    frame(draw, box)
    return image


def image_to_image() -> Image.Image:
    image, draw = card()
    left, right = (18, 40, 138, 160), (182, 40, 302, 160)
    landscape(draw, left)
    frame(draw, left)
    arrow(draw, 144, 176, 100)
    landscape(draw, right, soft=True)
    for i in range(6):  # brush strokes: the same picture, repainted
        y = 60 + i * 16
        draw.arc([190 + i * 6, y, 260 + i * 6, y + 30], 200, 330, fill=(255, 255, 255), width=2)
    frame(draw, right)
    return image


def inpaint() -> Image.Image:
    image, draw = card()
    box = (60, 22, 260, 178)
    landscape(draw, box)
    mask = (150, 92, 230, 160)
    draw.rounded_rectangle(mask, radius=14, fill=(255, 255, 255))
    x0, y0, x1, y1 = mask
    for x in range(x0, x1, 12):  # dashed outline of the painted area
        draw.line([(x, y0), (min(x + 6, x1), y0)], fill=ACCENT, width=3)
        draw.line([(x, y1), (min(x + 6, x1), y1)], fill=ACCENT, width=3)
    for y in range(y0, y1, 12):
        draw.line([(x0, y), (x0, min(y + 6, y1))], fill=ACCENT, width=3)
        draw.line([(x1, y), (x1, min(y + 6, y1))], fill=ACCENT, width=3)
    draw.line([(196, 150), (250, 90)], fill=INK, width=8)  # the brush
    draw.ellipse([186, 142, 204, 160], fill=ACCENT)
    frame(draw, box)
    return image


def upscale() -> Image.Image:
    image, draw = card()
    small = (22, 88, 82, 148)
    x0, y0, x1, _y1 = small
    cells = 6  # a pixelated little picture
    step = (x1 - x0) // cells
    for i in range(cells):
        for j in range(cells):
            t = j / cells
            colour = tuple(
                round(a + (b - a) * t) for a, b in zip(SKY_TOP, (52, 104, 78), strict=True)
            )
            draw.rectangle(
                [x0 + i * step, y0 + j * step, x0 + (i + 1) * step - 1, y0 + (j + 1) * step - 1],
                fill=colour,
            )
    frame(draw, small)
    arrow(draw, 92, 140, 118)
    big = (150, 20, 302, 172)
    landscape(draw, big)
    frame(draw, big)
    draw.text((36, 154), "x4", fill=INK)
    return image


CARDS = {
    "text-to-image": text_to_image,
    "image-to-image": image_to_image,
    "inpaint": inpaint,
    "upscale": upscale,
}

if __name__ == "__main__":
    for name, draw_card in CARDS.items():
        draw_card().save(OUT / f"{name}.png", optimize=True)
        print(OUT / f"{name}.png")
