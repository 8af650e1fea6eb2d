"""Access tokens and extra headers per server, kept in the OS keyring — never in settings files.

Qt-free. When the machine has no keyring backend (headless Linux, the ``fail``/``null``
backends) the credentials are kept in memory for this session only and
:attr:`SecretStore.keyring_available` says so, so the UI can tell the artist.

Keyring calls may block (D-Bus, an unlock prompt): call these methods through
``asyncio.to_thread`` from the event loop.
"""

from __future__ import annotations

import enum
import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop.logs import register_secret

if TYPE_CHECKING:
    import keyring.backend

log = logging.getLogger("comfydesk.app")

SERVICE = "ComfyDesk"
_UNUSABLE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null")


def usable_token(token: str) -> bool:
    """A token goes into an ``Authorization`` header: no spaces, line breaks or controls."""
    return not any(ord(c) < 33 for c in token)


@dataclass(frozen=True)
class Credentials:
    """What to send to one server: an access token and/or extra HTTP headers."""

    token: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.token and not self.headers

    def http_headers(self) -> dict[str, str]:
        """The headers for every request and the WebSocket handshake."""
        result = dict(self.headers)
        if self.token:
            result["Authorization"] = f"Bearer {self.token}"
        return result


class Persistence(enum.Enum):
    KEYRING = "keyring"  # saved in the OS keyring
    SESSION_ONLY = "session"  # no usable keyring: remembered until the app quits
    REMOVED = "removed"  # the credentials were empty, so nothing is stored


class SecretStore:
    """Load/save/delete :class:`Credentials` per server URL."""

    def __init__(
        self, backend: keyring.backend.KeyringBackend | None = None, service: str = SERVICE
    ) -> None:
        self._backend = backend
        self._service = service
        self._session: dict[str, Credentials] = {}
        self._lock = threading.Lock()
        self._failure = ""

    def _keyring(self) -> keyring.backend.KeyringBackend:
        if self._backend is not None:
            return self._backend
        # Imported on first use: keyring scans its backends' entry points (~50 ms of start-up,
        # several times that on a busy machine) and nothing needs it before the first paint.
        import keyring

        return keyring.get_keyring()

    @property
    def keyring_available(self) -> bool:
        if self._failure:
            return False
        backend = self._keyring()
        return not type(backend).__module__.startswith(_UNUSABLE_BACKENDS)

    def load(self, url: str) -> Credentials:
        """The credentials for ``url``; empty when there are none or the keyring fails."""
        with self._lock:
            cached = self._session.get(url)
        if cached is not None:
            return cached
        if not self.keyring_available:
            return Credentials()
        try:
            raw = self._keyring().get_password(self._service, url)
        except Exception as err:  # backends leak D-Bus/OS errors, not only KeyringError
            self._note_failure(err)
            return Credentials()
        creds = _decode(raw)
        self._remember(url, creds)
        return creds

    def save(self, url: str, creds: Credentials) -> Persistence:
        """Store ``creds`` for ``url``; empty credentials delete the entry."""
        if creds.empty:
            self.delete(url)
            return Persistence.REMOVED
        self._remember(url, creds)
        if not self.keyring_available:
            return Persistence.SESSION_ONLY
        try:
            self._keyring().set_password(self._service, url, _encode(creds))
        except Exception as err:  # backends leak D-Bus/OS errors, not only KeyringError
            self._note_failure(err)
            return Persistence.SESSION_ONLY
        return Persistence.KEYRING

    def delete(self, url: str) -> None:
        with self._lock:
            self._session.pop(url, None)
        if not self.keyring_available:
            return
        from keyring.errors import PasswordDeleteError

        try:
            self._keyring().delete_password(self._service, url)
        except PasswordDeleteError:
            pass  # nothing stored: fine
        except Exception as err:
            self._note_failure(err)

    def _remember(self, url: str, creds: Credentials) -> None:
        register_secret(creds.token)
        for value in creds.headers.values():
            register_secret(value)
        with self._lock:
            self._session[url] = creds

    def _note_failure(self, err: Exception) -> None:
        # The message may name the backend but never contains the secret itself.
        log.warning("Keyring unavailable (%s); credentials kept for this session only", err)
        self._failure = str(err) or type(err).__name__


def _encode(creds: Credentials) -> str:
    return json.dumps({"token": creds.token, "headers": dict(creds.headers)})


def _decode(raw: str | None) -> Credentials:
    if not raw:
        return Credentials()
    try:
        data = json.loads(raw)
    except ValueError:
        return Credentials(token=raw)  # written by hand or an older version: a bare token
    if not isinstance(data, dict):
        return Credentials()
    raw_token, raw_headers = data.get("token"), data.get("headers")
    token = raw_token if isinstance(raw_token, str) else ""
    headers: dict[Any, Any] = raw_headers if isinstance(raw_headers, dict) else {}
    clean = {k: v for k, v in headers.items() if isinstance(k, str) and isinstance(v, str)}
    return Credentials(token=token, headers=clean)
