"""The form's words for the server's inputs and nodes, in the artist's language.

The server names inputs in English (``ckpt_name``, ``sampler_name``); the workflow layer turns
them into plain English labels. Here the inputs and nodes artists meet most get a label that is
translated like the rest of the UI: looked up by (node class, input name), then by input name
alone. The tables hold English source text marked with ``QT_TRANSLATE_NOOP`` so lupdate collects
it; nothing is translated until a label is shown. The tooltip keeps the server's own name for
the input (and the node's title) plus the server's tooltip, so a label never hides what the
workflow calls it.

A node title the artist wrote stays as written: only a title equal to the node's stock English
display name (or its class name) is translated.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.ui.i18n import QT_TRANSLATE_NOOP
from desktop.workflow.params import ParamSpec

LABELS = "FormLabel"
NODES = "NodeTitle"

# (node class, input name) -> label, where the input name alone would say the wrong thing.
_BY_NODE_INPUT: dict[tuple[str, str], str] = {
    ("UpscaleModelLoader", "model_name"): QT_TRANSLATE_NOOP("FormLabel", "Upscale model"),
    ("LatentUpscaleBy", "scale_by"): QT_TRANSLATE_NOOP("FormLabel", "Scale"),
    ("ImageScaleBy", "scale_by"): QT_TRANSLATE_NOOP("FormLabel", "Scale"),
    ("LoadImageMask", "image"): QT_TRANSLATE_NOOP("FormLabel", "Mask"),
    ("CLIPLoader", "type"): QT_TRANSLATE_NOOP("FormLabel", "Model type"),
    ("DualCLIPLoader", "type"): QT_TRANSLATE_NOOP("FormLabel", "Model type"),
    ("ControlNetApply", "strength"): QT_TRANSLATE_NOOP("FormLabel", "ControlNet strength"),
    ("ControlNetApplyAdvanced", "strength"): QT_TRANSLATE_NOOP("FormLabel", "ControlNet strength"),
}

# input name -> label, for any node.
_BY_INPUT: dict[str, str] = {
    "text": QT_TRANSLATE_NOOP("FormLabel", "Prompt"),
    "text_g": QT_TRANSLATE_NOOP("FormLabel", "Prompt (G)"),
    "text_l": QT_TRANSLATE_NOOP("FormLabel", "Prompt (L)"),
    "ckpt_name": QT_TRANSLATE_NOOP("FormLabel", "Checkpoint"),
    "vae_name": QT_TRANSLATE_NOOP("FormLabel", "VAE"),
    "unet_name": QT_TRANSLATE_NOOP("FormLabel", "Diffusion model"),
    "weight_dtype": QT_TRANSLATE_NOOP("FormLabel", "Weight type"),
    "clip_name": QT_TRANSLATE_NOOP("FormLabel", "Text encoder"),
    "clip_name1": QT_TRANSLATE_NOOP("FormLabel", "Text encoder 1"),
    "clip_name2": QT_TRANSLATE_NOOP("FormLabel", "Text encoder 2"),
    "clip_name3": QT_TRANSLATE_NOOP("FormLabel", "Text encoder 3"),
    "clip_name4": QT_TRANSLATE_NOOP("FormLabel", "Text encoder 4"),
    "device": QT_TRANSLATE_NOOP("FormLabel", "Device"),
    "lora_name": QT_TRANSLATE_NOOP("FormLabel", "LoRA"),
    "strength_model": QT_TRANSLATE_NOOP("FormLabel", "LoRA strength (model)"),
    "strength_clip": QT_TRANSLATE_NOOP("FormLabel", "LoRA strength (CLIP)"),
    "control_net_name": QT_TRANSLATE_NOOP("FormLabel", "ControlNet model"),
    "strength": QT_TRANSLATE_NOOP("FormLabel", "Strength"),
    "start_percent": QT_TRANSLATE_NOOP("FormLabel", "Start at"),
    "end_percent": QT_TRANSLATE_NOOP("FormLabel", "End at"),
    "width": QT_TRANSLATE_NOOP("FormLabel", "Width"),
    "height": QT_TRANSLATE_NOOP("FormLabel", "Height"),
    "batch_size": QT_TRANSLATE_NOOP("FormLabel", "Batch size"),
    "seed": QT_TRANSLATE_NOOP("FormLabel", "Seed"),
    "noise_seed": QT_TRANSLATE_NOOP("FormLabel", "Seed"),
    "steps": QT_TRANSLATE_NOOP("FormLabel", "Steps"),
    "cfg": QT_TRANSLATE_NOOP("FormLabel", "CFG"),
    "guidance": QT_TRANSLATE_NOOP("FormLabel", "Guidance"),
    "sampler_name": QT_TRANSLATE_NOOP("FormLabel", "Sampler"),
    "scheduler": QT_TRANSLATE_NOOP("FormLabel", "Scheduler"),
    "denoise": QT_TRANSLATE_NOOP("FormLabel", "Denoise"),
    "add_noise": QT_TRANSLATE_NOOP("FormLabel", "Add noise"),
    "start_at_step": QT_TRANSLATE_NOOP("FormLabel", "Start at step"),
    "end_at_step": QT_TRANSLATE_NOOP("FormLabel", "End at step"),
    "return_with_leftover_noise": QT_TRANSLATE_NOOP("FormLabel", "Return leftover noise"),
    "shift": QT_TRANSLATE_NOOP("FormLabel", "Shift"),
    "image": QT_TRANSLATE_NOOP("FormLabel", "Image"),
    "mask": QT_TRANSLATE_NOOP("FormLabel", "Mask"),
    "channel": QT_TRANSLATE_NOOP("FormLabel", "Channel"),
    "grow_mask_by": QT_TRANSLATE_NOOP("FormLabel", "Grow mask by"),
    "upscale_method": QT_TRANSLATE_NOOP("FormLabel", "Upscale method"),
    "scale_by": QT_TRANSLATE_NOOP("FormLabel", "Scale by"),
    "megapixels": QT_TRANSLATE_NOOP("FormLabel", "Megapixels"),
    "crop": QT_TRANSLATE_NOOP("FormLabel", "Crop"),
    "filename_prefix": QT_TRANSLATE_NOOP("FormLabel", "File name prefix"),
    "stop_at_clip_layer": QT_TRANSLATE_NOOP("FormLabel", "Stop at CLIP layer"),
    "ascore": QT_TRANSLATE_NOOP("FormLabel", "Aesthetic score"),
    "crop_w": QT_TRANSLATE_NOOP("FormLabel", "Crop width"),
    "crop_h": QT_TRANSLATE_NOOP("FormLabel", "Crop height"),
    "target_width": QT_TRANSLATE_NOOP("FormLabel", "Target width"),
    "target_height": QT_TRANSLATE_NOOP("FormLabel", "Target height"),
}

# node class -> its stock English display name, translated when the workflow kept it.
_NODE_TITLES: dict[str, str] = {
    "CheckpointLoaderSimple": QT_TRANSLATE_NOOP("NodeTitle", "Load Checkpoint"),
    "VAELoader": QT_TRANSLATE_NOOP("NodeTitle", "Load VAE"),
    "UNETLoader": QT_TRANSLATE_NOOP("NodeTitle", "Load Diffusion Model"),
    "CLIPLoader": QT_TRANSLATE_NOOP("NodeTitle", "Load CLIP"),
    "DualCLIPLoader": QT_TRANSLATE_NOOP("NodeTitle", "DualCLIPLoader"),
    "LoraLoader": QT_TRANSLATE_NOOP("NodeTitle", "Load LoRA"),
    "LoraLoaderModelOnly": QT_TRANSLATE_NOOP("NodeTitle", "LoraLoaderModelOnly"),
    "ControlNetLoader": QT_TRANSLATE_NOOP("NodeTitle", "Load ControlNet Model"),
    "ControlNetApplyAdvanced": QT_TRANSLATE_NOOP("NodeTitle", "Apply ControlNet"),
    "UpscaleModelLoader": QT_TRANSLATE_NOOP("NodeTitle", "Load Upscale Model"),
    "CLIPTextEncode": QT_TRANSLATE_NOOP("NodeTitle", "CLIP Text Encode (Prompt)"),
    "EmptyLatentImage": QT_TRANSLATE_NOOP("NodeTitle", "Empty Latent Image"),
    "EmptySD3LatentImage": QT_TRANSLATE_NOOP("NodeTitle", "EmptySD3LatentImage"),
    "KSampler": QT_TRANSLATE_NOOP("NodeTitle", "KSampler"),
    "KSamplerAdvanced": QT_TRANSLATE_NOOP("NodeTitle", "KSampler (Advanced)"),
    "KSamplerSelect": QT_TRANSLATE_NOOP("NodeTitle", "KSamplerSelect"),
    "BasicScheduler": QT_TRANSLATE_NOOP("NodeTitle", "BasicScheduler"),
    "RandomNoise": QT_TRANSLATE_NOOP("NodeTitle", "RandomNoise"),
    "FluxGuidance": QT_TRANSLATE_NOOP("NodeTitle", "FluxGuidance"),
    "LoadImage": QT_TRANSLATE_NOOP("NodeTitle", "Load Image"),
    "LoadImageMask": QT_TRANSLATE_NOOP("NodeTitle", "Load Image (as Mask)"),
    "ImageScale": QT_TRANSLATE_NOOP("NodeTitle", "Upscale Image"),
    "ImageScaleBy": QT_TRANSLATE_NOOP("NodeTitle", "Upscale Image By"),
    "ImageScaleToTotalPixels": QT_TRANSLATE_NOOP("NodeTitle", "Scale Image to Total Pixels"),
    "LatentUpscale": QT_TRANSLATE_NOOP("NodeTitle", "Upscale Latent"),
    "LatentUpscaleBy": QT_TRANSLATE_NOOP("NodeTitle", "Upscale Latent By"),
    "VAEEncodeForInpaint": QT_TRANSLATE_NOOP("NodeTitle", "VAE Encode (for Inpainting)"),
    "SaveImage": QT_TRANSLATE_NOOP("NodeTitle", "Save Image"),
    "PreviewImage": QT_TRANSLATE_NOOP("NodeTitle", "Preview Image"),
}


def source_label(spec: ParamSpec) -> str | None:
    """The English source text of ``spec``'s label, or None when the table has none."""
    return _BY_NODE_INPUT.get((spec.node_class, spec.input_name)) or _BY_INPUT.get(spec.input_name)


def param_label(spec: ParamSpec) -> str:
    """What the form calls the input, in the current language."""
    source = source_label(spec)
    if source is None:
        return spec.label or spec.input_name
    return QCoreApplication.translate(LABELS, source)


def param_tooltip(spec: ParamSpec) -> str:
    """The server's name for the input (with the node's title) and the server's tooltip."""
    where = f"{spec.node_title} › {spec.input_name}" if spec.node_title else spec.input_name
    return f"{where}\n{spec.tooltip}" if spec.tooltip else where


def display_title(node_class: str, title: str) -> str:
    """``title`` translated when it is the stock name of ``node_class``; else as written."""
    source = _NODE_TITLES.get(node_class)
    if source is None or title not in (source, node_class):
        return title
    return QCoreApplication.translate(NODES, source)
