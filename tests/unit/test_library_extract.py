"""Parameter extraction from API prompts and reading metadata embedded in outputs."""

from __future__ import annotations

import io
import json
import struct
import zlib

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from desktop.library.extract import extract_params, read_png_metadata
from desktop.library.metadata import MAX_JSON_CHARS, parse_graph_json
from desktop.library.models import ExtractedParams
from desktop.workflow import image_metadata
from tests.conftest import shared_path

IMAGES = shared_path("workflows", "images")
OUTPUT_PNG = shared_path("comfyui-captures", "01-success-with-previews", "output.png")


def _api(name: str) -> dict:
    return json.loads(shared_path("workflows", "ui-expected", name).read_text(encoding="utf-8"))


def test_output_png_from_the_real_server() -> None:
    prompt, workflow = read_png_metadata(OUTPUT_PNG)
    assert workflow is None  # submitted through the API without extra_pnginfo
    assert prompt is not None
    assert extract_params(prompt) == ExtractedParams(
        positive="beautiful scenery",
        negative="text, watermark",
        seed=11,
        steps=3,
        cfg=8.0,
        sampler="euler",
        scheduler="normal",
        models=("random-sd15.safetensors",),
        width=64,
        height=64,
        denoise=1.0,
    )


@pytest.mark.parametrize(
    "name",
    ["comfyui_png_with_prompt_and_workflow_0.png", "comfyui_animated_webp_with_exif_metadata.webp"],
)
def test_sample_images_carry_prompt_and_workflow(name: str) -> None:
    data = (IMAGES / name).read_bytes()
    prompt, workflow = read_png_metadata(data)
    assert prompt is not None
    assert workflow is not None
    assert prompt["3"]["class_type"] == "KSampler"
    assert workflow["last_node_id"] == 9
    assert len(workflow["nodes"]) == 7
    params = extract_params(prompt, workflow)
    assert params.positive == "a red fox in snow"
    assert params.negative == "blurry"
    assert params.seed == (42 if name.endswith(".png") else 7)
    assert params.models == ("random-sd15.safetensors",)


def _png_with(pnginfo: PngInfo) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, "PNG", pnginfo=pnginfo)
    return out.getvalue()


def test_compressed_and_international_text_chunks_are_read() -> None:
    info = PngInfo()
    info.add_text("prompt", json.dumps({"1": {"class_type": "X", "inputs": {}}}), zip=True)
    info.add_itxt("workflow", json.dumps({"nodes": [], "title": "猫の絵"}), zip=True)
    prompt, workflow = read_png_metadata(_png_with(info))
    assert prompt == {"1": {"class_type": "X", "inputs": {}}}
    assert workflow == {"nodes": [], "title": "猫の絵"}


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_hostile_metadata_is_ignored_not_fatal() -> None:
    base = _png_with(PngInfo())
    bomb = _chunk(b"zTXt", b"prompt\0\0" + zlib.compress(b" " * (MAX_JSON_CHARS + 10)))
    deep = _chunk(b"tEXt", b"workflow\0" + b"[" * 200_000)
    data = base[:33] + bomb + deep + base[33:]
    assert read_png_metadata(data) == (None, None)


def test_many_compressed_chunks_share_one_budget_per_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each chunk is under the per-file cap; together they are not. The library reads with the
    # same reader (and budget) as the workflow loader.
    monkeypatch.setattr(image_metadata, "MAX_TEXT_BYTES", 4 * 1024 * 1024)
    payload = zlib.compress(b" " * 1024 * 1024, 9)
    bombs = b"".join(_chunk(b"zTXt", b"k%d\0\0" % i + payload) for i in range(60))
    prompt = _chunk(b"tEXt", b"prompt\0" + json.dumps({"1": {"inputs": {}}}).encode())
    base = _png_with(PngInfo())
    assert read_png_metadata(base[:33] + bombs + prompt + base[33:]) == (None, None)
    assert read_png_metadata(base[:33] + prompt + base[33:])[0] == {"1": {"inputs": {}}}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image",
        b"\x89PNG\r\n\x1a\n\0\0\xff\xffIHDR",
        b"RIFF\0\0\0\0WEBPEXIF\xff\xff\0\0junk",
    ],
)
def test_garbage_gives_no_metadata(data: bytes) -> None:
    assert read_png_metadata(data) == (None, None)


def test_parse_graph_json_only_accepts_objects() -> None:
    assert parse_graph_json('{"a": 1}') == {"a": 1}
    assert parse_graph_json("[1, 2]") is None
    assert parse_graph_json("{broken") is None
    assert parse_graph_json("[" * 100_000) is None


def test_hires_fix_reports_the_first_pass() -> None:
    params = extract_params(_api("hiresfix_latent_workflow.api.json"))
    assert (params.seed, params.steps, params.sampler, params.width, params.height) == (
        873141143997374, 12, "dpmpp_sde", 512, 512,
    )  # fmt: skip
    assert params.negative == "bad hands, text, watermark,nsfw"
    assert params.models == ("DreamShaper_8_pruned.safetensors",)


