from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop.comfy.object_info import ObjectInfo
from desktop.workflow.document import Workflow
from desktop.workflow.params import (
    SEED_MAX,
    ParamKind,
    ParamSpec,
    ValueProblem,
    coerce_value,
    derive_params,
    humanize,
    validate_params,
    validate_value,
)
from desktop.workflow.sources import load_workflow
from tests.unit.workflow_support import PNG_0, PNG_1, WEBP, load_api, recorded_object_info

OI = recorded_object_info()
K = ParamKind
SAMPLERS = OI["KSampler"].input("sampler_name").choices
SCHEDULERS = (
    "simple",
    "sgm_uniform",
    "karras",
    "exponential",
    "ddim_uniform",
    "beta",
    "normal",
    "linear_quadratic",
    "kl_optimal",
)
CHECKPOINTS = ("broken.safetensors", "random-sd15.safetensors")
INPUT_IMAGES = ("..%2F..%2Fevil.png", "example.png", "my%20input.png")


def _table(specs: list[ParamSpec]) -> list[tuple[str, str, ParamKind, Any, str]]:
    return [(s.node_id, s.input_name, s.kind, s.value, s.node_title) for s in specs]


def _by_key(specs: list[ParamSpec]) -> dict[tuple[str, str], ParamSpec]:
    return {s.key: s for s in specs}


def _ksampler_rows(node: str, title: str, seed: int, steps: int, cfg: float, sched: str,
                   denoise: float) -> list[tuple[str, str, ParamKind, Any, str]]:  # fmt: skip
    return [
        (node, "seed", K.SEED, seed, title),
        (node, "steps", K.INT, steps, title),
        (node, "cfg", K.FLOAT, cfg, title),
        (node, "sampler_name", K.CHOICE, "euler", title),
        (node, "scheduler", K.CHOICE, sched, title),
        (node, "denoise", K.FLOAT, denoise, title),
    ]


def test_txt2img_params_exactly() -> None:
    specs = derive_params(load_api("txt2img_batch2_subfolder.json"), OI)
    assert _table(specs) == [
        *_ksampler_rows("3", "KSampler", 42, 2, 7, "normal", 1),
        ("4", "ckpt_name", K.CHOICE, "random-sd15.safetensors", "Load Checkpoint"),
        ("5", "width", K.INT, 64, "Empty Latent Image"),
        ("5", "height", K.INT, 64, "Empty Latent Image"),
        ("5", "batch_size", K.INT, 2, "Empty Latent Image"),
        ("6", "text", K.TEXT, "a red fox in snow", "Positive"),
        ("7", "text", K.TEXT, "blurry", "Negative"),
        ("9", "filename_prefix", K.TEXT, "fox/ComfyUI", "Save Image"),
    ]
    by_key = _by_key(specs)
    assert by_key["3", "seed"] == ParamSpec(
        node_id="3",
        input_name="seed",
        kind=K.SEED,
        value=42,
        default=0,
        min=0,
        max=18446744073709551615,
        tooltip="The random seed used for creating the noise.",
        node_title="KSampler",
        node_class="KSampler",
        label="Seed",
        required=True,
    )
    cfg = by_key["3", "cfg"]
    assert (cfg.default, cfg.min, cfg.max, cfg.step, cfg.round, cfg.label) == (
        8.0, 0.0, 100.0, 0.1, 0.01, "CFG",
    )  # fmt: skip
    steps = by_key["3", "steps"]
    assert (steps.default, steps.min, steps.max, steps.step) == (20, 1, 10000, None)
    assert by_key["3", "sampler_name"].choices == SAMPLERS
    assert len(SAMPLERS) == 42
    assert by_key["3", "sampler_name"].default == "euler"
    assert by_key["3", "scheduler"].choices == SCHEDULERS
    assert by_key["3", "scheduler"].default == "simple"
    denoise = by_key["3", "denoise"]
    assert (denoise.default, denoise.min, denoise.max, denoise.step) == (1.0, 0.0, 1.0, 0.01)
    ckpt = by_key["4", "ckpt_name"]
    assert (ckpt.choices, ckpt.default, ckpt.label) == (
        CHECKPOINTS,
        "broken.safetensors",
        "Checkpoint name",
    )
    width = by_key["5", "width"]
    assert (width.default, width.min, width.max, width.step, width.label) == (
        512, 16, 16384, 8, "Width",
    )  # fmt: skip
    batch = by_key["5", "batch_size"]
    assert (batch.default, batch.min, batch.max, batch.label) == (1, 1, 4096, "Batch size")
    text = by_key["6", "text"]
    assert (text.multiline, text.default, text.tooltip, text.label) == (
        True,
        None,
        "The text to be encoded.",
        "Text",
    )
    prefix = by_key["9", "filename_prefix"]
    assert (prefix.multiline, prefix.default, prefix.label) == (False, "ComfyUI", "Filename prefix")
    assert all(s.required and not s.read_only and not s.advanced for s in specs)


