"""Errors of the workflow layer.

``str(error)`` is always one sentence an artist can act on, naming the file when there is one;
the cause (``raise ... from err``) keeps the technical detail for the log.
"""

from __future__ import annotations


class WorkflowError(Exception):
    """Base class: anything wrong with a workflow file or graph."""


class WorkflowLoadError(WorkflowError):
    """The file could not be read or holds no usable workflow."""


class UnsupportedFileError(WorkflowLoadError):
    """The file is neither JSON nor a PNG/WebP image."""


class NoWorkflowInImage(WorkflowLoadError):
    """An image without ComfyUI metadata (or with metadata that is not a workflow)."""


class FileTooLarge(WorkflowLoadError):
    """The file is larger than we are willing to parse."""


class UiFormatNeedsServer(WorkflowLoadError):
    """A UI-format workflow can only be converted with the server's node definitions."""


class UiConversionFailed(WorkflowLoadError):
    """The UI-format converter rejected the workflow.

    ``problems`` are the converter's own problem values (their ``str()`` names the node);
    ``detail`` is the converter's full explanation, including its advice, for a details view.
    """

    def __init__(self, message: str, problems: tuple[object, ...] = (), detail: str = "") -> None:
        super().__init__(message)
        self.problems = problems
        self.detail = detail


class InvalidWorkflow(WorkflowError):
    """The JSON looks like an API-format prompt but its structure is broken."""
