"""Starter workflows shipped in ``desktop/assets/starters/`` and their adaptation to a server.

Each starter is an API-format workflow written for a stock SD 1.5 install. Before it reaches
the form it is fitted to the connected server: the checkpoint becomes one the server has (of a
kind that suits the job), the input picture one from its input folder, and the upscaler one of
its upscale models — or, without any, a plain resize. Whatever could not be fitted comes back
as a :class:`Note` for the UI to say in plain words.
"""

from __future__ import annotations

import copy
import enum
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.comfy.object_info import ObjectInfo
from desktop.resources import resource_path
from desktop.workflow.checks import ServerCheck, check_against_server
from desktop.workflow.document import Workflow


class StarterKind(enum.StrEnum):
    TEXT_TO_IMAGE = "text-to-image"
    IMAGE_TO_IMAGE = "image-to-image"
    INPAINT = "inpaint"
    UPSCALE = "upscale"


class Note(enum.Enum):
    """What the artist should know about an adapted starter (the UI words each one)."""

    NO_CHECKPOINT = "the server has no checkpoint for this"
    NO_INPUT_IMAGE = "the server has no input picture yet"
    PLAIN_UPSCALE = "no upscale model: a plain resize is used"
    MISSING_NODES = "the server lacks nodes this starter needs"
    MASK_FROM_ALPHA = "the transparent part of the input picture is what gets redone"


@dataclass(frozen=True, slots=True)
class Starter:
    kind: StarterKind
    workflow_path: Path
    picture_path: Path


@dataclass(frozen=True, slots=True)
class AdaptedStarter:
    kind: StarterKind
    workflow: Workflow
    notes: tuple[Note, ...]
    check: ServerCheck
    checkpoint: str | None = None

    @property
    def runnable(self) -> bool:
        """True when this server would take the workflow exactly as it is."""
        return self.check.ok


def starters() -> tuple[Starter, ...]:
    """The shipped starters in the order the cards show them."""
    folder = resource_path("starters")
    return tuple(
        Starter(kind, folder / f"{kind.value}.json", folder / f"{kind.value}.png")
        for kind in StarterKind
    )


def starter(kind: StarterKind | str) -> Starter:
    kind = StarterKind(kind)
    return next(s for s in starters() if s.kind is kind)


# -- choosing files ------------------------------------------------------------------------
# Families a plain KSampler workflow with CheckpointLoaderSimple runs well.
_GOOD = re.compile(
    r"(sd[-_ ]?1[._-]?5|v1[-_]5|sd15|sdxl|sd[-_]xl|xl[-_]base|dreamshaper|realistic)"
)
# Checkpoints that need other nodes or settings (video, refiners, flow models, edit models…).
_UNSUITED = re.compile(
    r"(refiner|svd|video|wan2|ltx|hunyuan|mochi|cosmos|flux|sd3|cascade|stable_cascade|"
    r"audio|ace_step|zero123|turbo|lightning|lcm|broken)"
)
_INPAINT = re.compile(r"inpaint")
_UPSCALE_GOOD = re.compile(r"(x4|4x|esrgan|realesrgan)", re.IGNORECASE)


def _choices(info: ObjectInfo, class_type: str, input_name: str) -> tuple[str, ...]:
    if class_type not in info:
        return ()
    spec = info[class_type].input(input_name)
    if spec is None or spec.choices is None:
        return ()
    return tuple(c for c in spec.choices if isinstance(c, str))


def pick_checkpoint(choices: Sequence[str], kind: StarterKind) -> str | None:
    """The installed checkpoint that best suits ``kind``; None when there is none at all.

    Inpainting prefers an inpainting model and otherwise takes an ordinary one; every other
    kind avoids inpainting models. Names that look like SD 1.5 / SDXL come first, names of
    families a simple KSampler workflow cannot drive come last.
    """
    if not choices:
        return None

    def rank(name: str) -> tuple[int, int, int, str]:
        low = name.lower()
        inpaint = bool(_INPAINT.search(low))
        kind_fit = (0 if inpaint else 1) if kind is StarterKind.INPAINT else (1 if inpaint else 0)
        return (
            1 if _UNSUITED.search(low) else 0,
            kind_fit,
            0 if _GOOD.search(low) else 1,
            low,
        )

    return min(choices, key=rank)