def test_img2img_loadimage_is_an_image_param() -> None:
    specs = derive_params(load_api("img2img_loadimage.json"), OI)
    assert _table(specs) == [
        *_ksampler_rows("3", "KSampler", 5, 3, 8, "normal", 0.6),
        ("4", "ckpt_name", K.CHOICE, "random-sd15.safetensors", "Load Checkpoint"),
        ("6", "text", K.TEXT, "beautiful scenery", "CLIP Text Encode (Prompt)"),
        ("7", "text", K.TEXT, "text, watermark", "CLIP Text Encode (Prompt)"),
        ("9", "filename_prefix", K.TEXT, "ComfyUI", "Save Image"),
        ("10", "image", K.IMAGE, "example.png", "Load Image"),
    ]
    image = _by_key(specs)["10", "image"]
    assert image.image_upload is True
    assert image.choices == INPUT_IMAGES
    assert image.default == "..%2F..%2Fevil.png"
    assert image.label == "Image"


def test_missing_model_workflow_still_derives_params() -> None:
    specs = derive_params(load_api("sd15_default_missing_model.json"), OI)
    assert _table(specs) == [
        *_ksampler_rows("3", "KSampler", 1050010303642150, 20, 8, "normal", 1),
        (
            "4",
            "ckpt_name",
            K.CHOICE,
            "darkSushiMixMix_brighterPruned.safetensors",
            "Load Checkpoint",
        ),
        ("5", "width", K.INT, 512, "Empty Latent Image"),
        ("5", "height", K.INT, 512, "Empty Latent Image"),
        ("5", "batch_size", K.INT, 1, "Empty Latent Image"),
        (
            "6",
            "text",
            K.TEXT,
            "beautiful scenery nature glass bottle landscape, , purple galaxy bottle,",
            "CLIP Text Encode (Prompt)",
        ),
        ("7", "text", K.TEXT, "text, watermark", "CLIP Text Encode (Prompt)"),
        ("9", "filename_prefix", K.TEXT, "ComfyUI", "Save Image"),
    ]


