from __future__ import annotations

import pytest

from desktop.workflow.document import Workflow
from desktop.workflow.layout import Role, Section, group_params, prompt_polarity
from desktop.workflow.params import derive_params
from desktop.workflow.sources import load_workflow
from tests.unit.workflow_support import (
    PNG_0,
    WEBP,
    load_api,
    load_expected_ui,
    recorded_object_info,
)

OI = recorded_object_info()
R = Role


def _sections(wf: Workflow) -> list[Section]:
    return group_params(wf, derive_params(wf, OI), OI)


def _summary(sections: list[Section]) -> list[tuple[str, Role, str]]:
    return [(s.node_id, s.role, s.title) for s in sections]


def test_txt2img_order_and_advanced_denoise() -> None:
    sections = _sections(load_api("txt2img_batch2_subfolder.json"))
    assert _summary(sections) == [
        ("6", R.POSITIVE_PROMPT, "Positive prompt"),
        ("7", R.NEGATIVE_PROMPT, "Negative prompt"),
        ("4", R.MODEL, "Load Checkpoint"),
        ("5", R.SIZE, "Empty Latent Image"),
        ("3", R.SAMPLER, "KSampler"),
        ("9", R.OUTPUT, "Save Image"),
    ]
    sampler = sections[4]
    assert [s.input_name for s in sampler.params] == [
        "seed",
        "steps",
        "cfg",
        "sampler_name",
        "scheduler",
    ]
    # txt2img: full denoise is the only sensible value, so it is folded away.
    assert [s.input_name for s in sampler.advanced_params] == ["denoise"]
    assert (sections[0].node_title, sections[0].node_class) == ("Positive", "CLIPTextEncode")
    assert [s.input_name for s in sections[3].params] == ["width", "height", "batch_size"]


def test_img2img_keeps_denoise_visible_and_puts_image_after_prompts() -> None:
    sections = _sections(load_api("img2img_loadimage.json"))
    assert _summary(sections) == [
        ("6", R.POSITIVE_PROMPT, "Positive prompt"),
        ("7", R.NEGATIVE_PROMPT, "Negative prompt"),
        ("10", R.INPUT_IMAGE, "Load Image"),
        ("4", R.MODEL, "Load Checkpoint"),
        ("3", R.SAMPLER, "KSampler"),
        ("9", R.OUTPUT, "Save Image"),
    ]
    sampler = sections[4]
    assert "denoise" in [s.input_name for s in sampler.params]
    assert sampler.advanced_params == ()


def test_flux_polarity_through_flux_guidance_with_chinese_titles() -> None:
    wf = load_api("flux_dev_chinese_titles.json")
    assert prompt_polarity(wf, OI, derive_params(wf, OI)) == {
        "6": (R.POSITIVE_PROMPT, 5),
        "33": (R.NEGATIVE_PROMPT, 5),
    }
    assert _summary(_sections(wf)) == [
        ("6", R.POSITIVE_PROMPT, "Positive prompt"),
        ("33", R.NEGATIVE_PROMPT, "Negative prompt"),
        ("30", R.MODEL, "Checkpoint加载器(简易)"),
        ("27", R.SIZE, "空Latent_SD3"),
        ("31", R.SAMPLER, "K采样器"),
        ("35", R.OTHER, "Flux引导"),
        ("9", R.OUTPUT, "保存图像"),
    ]


@pytest.mark.parametrize(
    "name",
    ["sd15_default_missing_model.json"],
)
def test_default_graph_polarity(name: str) -> None:
    wf = load_api(name)
    polarity = prompt_polarity(wf, OI, derive_params(wf, OI))
    assert {k: v[0] for k, v in polarity.items()} == {
        "6": R.POSITIVE_PROMPT,
        "7": R.NEGATIVE_PROMPT,
    }


@pytest.mark.parametrize("path", [PNG_0, WEBP])
def test_images_polarity(path: object) -> None:
    sections = _sections(load_workflow(path))  # type: ignore[arg-type]
    assert _summary(sections)[:2] == [
        ("6", R.POSITIVE_PROMPT, "Positive prompt"),
        ("7", R.NEGATIVE_PROMPT, "Negative prompt"),
    ]
    assert sections[-1].role is R.OUTPUT


def test_controlnet_apply_advanced_keeps_negative_through_output_slot() -> None:
    # KSampler.negative = ["85", 1]: output 1 of ControlNetApplyAdvanced is its "negative".
    wf = load_expected_ui("image_qwen_image_instantx_controlnet.api.json")
    polarity = prompt_polarity(wf, OI, derive_params(wf, OI))
    assert {k: v[0] for k, v in polarity.items()} == {
        "6": R.POSITIVE_PROMPT,
        "7": R.NEGATIVE_PROMPT,
    }


