"""Fill a library with many small, realistic items quickly (benchmarks, manual testing)."""

from __future__ import annotations

import hashlib
import json
import random
import struct
import zlib

from .catalog import NewItem
from .core import LibraryCore
from .extract import extract_params
from .files import month_folder, write_new_file
from .models import dumps_graph
from .store import Library

_WORDS = (
    "fox",
    "snow",
    "castle",
    "portrait",
    "forest",
    "neon",
    "city",
    "river",
    "mountain",
    "cat",
    "dragon",
    "robot",
    "garden",
    "sunset",
    "ocean",
    "lantern",
    "temple",
    "desert",
    "galaxy",
    "bottle",
    "meadow",
    "storm",
    "library",
    "violin",
    "猫",
    "の",
    "絵",
    "森",
    "夜",
)
_MODELS = tuple(f"model-{i:02d}.safetensors" for i in range(20))
_LORAS = tuple(f"style-{i:02d}.safetensors" for i in range(10))


def _png(text_chunks: dict[str, str], shade: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, shade & 255, (shade >> 8) & 255, 128]))
    texts = b"".join(
        chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))
        for key, value in text_chunks.items()
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + texts
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def synthetic_prompt(rng: random.Random) -> dict:
    positive = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 25)))
    return {
        "3": {"class_type": "KSampler", "inputs": {
            "seed": rng.randrange(2**50), "steps": rng.choice((20, 25, 30)),
            "cfg": rng.choice((5.0, 7.0, 8.0)), "sampler_name": "euler", "scheduler": "normal",
            "denoise": 1.0, "model": ["10", 0], "positive": ["6", 0], "negative": ["7", 0],
            "latent_image": ["5", 0]}},
        "4": {"class_type": "CheckpointLoaderSimple",
              "inputs": {"ckpt_name": rng.choice(_MODELS)}},
        "10": {"class_type": "LoraLoader", "inputs": {
            "lora_name": rng.choice(_LORAS), "strength_model": 1.0, "strength_clip": 1.0,
            "model": ["4", 0], "clip": ["4", 1]}},
        "5": {"class_type": "EmptyLatentImage",
              "inputs": {"width": 1024, "height": 1024, "batch_size": 1}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": positive, "clip": ["10", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["10", 1]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage",
              "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}},
    }  # fmt: skip


def _populate(core: LibraryCore, n: int, seed: int, start: float) -> None:
    rng = random.Random(seed)
    for index in range(n):
        prompt = synthetic_prompt(rng)
        created = start + index * 60.0
        prompt_text = json.dumps(prompt, ensure_ascii=True)
        data = _png({"prompt": prompt_text}, index)
        name = f"ComfyUI_{index:05d}_.png"
        # No fsync: this is throwaway benchmark data and 10,000 fsyncs take minutes.
        path = write_new_file(core.root, core.images / month_folder(created), name, data,
                              sync=False)  # fmt: skip
        core.catalog.insert(
            NewItem(
                rel_path=path.relative_to(core.root).as_posix(),
                file_name=path.name,
                sha256=hashlib.sha256(data).hexdigest(),
                size_bytes=len(data),
                created=created,
                params=extract_params(prompt, output_node="9"),
                prompt_json=dumps_graph(prompt),
                prompt_id=f"synthetic-{seed}-{index}",
                server_url="http://synthetic",
                node_id="9",
                node_title="Save Image",
                width=1,
                height=1,
                server_filename=name,
                source="synthetic",
            ),
            (f"synthetic-{seed}-{index}", "9", "", name),
        )


async def populate_synthetic(
    lib: Library, n: int, *, seed: int = 0, start: float = 1_700_000_000.0
) -> None:
    """Add ``n`` synthetic 1×1 PNG items (one per minute from ``start``) with realistic
    prompts, 20 checkpoints and 10 LoRAs."""
    await lib._run(_populate, lib._core, n, seed, start)
