"""The converter's rules one by one, on small synthetic graphs."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop.workflow.web_convert import ConversionError, MissingNodesError, convert_ui_workflow
from tests.unit.test_ui_convert_support import UiGraphBuilder, node_def, recorded_object_info

KSAMPLER_VALUES = [7, "fixed", 20, 8, "euler", "normal", 1]
CKPT = ("MODEL", "CLIP", "VAE")


@pytest.fixture(scope="module")
def info():
    return recorded_object_info(
        Mix=node_def({"a": ["IMAGE"], "b": ["IMAGE"]}, name="Mix", output=["IMAGE", "IMAGE"]),
        ToMask=node_def({"image": ["IMAGE"]}, name="ToMask", output=["MASK"]),
        Forced=node_def(
            {"a": ["INT", {"forceInput": True}], "b": ["INT", {}]}, name="Forced", output=["INT"]
        ),
        Seeds=node_def(
            {
                "seed": ["INT", {}],
                "noise_seed": ["INT", {"control_after_generate": False}],
                "pick": [["x", "y"], {"control_after_generate": True}],
                "n": ["INT", {}],
            },
            name="Seeds",
        ),
        Upload=node_def(
            {
                "image": [["a.png"], {"image_upload": True, "image_folder": "output"}],
                "channel": [["alpha", "red"], {}],
            },
            {"strength": ["FLOAT", {"default": 1.0}]},
            name="Upload",
        ),
        Tags=node_def({"tags": ["COMBO", {"options": ["a", "b"], "multiselect": True}]}),
        Jitter=node_def(
            {"amount": ["FLOAT", {"control_after_generate": True}], "steps": ["INT", {}]},
            name="Jitter",
        ),
        NoDefault=node_def(
            {"text": ["STRING", {}], "pick": ["COMBO", {"options": []}]}, name="NoDefault"
        ),
        Refreshing=node_def(
            {
                "image": ["COMBO", {"remote": {"route": "/x", "refresh_button": True}}],
                "tag": ["STRING", {}],
            },
            name="Refreshing",
        ),
    )


def convert(builder: UiGraphBuilder, info, **kwargs) -> dict:
    return convert_ui_workflow(builder.doc(), info, **kwargs)


def problems_of(builder: UiGraphBuilder, info) -> list[tuple[str, str, str]]:
    with pytest.raises(ConversionError) as caught:
        convert_ui_workflow(builder.doc(), info)
    return [(p.node_id, p.node_type, p.message) for p in caught.value.problems]


def checkpoint(g: UiGraphBuilder, node_id: int = 1) -> None:
    g.node(node_id, "CheckpointLoaderSimple", ["m.safetensors"], outputs=CKPT)


# ---------------------------------------------------------------------- bypass, mute, reroute


def test_bypassed_node_passes_the_input_of_the_same_type_through(info):
    g = UiGraphBuilder()
    checkpoint(g)
    g.node(
        2,
        "LoraLoader",
        ["l.safetensors", 1, 1],
        mode=4,
        inputs=(("model", "MODEL"), ("clip", "CLIP")),
        outputs=("MODEL", "CLIP"),
    )
    g.node(3, "CLIPTextEncode", ["hi"], inputs=(("clip", "CLIP"),))
    g.link(1, 0, 2, "model")
    g.link(1, 1, 2, "clip")
    g.link(2, 1, 3, "clip")

    assert convert(g, info) == {
        "1": {
            "inputs": {"ckpt_name": "m.safetensors"},
            "class_type": "CheckpointLoaderSimple",
            "_meta": {"title": "Load Checkpoint"},
        },
        "3": {
            "inputs": {"text": "hi", "clip": ["1", 1]},
            "class_type": "CLIPTextEncode",
            "_meta": {"title": "CLIP Text Encode (Prompt)"},
        },
    }


@pytest.mark.parametrize(("out_slot", "source"), [(0, "10"), (1, "11")])
def test_bypass_prefers_the_input_in_the_same_slot(info, out_slot, source):
    g = UiGraphBuilder()
    g.node(10, "LoadImage", ["a.png", "image"], outputs=("IMAGE", "MASK"))
    g.node(11, "LoadImage", ["b.png", "image"], outputs=("IMAGE", "MASK"))
    g.node(2, "Mix", mode=4, inputs=(("a", "IMAGE"), ("b", "IMAGE")), outputs=("IMAGE", "IMAGE"))
    g.node(3, "PreviewImage", [], inputs=(("images", "IMAGE"),))
    g.link(10, 0, 2, "a")
    g.link(11, 0, 2, "b")
    g.link(2, out_slot, 3, "images")

    assert convert(g, info)["3"]["inputs"] == {"images": [source, 0]}


def test_bypass_without_an_input_of_the_type_leaves_the_input_unconnected(info):
    g = UiGraphBuilder()
    g.node(10, "LoadImage", ["a.png", "image"], outputs=("IMAGE", "MASK"))
    g.node(2, "ToMask", mode=4, inputs=(("image", "IMAGE"),), outputs=("MASK",))
    g.node(
        3,
        "VAEEncodeForInpaint",
        [6],
        inputs=(("pixels", "IMAGE"), ("vae", "VAE"), ("mask", "MASK")),
    )
    g.link(10, 0, 2, "image")
    g.link(10, 0, 3, "pixels")
    g.link(2, 0, 3, "mask")

    assert convert(g, info)["3"]["inputs"] == {"grow_mask_by": 6, "pixels": ["10", 0]}


def test_links_from_muted_nodes_are_dropped_even_over_a_widget_value(info):
    g = UiGraphBuilder()
    g.node(1, "PrimitiveInt", [5, "fixed"], mode=2, outputs=("INT",))
    g.node(
        2,
        "EmptyLatentImage",
        [512, 768, 1],
        inputs=(("width", "INT", "width"),),
        outputs=("LATENT",),
    )
    g.node(3, "VAELoader", ["v.safetensors"], mode=2, outputs=("VAE",))
    g.node(4, "VAEDecode", [], inputs=(("samples", "LATENT"), ("vae", "VAE")))
    g.link(1, 0, 2, "width")
    g.link(2, 0, 4, "samples")
    g.link(3, 0, 4, "vae")

    result = convert(g, info)

    assert set(result) == {"2", "4"}
    assert result["2"]["inputs"] == {"height": 768, "batch_size": 1}
    assert result["4"]["inputs"] == {"samples": ["2", 0]}


def test_reroute_chains_resolve_to_the_real_output(info):
    g = UiGraphBuilder()
    checkpoint(g)
    g.node(5, "Reroute", inputs=(("", "*"),), outputs=("*",))
    g.node(6, "Reroute", inputs=(("", "*"),), outputs=("*",))
    g.node(3, "CLIPTextEncode", ["hi"], inputs=(("clip", "CLIP"),))
    g.link(1, 1, 5, "")
    g.link(5, 0, 6, "")
    g.link(6, 0, 3, "clip")

    assert convert(g, info)["3"]["inputs"] == {"text": "hi", "clip": ["1", 1]}


def test_reroute_loop_is_reported(info):
    g = UiGraphBuilder()
    g.node(5, "Reroute", inputs=(("", "*"),), outputs=("*",))
    g.node(6, "Reroute", inputs=(("", "*"),), outputs=("*",))
    g.node(3, "CLIPTextEncode", ["hi"], inputs=(("clip", "CLIP"),))
    g.link(5, 0, 6, "")
    g.link(6, 0, 5, "")
    g.link(6, 0, 3, "clip")

    [(node_id, node_type, message)] = problems_of(g, info)
    assert (node_id, node_type) == ("3", "CLIPTextEncode")
    assert message.startswith("input “clip”: the links around node")
    assert message.endswith("form a loop")


# ---------------------------------------------------------------------- primitives and notes


def test_primitive_node_value_replaces_the_widget_it_feeds(info):
    g = UiGraphBuilder()
    g.node(1, "PrimitiveNode", [42, "fixed"], outputs=("INT",))
    g.node(2, "Note", ["just a note"])
    g.node(3, "KSampler", KSAMPLER_VALUES, inputs=(("seed", "INT", "seed"),))
    g.link(1, 0, 3, "seed")

    result = convert(g, info)

    assert list(result) == ["3"]
    assert result["3"]["inputs"] == {
        "seed": 42,
        "steps": 20,
        "cfg": 8,
        "sampler_name": "euler",
        "scheduler": "normal",
        "denoise": 1,
    }


def test_primitive_through_a_reroute_must_agree_with_the_widget(info):
    g = UiGraphBuilder()
    g.node(1, "PrimitiveNode", [42, "fixed"], outputs=("INT",))
    g.node(5, "Reroute", inputs=(("", "*"),), outputs=("*",))
    g.node(3, "KSampler", KSAMPLER_VALUES, inputs=(("seed", "INT", "seed"),))
    g.link(1, 0, 5, "")
    g.link(5, 0, 3, "seed")

    [(node_id, node_type, message)] = problems_of(g, info)
    assert (node_id, node_type) == ("1", "PrimitiveNode")
    assert "through a reroute" in message

    g.nodes[0]["widgets_values"] = [7, "fixed"]
    assert convert(g, info)["3"]["inputs"]["seed"] == 7


# ---------------------------------------------------------------------- unknown things


def test_missing_node_types_are_reported_unless_muted(info):
    g = UiGraphBuilder()
    g.node(1, "FancyLoader", ["x"], mode=2, outputs=("IMAGE",))
    g.node(2, "FancyFilter", [], mode=4, inputs=(("image", "IMAGE"),), outputs=("IMAGE",))
    g.node(3, "PreviewImage", [], inputs=(("images", "IMAGE"),))
    g.link(1, 0, 2, "image")
    g.link(2, 0, 3, "images")

    assert convert(g, info) == {
        "3": {"inputs": {}, "class_type": "PreviewImage", "_meta": {"title": "Preview Image"}}
    }

    g.nodes[0]["mode"] = 0
    [(node_id, node_type, message)] = problems_of(g, info)
    assert (node_id, node_type) == ("1", "FancyLoader")
    assert message.startswith("this node type is not installed on the server")


def test_a_workflow_that_only_lacks_node_classes_says_which_with_a_typed_error(info):
    g = UiGraphBuilder()
    g.node(1, "FancyLoader", ["x"], outputs=("IMAGE",))
    g.node(2, "FancyFilter", [], inputs=(("image", "IMAGE"),), outputs=("IMAGE",))
    g.node(3, "FancyLoader", ["y"], outputs=("IMAGE",))
    g.node(4, "PreviewImage", [], inputs=(("images", "IMAGE"),))
    g.link(2, 0, 4, "images")

    with pytest.raises(MissingNodesError) as caught:
        convert(g, info)

    assert caught.value.node_types == ("FancyFilter", "FancyLoader")
    assert str(caught.value).startswith(
        "This workflow needs nodes this server lacks: FancyFilter, FancyLoader."
    )
    assert [p.node_id for p in caught.value.problems] == ["1", "2", "3"]

    g.nodes[3]["widgets_values"] = {"by": "name"}  # one more kind of problem: no longer typed
    with pytest.raises(ConversionError) as caught:
        convert(g, info)
    assert not isinstance(caught.value, MissingNodesError)
    assert len(caught.value.problems) == 4


def test_group_nodes_unknown_links_and_bad_values_are_all_listed(info):
    g = UiGraphBuilder()
    g.node(1, "workflow>My group", [])
    g.node(2, "CLIPTextEncode", ["hi"], inputs=(("clip", "CLIP"),))
    g.nodes[1]["inputs"][0]["link"] = 99
    g.node(3, "EmptyLatentImage", {"width": 512})
    g.node(5, "SaveImage", "ComfyUI")

    problems = problems_of(g, info)

    assert [(p[0], p[1]) for p in problems] == [
        ("1", "workflow>My group"),
        ("2", "CLIPTextEncode"),
        ("3", "EmptyLatentImage"),
        ("5", "SaveImage"),
    ]
    assert "group nodes" in problems[0][2]
    assert problems[1][2] == "input “clip”: input “clip” refers to link 99, which does not exist"
    assert "saved by name" in problems[2][2]
    assert problems[3][2] == "its widget values are malformed"


def test_editor_only_widgets_are_reported(info):
    g = UiGraphBuilder()
    g.node(1, "Refreshing", ["a.png", "refresh", "x"])
    g.node(2, "Load3D", ["m.glb", "", 1024, 1024])

    problems = problems_of(g, info)

    assert problems[0][:2] == ("1", "Refreshing")
    assert "input “image” has a refresh button followed by other widgets" in problems[0][2]
    assert problems[1][:2] == ("2", "Load3D")
    assert "file upload widget" in problems[1][2]


def test_a_refresh_button_as_the_last_widget_keeps_only_the_value(info):
    g = UiGraphBuilder()
    # As saved by frontend 1.27: the value, then the editor's own button values.
    g.node(1, "LoadImageOutput", ["doll.webp [output]", False, "refresh", "image"])

    assert convert(g, info)["1"]["inputs"] == {"image": "doll.webp [output]"}


# ---------------------------------------------------------------------- widget layouts


def test_widget_values_follow_the_definition_with_its_companions(info):
    g = UiGraphBuilder()
    # seed: control by legacy name; noise_seed: explicitly none; pick: control + filter.
    g.node(1, "Seeds", [1, "randomize", 2, "y", "fixed", "", 3])
    g.node(2, "Upload", ["b.png", "red", "image", 0.5])
    g.node(3, "LoadImage", ["in.png", "image"])
    g.node(4, "Tags", [["a", "b"]])

    result = convert(g, info)

    assert result["1"]["inputs"] == {"seed": 1, "noise_seed": 2, "pick": "y", "n": 3}
    assert result["2"]["inputs"] == {"image": "b.png [output]", "channel": "red", "strength": 0.5}
    assert result["3"]["inputs"] == {"image": "in.png"}
    assert result["4"]["inputs"] == {"tags": {"__value__": ["a", "b"]}}


def test_a_float_with_a_control_has_one_control_value_as_in_the_editor(info):
    g = UiGraphBuilder()
    g.node(1, "Jitter", [0.25, "randomize", 3])

    assert convert(g, info)["1"]["inputs"] == {"amount": 0.25, "steps": 3}


def test_old_files_with_values_for_force_input_sockets_are_migrated(info):
    g = UiGraphBuilder()
    g.node(1, "Forced", [10, 20])
    g.node(2, "Forced", [30])

    result = convert(g, info)

    assert result["1"]["inputs"] == {"b": 20}
    assert result["2"]["inputs"] == {"b": 30}


def test_fewer_saved_values_than_widgets_take_the_inputs_defaults(info):
    g = UiGraphBuilder()
    # Saved before the server's node grew its last inputs (the editor keeps their defaults).
    g.node(1, "KSampler", [5, "fixed", 30], inputs=(("model", "MODEL"),))
    g.node(2, "DifferentialDiffusion", [], inputs=(("model", "MODEL"),))

    result = convert(g, info)

    assert result["1"]["inputs"] == {
        "seed": 5,
        "steps": 30,
        "cfg": 8.0,
        "sampler_name": "euler",
        "scheduler": "simple",
        "denoise": 1.0,
    }
    assert result["2"]["inputs"] == {"strength": 1.0}


def test_more_saved_values_than_widgets_drop_the_extra_ones(info):
    g = UiGraphBuilder()
    # An API node's status text and an old LoadImage's extra value are the editor's own.
    g.node(1, "EmptyLatentImage", [640, 480, 2, "Task in progress: 15.0s"])
    g.node(2, "LoadImage", ["in.png", "image", ""])

    result = convert(g, info)

    assert result["1"]["inputs"] == {"width": 640, "height": 480, "batch_size": 2}
    assert result["2"]["inputs"] == {"image": "in.png"}


def test_the_editors_own_3d_widgets_are_sent(info):
    g = UiGraphBuilder()
    g.node(1, "SaveGLB", ["mesh/ComfyUI", ""], inputs=(("mesh", "MESH"),))
    g.node(2, "SaveGLB", ["mesh/old"], inputs=(("mesh", "MESH"),))  # saved before the widget
    g.node(3, "Preview3D", ["out.glb", "3d/out.glb"])

    result = convert(g, info)

    assert result["1"]["inputs"] == {"filename_prefix": "mesh/ComfyUI", "image": ""}
    assert result["2"]["inputs"] == {"filename_prefix": "mesh/old", "image": ""}
    assert result["3"]["inputs"] == {"model_file": "out.glb", "image": "3d/out.glb"}


def test_a_missing_value_without_any_default_is_refused_naming_node_and_input(info):
    g = UiGraphBuilder()
    g.node(1, "NoDefault", ["first"])

    [(node_id, node_type, message)] = problems_of(g, info)

    assert (node_id, node_type) == ("1", "NoDefault")
    assert message == "input “pick” has no saved value and no default to fall back on"


def test_missing_widget_values_fall_back_to_the_editor_defaults(info):
    g = UiGraphBuilder()
    g.node(1, "EmptyLatentImage")
    g.node(2, "Upload")

    result = convert(g, info)

    assert result["1"]["inputs"] == {"width": 512, "height": 512, "batch_size": 1}
    assert result["2"]["inputs"] == {"image": "a.png [output]", "channel": "alpha", "strength": 1.0}


def test_titles_come_from_the_node_or_the_display_name(info):
    g = UiGraphBuilder()
    g.node(1, "EmptyLatentImage", [8, 8, 1], title="")
    g.node(2, "EmptyLatentImage", [8, 8, 1], title="空潜空间")
    g.node(3, "EmptySD3LatentImage", [8, 8, 1])

    result = convert(g, info)

    assert [result[k]["_meta"]["title"] for k in "123"] == ["", "空潜空间", "EmptySD3LatentImage"]


# ---------------------------------------------------------------------- text rewriting


def test_dynamic_prompts_are_expanded_like_the_editor(info):
    g = UiGraphBuilder()
    g.node(1, "CLIPTextEncode", ["a {red|blue} cat // note\n{big}\\{x\\}"])
    g.node(2, "SaveImage", ["{keep|this}"])

    result = convert(g, info, choose=lambda options: options[-1])

    assert result["1"]["inputs"]["text"] == "a blue cat \nbig{x}"
    assert result["2"]["inputs"]["filename_prefix"] == "{keep|this}"


def test_filename_prefix_placeholders_are_expanded(info):
    g = UiGraphBuilder()
    g.node(
        1,
        "KSampler",
        [123, "fixed", 20, 8, "euler", "normal", 1],
        properties={"Node name for S&R": "KSampler"},
    )
    g.node(2, "EmptyLatentImage", [640, 512, 1])
    g.node(
        3,
        "SaveImage",
        [
            "%date:yyyy-MM-dd%/%KSampler.seed%_%Empty Latent Image.width%"
            "_%KSampler.cfg%_%Nope.x%_%width%"
        ],
    )

    result = convert(g, info, now=datetime(2025, 3, 4, 5, 6, 7))

    assert result["3"]["inputs"]["filename_prefix"] == ("2025-03-04/123_640_8_%Nope.x%_%width%")
