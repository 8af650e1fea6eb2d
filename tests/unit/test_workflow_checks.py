from __future__ import annotations

import pytest

from desktop.workflow.checks import ServerCheck, check_against_server, suggest_choice
from desktop.workflow.document import Workflow
from desktop.workflow.params import ValueProblem
from tests.unit.workflow_support import load_api, load_expected_ui, recorded_object_info

OI = recorded_object_info()
CHECKPOINTS = ("broken.safetensors", "random-sd15.safetensors")


def test_runnable_workflow_passes() -> None:
    check = check_against_server(load_api("txt2img_batch2_subfolder.json"), OI)
    assert check == ServerCheck((), ())
    assert check.ok
    assert check.messages() == ()
    assert check.missing_nodes_message is None


def test_missing_checkpoint_is_flagged_with_a_suggestion() -> None:
    check = check_against_server(load_api("sd15_default_missing_model.json"), OI)
    assert check.missing_node_types == ()
    assert check.invalid_values == (
        ValueProblem(
            node_id="4",
            input_name="ckpt_name",
            value="darkSushiMixMix_brighterPruned.safetensors",
            message="Load Checkpoint: “darkSushiMixMix_brighterPruned.safetensors” is not "
            "available on this server.",
            suggestion=None,
        ),
    )
    assert not check.ok


def test_missing_checkpoint_with_chinese_title() -> None:
    check = check_against_server(load_api("flux_dev_chinese_titles.json"), OI)
    assert [(p.key, p.value, p.suggestion) for p in check.invalid_values] == [
        (("30", "ckpt_name"), "flux1-dev-fp8.safetensors", None),
    ]
    assert check.messages() == (
        "Checkpoint加载器(简易): “flux1-dev-fp8.safetensors” is not available on this server.",
    )


def test_unknown_node_classes_are_reported_once_in_order() -> None:
    wf = load_api("txt2img_batch2_subfolder.json")
    prompt = wf.to_prompt()
    prompt["20"] = {"class_type": "IPAdapterAdvanced", "inputs": {"weight": 0.8}}
    prompt["21"] = {"class_type": "UltimateSDUpscale", "inputs": {"image": ["20", 0]}}
    prompt["22"] = {"class_type": "IPAdapterAdvanced", "inputs": {}}
    check = check_against_server(Workflow(prompt), OI)
    assert check.missing_node_types == ("IPAdapterAdvanced", "UltimateSDUpscale")
    assert check.missing_nodes_message == (
        "This workflow needs the custom nodes IPAdapterAdvanced, UltimateSDUpscale — install "
        "them on the server."
    )
    assert check.invalid_values == ()  # their values are read-only unknowns, not errors
    assert check.messages()[0] == check.missing_nodes_message


def test_single_missing_node_sentence() -> None:
    wf = Workflow({"1": {"class_type": "WAS_Image_Blend", "inputs": {}}})
    assert check_against_server(wf, OI).missing_nodes_message == (
        "This workflow needs the custom node WAS_Image_Blend — install it on the server."
    )


def test_missing_input_image_and_range_and_dangling_link() -> None:
    wf = load_api("img2img_loadimage.json")
    wf.set("10", "image", "my cat.png")
    wf.set("3", "steps", 0)
    wf.set("3", "sampler_name", "dpmpp_2m_karras")
    wf.set("8", "vae", ["77", 2])
    check = check_against_server(wf, OI)
    assert [(p.key, p.message, p.suggestion) for p in check.invalid_values] == [
        (("3", "steps"), "KSampler: Steps must be at least 1.", None),
        (
            ("3", "sampler_name"),
            "KSampler: “dpmpp_2m_karras” is not available on this server; did you mean “dpmpp_2m”?",
            "dpmpp_2m",
        ),
        (
            ("10", "image"),
            "Load Image: the image “my cat.png” is not on the server — upload it or choose "
            "another.",
            None,
        ),
        (
            ("8", "vae"),
            "VAE Decode: vae is connected to node 77, which is missing from the workflow.",
            None,
        ),
    ]


@pytest.mark.parametrize(
    ("value", "ok"),
    [("example.png", True), ("example.png [input]", True), ("x.png [output]", True),
     ("nope.png [input]", False)],
)  # fmt: skip
def test_annotated_image_names(value: str, ok: bool) -> None:
    wf = load_api("img2img_loadimage.json")
    wf.set("10", "image", value)
    assert check_against_server(wf, OI).ok is ok


def test_empty_server_list_means_nothing_is_available() -> None:
    wf = load_expected_ui("image_qwen_image.api.json")
    check = check_against_server(wf, OI)
    messages = check.messages()
    assert "Load VAE: “qwen_image_vae.safetensors” is not available on this server." in messages
    assert check.missing_node_types == ()


@pytest.mark.parametrize(
    ("value", "choices", "expected"),
    [
        ("SD1.5/random-sd15.safetensors", CHECKPOINTS, "random-sd15.safetensors"),
        ("models\\Random-SD15.safetensors", CHECKPOINTS, "random-sd15.safetensors"),
        ("random_sd15.ckpt", CHECKPOINTS, "random-sd15.safetensors"),
        ("random-sd15-pruned.safetensors", CHECKPOINTS, "random-sd15.safetensors"),
        # Unlike names get no suggestion, even when only one file of the kind exists.
        ("flux1-dev-fp8.safetensors", CHECKPOINTS, None),
        ("darkSushiMix.safetensors", ("broken.safetensors",), None),
        # Alike names only from the same folder; the same file name from any folder.
        ("sdxl/random-sd15-v2.safetensors", CHECKPOINTS, None),
        (
            "sd15/random-sd15-v2.safetensors",
            ("sd15/random-sd15.safetensors",),
            "sd15/random-sd15.safetensors",
        ),
        (
            "sd15\\Random_SD15.ckpt",
            ("sd15/other.ckpt", "SD15/random-sd15.safetensors"),
            "SD15/random-sd15.safetensors",
        ),
        ("model.gguf", CHECKPOINTS, None),
        ("eulr", ("euler", "heun"), "euler"),
        ("zzz", ("euler", "heun"), None),
        (5, ("euler",), None),
        ("x", (), None),
    ],
)
def test_suggest_choice_only_alike_names(value: object, choices: tuple, expected: object) -> None:
    assert suggest_choice(value, choices) == expected