def test_flux_chinese_titles() -> None:
    specs = derive_params(load_api("flux_dev_chinese_titles.json"), OI)
    anime = (
        "cute anime girl with massive fluffy fennec ears and a big fluffy tail blonde messy long "
        "hair blue eyes wearing a maid outfit"
    )
    assert _table(specs) == [
        ("6", "text", K.TEXT, anime, "CLIP文本编码器"),
        ("9", "filename_prefix", K.TEXT, "ComfyUI", "保存图像"),
        ("27", "width", K.INT, 1024, "空Latent_SD3"),
        ("27", "height", K.INT, 1024, "空Latent_SD3"),
        ("27", "batch_size", K.INT, 1, "空Latent_SD3"),
        ("30", "ckpt_name", K.CHOICE, "flux1-dev-fp8.safetensors", "Checkpoint加载器(简易)"),
        *_ksampler_rows("31", "K采样器", 972054013131369, 20, 1, "simple", 1),
        ("33", "text", K.TEXT, "", "CLIP文本编码器"),
        ("35", "guidance", K.FLOAT, 3.5, "Flux引导"),
    ]
    by_key = _by_key(specs)
    # EmptySD3LatentImage (a V3 node) steps by 16, not 8; FluxGuidance has no tooltip.
    assert (by_key["27", "width"].step, by_key["27", "width"].default) == (16, 1024)
    assert (by_key["27", "width"].node_class, by_key["35", "guidance"].tooltip) == (
        "EmptySD3LatentImage",
        "",
    )
    guidance = by_key["35", "guidance"]
    assert (guidance.min, guidance.max, guidance.step, guidance.default) == (0.0, 100.0, 0.1, 3.5)


@pytest.mark.parametrize(("path", "seed"), [(PNG_0, 42), (PNG_1, 42)])
def test_png_prompts(path: Path, seed: int) -> None:
    specs = derive_params(load_workflow(path), OI)
    assert _table(specs) == [
        *_ksampler_rows("3", "KSampler", seed, 2, 7.0, "normal", 1.0),
        ("4", "ckpt_name", K.CHOICE, "random-sd15.safetensors", "Load Checkpoint"),
        ("5", "width", K.INT, 64, "Empty Latent Image"),
        ("5", "height", K.INT, 64, "Empty Latent Image"),
        ("5", "batch_size", K.INT, 2, "Empty Latent Image"),
        ("6", "text", K.TEXT, "a red fox in snow", "Positive"),
        ("7", "text", K.TEXT, "blurry", "Negative"),
        ("9", "filename_prefix", K.TEXT, "fox/ComfyUI", "Save Image"),
    ]


def test_webp_prompt_with_save_animated_webp() -> None:
    specs = derive_params(load_workflow(WEBP), OI)
    assert _table(specs)[-5:] == [
        ("9", "filename_prefix", K.TEXT, "ComfyUI", "Save WEBP"),
        ("9", "fps", K.FLOAT, 6.0, "Save WEBP"),
        ("9", "lossless", K.BOOL, False, "Save WEBP"),
        ("9", "quality", K.INT, 80, "Save WEBP"),
        ("9", "method", K.CHOICE, "default", "Save WEBP"),
    ]
    by_key = _by_key(specs)
    assert by_key["3", "seed"].value == 7
    assert (by_key["9", "fps"].min, by_key["9", "fps"].max, by_key["9", "fps"].label) == (
        0.01,
        1000.0,
        "FPS",
    )
    assert by_key["9", "lossless"].default is True
    assert by_key["9", "method"].choices == ("default", "fastest", "slowest")


def test_links_are_never_params() -> None:
    specs = derive_params(load_api("txt2img_batch2_subfolder.json"), OI)
    names = {s.input_name for s in specs}
    assert names.isdisjoint({"model", "positive", "negative", "latent_image", "clip", "images"})


def _single(class_type: str, inputs: dict, object_info: ObjectInfo = OI) -> list[ParamSpec]:
    return derive_params(Workflow({"1": {"class_type": class_type, "inputs": inputs}}), object_info)


def test_unknown_node_class_keeps_literals_read_only() -> None:
    specs = _single("FancyCustomNode", {"strength": 0.5, "mode": "fast", "image": ["2", 0]})
    assert [(s.input_name, s.kind, s.value, s.read_only, s.label) for s in specs] == [
        ("strength", K.UNKNOWN, 0.5, True, "Strength"),
        ("mode", K.UNKNOWN, "fast", True, "Mode"),
    ]
    assert specs[0].node_title == "FancyCustomNode"
    assert validate_value(specs[0], "anything") is None


