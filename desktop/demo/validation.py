"""Prompt validation with the error shapes and quirks of ComfyUI 0.3.64 (see the
recorded validation errors in tests/data and docs/PROTOCOL-NOTES.md).

Structural garbage (a prompt that is not an object, a node that is not an object) raises
ordinary Python exceptions, which the route turns into the same bare 500 the real server gives.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop.demo.catalog import NodeCatalog

JSON = dict[str, Any]
# Nodes whose own validation function checks these inputs (so min/max/combo checks are
# skipped for them); the function gets (input value) and returns True or a message.
CUSTOM_CHECKS = {"LoadImage": "image", "LoadImageMask": "image"}


@dataclass(frozen=True)
class ValidationResult:
    ok: bool
    error: JSON | None
    outputs: list[str] = field(default_factory=list)
    node_errors: JSON = field(default_factory=dict)


def prompt_error(kind: str, message: str, details: str = "") -> JSON:
    return {"type": kind, "message": message, "details": details, "extra_info": {}}


def type_matches(received: Any, expected: Any) -> bool:
    """Link type compatibility: equal, '*' on either side, or intersecting comma sets."""
    if received == expected:
        return True
    if not isinstance(received, str) or not isinstance(expected, str):
        return False
    got = {t.strip() for t in received.split(",")}
    want = {t.strip() for t in expected.split(",")}
    if "*" in got or "*" in want:
        return True
    return bool(got & want)


def _exception_name(exc: BaseException) -> str:
    module = type(exc).__module__
    return type(exc).__qualname__ if module == "builtins" else f"{module}.{type(exc).__qualname__}"


class _Validator:
    def __init__(
        self, prompt: JSON, catalog: NodeCatalog, file_check: Callable[[str], bool]
    ) -> None:
        self.prompt = prompt
        self.catalog = catalog
        self.file_check = file_check
        self.validated: dict[str, tuple[bool, list[JSON]]] = {}

    def _input_specs(self, class_type: str) -> list[tuple[str, str, Any, JSON]]:
        definition = self.catalog.get(class_type) or {}
        sections = definition.get("input", {})
        order = definition.get("input_order", {})
        specs = []
        for category in ("required", "optional"):
            section = sections.get(category, {})
            for name in order.get(category, list(section)):
                spec = section.get(name)
                if not isinstance(spec, list) or not spec:
                    continue
                extra = spec[1] if len(spec) > 1 and isinstance(spec[1], dict) else {}
                specs.append((name, category, spec[0], extra))
        return specs

    def validate(self, node_id: str) -> tuple[bool, list[JSON]]:
        if node_id in self.validated:
            return self.validated[node_id]
        node = self.prompt[node_id]
        inputs = node["inputs"]
        class_type = node["class_type"]
        custom_input = CUSTOM_CHECKS.get(class_type)
        errors: list[JSON] = []
        valid = True
        info: list[Any] | None = None
        val: Any = None
        for name, category, input_type, extra in self._input_specs(class_type):
            if name not in inputs:
                if category == "required":
                    errors.append(
                        {
                            "type": "required_input_missing",
                            "message": "Required input is missing",
                            "details": name,
                            "extra_info": {"input_name": name},
                        }
                    )
                continue
            val = inputs[name]
            info = [input_type, extra]
            if isinstance(val, list):
                valid = self._check_link(name, val, input_type, info, errors) and valid
                continue
            error = self._check_value(inputs, name, val, input_type, extra, info, custom_input)
            val = inputs[name]
            if error is not None:
                errors.append(error)
        if custom_input is not None and custom_input in inputs:
            verdict = self.file_check(str(inputs[custom_input]))
            if verdict is not True:
                # 0.3.64 reports the config and value of whichever input its loop saw last.
                errors.append(
                    {
                        "type": "custom_validation_failed",
                        "message": "Custom validation failed for node",
                        "details": f"{custom_input} - Invalid image file: {inputs[custom_input]}",
                        "extra_info": {
                            "input_name": custom_input,
                            "input_config": info,
                            "received_value": val,
                        },
                    }
                )
        result = (not errors and valid, errors)
        self.validated[node_id] = result
        return result

    def _check_link(
        self, name: str, val: list[Any], input_type: Any, info: list[Any], errors: list[JSON]
    ) -> bool:
        if len(val) != 2:
            errors.append(
                {
                    "type": "bad_linked_input",
                    "message": "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                    "details": name,
                    "extra_info": {"input_name": name, "input_config": info, "received_value": val},
                }
            )
            return True
        source_id = val[0]
        # A dangling link raises here on purpose: the caller reports it like the real server.
        source_class = self.prompt[source_id]["class_type"]
        received_type = self.catalog.return_types(source_class)[val[1]]
        if not type_matches(received_type, input_type):
            errors.append(
                {
                    "type": "return_type_mismatch",
                    "message": "Return type mismatch between linked nodes",
                    "details": (
                        f"{name}, received_type({received_type}) mismatch input_type({input_type})"
                    ),
                    "extra_info": {
                        "input_name": name,
                        "input_config": info,
                        "received_type": received_type,
                        "linked_node": val,
                    },
                }
            )
            return True
        try:
            ok, _ = self.validate(source_id)
        except Exception as exc:
            tb = sys.exc_info()[2]
            self.validated[source_id] = (
                False,
                [
                    {
                        "type": "exception_during_inner_validation",
                        "message": "Exception when validating inner node",
                        "details": str(exc),
                        "extra_info": {
                            "input_name": name,
                            "input_config": info,
                            "exception_message": str(exc),
                            "exception_type": _exception_name(exc),
                            "traceback": traceback.format_tb(tb),
                            "linked_node": val,
                        },
                    }
                ],
            )
            return False
        return ok

    def _check_value(
        self,
        inputs: JSON,
        name: str,
        val: Any,
        input_type: Any,
        extra: JSON,
        info: list[Any],
        custom_input: str | None,
    ) -> JSON | None:
        try:
            if isinstance(val, dict) and "__value__" in val:
                val = val["__value__"]
                inputs[name] = val
            converter = {"INT": int, "FLOAT": float, "STRING": str, "BOOLEAN": bool}
            if isinstance(input_type, str) and input_type in converter:
                val = converter[input_type](val)
                inputs[name] = val
        except Exception as exc:
            return {
                "type": "invalid_input_type",
                "message": f"Failed to convert an input value to a {input_type} value",
                "details": f"{name}, {val}, {exc}",
                "extra_info": {
                    "input_name": name,
                    "input_config": info,
                    "received_value": val,
                    "exception_message": str(exc),
                },
            }
        if name == custom_input:
            return None
        if "min" in extra and val < extra["min"]:
            return {
                "type": "value_smaller_than_min",
                "message": f"Value {val} smaller than min of {extra['min']}",
                "details": name,
                "extra_info": {"input_name": name, "input_config": info, "received_value": val},
            }
        if "max" in extra and val > extra["max"]:
            return {
                "type": "value_bigger_than_max",
                "message": f"Value {val} bigger than max of {extra['max']}",
                "details": name,
                "extra_info": {"input_name": name, "input_config": info, "received_value": val},
            }
        if isinstance(input_type, list) and val not in input_type:
            # Long lists (scanned model folders) are not echoed back.
            big = len(input_type) > 20
            listing = f"(list of length {len(input_type)})" if big else str(input_type)
            return {
                "type": "value_not_in_list",
                "message": "Value not in list",
                "details": f"{name}: '{val}' not in {listing}",
                "extra_info": {
                    "input_name": name,
                    "input_config": None if big else info,
                    "received_value": val,
                },
            }
        return None


def validate_prompt(
    prompt: Any,
    catalog: NodeCatalog,
    file_check: Callable[[str], bool],
    partial_targets: list[str] | None = None,
) -> ValidationResult:
    outputs: list[str] = []
    for node_id in prompt:
        node = prompt[node_id]
        if "class_type" not in node:
            error = prompt_error(
                "invalid_prompt",
                "Cannot execute because a node is missing the class_type property.",
                f"Node ID '#{node_id}'",
            )
            return ValidationResult(False, error)
        class_type = node["class_type"]
        if class_type not in catalog:
            error = prompt_error(
                "invalid_prompt",
                f"Cannot execute because node {class_type} does not exist.",
                f"Node ID '#{node_id}'",
            )
            return ValidationResult(False, error)
        if catalog.is_output(class_type) and (
            partial_targets is None or node_id in partial_targets
        ):
            outputs.append(node_id)
    if not outputs:
        return ValidationResult(False, prompt_error("prompt_no_outputs", "Prompt has no outputs"))

    validator = _Validator(prompt, catalog, file_check)
    good: list[str] = []
    failed: list[tuple[str, list[JSON]]] = []
    node_errors: JSON = {}
    for output_id in outputs:
        try:
            valid, reasons = validator.validate(output_id)
        except Exception as exc:
            tb = sys.exc_info()[2]
            valid = False
            reasons = [
                {
                    "type": "exception_during_validation",
                    "message": "Exception when validating node",
                    "details": str(exc),
                    "extra_info": {
                        "exception_type": _exception_name(exc),
                        "traceback": traceback.format_tb(tb),
                    },
                }
            ]
            validator.validated[output_id] = (False, reasons)
        if valid:
            good.append(output_id)
            continue
        failed.append((output_id, reasons))
        # Downstream nodes of a failing node are invalid too but carry no errors of their own;
        # only nodes with their own errors are reported.
        for node_id, (node_ok, node_reasons) in validator.validated.items():
            if node_ok or not node_reasons:
                continue
            if node_id not in node_errors:
                node_errors[node_id] = {
                    "errors": node_reasons,
                    "dependent_outputs": [],
                    "class_type": prompt[node_id]["class_type"],
                }
            node_errors[node_id]["dependent_outputs"].append(output_id)
    if not good:
        details = "\n".join(
            f"{reason['message']}: {reason['details']}"
            for _, reasons in failed
            for reason in reasons
        )
        error = {
            "type": "prompt_outputs_failed_validation",
            "message": "Prompt outputs failed validation",
            "details": details,
            "extra_info": {},
        }
        return ValidationResult(False, error, [], node_errors)
    return ValidationResult(True, None, good, node_errors)