def test_sdxl_refiner_uses_the_base_sampler_and_both_checkpoints() -> None:
    params = extract_params(_api("sdxl_refiner_prompt_example.api.json"))
    assert params.positive == "daytime sky nature dark blue galaxy bottle"
    assert params.negative == "text, watermark"
    assert (params.seed, params.steps, params.cfg, params.denoise) == (6767725640732, 25, 8.0, None)
    assert params.models == ("sd_xl_base_1.0.safetensors", "sd_xl_refiner_1.0.safetensors")
    assert (params.width, params.height) == (1024, 1024)


def test_sampler_custom_advanced_with_dual_cfg_guider() -> None:
    params = extract_params(_api("hidream_e1_full.api.json"))
    assert params.positive.startswith("Let the girl put on the VR glasses")
    assert params.negative == "low quality, blurry, distorted"
    assert (params.seed, params.steps, params.cfg) == (705826023365990, 28, 5.0)
    assert (params.sampler, params.scheduler, params.denoise) == ("euler", "normal", 1.0)
    assert params.models[0] == "hidream_e1_full_bf16.safetensors"
    assert len(params.models) == 6


def test_controlnet_preprocessing_sampler_is_not_the_main_one() -> None:
    params = extract_params(_api("image_qwen_image_instantx_controlnet.api.json"), output_node="60")
    assert params.seed == 452179129219851
    assert params.positive.startswith("Post-apocalyptic style clothing")
    assert params.negative == ""  # the negative prompt is a single space
    assert (params.steps, params.cfg, params.scheduler) == (20, 2.5, "simple")


def test_flux_prompt_with_guidance_and_chinese_titles() -> None:
    prompt = json.loads(
        shared_path("workflows", "api", "flux_dev_chinese_titles.json").read_text("utf-8")
    )
    params = extract_params(prompt)
    assert params.positive.startswith("cute anime girl with massive fluffy fennec ears")
    assert params.negative == ""
    assert (params.seed, params.steps, params.cfg) == (972054013131369, 20, 1.0)
    assert params.models == ("flux1-dev-fp8.safetensors",)


def test_lora_names_are_models_too() -> None:
    params = extract_params(_api("lora.api.json"))
    assert params.models == ("dreamshaper_8.safetensors", "blindbox_v1_mix.safetensors")
    assert (params.width, params.height, params.scheduler) == (768, 768, "karras")


def test_sdxl_text_encoder_and_linked_seed() -> None:
    prompt = {
        "1": {"class_type": "KSampler", "inputs": {
            "seed": ["9", 0], "steps": 10, "cfg": 5, "sampler_name": "euler",
            "scheduler": "karras", "denoise": 0.5, "positive": ["2", 0], "negative": ["3", 0],
            "latent_image": ["4", 0], "model": ["5", 0]}},
        "2": {"class_type": "CLIPTextEncodeSDXL", "inputs": {"text_g": "a cat", "text_l": "a cat",
              "width": 1024, "height": 1024, "clip": ["5", 1]}},
        "3": {"class_type": "CLIPTextEncodeSDXL", "inputs": {"text_g": "ugly", "text_l": "blurry",
              "clip": ["5", 1]}},
        "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 832, "height": 1216}},
        "5": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl.safetensors"}},
        "9": {"class_type": "PrimitiveInt", "inputs": {"value": 2**64 - 1}},
    }  # fmt: skip
    params = extract_params(prompt)
    assert params == ExtractedParams(
        positive="a cat", negative="ugly\nblurry", seed=2**64 - 1, steps=10, cfg=5.0,
        sampler="euler", scheduler="karras", models=("sdxl.safetensors",), width=832,
        height=1216, denoise=0.5,
    )  # fmt: skip


@pytest.mark.parametrize("prompt", [None, {}, {"1": "junk"}, {"1": {"inputs": [1, 2]}}])
def test_malformed_prompts_give_empty_params(prompt: object) -> None:
    assert extract_params(prompt) == ExtractedParams()  # type: ignore[arg-type]


def test_workflow_only_fallback() -> None:
    _, workflow = read_png_metadata(IMAGES / "comfyui_png_with_prompt_and_workflow_0.png")
    params = extract_params(None, workflow)
    assert params.positive.startswith("beautiful scenery nature glass bottle")
    assert params.negative == "text, watermark"
    assert (params.seed, params.steps, params.cfg) == (156680208700286, 20, 8.0)
    assert params.models == ("v1-5-pruned-emaonly-fp16.safetensors",)


def test_prompts_of_a_parameter_list_without_wiring_come_from_the_encoders_titles() -> None:
    # A hosted service's parameter list keeps the values, not the links between nodes.
    prompt = {
        "3": {"inputs": {"seed": 1, "steps": 20, "cfg": 7.0}, "class_type": "KSampler"},
        "6": {
            "inputs": {"text": "a lighthouse on a cliff at dawn"},
            "class_type": "CLIPTextEncode",
            "_meta": {"title": "Positive"},
        },
        "7": {
            "inputs": {"text": "blurry, watermark"},
            "class_type": "CLIPTextEncode",
            "_meta": {"title": "Negative"},
        },
    }
    params = extract_params(prompt)
    assert params.positive == "a lighthouse on a cliff at dawn"
    assert params.negative == "blurry, watermark"
    assert params.seed == 1
