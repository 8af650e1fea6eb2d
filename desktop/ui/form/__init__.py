"""The workflow form: ``FormModel`` (view-model) and ``FormView`` (widgets that bind to it)."""

from desktop.ui.form.model import FormModel
from desktop.ui.form.view import FormView

__all__ = ["FormModel", "FormView"]
