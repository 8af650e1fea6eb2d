"""``FormModel``: the form's view-model. It holds the loaded workflow, the derived parameter
specs, the artist's values, seed modes and every error shown on the form; widgets only bind.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from desktop.comfy.errors import PromptRejected
from desktop.comfy.object_info import ObjectInfo
from desktop.ui.form import memory
from desktop.ui.form.labels import display_title, param_label
from desktop.ui.form.rejection import plan_rejection
from desktop.ui.form.value_text import invalid_text
from desktop.workflow.checks import ServerCheck, check_against_server
from desktop.workflow.document import Workflow
from desktop.workflow.layout import Section, group_params
from desktop.workflow.params import (
    InvalidValue,
    ParamKind,
    ParamSpec,
    ValueProblem,
    derive_params,
    validate_value,
    value_issue,
)
from desktop.workflow.seeds import DEFAULT_SEED_MODE, SeedMode, next_seed

log = logging.getLogger("comfydesk.ui")

Key = tuple[str, str]
MEMORY_DELAY_S = 0.4  # batch a burst of keystrokes into one small file write


class FormModel(QObject):
    """View-model of the workflow form.

    Signals: ``loaded`` (new workflow or a different set of inputs: rebuild), ``specs_changed``
    (same inputs, new limits/choices from the server), ``value_changed(key)``, ``changed``
    (any value), ``seed_mode_changed(key)``, ``errors_changed``.
    """

    loaded = Signal()
    specs_changed = Signal()
    value_changed = Signal(object)
    changed = Signal()
    seed_mode_changed = Signal(object)
    errors_changed = Signal()

    def __init__(self, parent: QObject | None = None, *, remember: bool = True) -> None:
        super().__init__(parent)
        self._remember = remember
        self._original: Workflow | None = None
        self._current: Workflow | None = None
        self._object_info: ObjectInfo | None = None
        self._specs: dict[Key, ParamSpec] = {}
        # Specs given with the workflow (a hosted workflow's parameter dump) instead of
        # derived from a server's /object_info; None = derive.
        self._given_specs: tuple[ParamSpec, ...] | None = None
        self._sections: list[Section] = []
        self._seed_modes: dict[Key, SeedMode] = {}
        self._extra_choices: dict[Key, list[Any]] = {}
        self._client_errors: dict[Key, InvalidValue] = {}
        self._server_errors: dict[Key, list[str]] = {}
        self._general_errors: list[str] = []
        self._check = ServerCheck(missing_node_types=(), invalid_values=())
        self._problems: dict[Key, ValueProblem] = {}
        # A loop callback rather than a QTimer child: a QTimer still armed when the model is
        # garbage-collected on a worker thread makes Qt complain (and is undefined behaviour).
        self._memory_handle: asyncio.TimerHandle | None = None

    # -- loading ---------------------------------------------------------------------------
    def load(
        self,
        workflow: Workflow,
        object_info: ObjectInfo,
        *,
        specs: Sequence[ParamSpec] | None = None,
    ) -> None:
        """Show ``workflow``; its specs come from ``object_info``, or are ``specs`` when given
        (a hosted workflow: no server to check against, the dump's ranges and choices)."""
        self.flush_memory(wait=False)
        self._original = workflow.copy()
        self._current = workflow.copy()
        self._object_info = object_info
        self._given_specs = tuple(specs) if specs is not None else None
        self._extra_choices = {}
        self._server_errors, self._general_errors = {}, []
        self._derive()
        self._seed_modes = {k: DEFAULT_SEED_MODE for k, s in self._specs.items() if _is_seed(s)}
        self._restore_remembered()
        self._derive()
        self._revalidate_all()
        self.loaded.emit()
        self.errors_changed.emit()
        self.changed.emit()

    def set_object_info(self, object_info: ObjectInfo) -> None:
        """New server lists (reconnect, "Refresh models"); the artist's values stay."""
        if self._current is None or self._given_specs is not None:
            if self._current is None:
                self._object_info = object_info
            return  # a hosted form does not follow a ComfyUI server's lists
        old_keys = list(self._specs)
        self._object_info = object_info
        self._derive()
        for key in self._seed_keys():
            self._seed_modes.setdefault(key, DEFAULT_SEED_MODE)
        self._revalidate_all()
        if list(self._specs) == old_keys:
            self.specs_changed.emit()
        else:
            self.loaded.emit()
        self.errors_changed.emit()

    def _derive(self) -> None:
        assert self._current is not None
        assert self._object_info is not None
        given = self._given_specs
        info = self._object_info
        specs = list(given) if given is not None else derive_params(self._current, info)
        self._specs = {s.key: self._with_extra_choices(s) for s in specs}
        self._sections = [
            dataclasses.replace(
                section,
                params=tuple(self._specs.get(p.key, p) for p in section.params),
                advanced_params=tuple(self._specs.get(p.key, p) for p in section.advanced_params),
            )
            for section in group_params(self._current, specs, self._object_info)
        ]
        if given is None:
            self._check = check_against_server(self._current, self._object_info, specs)
        else:  # the service checks its own workflow
            self._check = ServerCheck(missing_node_types=(), invalid_values=())
        self._problems = {(p.node_id, p.input_name): p for p in self._check.invalid_values}

    def _with_extra_choices(self, spec: ParamSpec) -> ParamSpec:
        extra = [c for c in self._extra_choices.get(spec.key, ()) if c not in (spec.choices or ())]
        return dataclasses.replace(spec, choices=(*spec.choices, *extra)) if extra else spec

    # -- reading ---------------------------------------------------------------------------
    def is_loaded(self) -> bool:
        return self._current is not None

    def workflow(self) -> Workflow | None:
        """The workflow as loaded (without the artist's edits)."""
        return self._original

    def object_info(self) -> ObjectInfo | None:
        return self._object_info

    def has_given_specs(self) -> bool:
        """The form shows a hosted workflow (specs from its parameter dump)."""
        return self._given_specs is not None

    def current_workflow(self) -> Workflow:
        if self._current is None:
            raise RuntimeError("No workflow is loaded")
        return self._current.copy()

    def sections(self) -> list[Section]:
        return list(self._sections)

    def specs(self) -> list[ParamSpec]:
        return list(self._specs.values())

    def spec(self, key: Key) -> ParamSpec:
        return self._specs[key]

    def value(self, key: Key) -> Any:
        assert self._current is not None
        return self._current.get(*key)

    def original_value(self, key: Key) -> Any:
        assert self._original is not None
        return self._original.get(*key)

    def is_modified(self, key: Key) -> bool:
        return self.value(key) != self.original_value(key)

    def node_title(self, node_id: str) -> str | None:
        """The node's title as the form shows it (a stock title in the current language)."""
        if self._current is None or node_id not in self._current.nodes:
            return None
        title = self._current.title(node_id, self._object_info)
        return display_title(self._current.nodes[node_id].class_type, title)

    # -- editing ---------------------------------------------------------------------------
    def set_value(self, key: Key, value: Any) -> None:
        if self._current is None or key not in self._specs or self.value(key) == value:
            return
        self._current.set(*key, value)
        self._after_edit([key])

    def _after_edit(self, keys: list[Key]) -> None:
        errors_moved = False
        for key in keys:
            # A server message about the old value is stale once the artist changes it.
            errors_moved |= self._server_errors.pop(key, None) is not None
            errors_moved |= self._validate_key(key)
        for key in keys:
            self.value_changed.emit(key)
        self.changed.emit()
        if errors_moved:
            self.errors_changed.emit()
        self._schedule_memory()

    def reset(self, key: Key) -> None:
        """Back to the value the workflow file has."""
        self.set_value(key, self.original_value(key))

    def reset_all(self) -> None:
        if self._current is None:
            return
        keys = [k for k in self._specs if self.is_modified(k)]
        for key in keys:
            self._current.set(*key, self.original_value(key))
        modes_changed = [k for k, m in self._seed_modes.items() if m != DEFAULT_SEED_MODE]
        self._seed_modes = dict.fromkeys(self._seed_modes, DEFAULT_SEED_MODE)
        for key in modes_changed:
            self.seed_mode_changed.emit(key)
        if keys:
            self._after_edit(keys)
        else:
            self._schedule_memory()

    def load_values(self, prompt: Mapping[str, Any]) -> int:
        """ "Reuse parameters": take literal values from another API prompt for the same node ids
        (same class) and inputs this form shows. Returns how many values were taken."""
        if self._current is None:
            return 0
        taken: list[Key] = []
        for node_id, node in prompt.items():
            if not isinstance(node, Mapping) or str(node_id) not in self._current.nodes:
                continue
            if node.get("class_type") != self._current.nodes[str(node_id)].class_type:
                continue
            inputs = node.get("inputs")
            for name, raw in inputs.items() if isinstance(inputs, Mapping) else ():
                key = (str(node_id), str(name))
                value = _unwrap_value(raw)
                if key not in self._specs or Workflow.is_link(value) or self.value(key) == value:
                    continue
                self._current.set(*key, value)
                taken.append(key)
        if taken:
            self._after_edit(taken)
        return len(taken)

    def add_choice(self, key: Key, choice: Any) -> None:
        """A file the artist just uploaded is valid before the server's list knows it."""
        if key not in self._specs:
            return
        extra = self._extra_choices.setdefault(key, [])
        if choice not in extra:
            extra.append(choice)
        spec = self._specs[key]
        if choice not in spec.choices:
            self._specs[key] = dataclasses.replace(spec, choices=(*spec.choices, choice))
            self._sections = [_replace_in_section(s, self._specs[key]) for s in self._sections]
            self.specs_changed.emit()

    # -- seeds -----------------------------------------------------------------------------
    def _seed_keys(self) -> list[Key]:
        return [k for k, s in self._specs.items() if _is_seed(s)]

    def seed_modes(self) -> dict[Key, SeedMode]:
        return {k: self._seed_modes.get(k, DEFAULT_SEED_MODE) for k in self._seed_keys()}

    def seed_mode(self, key: Key) -> SeedMode:
        return self._seed_modes.get(key, DEFAULT_SEED_MODE)

    def set_seed_mode(self, key: Key, mode: SeedMode) -> None:
        if key not in self._specs or self._seed_modes.get(key) == mode:
            return
        self._seed_modes[key] = mode
        self.seed_mode_changed.emit(key)
        self._schedule_memory()

    def randomize_seed(self, key: Key) -> None:
        self.set_value(key, next_seed(self.value(key), SeedMode.RANDOMIZE, self._specs[key]))

    # -- errors ----------------------------------------------------------------------------

    def _validate_key(self, key: Key) -> bool:
        """Re-check one value; True when its client-side message changed."""
        spec = self._specs[key]
        problem = None if spec.read_only else value_issue(spec, self.value(key))
        old = self._client_errors.get(key)
        if problem is not None:
            self._client_errors[key] = problem
        else:
            self._client_errors.pop(key, None)
        return _issue_key(old) != _issue_key(problem)

    def _revalidate_all(self) -> None:
        self._client_errors = {}
        self._server_errors = {k: v for k, v in self._server_errors.items() if k in self._specs}
        for key in self._specs:
            self._validate_key(key)

    def errors_for(self, key: Key) -> list[str]:
        messages = list(self._server_errors.get(key, ()))
        problem = self._active_problem(key)
        if messages:
            pass  # the server's verdict on this very value says it best; no second opinion
        elif problem is not None and self._specs[key].kind in _CHOICE_KINDS:
            messages.append(self._choice_problem_text(key, problem))
        elif key in self._client_errors:
            messages.append(invalid_text(self._specs[key], self._client_errors[key]))
        return messages

    def _choice_problem_text(self, key: Key, problem: ValueProblem) -> str:
        if self._specs[key].kind is ParamKind.CHOICE and problem.suggestion is not None:
            return QCoreApplication.translate(
                "FormModel", "“{value}” is not available on this server."
            ).format(value=problem.value)
        if self._specs[key].kind is ParamKind.CHOICE:
            return QCoreApplication.translate(
                "FormModel",
                "“{value}” is not available on this server — choose one from its list.",
            ).format(value=problem.value)
        return QCoreApplication.translate(
            "FormModel", "The image “{name}” is not on the server — upload it or choose another."
        ).format(name=problem.value)

    def _active_problem(self, key: Key) -> ValueProblem | None:
        problem = self._problems.get(key)
        # Once the artist picked something else, the load-time finding no longer applies.
        if problem is None or self._current is None or self.value(key) != problem.value:
            return None
        return problem

    def suggestion_for(self, key: Key) -> Any | None:
        problem = self._active_problem(key)
        return problem.suggestion if problem is not None else None

    def offers_list(self, key: Key) -> bool:
        """A choice the server lacks, with no alike name to suggest: the artist picks one."""
        problem = self._active_problem(key)
        return (
            problem is not None
            and problem.suggestion is None
            and self._specs[key].kind is ParamKind.CHOICE
        )

    def use_suggestion(self, key: Key) -> None:
        suggestion = self.suggestion_for(key)
        if suggestion is not None:
            self.set_value(key, suggestion)

    def general_errors(self) -> list[str]:
        """Problems that belong to no visible widget (broken links, the server's rejection of
        things the form does not show), worded with node titles."""
        hidden = [p.message for p in self._check.invalid_values if p.key not in self._specs]
        return list(dict.fromkeys([*hidden, *self._general_errors]))

    def missing_node_types(self) -> tuple[str, ...]:
        return tuple(self._check.missing_node_types)

    def has_errors(self) -> bool:
        return bool(self._general_errors or self._server_errors or self._client_errors)

    def apply_rejection(self, err: PromptRejected) -> None:
        plan = plan_rejection(err, self._specs.keys(), self.node_title, self._label_of)
        self._server_errors = plan.by_widget
        self._general_errors = plan.general
        self.errors_changed.emit()

    def clear_errors(self) -> None:
        """Forget the server's rejection (client-side checks stay, they follow the values)."""
        if self._server_errors or self._general_errors:
            self._server_errors, self._general_errors = {}, []
            self.errors_changed.emit()

    def validate(self) -> list[str]:
        """Everything that would make the server refuse the prompt; empty means OK to submit."""
        if self._current is None:
            return [QCoreApplication.translate("FormModel", "No workflow is open.")]
        moved = False
        for key in self._specs:
            moved |= self._validate_key(key)
        if moved:
            self.errors_changed.emit()
        problems = [self.missing_nodes_text()] if self._check.missing_node_types else []
        problems += [p.message for p in self._check.invalid_values if p.key not in self._specs]
        for key, issue in self._client_errors.items():
            # The sentence already names the input; add the node.
            problems.append(
                QCoreApplication.translate("FormModel", "{node}: {message}").format(
                    node=self.node_title(key[0]) or key[0],
                    message=invalid_text(self._specs[key], issue),
                )
            )
        return problems

    def missing_nodes_text(self) -> str:
        names = ", ".join(self._check.missing_node_types)
        return QCoreApplication.translate(
            "FormModel",
            "This workflow needs the custom nodes {names} — install them on the server.",
        ).format(names=names)

    def _label_of(self, key: Key) -> str | None:
        spec = self._specs.get(key)
        return param_label(spec) if spec is not None else None

    # -- memory and export -----------------------------------------------------------------
    def _restore_remembered(self) -> None:
        if not self._remember or self._current is None:
            return
        remembered = memory.recall(self.memory_key())
        for key, value in remembered.values.items():
            spec = self._specs.get(key)
            # Skip values the server would now refuse (a model that is gone, a changed range).
            if spec is None or spec.read_only or validate_value(spec, value) is not None:
                continue
            self._current.set(*key, value)
        for key, mode_name in remembered.seed_modes.items():
            if key in self._seed_modes and mode_name in SeedMode.__members__:
                self._seed_modes[key] = SeedMode[mode_name]

    def memory_key(self) -> str:
        """Values are remembered per file *and* graph shape: two files wired alike (say two
        SDXL templates) keep their own values, and a file rewired in ComfyUI starts afresh."""
        assert self._current is not None
        source = self._current.source
        origin = str(source.resolve()) if source is not None else self._current.name
        tag = hashlib.sha256(origin.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        return f"{self._current.fingerprint()}-{tag}"

    def _schedule_memory(self) -> None:
        if not self._remember:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (scripts, sync tests): write right away
            self.flush_memory()
            return
        if self._memory_handle is not None:
            self._memory_handle.cancel()
        self._memory_handle = loop.call_later(MEMORY_DELAY_S, self.flush_memory, False)

    def flush_memory(self, wait: bool = True) -> None:
        """Write pending remembered values now (the app calls this before quitting); with
        ``wait=False`` the file is written on the memory writer's thread, off the GUI."""
        if self._memory_handle is not None:
            self._memory_handle.cancel()
            self._memory_handle = None
        if not self._remember or self._current is None:
            return
        values = {k: self.value(k) for k in self._specs if self.is_modified(k)}
        modes = {k: m.name for k, m in self._seed_modes.items() if m != DEFAULT_SEED_MODE}
        remembered = memory.Remembered(values=values, seed_modes=modes)
        if not wait:
            memory.remember_later(self.memory_key(), remembered)
            return
        memory.wait_for_writes()
        try:
            memory.remember(self.memory_key(), remembered)
        except OSError as err:
            log.warning("Could not remember form values: %s", err)


_CHOICE_KINDS = frozenset({ParamKind.CHOICE, ParamKind.IMAGE, ParamKind.MASK})


def _is_seed(spec: ParamSpec) -> bool:
    return spec.kind is ParamKind.SEED


def _unwrap_value(raw: Any) -> Any:
    if isinstance(raw, Mapping) and set(raw) == {"__value__"}:
        return raw["__value__"]
    return raw


def _replace_in_section(section: Section, spec: ParamSpec) -> Section:
    def swap(params: tuple[ParamSpec, ...]) -> tuple[ParamSpec, ...]:
        return tuple(spec if p.key == spec.key else p for p in params)

    return dataclasses.replace(
        section, params=swap(section.params), advanced_params=swap(section.advanced_params)
    )


def _issue_key(issue: InvalidValue | None) -> tuple[object, object] | None:
    return (issue.reason, issue.detail) if issue is not None else None