def pick_input_image(choices: Sequence[str]) -> str | None:
    """A picture from the server's input folder: its ``example.png`` when there is one."""
    plain = [c for c in choices if "%" not in c and "/" not in c and not c.startswith(".")]
    for name in plain or choices:
        if name.lower() == "example.png":
            return name
    candidates = plain or list(choices)
    return candidates[0] if candidates else None


def pick_upscale_model(choices: Sequence[str]) -> str | None:
    if not choices:
        return None
    good = [c for c in choices if _UPSCALE_GOOD.search(c)]
    return sorted(good or choices, key=str.lower)[0]


# -- adapting ------------------------------------------------------------------------------
def _nodes_of(prompt: Mapping[str, Any], class_type: str) -> list[str]:
    return [node_id for node_id, node in prompt.items() if node.get("class_type") == class_type]


def _plain_upscale(prompt: dict[str, Any]) -> None:
    """Swap "upscale with a model" for ImageScaleBy (lanczos, 2×) on the same picture."""
    for node_id in _nodes_of(prompt, "ImageUpscaleWithModel"):
        inputs = prompt[node_id]["inputs"]
        prompt[node_id] = {
            "inputs": {"upscale_method": "lanczos", "scale_by": 2.0, "image": inputs["image"]},
            "class_type": "ImageScaleBy",
            "_meta": {"title": "Upscale Image By"},
        }
    for node_id in _nodes_of(prompt, "UpscaleModelLoader"):
        del prompt[node_id]


def adapt_prompt(
    kind: StarterKind, prompt: Mapping[str, Any], info: ObjectInfo
) -> tuple[dict[str, Any], tuple[Note, ...], str | None]:
    """The starter's prompt fitted to the server behind ``info``: (prompt, notes, checkpoint)."""
    fitted = copy.deepcopy(dict(prompt))
    notes: list[Note] = []
    checkpoint = None
    loaders = _nodes_of(fitted, "CheckpointLoaderSimple")
    if loaders:
        checkpoint = pick_checkpoint(_choices(info, "CheckpointLoaderSimple", "ckpt_name"), kind)
        if checkpoint is None:
            notes.append(Note.NO_CHECKPOINT)
        for node_id in loaders:
            if checkpoint is not None:
                fitted[node_id]["inputs"]["ckpt_name"] = checkpoint
    images = _nodes_of(fitted, "LoadImage")
    if images:
        picture = pick_input_image(_choices(info, "LoadImage", "image"))
        if picture is None:
            notes.append(Note.NO_INPUT_IMAGE)
        for node_id in images:
            if picture is not None:
                fitted[node_id]["inputs"]["image"] = picture
    if _nodes_of(fitted, "UpscaleModelLoader"):
        model = pick_upscale_model(_choices(info, "UpscaleModelLoader", "model_name"))
        if model is None:
            _plain_upscale(fitted)
            notes.append(Note.PLAIN_UPSCALE)
        else:
            for node_id in _nodes_of(fitted, "UpscaleModelLoader"):
                fitted[node_id]["inputs"]["model_name"] = model
    if kind is StarterKind.INPAINT:
        notes.append(Note.MASK_FROM_ALPHA)
    if any(node["class_type"] not in info for node in fitted.values()):
        notes.append(Note.MISSING_NODES)
    return fitted, tuple(notes), checkpoint


def adapt_starter(item: Starter, info: ObjectInfo, name: str = "") -> AdaptedStarter:
    """Read ``item``'s workflow and fit it to the server (blocking: reads a small file)."""
    prompt = json.loads(item.workflow_path.read_text(encoding="utf-8"))
    fitted, notes, checkpoint = adapt_prompt(item.kind, prompt, info)
    workflow = Workflow(fitted, name=name or item.kind.value)
    return AdaptedStarter(
        item.kind, workflow, notes, check_against_server(workflow, info), checkpoint
    )
