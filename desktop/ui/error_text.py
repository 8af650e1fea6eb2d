"""The protocol client's errors in the artist's language.

``desktop/comfy/errors.py`` words every error as an English sentence (for the log and the
command-line runner) and keeps the facts on attributes; this module words the ones artists meet
most again from those facts. Technical detail (the server's own text, a socket error) is shown
as it came.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop.comfy.errors import (
    AuthenticationRequired,
    ProtocolError,
    ServerError,
    ServerUnreachable,
)


def error_text(err: BaseException) -> str:
    """A sentence for ``err`` in the current language; its own text for errors not listed."""
    if isinstance(err, ServerUnreachable):
        return QCoreApplication.translate(
            "ErrorText",
            "ComfyUI is not reachable at {url}{detail}. Start it, check the address, "
            "or try the demo server.",
        ).format(url=err.url, detail=f" ({err.reason})" if err.reason else "")
    if isinstance(err, AuthenticationRequired):
        return QCoreApplication.translate(
            "ErrorText",
            "The server at {url} asks for a login. Add an access token or the header your "
            "proxy expects in the connection settings.",
        ).format(url=err.url)
    if isinstance(err, ServerError):
        return _server_error_text(err)
    if isinstance(err, ProtocolError):
        return QCoreApplication.translate(
            "ErrorText", "Unexpected answer from the server: {detail}"
        ).format(detail=err.detail)
    return str(err) or type(err).__name__


def _server_error_text(err: ServerError) -> str:
    if err.status == 404:
        text = QCoreApplication.translate(
            "ErrorText", "The server does not have what was asked for (404)."
        )
    elif err.status == 413:
        text = QCoreApplication.translate(
            "ErrorText", "The file is larger than the server accepts (413)."
        )
    elif err.status >= 500:
        text = QCoreApplication.translate(
            "ErrorText", "The server failed while handling the request ({status})."
        ).format(status=err.status)
    else:
        text = QCoreApplication.translate(
            "ErrorText", "The server refused the request ({status})."
        ).format(status=err.status)
    return f"{text} {err.snippet}".strip()
