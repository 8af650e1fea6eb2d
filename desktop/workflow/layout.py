"""Arrange parameters the way an artist reads a form, not the way the graph is wired.

One :class:`Section` per node with parameters, ordered by :class:`Role`: prompts first, then
input images, models, size and batch, sampler settings, everything else, and output naming
last. Text encoders are labelled "Positive prompt" / "Negative prompt" by following the
samplers' (and guiders') ``positive``/``negative`` links back through conditioning nodes; a
node whose ``_meta.title`` says "positive"/"negative" is the fallback when wiring cannot tell.

Advanced (folded away by default): inputs the server flags ``advanced``, the step-window
controls of KSamplerAdvanced, diffusion-model weight dtypes, and ``denoise`` while it is 1.0 on
a sampler fed by an empty latent — for txt2img full denoise is the only sensible value, while
for img2img (a latent from an image) it is the main strength control and stays visible.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from desktop.comfy.object_info import ObjectInfo
from desktop.workflow.document import Workflow, is_link
from desktop.workflow.params import ParamKind, ParamSpec


class Role(Enum):
    POSITIVE_PROMPT = "positive_prompt"
    NEGATIVE_PROMPT = "negative_prompt"
    PROMPT = "prompt"
    INPUT_IMAGE = "input_image"
    MODEL = "model"
    SIZE = "size"
    SAMPLER = "sampler"
    OTHER = "other"
    OUTPUT = "output"


_PROMPT_ROLES = (Role.POSITIVE_PROMPT, Role.NEGATIVE_PROMPT, Role.PROMPT)
_ROLE_RANK = {role: rank for rank, role in enumerate(Role)}
_SECTION_TITLES = {Role.POSITIVE_PROMPT: "Positive prompt", Role.NEGATIVE_PROMPT: "Negative prompt"}

# Sampler/guider inputs that carry the prompt conditioning, and its polarity.
_START_INPUTS = {
    "positive": Role.POSITIVE_PROMPT,
    "cond1": Role.POSITIVE_PROMPT,
    "conditioning": Role.POSITIVE_PROMPT,
    "negative": Role.NEGATIVE_PROMPT,
}
# Nodes whose output ignores the text behind them (a "zero" negative made from the positive).
_OPAQUE_CONDITIONING = frozenset({"ConditioningZeroOut"})
_RARELY_TOUCHED = frozenset(
    {
        ("KSamplerAdvanced", "add_noise"),
        ("KSamplerAdvanced", "start_at_step"),
        ("KSamplerAdvanced", "end_at_step"),
        ("KSamplerAdvanced", "return_with_leftover_noise"),
        ("UNETLoader", "weight_dtype"),
    }
)


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    node_id: str
    node_class: str
    node_title: str
    role: Role
    params: tuple[ParamSpec, ...]
    advanced_params: tuple[ParamSpec, ...]


def _outputs(workflow: Workflow, node_id: str, object_info: ObjectInfo) -> tuple[str, ...] | None:
    class_type = workflow.nodes[node_id].class_type
    return object_info[class_type].outputs if class_type in object_info else None


def _is_prompt_node(
    workflow: Workflow, node_id: str, object_info: ObjectInfo, specs: Sequence[ParamSpec]
) -> bool:
    has_text = any(s.kind is ParamKind.TEXT and s.multiline for s in specs)
    outputs = _outputs(workflow, node_id, object_info)
    if outputs is None:  # unknown class: go by its name
        class_type = workflow.nodes[node_id].class_type
        literal_text = any(isinstance(s.value, str) for s in specs)
        return literal_text and ("TextEncode" in class_type or "Prompt" in class_type)
    return has_text and "CONDITIONING" in outputs


def _upstream(
    workflow: Workflow, node_id: str, slot: int, object_info: ObjectInfo
) -> list[tuple[str, int]]:
    """Where the conditioning leaving ``node_id``'s output ``slot`` came from."""
    node = workflow.nodes[node_id]
    if node.class_type in _OPAQUE_CONDITIONING:
        return []
    links = {name: (v[0], v[1]) for name, v in node.inputs.items() if is_link(v)}
    if node.class_type not in object_info:
        return list(links.values())
    node_def = object_info[node.class_type]
    names = node_def.output_names
    out_name = names[slot].lower() if 0 <= slot < len(names) else ""
    if out_name in ("positive", "negative") and out_name in links:
        return [links[out_name]]
    return [
        v for name, v in links.items() if (i := node_def.input(name)) and i.type == "CONDITIONING"
    ]


