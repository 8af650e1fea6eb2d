"""Why a value would be refused, in the artist's language (the workflow layer names the
reason with :class:`~desktop.workflow.params.Invalid`; its own sentences are English)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.ui.form.labels import param_label
from desktop.workflow.params import Invalid, InvalidValue, ParamSpec


def invalid_text(spec: ParamSpec, issue: InvalidValue) -> str:
    """One sentence naming the input by its label in the current language."""
    texts = {
        Invalid.BELOW_MIN: QCoreApplication.translate(
            "ValueText", "{label} must be at least {detail}."
        ),
        Invalid.ABOVE_MAX: QCoreApplication.translate(
            "ValueText", "{label} must be at most {detail}."
        ),
        Invalid.NOT_WHOLE: QCoreApplication.translate(
            "ValueText", "{label} must be a whole number."
        ),
        Invalid.NOT_NUMBER: QCoreApplication.translate("ValueText", "{label} must be a number."),
        Invalid.NOT_ON_OFF: QCoreApplication.translate("ValueText", "{label} must be on or off."),
        Invalid.NOT_A_CHOICE: QCoreApplication.translate(
            "ValueText", "{label}: “{detail}” is not one of the available choices."
        ),
        Invalid.NO_IMAGE: QCoreApplication.translate("ValueText", "{label} needs an image."),
        Invalid.NO_VALUE: QCoreApplication.translate("ValueText", "{label} needs a value."),
    }
    return texts[issue.reason].format(label=param_label(spec), detail=issue.detail)
