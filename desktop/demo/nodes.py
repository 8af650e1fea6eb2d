"""What the demo does for each node class: no AI, just enough bookkeeping to draw a fitting
placeholder (size from the latent or the loaded image, seed, prompt text) and to save it the
way the real output nodes do."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.demo import images
from desktop.demo.config import BROKEN_CHECKPOINT
from desktop.demo.files import Folders, save_target
from desktop.demo.graph import is_link

JSON = dict[str, Any]
Meta = dict[str, Any]

SAMPLERS = frozenset({"KSampler", "KSamplerAdvanced", "SamplerCustom", "SamplerCustomAdvanced"})
IMAGE_LOADERS = frozenset({"LoadImage", "LoadImageMask"})
_TEMP_LETTERS = "abcdefghijklmnopqrstupvxyz"  # the real PreviewImage's alphabet, typo included

_BROKEN_TRACEBACK = [
    '  File "desktop/demo/nodes.py", line 1, in load_checkpoint\n'
    "    (demo server: this checkpoint is deliberately broken)\n",
    '  File "comfy/utils.py", line 59, in load_torch_file\n'
    '    with safetensors.safe_open(ckpt, framework="pt", device=device.type) as f:\n',
]


@dataclass(frozen=True)
class NodeFailure(Exception):
    """A run-time failure reported as execution_error."""

    message: str
    exception_type: str
    traceback: tuple[str, ...]


def check_runnable(inputs: Mapping[str, Any]) -> None:
    """A loader given broken.safetensors fails like a corrupt file on a real server."""
    if BROKEN_CHECKPOINT in (value for value in inputs.values() if isinstance(value, str)):
        raise NodeFailure(
            "Error while deserializing header: header too large\n",
            "safetensors._safetensors_rust.SafetensorError",
            tuple(_BROKEN_TRACEBACK),
        )


def merge_meta(inputs: Mapping[str, Any], upstream: Mapping[str, Meta]) -> Meta:
    """Facts flowing along links (first linked input wins), overridden by the node's own
    widget values that matter for the picture."""
    meta: Meta = {}
    for name, value in inputs.items():
        if is_link(value) and name in upstream:
            for key, fact in upstream[name].items():
                meta.setdefault(key, fact)
    own = {
        "width": inputs.get("width"),
        "height": inputs.get("height"),
        "batch": inputs.get("batch_size"),
        "seed": inputs.get("seed", inputs.get("noise_seed")),
        "text": inputs.get("text"),
        "steps": inputs.get("steps"),
        "denoise": inputs.get("denoise"),
    }
    for key, value in own.items():
        wanted = str if key == "text" else (int, float)
        if isinstance(value, wanted) and not isinstance(value, bool):
            meta[key] = value
    return meta


def sampler_steps(class_type: str, inputs: Mapping[str, Any], meta: Meta) -> int | None:
    """How many progress steps a sampler-like node reports; None for other nodes."""
    if class_type not in SAMPLERS:
        return None
    steps = int(meta.get("steps") or 20)
    start, end = inputs.get("start_at_step"), inputs.get("end_at_step")
    if isinstance(start, int) and isinstance(end, int):
        steps = min(end, steps) - start
    return max(1, steps)


def sampler_meta(inputs: Mapping[str, Any], upstream: Mapping[str, Meta], meta: Meta) -> Meta:
    """The picture's size comes from the latent, not from conditioning widgets."""
    latent = upstream.get("latent_image", {})
    result = dict(meta)
    for key in ("width", "height", "batch", "init_image"):
        if key in latent:
            result[key] = latent[key]
    return result


def picture_of(meta: Meta) -> images.Picture:
    init = meta.get("init_image")
    denoise = meta.get("denoise")
    return images.Picture(
        width=max(8, int(meta.get("width") or 512)),
        height=max(8, int(meta.get("height") or 512)),
        seed=int(meta.get("seed") or 0),
        text=str(meta.get("text") or ""),
        steps=int(meta.get("steps") or 20),
        init_image=Path(init) if init else None,
        denoise=1.0 if denoise is None else float(denoise),
    )


def load_image_meta(folders: Folders, name: str) -> Meta:
    """Runs in a thread: LoadImage's picture size and path (for img2img placeholders)."""
    path = folders.resolve_input_image(name)
    if path is None:
        raise NodeFailure(
            f"[Errno 2] No such file or directory: '{name}'",
            "FileNotFoundError",
            (f'  File "desktop/demo/nodes.py", line 1, in load_image\n    open({name!r})\n',),
        )
    width, height = images.image_size(path)
    return {"width": width, "height": height, "batch": 1, "init_image": str(path)}


def save_outputs(
    class_type: str,
    inputs: Mapping[str, Any],
    meta: Meta,
    prompt: JSON,
    extra: JSON,
    folders: Folders,
) -> JSON | None:
    """Runs in a thread: the UI dict an output node reports (None if it shows nothing)."""
    if class_type not in {"SaveImage", "PreviewImage", "SaveAnimatedWEBP", "SaveAnimatedPNG"}:
        return None
    picture = picture_of(meta)
    batch = max(1, int(meta.get("batch") or 1))
    pictures = [images.render(picture.for_batch_item(i)) for i in range(batch)]
    extra_pnginfo = extra.get("extra_pnginfo")
    if class_type == "PreviewImage":
        suffix = "".join(random.choice(_TEMP_LETTERS) for _ in range(5))
        return _save_pngs(
            pictures,
            f"ComfyUI_temp_{suffix}",
            folders.temp,
            "temp",
            prompt,
            extra_pnginfo,
            compress_level=1,
        )
    prefix = str(inputs.get("filename_prefix", "ComfyUI"))
    if class_type == "SaveImage":
        return _save_pngs(
            pictures, prefix, folders.output, "output", prompt, extra_pnginfo, compress_level=4
        )
    target = save_target(prefix, folders.output, picture.width, picture.height)
    ext = "webp" if class_type == "SaveAnimatedWEBP" else "png"
    filename = f"{target.filename}_{target.counter:05}_.{ext}"
    fps = float(inputs.get("fps", 6.0))
    if ext == "webp":
        images.save_animated_webp(
            pictures,
            target.folder / filename,
            prompt,
            extra_pnginfo,
            fps,
            bool(inputs.get("lossless", True)),
            int(inputs.get("quality", 80)),
        )
    else:
        pictures[0].save(
            target.folder / filename,
            save_all=True,
            append_images=pictures[1:],
            duration=int(1000 / max(fps, 0.01)),
            pnginfo=images.png_metadata(prompt, extra_pnginfo),
        )
    item = {"filename": filename, "subfolder": target.subfolder, "type": "output"}
    # The real SaveAnimatedPNG always says animated; SaveAnimatedWEBP only for several frames.
    animated = ext == "png" or len(pictures) != 1
    return {"images": [item], "animated": [animated]}


def _save_pngs(
    pictures: list[Any],
    prefix: str,
    folder: Path,
    kind: str,
    prompt: JSON,
    extra_pnginfo: Any,
    compress_level: int,
) -> JSON:
    first = pictures[0]
    target = save_target(prefix, folder, first.width, first.height)
    metadata = images.png_metadata(prompt, extra_pnginfo)
    results = []
    counter = target.counter
    for batch_number, picture in enumerate(pictures):
        name = target.filename.replace("%batch_num%", str(batch_number))
        filename = f"{name}_{counter:05}_.png"
        images.save_png(picture, target.folder / filename, metadata, compress_level)
        results.append({"filename": filename, "subfolder": target.subfolder, "type": kind})
        counter += 1
    return {"images": results}