def test_undeclared_input_of_known_node_is_read_only() -> None:
    specs = _single("EmptyLatentImage", {"width": 8, "height": 64, "batch_size": 1, "old": 3})
    assert [(s.input_name, s.kind, s.read_only) for s in specs] == [
        ("width", K.INT, False),
        ("height", K.INT, False),
        ("batch_size", K.INT, False),
        ("old", K.UNKNOWN, True),
    ]


def test_mask_loader_and_advanced_flag_and_seed_variants() -> None:
    mask = _single("LoadImageMask", {"image": "example.png", "channel": "alpha"})
    assert [(s.input_name, s.kind) for s in mask] == [("image", K.MASK), ("channel", K.CHOICE)]
    clip = _single("CLIPLoader", {"clip_name": "x.safetensors", "type": "sd3", "device": "cpu"})
    assert [(s.input_name, s.advanced) for s in clip] == [
        ("clip_name", False),
        ("type", False),
        ("device", True),
    ]
    noise = _single("RandomNoise", {"noise_seed": 3})
    assert [(s.kind, s.min, s.max) for s in noise] == [(K.SEED, 0, SEED_MAX)]
    ideogram = _by_key(_single("IdeogramV1", {"seed": 3}))["1", "seed"]
    assert (ideogram.kind, ideogram.max, ideogram.step) == (K.SEED, 2147483647, 1)
    primitive = _single("PrimitiveInt", {"value": -5})[0]
    assert (primitive.kind, primitive.min) == (K.SEED, -9223372036854775807)


def test_remote_combo_and_seed_by_name_on_older_servers() -> None:
    oi = ObjectInfo(
        {
            "OldSampler": {
                "input": {"required": {"seed": ["INT", {"default": 0}]}},
                "input_order": {"required": ["seed"]},
            },
            "Picker": {
                "input": {
                    "required": {
                        "pick": ["COMBO", {"remote": {"route": "/x"}}],
                        "many": ["COMBO", {"options": ["a", "b"], "multiselect": True}],
                        "hex": ["INT", {"forceInput": True}],
                        "cam": ["WEBCAM", {}],
                        "num": ["FLOAT", {"widgetType": "INT", "display_name": "Number"}],
                    }
                }
            },
        }
    )
    seed = _single("OldSampler", {"seed": 1}, oi)[0]
    assert (seed.kind, seed.min, seed.max) == (K.SEED, 0, SEED_MAX)
    pick, many, hexa, cam, num = _single(
        "Picker", {"pick": "z", "many": ["a"], "hex": 5, "cam": "data", "num": 2}, oi
    )
    assert (pick.kind, pick.remote_choices, pick.choices) == (K.CHOICE, True, ())
    assert validate_value(pick, "anything") is None
    assert (many.kind, many.multiselect) == (K.CHOICE, True)
    assert validate_value(many, ["a", "b"]) is None
    assert validate_value(many, ["a", "c"]) == "Many: “c” is not one of the available choices."
    assert (hexa.kind, hexa.read_only) == (K.INT, False)  # a literal in a socket-only input
    assert (cam.kind, cam.read_only, cam.value) == (K.UNKNOWN, True, "data")
    assert (num.kind, num.label) == (K.INT, "Number")


def test_missing_required_widget_is_listed_and_fillable() -> None:
    wf = Workflow({"5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64}}})
    specs = derive_params(wf, OI)
    assert [(s.input_name, s.value) for s in specs] == [
        ("width", 64),
        ("height", None),
        ("batch_size", None),
    ]
    assert [p.message for p in validate_params(wf, specs)] == [
        "Empty Latent Image: Height needs a value.",
        "Empty Latent Image: Batch size needs a value.",
    ]


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("ckpt_name", "Checkpoint name"),
        ("cfg", "CFG"),
        ("clip_name1", "CLIP name1"),
        ("lora_name", "LoRA name"),
        ("strength_model", "Strength model"),
        ("", ""),
    ],
)
def test_humanize(name: str, label: str) -> None:
    assert humanize(name) == label