def prompt_polarity(
    workflow: Workflow, object_info: ObjectInfo, specs: Sequence[ParamSpec]
) -> dict[str, tuple[Role, int]]:
    """node id -> (POSITIVE_PROMPT | NEGATIVE_PROMPT, index of the sampler that uses it).

    A text used as both positive and negative counts as positive.
    """
    by_node: dict[str, list[ParamSpec]] = {}
    for spec in specs:
        by_node.setdefault(spec.node_id, []).append(spec)
    found: dict[str, tuple[Role, int]] = {}
    for index, (node_id, node) in enumerate(workflow.nodes.items()):
        outputs = _outputs(workflow, node_id, object_info)
        if outputs is not None and "CONDITIONING" in outputs:
            continue  # a conditioning transformer, not a consumer
        for input_name, polarity in _START_INPUTS.items():
            link = node.inputs.get(input_name)
            if not is_link(link):
                continue
            seen: set[tuple[str, int]] = set()
            todo = [(link[0], link[1])]
            while todo:
                source, slot = todo.pop()
                if (source, slot) in seen or source not in workflow.nodes:
                    continue
                seen.add((source, slot))
                if _is_prompt_node(workflow, source, object_info, by_node.get(source, [])):
                    old = found.get(source)
                    if old is None or (
                        old[0] is Role.NEGATIVE_PROMPT and polarity is Role.POSITIVE_PROMPT
                    ):
                        found[source] = (polarity, old[1] if old else index)
                todo.extend(_upstream(workflow, source, slot, object_info))
    return found


def _role(
    workflow: Workflow,
    node_id: str,
    object_info: ObjectInfo,
    specs: Sequence[ParamSpec],
    polarity: dict[str, tuple[Role, int]],
) -> Role:
    if node_id in polarity:
        return polarity[node_id][0]
    node = workflow.nodes[node_id]
    class_type = node.class_type
    if _is_prompt_node(workflow, node_id, object_info, specs):
        title = (node.title or "").lower()
        if "negative" in title:
            return Role.NEGATIVE_PROMPT
        return Role.POSITIVE_PROMPT if "positive" in title else Role.PROMPT
    if any(s.kind in (ParamKind.IMAGE, ParamKind.MASK) for s in specs):
        return Role.INPUT_IMAGE
    known = class_type in object_info
    category = object_info[class_type].category.split("/") if known else []
    names = {s.input_name for s in specs}
    if "loaders" in category or "Loader" in class_type:
        return Role.MODEL
    if category[:1] == ["latent"] and names & {"width", "height", "batch_size"}:
        return Role.SIZE
    if category[:1] == ["sampling"] or (not known and "Sampler" in class_type):
        return Role.SAMPLER
    if (known and object_info[class_type].output_node) or (not known and "Save" in class_type):
        return Role.OUTPUT
    return Role.OTHER


def _txt2img_denoise(workflow: Workflow, spec: ParamSpec) -> bool:
    if spec.input_name != "denoise" or spec.value not in (1, 1.0):
        return False
    link = workflow.nodes[spec.node_id].inputs.get("latent_image")
    return (
        is_link(link)
        and link[0] in workflow.nodes
        and (workflow.nodes[link[0]].class_type.startswith("Empty"))
    )


def is_advanced(workflow: Workflow, spec: ParamSpec) -> bool:
    return (
        spec.advanced
        or (spec.node_class, spec.input_name) in _RARELY_TOUCHED
        or _txt2img_denoise(workflow, spec)
    )


def _numbered(sections: list[Section]) -> list[Section]:
    """Number repeated prompt titles ("Positive prompt 1", "… 2") as in base + refiner."""
    counts = Counter(s.title for s in sections if s.role in _PROMPT_ROLES)
    seen: Counter[str] = Counter()
    result = []
    for section in sections:
        if section.role in _PROMPT_ROLES and counts[section.title] > 1:
            seen[section.title] += 1
            section = replace(section, title=f"{section.title} {seen[section.title]}")
        result.append(section)
    return result


def group_params(
    workflow: Workflow, specs: Sequence[ParamSpec], object_info: ObjectInfo
) -> list[Section]:
    """Sections for every node that has parameters, in artist order (see module doc)."""
    by_node: dict[str, list[ParamSpec]] = {}
    for spec in specs:
        if spec.node_id in workflow.nodes:
            by_node.setdefault(spec.node_id, []).append(spec)
    polarity = prompt_polarity(workflow, object_info, specs)
    order = {node_id: index for index, node_id in enumerate(workflow.nodes)}
    keyed: list[tuple[tuple[int, int, int, int], Section]] = []
    for node_id, node_specs in by_node.items():
        role = _role(workflow, node_id, object_info, node_specs, polarity)
        node_title = workflow.title(node_id, object_info)
        advanced = [is_advanced(workflow, s) for s in node_specs]
        section = Section(
            title=_SECTION_TITLES.get(role, node_title),
            node_id=node_id,
            node_class=workflow.nodes[node_id].class_type,
            node_title=node_title,
            role=role,
            params=tuple(s for s, adv in zip(node_specs, advanced, strict=True) if not adv),
            advanced_params=tuple(s for s, adv in zip(node_specs, advanced, strict=True) if adv),
        )
        if role in _PROMPT_ROLES:
            # Prompts stay together, grouped by the sampler that uses them, positive first.
            group = polarity[node_id][1] if node_id in polarity else len(order)
            key = (0, group, _ROLE_RANK[role], order[node_id])
        else:
            key = (_ROLE_RANK[role], 0, 0, order[node_id])
        keyed.append((key, section))
    keyed.sort(key=lambda item: item[0])
    return _numbered([section for _, section in keyed])
