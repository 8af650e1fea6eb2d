"""Logging for the whole app: named loggers per area, a rotating file, secrets redacted.

Qt-free on purpose: the headless runner and the core use the same setup. Areas log through
``logging.getLogger("comfydesk.<area>")`` (see :data:`AREAS`); modules that log under their
``desktop.*`` module name are captured too, because the handlers sit on the root logger.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

from desktop import paths

AREAS = (
    "base",
    "comfy",
    "jobs",
    "library",
    "workflow",
    "hosted",
    "farm",
    "ui",
    "cli",
    "demo",
    "app",
    "qt",
)
LOG_FILE_NAME = "comfydesk.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
REDACTED = "***"

# Keys whose values are secrets wherever they show up: JSON, repr() of dicts, query strings,
# "key=value" and "Key: value" forms.
_SECRET_KEYS = (
    r"api_key_comfy_org|auth_token_comfy_org|[\w-]*(?:token|secret|password|passwd|api[_-]?key)"
    r"|cookie|set-cookie"
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization: Bearer abc / 'Authorization': 'Basic abc' / Proxy-Authorization
    (
        re.compile(
            r"""((?:proxy-)?authorization['"]?\s*[:=]\s*['"]?)"""
            r"""(?:(bearer|basic|token|digest)\s+)?[^'"\s,;}&]+""",
            re.IGNORECASE,
        ),
        r"\1\2 " + REDACTED,
    ),
    # A bare "Bearer abc" anywhere else (e.g. in an exception message).
    (re.compile(r"\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE), r"\1 " + REDACTED),
    # "token": "abc" / token=abc / ?api_key_comfy_org=abc / 'password': 'abc'
    (
        re.compile(
            rf"""(["']?\b(?:{_SECRET_KEYS})\b["']?\s*[:=]\s*["']?)[^"'\s,;}}&]+""",
            re.IGNORECASE,
        ),
        r"\1" + REDACTED,
    ),
)

_known_secrets: set[str] = set()
_known_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Redact this exact value from every later log line (tokens loaded from the keyring)."""
    if value and len(value) >= 4:
        with _known_lock:
            _known_secrets.add(value)


def redact(text: str) -> str:
    """``text`` with tokens, Authorization values and known secrets replaced by ``***``."""
    with _known_lock:
        known = sorted(_known_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    # "Authorization: ***" without a scheme leaves a double space from the empty group.
    return text.replace("  " + REDACTED, " " + REDACTED)


class RedactingFilter(logging.Filter):
    """Rewrites each record in place so no handler, formatter or traceback leaks a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad %-format must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _OwnedHandler:
    """Marker mixin so a second ``setup_logging`` replaces our handlers, not someone else's."""


class _RotatingFile(_OwnedHandler, logging.handlers.RotatingFileHandler):
    pass


class _Console(_OwnedHandler, logging.StreamHandler):
    pass


def log_file_path(folder: Path | None = None) -> Path:
    return (folder or paths.log_dir()) / LOG_FILE_NAME


def setup_logging(
    *,
    level: int = logging.INFO,
    folder: Path | None = None,
    console: bool = True,
    console_level: int = logging.WARNING,
) -> Path:
    """Install the rotating file handler (and a console handler); returns the log file path.

    Safe to call again (tests, a changed level): our previous handlers are closed first.
    """
    path = log_file_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    remove_handlers(root)
    redactor = RedactingFilter()
    formatter = logging.Formatter(FORMAT)

    file_handler = _RotatingFile(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    file_handler.setLevel(level)
    handlers: list[logging.Handler] = [file_handler]
    if console:
        console_handler = _Console(sys.stderr)
        console_handler.setLevel(console_level)
        handlers.append(console_handler)
    for handler in handlers:
        handler.addFilter(redactor)
        handler.setFormatter(formatter)
        root.addHandler(handler)

    # Third-party libraries stay quiet unless something is wrong; our own areas log at `level`.
    root.setLevel(logging.WARNING)
    for name in ("comfydesk", "desktop"):
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(True)
    return path


def remove_handlers(logger: logging.Logger | None = None) -> None:
    """Close and detach the handlers :func:`setup_logging` installed."""
    logger = logger or logging.getLogger()
    owned: Iterable[logging.Handler] = [h for h in logger.handlers if isinstance(h, _OwnedHandler)]
    for handler in owned:
        logger.removeHandler(handler)
        handler.close()
    logging.captureWarnings(False)
