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


# File names artists meet in popular shared workflows. `comfydesk --demo` lists them so that
# those workflows open without "missing model" warnings; the pictures stay placeholders.
_SHOWCASE = {
    "checkpoints": [
        "v1-5-pruned-emaonly-fp16.safetensors",
        "v1-5-pruned-emaonly.safetensors",
        "dreamshaper_8.safetensors",
        "DreamShaper_8_pruned.safetensors",
        "512-inpainting-ema.safetensors",
        "sd_xl_base_1.0.safetensors",
        "sd_xl_refiner_1.0.safetensors",
        "flux1-dev-fp8.safetensors",
    ],
    "loras": ["blindbox_v1_mix.safetensors", "add_detail.safetensors"],
    "vae": [
        "vae-ft-mse-840000-ema-pruned.safetensors",
        "ae.safetensors",
        "qwen_image_vae.safetensors",
    ],
    "diffusion_models": [
        "qwen_image_fp8_e4m3fn.safetensors",
        "hidream_e1_full_bf16.safetensors",
        "lotus-depth-d-v1-1.safetensors",
        "flux1-dev.safetensors",
    ],
    "text_encoders": [
        "qwen_2.5_vl_7b_fp8_scaled.safetensors",
        "clip_l.safetensors",
        "t5xxl_fp8_e4m3fn_scaled.safetensors",
        "clip_g_hidream.safetensors",
        "clip_l_hidream.safetensors",
        "llama_3.1_8b_instruct_fp8_scaled.safetensors",
    ],
    "controlnet": ["Qwen-Image-InstantX-ControlNet-Union.safetensors"],
    "upscale_models": ["RealESRGAN_x4plus.pth"],
}


def showcase_models() -> dict[str, list[str]]:
    """The recorded model lists plus common names, for the interactive demo."""
    models = default_models()
    for folder, names in _SHOWCASE.items():
        models[folder] = sorted({*models.get(folder, []), *names}, key=str.lower)
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
