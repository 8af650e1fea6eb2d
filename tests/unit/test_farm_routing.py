"""What a prompt needs from a server, the farm's united node list, and the expected wait."""

from __future__ import annotations

import copy
import json

from desktop.comfy.object_info import ObjectInfo
from desktop.farm.needs import holders, lacking, merge_object_info
from desktop.farm.routing import DEFAULT_JOB_SECONDS, Timings, expected_wait, workflow_key
from desktop.workflow.document import Workflow
from desktop.workflow.params import derive_params
from tests.conftest import recorded_object_info_raw, shared_path
from tests.protocol.jobs_support import txt2img


def info_with(checkpoints: list[str], *, drop: str | None = None) -> ObjectInfo:
    raw = copy.deepcopy(recorded_object_info_raw())
    raw["CheckpointLoaderSimple"]["input"]["required"]["ckpt_name"][0] = checkpoints
    if drop is not None:
        del raw[drop]
    return ObjectInfo(raw)


def test_a_server_lacks_the_node_classes_and_model_files_the_prompt_names() -> None:
    prompt = txt2img(ckpt="big.safetensors")
    assert lacking(prompt, info_with(["big.safetensors"])) == []
    assert lacking(prompt, info_with(["small.safetensors"])) == ["model big.safetensors"]
    assert lacking(prompt, info_with(["big.safetensors"], drop="SaveImage")) == ["node SaveImage"]


def test_the_united_node_list_offers_every_servers_models_and_says_who_has_them() -> None:
    infos = {
        "a": info_with(["one.safetensors"]),
        "b": info_with(["two.safetensors", "one.safetensors"]),
    }
    merged = merge_object_info(infos)
    choices = merged["CheckpointLoaderSimple"].input("ckpt_name").choices
    assert choices == ("one.safetensors", "two.safetensors")
    assert holders(infos, "CheckpointLoaderSimple", "ckpt_name") == {
        "one.safetensors": ["a", "b"],
        "two.safetensors": ["b"],
    }
    # The servers' own lists are left as they were.
    assert infos["a"]["CheckpointLoaderSimple"].input("ckpt_name").choices == ("one.safetensors",)


def test_the_same_workflow_with_other_seeds_is_the_same_work() -> None:
    assert workflow_key(txt2img(1)) == workflow_key(txt2img(2))
    assert workflow_key(txt2img(1, steps=2)) != workflow_key(txt2img(1, steps=20))


def test_expected_wait_uses_this_servers_time_for_this_workflow() -> None:
    timings = Timings()
    assert timings.per_job("fast", "w") == DEFAULT_JOB_SECONDS
    timings.record("fast", "w", 1.0)
    timings.record("slow", "w", 4.0)
    # Three jobs waiting on the fast server still beat an idle slow one.
    assert expected_wait(3, timings.per_job("fast", "w")) == 4.0
    assert expected_wait(0, timings.per_job("slow", "w")) == 4.0
    assert expected_wait(2, timings.per_job("fast", "w")) < expected_wait(
        0, timings.per_job("slow", "w")
    )
    # A server new to this workflow is assumed as fast as the others were with it.
    assert timings.per_job("new", "w") == 2.5


def test_the_form_sees_which_servers_have_a_model_only_some_have() -> None:
    infos = {
        "a": info_with(["one.safetensors"]),
        "b": info_with(["two.safetensors", "one.safetensors"]),
        "c": info_with(["two.safetensors", "one.safetensors"], drop="SaveImage"),
    }
    ckpt = merge_object_info(infos)["CheckpointLoaderSimple"].input("ckpt_name")
    assert ckpt is not None
    assert ckpt.servers_of == {"two.safetensors": ("b", "c")}  # "one" is everywhere: no mark
    assert ckpt.choices == ("one.safetensors", "two.safetensors")
    loader = {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "one.safetensors"}}
    (spec,) = derive_params(Workflow({"4": loader}), merge_object_info(infos))
    assert spec.choice_servers == (("two.safetensors", ("b", "c")),)
    # One server: nothing to mark.
    single = merge_object_info({"a": infos["a"]})["CheckpointLoaderSimple"].input("ckpt_name")
    assert single is not None
    assert single.servers_of == {}


def test_the_node_lists_of_a_real_0_3_and_a_real_0_8_server_unite() -> None:
    """A real 0.3.64 server lists PixverseTemplateNode's templates as one nested list (an
    option that is itself a list). Marking who has what tripped over it against two real
    servers, and the farm's form never opened."""
    old_raw = recorded_object_info_raw()
    template = old_raw["PixverseTemplateNode"]["input"]["required"]["template"]
    template[1]["options"] = [list(template[1]["options"])]  # as the real server sends it
    new_raw = json.loads(
        shared_path("comfyui-captures-0.8", "00-server-info", "object_info.json").read_text(
            encoding="utf-8"
        )
    )
    merged = merge_object_info({"old": ObjectInfo(old_raw), "new": ObjectInfo(new_raw)})
    assert set(merged) == set(old_raw) | set(new_raw)
    sampler = merged["KSampler"].input("sampler_name")
    assert sampler is not None
    assert set(sampler.servers_of) <= {str(c) for c in sampler.choices or ()}
    assert merged["PixverseTemplateNode"].input("template") is not None