def test_dual_cfg_guider_through_instruct_pix2pix() -> None:
    wf = load_expected_ui("hidream_e1_full.api.json")
    sections = _sections(wf)
    assert _summary(sections)[:3] == [
        ("6", R.POSITIVE_PROMPT, "Positive prompt"),
        ("7", R.NEGATIVE_PROMPT, "Negative prompt"),
        ("13", R.INPUT_IMAGE, "Load Image"),
    ]
    unet = next(s for s in sections if s.node_id == "41")
    assert (unet.role, [p.input_name for p in unet.advanced_params]) == (R.MODEL, ["weight_dtype"])


def test_sdxl_refiner_prompts_are_numbered_and_grouped_per_sampler() -> None:
    sections = _sections(load_expected_ui("sdxl_refiner_prompt_example.api.json"))
    assert _summary(sections)[:4] == [
        ("6", R.POSITIVE_PROMPT, "Positive prompt 1"),
        ("7", R.NEGATIVE_PROMPT, "Negative prompt 1"),
        ("15", R.POSITIVE_PROMPT, "Positive prompt 2"),
        ("16", R.NEGATIVE_PROMPT, "Negative prompt 2"),
    ]
    base = next(s for s in sections if s.node_id == "10")
    assert [p.input_name for p in base.advanced_params] == [
        "add_noise",
        "start_at_step",
        "end_at_step",
        "return_with_leftover_noise",
    ]
    assert [p.input_name for p in base.params] == [
        "noise_seed",
        "steps",
        "cfg",
        "sampler_name",
        "scheduler",
    ]


def test_shared_prompts_of_hires_fix_are_not_duplicated() -> None:
    sections = _sections(load_expected_ui("hiresfix_latent_workflow.api.json"))
    assert [(s.node_id, s.role) for s in sections] == [
        ("6", R.POSITIVE_PROMPT),
        ("7", R.NEGATIVE_PROMPT),
        ("16", R.MODEL),
        ("5", R.SIZE),
        ("10", R.SIZE),
        ("3", R.SAMPLER),
        ("11", R.SAMPLER),
        ("12", R.OUTPUT),
    ]
    hires = next(s for s in sections if s.node_id == "11")
    assert "denoise" in [p.input_name for p in hires.params]  # 0.5 on an upscaled latent


def test_advanced_device_input_and_lora_is_a_model() -> None:
    qwen = _sections(load_expected_ui("image_qwen_image.api.json"))
    clip = next(s for s in qwen if s.node_id == "38")
    assert [p.input_name for p in clip.advanced_params] == ["device"]
    lora = _sections(load_expected_ui("lora.api.json"))
    assert [(s.node_id, s.role) for s in lora][2:4] == [("4", R.MODEL), ("11", R.MODEL)]


def test_zero_out_negative_and_title_fallback() -> None:
    wf = Workflow(
        {
            "1": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["9", 1]}},
            "2": {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["1", 0]}},
            "3": {
                "class_type": "KSampler",
                "inputs": {"seed": 1, "positive": ["1", 0], "negative": ["2", 0]},
            },
            "4": {
                "class_type": "CLIPTextEncode",
                "inputs": {"text": "unused", "clip": ["9", 1]},
                "_meta": {"title": "Negative (spare)"},
            },
            "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "loose", "clip": ["9", 1]}},
            "6": {"class_type": "MyCustomTextEncode", "inputs": {"prompt": "hi"}},
        }
    )
    summary = _summary(_sections(wf))
    assert summary[:4] == [
        ("1", R.POSITIVE_PROMPT, "Positive prompt"),
        ("4", R.NEGATIVE_PROMPT, "Negative prompt"),
        ("5", R.PROMPT, "CLIP Text Encode (Prompt)"),
        ("6", R.PROMPT, "MyCustomTextEncode"),
    ]


def test_text_used_as_positive_and_negative_counts_as_positive() -> None:
    wf = Workflow(
        {
            "1": {"class_type": "CLIPTextEncode", "inputs": {"text": "same", "clip": ["9", 1]}},
            "3": {"class_type": "KSampler", "inputs": {"positive": ["1", 0], "negative": ["1", 0]}},
        }
    )
    assert prompt_polarity(wf, OI, derive_params(wf, OI)) == {"1": (R.POSITIVE_PROMPT, 1)}


def test_unknown_classes_are_placed_by_name() -> None:
    wf = Workflow(
        {
            "1": {"class_type": "FancyLoader", "inputs": {"model": "x"}},
            "2": {"class_type": "FancySampler", "inputs": {"steps": 3}},
            "3": {"class_type": "FancySave", "inputs": {"prefix": "p"}},
            "4": {"class_type": "Fancy", "inputs": {"v": 1}},
        }
    )
    assert [(s.node_id, s.role) for s in _sections(wf)] == [
        ("1", R.MODEL),
        ("2", R.SAMPLER),
        ("4", R.OTHER),
        ("3", R.OUTPUT),
    ]
