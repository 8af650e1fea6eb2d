"""Secrets: keyring round trip, session-only fallback, nothing leaks."""

from __future__ import annotations

import keyring.backend
import keyring.errors
import pytest

from desktop.logs import redact
from desktop.secrets import Credentials, Persistence, SecretStore

URL = "https://gpu.example:8443"


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.items[(service, username)]


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


def test_credentials_become_headers() -> None:
    creds = Credentials(token="t0k", headers={"X-Tunnel": "1"})
    assert creds.http_headers() == {"X-Tunnel": "1", "Authorization": "Bearer t0k"}
    assert Credentials().empty
    assert Credentials().http_headers() == {}


def test_round_trip_through_the_keyring() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    assert store.keyring_available
    creds = Credentials(token="abc-123", headers={"X-Api": "hdr-secret"})
    assert store.save(URL, creds) is Persistence.KEYRING
    assert ("ComfyDesk", URL) in backend.items
    assert SecretStore(backend).load(URL) == creds  # a fresh store reads the keyring
    assert SecretStore(backend).load("http://other:1") == Credentials()


def test_loaded_secrets_are_redacted_from_logs() -> None:
    backend = MemoryKeyring()
    SecretStore(backend).save(URL, Credentials(token="zz-unique-token-41"))
    SecretStore(backend).load(URL)
    assert redact("oops zz-unique-token-41") == "oops ***"


def test_empty_credentials_delete_the_entry() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    store.save(URL, Credentials(token="abc"))
    assert store.save(URL, Credentials()) is Persistence.REMOVED
    assert backend.items == {}
    assert store.load(URL) == Credentials()
    store.delete(URL)  # deleting twice is fine


def test_a_bare_token_written_by_hand_is_understood() -> None:
    backend = MemoryKeyring()
    backend.items[("ComfyDesk", URL)] = "handwritten"
    assert SecretStore(backend).load(URL) == Credentials(token="handwritten")


@pytest.mark.parametrize("raw", ["[1]", '{"token": 5, "headers": {"a": 1}}'])
def test_malformed_entries_give_empty_credentials(raw: str) -> None:
    backend = MemoryKeyring()
    backend.items[("ComfyDesk", URL)] = raw
    assert SecretStore(backend).load(URL) == Credentials()


def test_no_backend_keeps_the_token_for_the_session_only() -> None:
    # tests/conftest.py selects keyring's "fail" backend, like a headless Linux box.
    store = SecretStore()
    assert not store.keyring_available
    creds = Credentials(token="session-only")
    assert store.save(URL, creds) is Persistence.SESSION_ONLY
    assert store.load(URL) == creds
    assert SecretStore().load(URL) == Credentials()  # gone after a "restart"


def test_locked_keyring_falls_back_to_the_session() -> None:
    store = SecretStore(LockedKeyring())
    assert store.keyring_available
    assert store.save(URL, Credentials(token="t")) is Persistence.SESSION_ONLY
    assert not store.keyring_available
    assert store.load(URL) == Credentials(token="t")


class DbusBrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise OSError("org.freedesktop.DBus.Error.ServiceUnknown")


def test_backend_errors_that_are_not_keyring_errors_fall_back_too() -> None:
    store = SecretStore(DbusBrokenKeyring())
    assert store.load(URL) == Credentials()
    assert not store.keyring_available
    assert store.save(URL, Credentials(token="t")) is Persistence.SESSION_ONLY
