"""Placeholder pictures and image encoding (all synchronous: run in a worker thread)."""

from __future__ import annotations

import colorsys
import io
import json
import random
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps
from PIL.PngImagePlugin import PngInfo

JPEG_QUALITY = 95  # what the real previewer uses


@dataclass(frozen=True)
class Picture:
    """What a placeholder shows; derived from the prompt so each run looks different."""

    width: int
    height: int
    seed: int
    text: str = ""
    steps: int = 20
    init_image: Path | None = None
    denoise: float = 1.0

    def for_batch_item(self, index: int) -> Picture:
        return Picture(
            self.width,
            self.height,
            self.seed + index,
            self.text,
            self.steps,
            self.init_image,
            self.denoise,
        )


# Pillow's built-in font has no CJK glyphs; prompts in Chinese or Japanese would show as boxes.
_CJK_FONTS = (
    "NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "msyh.ttc",  # Windows: Microsoft YaHei
    "/System/Library/Fonts/PingFang.ttc",
)


@lru_cache(maxsize=32)
def _font(size: int, wide: bool = False) -> ImageFont.FreeTypeFont:
    if wide:
        for name in _CJK_FONTS:
            try:
                return ImageFont.truetype(name, max(6, size))
            except OSError:
                continue
    font = ImageFont.load_default(size=max(6, size))
    # Pillow's wheels carry FreeType, so a sized default font is a FreeTypeFont.
    assert isinstance(font, ImageFont.FreeTypeFont)
    return font


def _palette(seed: int) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    rng = random.Random(seed)
    hue = rng.random()
    shift = 0.18 + rng.random() * 0.3
    first = colorsys.hsv_to_rgb(hue, 0.55, 0.95)
    second = colorsys.hsv_to_rgb((hue + shift) % 1.0, 0.7, 0.55)
    return (
        tuple(int(c * 255) for c in first),  # type: ignore[return-value]
        tuple(int(c * 255) for c in second),
    )


def render(picture: Picture, size: tuple[int, int] | None = None) -> Image.Image:
    """A seed-coloured gradient, clearly labelled DEMO, with a snippet of the prompt text."""
    width, height = size or (picture.width, picture.height)
    first, second = _palette(picture.seed)
    vertical = Image.linear_gradient("L")
    horizontal = vertical.transpose(Image.Transpose.ROTATE_90)
    mask = ImageChops.add(vertical, horizontal, scale=2.0).resize((width, height))
    image = Image.composite(
        Image.new("RGB", (width, height), first), Image.new("RGB", (width, height), second), mask
    )
    glow = Image.radial_gradient("L").resize((width, height))
    image = Image.composite(
        image,
        Image.new("RGB", (width, height), (255, 255, 255)),
        glow.point(lambda v: min(255, 150 + v)),
    )
    if picture.init_image is not None:
        try:
            with Image.open(picture.init_image) as source:
                init = ImageOps.fit(source.convert("RGB"), (width, height))
            image = Image.blend(init, image, max(0.0, min(1.0, picture.denoise)) * 0.8)
        except OSError:
            pass  # an unreadable input just leaves the plain gradient
    _label(image, picture)
    return image


