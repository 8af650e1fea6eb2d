"""Settings of the demo server."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# The model folders the recorded 0.3.64 server reported (GET /models), in its order. Only
# checkpoints had files; the demo adds nothing else so its combo lists match the recording.
RECORDED_MODEL_FOLDERS = (
    "checkpoints",
    "configs",
    "loras",
    "vae",
    "text_encoders",
    "diffusion_models",
    "clip_vision",
    "style_models",
    "embeddings",
    "diffusers",
    "vae_approx",
    "controlnet",
    "gligen",
    "upscale_models",
    "custom_nodes",
    "hypernetworks",
    "photomaker",
    "classifiers",
    "model_patches",
    "audio_encoders",
)

# A checkpoint with this name fails at run time like a corrupt file on a real server.
BROKEN_CHECKPOINT = "broken.safetensors"


def default_models() -> dict[str, list[str]]:
    models: dict[str, list[str]] = {folder: [] for folder in RECORDED_MODEL_FOLDERS}
    models["checkpoints"] = ["random-sd15.safetensors", BROKEN_CHECKPOINT]
    return models


@dataclass
class DemoConfig:
    """How a DemoServer behaves.

    step_delay: seconds per sampler step (0 for tests, ~0.15 for demos).
    object_info_path: serve this /object_info JSON instead of the bundled 0.3.64 recording.
    models: model folder -> file names; fills /models and the loaders' combo lists.
    require_token: when set, every route (and /ws) needs "Authorization: Bearer <token>".
    preview_size: longest side of live previews, like --preview-size.
    previews: False behaves like a server started with --preview-method none.
    """

    step_delay: float = 0.0
    object_info_path: Path | None = None
    models: dict[str, list[str]] = field(default_factory=default_models)
    require_token: str | None = None
    preview_size: int = 512
    previews: bool = True
