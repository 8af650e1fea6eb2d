"""Check a workflow against what a particular server has, before queueing it.

Catches what the server would reject and an artist can fix: node classes it lacks (custom
nodes to install), files it does not have (checkpoints, LoRAs, input images), choices that no
longer exist (renamed samplers), out-of-range numbers and links to missing nodes. Each problem
is one sentence; for choices there may be a ``suggestion`` — an available option whose name is
really alike.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.comfy.object_info import ObjectInfo
from desktop.workflow.document import Workflow, is_link
from desktop.workflow.params import (
    ParamKind,
    ParamSpec,
    ValueProblem,
    derive_params,
    validate_value,
)

# LoadImage values may carry a folder annotation, e.g. "clipspace/x.png [input]".
_ANNOTATION = re.compile(r"\s\[(input|output|temp)\]$")
_SEPARATORS = ("_", "-", ".", " ")
# difflib ratios below which two names are not "alike" (0.6 on the name without extension
# takes "eulr" -> "euler" and "random_sd15" -> "random-sd15", not "flux1-dev" -> "broken").
STEM_SIMILARITY = 0.6
TEXT_SIMILARITY = 0.75


@dataclass(frozen=True, slots=True)
class ServerCheck:
    missing_node_types: tuple[str, ...] = ()
    invalid_values: tuple[ValueProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.missing_node_types and not self.invalid_values

    @property
    def missing_nodes_message(self) -> str | None:
        if not self.missing_node_types:
            return None
        names = ", ".join(self.missing_node_types)
        noun = "custom node" if len(self.missing_node_types) == 1 else "custom nodes"
        it = "it" if len(self.missing_node_types) == 1 else "them"
        return f"This workflow needs the {noun} {names} — install {it} on the server."

    def messages(self) -> tuple[str, ...]:
        """Every problem as a sentence, missing nodes first."""
        missing = self.missing_nodes_message
        head = (missing,) if missing is not None else ()
        return head + tuple(p.message for p in self.invalid_values)


def _split_name(name: str) -> tuple[str, str]:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    return (stem, ext.lower()) if dot and stem else (base, "")


def _folder(name: str) -> str:
    path = name.replace("\\", "/")
    return path.rsplit("/", 1)[0].lower() if "/" in path else ""


def suggest_choice(value: Any, choices: Sequence[Any]) -> Any:
    """The available choice an artist most likely meant, or ``None`` (then the form offers the
    whole list).

    Tried in order: the same file in another folder or letter case; in the same folder, a name
    that extends an available one ("dpmpp_2m_karras" -> "dpmpp_2m"), then a close match on the
    name without extension, then on the full text. Nothing merely because it is the only file
    of its kind: a suggestion that is not like the name misleads (it may be a file that fails).
    """
    options = [c for c in choices if isinstance(c, str)]
    if not isinstance(value, str) or not options:
        return None
    stem, ext = _split_name(value)
    base = f"{stem}.{ext}".lower() if ext else stem.lower()
    for option in options:
        option_stem, option_ext = _split_name(option)
        option_base = f"{option_stem}.{option_ext}".lower() if option_ext else option_stem.lower()
        if option_base == base:
            return option
    folder = _folder(value)
    options = [o for o in options if _folder(o) == folder]
    by_stem: dict[str, str] = {}
    for option in options:
        by_stem.setdefault(_split_name(option)[0].lower(), option)
    # "dpmpp_2m_karras" (an old combined name) -> "dpmpp_2m"; "model-pruned" -> "model".
    prefixes = [
        s for s in by_stem if len(s) >= 3 and stem.lower()[len(s) : len(s) + 1] in _SEPARATORS
    ]
    prefixes = [s for s in prefixes if stem.lower().startswith(s)]
    if prefixes:
        return by_stem[max(prefixes, key=len)]
    close = difflib.get_close_matches(stem.lower(), list(by_stem), n=1, cutoff=STEM_SIMILARITY)
    if close:
        return by_stem[close[0]]
    close = difflib.get_close_matches(value, options, n=1, cutoff=TEXT_SIMILARITY)
    return close[0] if close else None


def _choice_problem(spec: ParamSpec, value: Any) -> ValueProblem | None:
    if spec.remote_choices or not isinstance(value, str | list):
        return None
    members = value if isinstance(value, list) else [value]
    for member in members:
        if spec.kind in (ParamKind.IMAGE, ParamKind.MASK):
            if not isinstance(member, str):
                continue  # validate_value reports it
            name = _ANNOTATION.sub("", member)
            if _ANNOTATION.search(member) and not member.endswith("[input]"):
                continue  # files in output/temp are not in the upload list; the server checks
            if name in spec.choices:
                continue
            return ValueProblem(
                spec.node_id,
                spec.input_name,
                value,
                f"{spec.node_title}: the image “{name}” is not on the server — upload it or "
                "choose another.",
            )
        if member in spec.choices:
            continue
        suggestion = suggest_choice(member, spec.choices)
        hint = f"; did you mean “{suggestion}”?" if suggestion is not None else "."
        return ValueProblem(
            spec.node_id,
            spec.input_name,
            value,
            f"{spec.node_title}: “{member}” is not available on this server{hint}",
            suggestion,
        )
    return None


def _link_problems(workflow: Workflow, object_info: ObjectInfo) -> Iterable[ValueProblem]:
    for node_id, node in workflow.nodes.items():
        for name, value in node.inputs.items():
            if is_link(value) and value[0] not in workflow.nodes:
                title = workflow.title(node_id, object_info)
                yield ValueProblem(
                    node_id,
                    name,
                    value,
                    f"{title}: {name} is connected to node {value[0]}, which is missing from the "
                    "workflow.",
                )


def check_against_server(
    workflow: Workflow,
    object_info: ObjectInfo,
    specs: Sequence[ParamSpec] | None = None,
) -> ServerCheck:
    """Problems that would make this server reject (or misrun) the workflow."""
    missing: dict[str, None] = {}
    for node in workflow.nodes.values():
        if node.class_type not in object_info:
            missing.setdefault(node.class_type, None)
    if specs is None:
        specs = derive_params(workflow, object_info)
    problems: list[ValueProblem] = []
    for spec in specs:
        if spec.read_only or spec.node_id not in workflow.nodes:
            continue
        value = workflow.get(spec.node_id, spec.input_name)
        problem = None
        if spec.kind in (ParamKind.CHOICE, ParamKind.IMAGE, ParamKind.MASK) and value is not None:
            problem = _choice_problem(spec, value)
        if problem is None:
            message = validate_value(spec, value)
            if message is not None:
                problem = ValueProblem(
                    spec.node_id, spec.input_name, value, f"{spec.node_title}: {message}"
                )
        if problem is not None:
            problems.append(problem)
    problems.extend(_link_problems(workflow, object_info))
    return ServerCheck(tuple(missing), tuple(problems))