def _label(image: Image.Image, picture: Picture) -> None:
    width, height = image.size
    draw = ImageDraw.Draw(image)
    big = _font(min(width // 4, height // 3))
    shadow = (40, 40, 48, 160)
    stroke = max(1, big.size // 48)
    draw.text(
        (width / 2, height * 0.42),
        "DEMO",
        font=big,
        anchor="mm",
        fill=(255, 255, 255),
        stroke_width=stroke,
        stroke_fill=shadow,
    )
    wide = any(ord(ch) > 0x2FFF for ch in picture.text)
    small = _font(max(6, min(width, height) // 16), wide)
    # CJK glyphs are about twice as wide as Latin ones.
    per_char = int(small.size if wide else small.size // 2 + 1)
    lines = textwrap.wrap(picture.text, width=max(8, width // max(1, per_char)))[:2]
    lines.append(f"placeholder · seed {picture.seed}")
    y = height * 0.62
    for line in lines:
        font = small
        # Long seeds (up to 20 digits) must not run off the picture.
        while font.size > 6 and draw.textlength(line, font=font) > width * 0.94:
            font = _font(max(6, int(font.size * 0.85)), wide)
        draw.text(
            (width / 2, y),
            line,
            font=font,
            anchor="ma",
            fill=(255, 255, 255),
            stroke_width=max(1, small.size // 14),
            stroke_fill=shadow,
        )
        y += small.size * 1.3


def preview_base(picture: Picture, preview_size: int) -> Image.Image:
    contained = ImageOps.contain(
        Image.new("RGB", (picture.width, picture.height)), (preview_size, preview_size)
    )
    return render(picture, contained.size)


def preview_jpeg(base: Image.Image, step: int, steps: int, seed: int) -> bytes:
    """The picture emerging from noise as the sampler steps go by."""
    noise = Image.effect_noise(base.size, 40 + seed % 60).convert("RGB")
    frame = Image.blend(noise, base, min(1.0, step / max(1, steps)))
    buffer = io.BytesIO()
    frame.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def png_metadata(prompt: Any, extra_pnginfo: Any) -> PngInfo:
    info = PngInfo()
    if prompt is not None:
        info.add_text("prompt", json.dumps(prompt))
    if isinstance(extra_pnginfo, dict):
        for key, value in extra_pnginfo.items():
            info.add_text(str(key), json.dumps(value))
    return info


def save_png(image: Image.Image, path: Path, metadata: PngInfo, compress_level: int) -> None:
    image.save(path, pnginfo=metadata, compress_level=compress_level)


def save_animated_webp(
    frames: list[Image.Image],
    path: Path,
    prompt: Any,
    extra_pnginfo: Any,
    fps: float,
    lossless: bool,
    quality: int,
) -> None:
    exif = Image.Exif()
    if prompt is not None:
        exif[0x0110] = "prompt:" + json.dumps(prompt)
    if isinstance(extra_pnginfo, dict):
        tag = 0x010F
        for key, value in extra_pnginfo.items():
            exif[tag] = f"{key}:{json.dumps(value)}"
            tag -= 1
    frames[0].save(
        path,
        save_all=True,
        append_images=frames[1:],
        duration=int(1000.0 / max(fps, 0.01)),
        lossless=lossless,
        quality=quality,
        exif=exif,
    )


def image_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def reencode_for_view(path: Path, preview: str | None, channel: str | None) -> tuple[bytes, str]:
    """/view's preview=fmt;quality and channel=rgb|a conversions; returns (body, type)."""
    with Image.open(path) as image:
        buffer = io.BytesIO()
        if preview is not None:
            parts = preview.split(";")
            fmt = parts[0]
            if fmt not in ("webp", "jpeg") or "a" in (channel or ""):
                fmt = "webp"
            quality = int(parts[-1]) if parts[-1].isdigit() else 90
            converted = image.convert("RGB") if fmt == "jpeg" or channel == "rgb" else image
            converted.save(buffer, format=fmt, quality=quality)
            return buffer.getvalue(), f"image/{fmt}"
        if channel == "rgb":
            rgb = (
                Image.merge("RGB", image.split()[:3])
                if image.mode == "RGBA"
                else image.convert("RGB")
            )
            rgb.save(buffer, format="PNG")
            return buffer.getvalue(), "image/png"
        alpha = image.getchannel("A") if image.mode == "RGBA" else Image.new("L", image.size, 255)
        mask = Image.new("RGBA", image.size)
        mask.putalpha(alpha)
        mask.save(buffer, format="PNG")
        return buffer.getvalue(), "image/png"


def merge_mask(original: Path, mask_data: bytes) -> bytes:
    """/upload/mask: the original image with the uploaded image's alpha, text chunks kept."""
    with Image.open(original) as source:
        info = PngInfo()
        for key, value in getattr(source, "text", {}).items():
            info.add_text(key, value)
        merged = source.convert("RGBA")
    with Image.open(io.BytesIO(mask_data)) as mask:
        merged.putalpha(mask.convert("RGBA").getchannel("A"))
    buffer = io.BytesIO()
    merged.save(buffer, format="PNG", compress_level=4, pnginfo=info)
    return buffer.getvalue()


def example_input(path: Path) -> None:
    """The input folder starts with example.png, as on a fresh ComfyUI install."""
    render(Picture(512, 512, seed=0, text="example input")).save(path)
