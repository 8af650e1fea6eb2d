"""Logging: file in the log dir, named area loggers, secrets never reach the file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import logs


@pytest.fixture
def log_file(isolated_dirs: dict[str, Path]) -> Iterator[Path]:
    path = logs.setup_logging(console=False)
    yield path
    logs.remove_handlers()


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_log_file_is_in_the_log_dir(log_file: Path, isolated_dirs: dict[str, Path]) -> None:
    assert log_file == isolated_dirs["log"] / "comfydesk.log"
    logging.getLogger("comfydesk.jobs").info("job %s queued", "abc")
    logging.getLogger("desktop.comfy.client").info("from a module logger")
    logging.getLogger("aiohttp.access").info("third-party chatter")
    _flush()
    text = log_file.read_text(encoding="utf-8")
    assert "INFO    comfydesk.jobs: job abc queued" in text
    assert "desktop.comfy.client: from a module logger" in text
    assert "third-party chatter" not in text


def test_setup_twice_does_not_duplicate_lines(isolated_dirs: dict[str, Path]) -> None:
    logs.setup_logging(console=False)
    path = logs.setup_logging(console=False)
    try:
        logging.getLogger("comfydesk.ui").warning("once")
        _flush()
        assert path.read_text(encoding="utf-8").count("once") == 1
    finally:
        logs.remove_handlers()
    assert not [h for h in logging.getLogger().handlers if isinstance(h, logs._OwnedHandler)]


def test_file_rotates(log_file: Path) -> None:
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logs._RotatingFile))
    assert handler.maxBytes == logs.MAX_BYTES
    assert handler.backupCount == logs.BACKUP_COUNT


def test_secrets_are_redacted_in_messages_args_and_tracebacks(log_file: Path) -> None:
    log = logging.getLogger("comfydesk.comfy")
    log.info("headers %s", {"Authorization": "Bearer sk-live-123"})
    log.info("extra_data %s", '{"api_key_comfy_org": "comfyui-999"}')
    log.info("ws url http://h/ws?clientId=1&token=qwerty")
    try:
        raise RuntimeError("auth failed for Bearer abc.def")
    except RuntimeError:
        log.exception("request failed")
    _flush()
    text = log_file.read_text(encoding="utf-8")
    for secret in ("sk-live-123", "comfyui-999", "qwerty", "abc.def"):
        assert secret not in text
    assert "'Authorization': 'Bearer ***'" in text
    assert '"api_key_comfy_org": "***"' in text
    assert "token=***" in text
    assert "RuntimeError: auth failed for Bearer ***" in text


def test_registered_secret_is_redacted_anywhere(log_file: Path) -> None:
    logs.register_secret("plain-secret-value")
    logging.getLogger("comfydesk.ui").warning("user typed plain-secret-value somewhere")
    _flush()
    assert "user typed *** somewhere" in log_file.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer a.b-c", "Authorization: Bearer ***"),
        ("Authorization: rawvalue", "Authorization: ***"),
        ('{"Authorization": "Basic dXNlcjpw"}', '{"Authorization": "Basic ***"}'),
        ("X-API-Key: zzz", "X-API-Key: ***"),
        ("auth_token_comfy_org=tok", "auth_token_comfy_org=***"),
        ("the token is wrong", "the token is wrong"),
        ("max_tokens: 5", "max_tokens: 5"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert logs.redact(text) == expected


def test_bad_format_args_do_not_lose_the_record(log_file: Path) -> None:
    logging.getLogger("comfydesk.app").warning("%d items", "not-a-number")
    _flush()
    assert "%d items" in log_file.read_text(encoding="utf-8")
