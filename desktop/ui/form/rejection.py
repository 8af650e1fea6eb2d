"""Turn a server rejection into sentences for the form: per-widget messages plus a list of
problems that belong to no visible widget, worded with node titles instead of ids."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication

from desktop.comfy.errors import InputError, PromptRejected

Key = tuple[str, str]
_NODE_ID_IN_DETAILS = re.compile(r"#([^'\s]+)")


def _config_option(error: InputError, option: str) -> Any:
    config = error.extra_info.get("input_config")
    if isinstance(config, list) and len(config) > 1 and isinstance(config[1], dict):
        return config[1].get(option)
    return None


def describe_input_error(error: InputError) -> str:
    """One short sentence for the widget the error belongs to."""
    received = error.extra_info.get("received_value")
    if error.type == "value_not_in_list":
        return QCoreApplication.translate(
            "FormErrors", "“{value}” is not available on the server."
        ).format(value=received)
    if error.type == "value_bigger_than_max":
        limit = _config_option(error, "max")
        if limit is not None:
            return QCoreApplication.translate("FormErrors", "Must be at most {limit}.").format(
                limit=limit
            )
    if error.type == "value_smaller_than_min":
        limit = _config_option(error, "min")
        if limit is not None:
            return QCoreApplication.translate("FormErrors", "Must be at least {limit}.").format(
                limit=limit
            )
    if error.type == "invalid_input_type":
        return QCoreApplication.translate(
            "FormErrors", "“{value}” is not a valid value here."
        ).format(value=received)
    if error.type == "required_input_missing":
        return QCoreApplication.translate("FormErrors", "A value is required.")
    if error.type == "exception_during_inner_validation":
        return QCoreApplication.translate(
            "FormErrors",
            "The connection into this input is broken; re-open the workflow in ComfyUI.",
        )
    if error.type == "custom_validation_failed" and error.details:
        return error.details
    if error.message and error.details:
        return f"{error.message}: {error.details}"
    return (
        error.message
        or error.details
        or QCoreApplication.translate("FormErrors", "The server refused this value.")
    )


@dataclass(frozen=True)
class RejectionPlan:
    by_widget: dict[Key, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)


def plan_rejection(
    err: PromptRejected,
    visible: Collection[Key],
    title_of: Callable[[str], str | None],
    label_of: Callable[[Key], str | None],
) -> RejectionPlan:
    """Sort the server's errors: widget keys in ``visible`` get their message on the widget;
    everything else becomes a general sentence. ``title_of`` returns None for unknown nodes."""
    plan = RejectionPlan()
    for node_error in err.node_errors:
        title = title_of(node_error.node_id)
        node_name = (
            title or node_error.class_type or QCoreApplication.translate("FormErrors", "A node")
        )
        if not node_error.errors:
            plan.general.append(
                QCoreApplication.translate(
                    "FormErrors", "{node}: the server refused this node."
                ).format(node=node_name)
            )
        for error in node_error.errors:
            key = (node_error.node_id, error.input_name or "")
            text = describe_input_error(error)
            if error.input_name and key in visible:
                plan.by_widget.setdefault(key, []).append(text)
                continue
            label = label_of(key) if error.input_name else None
            where = f"{node_name} › {label or error.input_name}" if error.input_name else node_name
            plan.general.append(f"{where}: {text}")
    if not err.node_errors:
        plan.general.append(_describe_prompt_error(err.error, title_of))
    return plan


def _describe_prompt_error(error: InputError, title_of: Callable[[str], str | None]) -> str:
    if error.type == "prompt_no_outputs":
        return QCoreApplication.translate(
            "FormErrors",
            "This workflow has no output node (such as Save Image), so nothing would run.",
        )
    if error.type in ("invalid_prompt", "missing_node_type"):
        node_id = error.extra_info.get("node_id")
        if node_id is None:
            found = _NODE_ID_IN_DETAILS.search(error.details)
            node_id = found.group(1) if found else None
        title = title_of(str(node_id)) if node_id is not None else None
        if title:
            return f"{title}: {error.message}"
        return error.message or QCoreApplication.translate(
            "FormErrors", "The server refused the workflow."
        )
    text = error.message or QCoreApplication.translate(
        "FormErrors", "The server refused the workflow."
    )
    return f"{text}: {error.details}" if error.details else text