# -- validation mirrors the server -------------------------------------------------------------


@pytest.fixture(scope="module")
def txt2img_specs() -> dict[tuple[str, str], ParamSpec]:
    return _by_key(derive_params(load_api("txt2img_batch2_subfolder.json"), OI))


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (("3", "steps"), 20, None),
        (("3", "steps"), "12", None),  # int("12") is what the server does
        (("3", "steps"), 7.9, None),  # int(7.9) == 7 on the server too
        (("3", "steps"), True, None),
        (("3", "steps"), 0, "Steps must be at least 1."),
        (("3", "steps"), 10001, "Steps must be at most 10000."),
        (("3", "steps"), "1.5", "Steps must be a whole number."),
        (("3", "steps"), [1], "Steps must be a whole number."),
        (("3", "steps"), None, "Steps needs a value."),
        (("3", "steps"), ["4", 0], None),  # a link is not checked here
        (("3", "seed"), 2**64 - 1, None),
        (("3", "seed"), 2**64, "Seed must be at most 18,446,744,073,709,551,615."),
        (("3", "seed"), -1, "Seed must be at least 0."),
        (("3", "cfg"), "7.5", None),
        (("3", "cfg"), 100.01, "CFG must be at most 100."),
        (("3", "cfg"), 0.123456, None),  # round is a UI hint, not enforced
        (("3", "cfg"), float("nan"), "CFG must be a number."),
        (("3", "cfg"), "abc", "CFG must be a number."),
        (("5", "width"), 65, None),  # step is not enforced either
        (("5", "width"), 15, "Width must be at least 16."),
        (("3", "sampler_name"), "dpmpp_2m", None),
        (
            ("3", "sampler_name"),
            "dpmpp_2m_karras",
            "Sampler name: “dpmpp_2m_karras” is not one of the available choices.",
        ),
        (
            ("4", "ckpt_name"),
            "other.ckpt",
            "Checkpoint name: “other.ckpt” is not one of the available choices.",
        ),
        (("6", "text"), 12, None),
        (("6", "text"), "", None),
    ],
)
def test_validate_value(
    txt2img_specs: dict, key: tuple[str, str], value: Any, expected: str | None
) -> None:
    assert validate_value(txt2img_specs[key], value) == expected


def test_image_and_bool_validation() -> None:
    image = _by_key(derive_params(load_api("img2img_loadimage.json"), OI))["10", "image"]
    assert validate_value(image, "uploaded-after-object-info.png") is None
    assert validate_value(image, "  ") == "Image needs an image."
    assert validate_value(image, 3) == "Image needs an image."
    lossless = _by_key(derive_params(load_workflow(WEBP), OI))["9", "lossless"]
    assert validate_value(lossless, True) is None
    assert validate_value(lossless, 0) is None
    assert validate_value(lossless, "false") == "Lossless must be on or off."


def test_coerce_value_returns_what_the_server_would_use(txt2img_specs: dict) -> None:
    assert coerce_value(txt2img_specs["3", "steps"], "12") == 12
    assert coerce_value(txt2img_specs["3", "cfg"], "7.5") == 7.5
    assert coerce_value(txt2img_specs["6", "text"], 5) == "5"
    with pytest.raises(ValueError, match="Steps must be at least 1"):
        coerce_value(txt2img_specs["3", "steps"], -3)


def test_validate_params_reads_current_workflow_values() -> None:
    wf = load_api("txt2img_batch2_subfolder.json")
    specs = derive_params(wf, OI)
    assert validate_params(wf, specs) == []
    wf.set("3", "steps", 0)
    wf.set("5", "width", "wide")
    assert validate_params(wf, specs) == [
        ValueProblem("3", "steps", 0, "KSampler: Steps must be at least 1."),
        ValueProblem("5", "width", "wide", "Empty Latent Image: Width must be a whole number."),
    ]
    assert validate_params(wf, specs)[0].key == ("3", "steps")
