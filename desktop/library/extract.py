"""Generation parameters from an API prompt: follow the sampler's links back to the text
encoders, seed, scheduler and latent nodes. Best effort: anything unknown stays None."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from typing import Any

from desktop.workflow.document import is_link

from .metadata import read_png_metadata
from .models import ExtractedParams

__all__ = ["extract_params", "read_png_metadata"]

_MODEL_KEYS = {
    "ckpt_name", "unet_name", "lora_name", "vae_name", "clip_name", "clip_name1",
    "clip_name2", "clip_name3", "clip_name4", "control_net_name", "model_name",
    "upscale_model", "style_model_name", "gligen_name", "hypernetwork_name", "base_ckpt_name",
}  # fmt: skip
_MODEL_FILE = re.compile(r"\.(safetensors|ckpt|pt|pth|bin|gguf|sft|onnx)$", re.IGNORECASE)
_TEXT_KEYS = ("text", "text_g", "text_l", "clip_l", "t5xxl", "prompt")
# Inputs that never lead to conditioning text; not following them keeps the walk small.
_NOT_CONDITIONING = {
    "clip", "model", "vae", "image", "images", "pixels", "mask", "samples", "latent",
    "latent_image", "control_net", "clip_vision", "upscale_model", "style_model",
}  # fmt: skip
_MAX_WALK = 256

Prompt = Mapping[str, Any]


def _node(prompt: Prompt, node_id: Any) -> Mapping[str, Any] | None:
    node = prompt.get(str(node_id))
    return node if isinstance(node, Mapping) else None


def _inputs(node: Mapping[str, Any] | None) -> Mapping[str, Any]:
    inputs = node.get("inputs") if node is not None else None
    return inputs if isinstance(inputs, Mapping) else {}


def _class(node: Mapping[str, Any] | None) -> str:
    value = node.get("class_type") if node is not None else None
    return value if isinstance(value, str) else ""


def _linked(prompt: Prompt, node: Mapping[str, Any] | None, name: str):
    value = _inputs(node).get(name)
    return _node(prompt, value[0]) if is_link(value) else None


def _value(prompt: Prompt, node: Mapping[str, Any] | None, *names: str) -> Any:
    """The first literal among ``names``; a link is followed one hop to a primitive node."""
    inputs = _inputs(node)
    for name in names:
        value = inputs.get(name)
        if is_link(value):
            source = _inputs(_node(prompt, value[0]))
            for key in (name, "value", "seed", "noise_seed", "int", "float", "string", "text"):
                if key in source and not is_link(source[key]):
                    return source[key]
            continue
        if value is not None:
            return value
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _sort_key(node_id: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 1 << 30 for p in node_id.split(":"))


def _is_sampler(node: Mapping[str, Any]) -> bool:
    inputs = _inputs(node)
    return "sampler" in _class(node).lower() and any(
        key in inputs for key in ("positive", "guider", "seed", "noise_seed", "noise")
    )


def _upstream(prompt: Prompt, start: Mapping[str, Any] | None, names: tuple[str, ...] = ()):
    """Node ids reachable backwards from ``start`` (only through ``names`` at the first hop,
    if given), in breadth-first order."""
    order: list[str] = []
    seen: set[str] = set()
    first = [v for k, v in _inputs(start).items() if not names or k in names]
    queue = deque(str(v[0]) for v in first if is_link(v))
    while queue and len(order) < 4 * _MAX_WALK:
        node_id = queue.popleft()
        if node_id in seen:
            continue
        seen.add(node_id)
        order.append(node_id)
        queue.extend(str(v[0]) for v in _inputs(_node(prompt, node_id)).values() if is_link(v))
    return order


def _sinks(prompt: Prompt) -> list[str]:
    """Output nodes: nodes nothing else reads from, Save* nodes first."""
    used = {
        str(v[0]) for n in prompt.values() if isinstance(n, Mapping)
        for v in _inputs(n).values() if is_link(v)
    }  # fmt: skip
    sinks = [k for k in prompt if isinstance(k, str) and k not in used]
    return sorted(
        sinks, key=lambda k: ("save" not in _class(_node(prompt, k)).lower(), _sort_key(k))
    )


def _main_sampler(prompt: Prompt, output_node: str | None) -> Mapping[str, Any] | None:
    """The sampler of the base pass: the sampler nearest to the output, then back along its
    latent input to the first pass (hires-fix and refiner workflows keep the seed and size
    the artist chose there). Samplers that only prepare a control image are ignored."""
    outputs = [output_node] if output_node in prompt else _sinks(prompt)
    final = None
    for out in outputs:
        final = next(
            (_node(prompt, k) for k in _upstream(prompt, _node(prompt, out))
             if _is_sampler(_node(prompt, k) or {})),
            None,
        )  # fmt: skip
        if final is not None:
            break
    if final is None:
        ids = sorted((k for k, n in prompt.items() if isinstance(n, Mapping) and _is_sampler(n)),
                     key=_sort_key)  # fmt: skip
        final = _node(prompt, ids[0]) if ids else None
    seen = set()
    while final is not None and id(final) not in seen:
        seen.add(id(final))
        earlier = next(
            (_node(prompt, k) for k in _upstream(prompt, final, ("latent_image",))
             if _is_sampler(_node(prompt, k) or {})),
            None,
        )  # fmt: skip
        if earlier is None:
            return final
        final = earlier
    return final


def _texts_of(node: Mapping[str, Any], prompt: Prompt) -> list[str]:
    texts: list[str] = []
    for key in _TEXT_KEYS:
        value = _value(prompt, node, key)
        if isinstance(value, str) and value.strip() and value.strip() not in texts:
            texts.append(value.strip())
    return texts


def _is_encoder(node: Mapping[str, Any]) -> bool:
    return any(key in _inputs(node) for key in _TEXT_KEYS)


def _conditioning_text(prompt: Prompt, start: Mapping[str, Any] | None, role: str) -> str:
    """Walk back from a conditioning input to the text encoders that feed it. Nodes that carry
    both conditionings (ControlNetApplyAdvanced, InstructPixToPixConditioning, …) are followed
    only through the input named like the role."""
    if start is None:
        return ""
    texts: list[str] = []
    queue = deque([start])
    seen = {id(start)}
    while queue and len(seen) <= _MAX_WALK:
        node = queue.popleft()
        if _is_encoder(node):
            texts.extend(t for t in _texts_of(node, prompt) if t not in texts)
            continue
        inputs = _inputs(node)
        both = "positive" in inputs and "negative" in inputs
        for name, value in inputs.items():
            if name in _NOT_CONDITIONING or not is_link(value):
                continue
            if both and name in ("positive", "negative") and name != role:
                continue
            source = _node(prompt, value[0])
            if source is not None and id(source) not in seen:
                seen.add(id(source))
                queue.append(source)
    return "\n".join(texts)


def _titled_text(prompt: Prompt, role: str) -> str:
    """Without wiring (a hosted service's parameter list keeps only the values), the text
    encoders whose title names the role, as the form's layout reads them."""
    texts: list[str] = []
    for node_id in sorted(prompt, key=_sort_key):
        node = _node(prompt, node_id)
        if node is None or not _is_encoder(node):
            continue
        meta = node.get("_meta")
        title = str(meta.get("title") or "").lower() if isinstance(meta, Mapping) else ""
        if role in title and not (role == "positive" and "negative" in title):
            texts.extend(t for t in _texts_of(node, prompt) if t not in texts)
    return "\n".join(texts)


def _conditioning(prompt: Prompt, sampler: Mapping[str, Any], role: str) -> str:
    if role in _inputs(sampler):
        return _conditioning_text(prompt, _linked(prompt, sampler, role), role)
    guider = _linked(prompt, sampler, "guider")  # SamplerCustomAdvanced -> CFGGuider & co.
    if guider is None:
        return "" if "guider" in _inputs(sampler) else _titled_text(prompt, role)
    names = (role,) if role == "negative" else (role, "conditioning", "cond1")
    for name in names:
        if name in _inputs(guider):
            return _conditioning_text(prompt, _linked(prompt, guider, name), role)
    return ""


def _models(prompt: Prompt) -> tuple[str, ...]:
    found: list[str] = []
    for node_id in sorted((k for k in prompt if isinstance(k, str)), key=_sort_key):
        for key, value in _inputs(_node(prompt, node_id)).items():
            if not isinstance(value, str) or not value or value in found:
                continue
            if key in _MODEL_KEYS or (key.endswith("_name") and _MODEL_FILE.search(value)):
                found.append(value)
    return tuple(found)


def _size(prompt: Prompt, sampler: Mapping[str, Any] | None) -> tuple[int | None, int | None]:
    latent = _linked(prompt, sampler, "latent_image") if sampler is not None else None
    candidates = [latent] if latent is not None else []
    candidates += [
        n for n in prompt.values()
        if isinstance(n, Mapping) and _class(n).startswith("Empty") and "Latent" in _class(n)
    ]  # fmt: skip
    for node in candidates:
        width, height = _int(_value(prompt, node, "width")), _int(_value(prompt, node, "height"))
        if width is not None and height is not None:
            return width, height
    return None, None


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def extract_params(
    prompt: Mapping[str, Any] | None, workflow: Any = None, *, output_node: str | None = None
) -> ExtractedParams:
    """Parameters of an API prompt (``output_node``: the node whose image this is, to pick
    the right sampler); with no usable prompt, a best-effort read of the UI workflow."""
    if not isinstance(prompt, Mapping) or not prompt:
        return _from_workflow(workflow) if isinstance(workflow, Mapping) else ExtractedParams()
    sampler = _main_sampler(prompt, output_node)
    width, height = _size(prompt, sampler)
    if sampler is None:
        return ExtractedParams(models=_models(prompt), width=width, height=height)
    # SamplerCustom(Advanced) keeps these on the nodes linked as noise/sigmas/sampler/guider.
    noise = _linked(prompt, sampler, "noise")
    sigmas = _linked(prompt, sampler, "sigmas")
    chooser = _linked(prompt, sampler, "sampler")
    guider = _linked(prompt, sampler, "guider")

    def setting(name: str, elsewhere: Mapping[str, Any] | None, *names: str) -> Any:
        if name in _inputs(sampler):
            return _value(prompt, sampler, name)
        return _value(prompt, elsewhere, *(names or (name,)))

    return ExtractedParams(
        positive=_conditioning(prompt, sampler, "positive"),
        negative=_conditioning(prompt, sampler, "negative"),
        seed=_int(_first(_value(prompt, sampler, "seed", "noise_seed"),
                         _value(prompt, noise, "noise_seed", "seed"))),
        steps=_int(setting("steps", sigmas)),
        cfg=_float(setting("cfg", guider, "cfg", "cfg_conds")),
        sampler=_str(setting("sampler_name", chooser)),
        scheduler=_str(setting("scheduler", sigmas)),
        models=_models(prompt),
        width=width,
        height=height,
        denoise=_float(setting("denoise", sigmas)),
    )  # fmt: skip


def _from_workflow(workflow: Mapping[str, Any]) -> ExtractedParams:
    """UI-format fallback (images that carry only a workflow): KSampler widget order is
    seed, control, steps, cfg, sampler, scheduler, denoise; prompts follow the links."""
    nodes = {n.get("id"): n for n in workflow.get("nodes") or () if isinstance(n, Mapping)}
    links = {
        link[0]: link[1]
        for link in workflow.get("links") or ()
        if isinstance(link, list) and len(link) >= 2
    }
    models: list[str] = []
    for node in nodes.values():
        values = node.get("widgets_values")
        for value in values if isinstance(values, list) else ():
            if isinstance(value, str) and _MODEL_FILE.search(value) and value not in models:
                models.append(value)
    sampler = next((n for n in nodes.values() if n.get("type") == "KSampler"), None)
    if sampler is None:
        return ExtractedParams(models=tuple(models))

    def text_for(role: str) -> str:
        for slot in sampler.get("inputs") or ():
            if isinstance(slot, Mapping) and slot.get("name") == role:
                source = nodes.get(links.get(slot.get("link")))
                values = source.get("widgets_values") if source else None
                if isinstance(values, list) and values and isinstance(values[0], str):
                    return values[0]
        return ""

    values = sampler.get("widgets_values")
    values = values if isinstance(values, list) and len(values) >= 7 else [None] * 7
    return ExtractedParams(
        positive=text_for("positive"),
        negative=text_for("negative"),
        seed=_int(values[0]),
        steps=_int(values[2]),
        cfg=_float(values[3]),
        sampler=_str(values[4]),
        scheduler=_str(values[5]),
        denoise=_float(values[6]),
        models=tuple(models),
    )
