"""The connection view-model: which server, with which credentials, and how it is going.

``ConnectionViewModel`` owns the current :class:`~desktop.jobs.session.ServerSession` (at most
one), turns its ``SessionStatus`` callbacks into Qt signals and a plain-language description,
and runs the reconnect countdown. Widgets (``connection_bar``, ``status``) only bind to it.

Other panels follow the session through ``session_changed``::

    vm.session_changed.connect(self._use_session)   # ServerSession, or None when disconnected

The session module (aiohttp) is imported lazily through the factory, so the window paints
before the network stack is loaded.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from desktop.secrets import Credentials, Persistence, SecretStore
from desktop.settings import ServerOptions
from desktop.ui.error_text import error_text
from desktop.ui.tasks import TaskOwner

if TYPE_CHECKING:
    from desktop.comfy.types import SystemStats
    from desktop.jobs.session import ServerSession, SessionStatus

log = logging.getLogger("comfydesk.ui")

SessionFactory = Callable[[str, Mapping[str, str], ServerOptions], "ServerSession"]


class Phase(enum.Enum):
    IDLE = "idle"  # no session: never connected, or the artist disconnected
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"  # lost or unreachable; the session keeps retrying
    AUTH_REQUIRED = "auth_required"


_PHASE_BY_STATE = {
    "CONNECTING": Phase.CONNECTING,
    "CONNECTED": Phase.CONNECTED,
    "DISCONNECTED": Phase.DISCONNECTED,
    "AUTH_REQUIRED": Phase.AUTH_REQUIRED,
    "STOPPED": Phase.IDLE,
}


@dataclass(frozen=True)
class ConnectionRequest:
    url: str  # normalised (desktop.settings.normalize_server_url)
    credentials: Credentials | None = None  # None: use what the keyring has for url
    options: ServerOptions | None = None  # None: what settings have for url
    demo: bool = False  # the in-process demo server: labelled, never remembered


@dataclass(frozen=True)
class ConnectionText:
    headline: str
    detail: str
    reason: str  # the core's own sentence (English) when it adds something; else ""


def _gib(value: int) -> str:
    return f"{value / 1024**3:.1f}"


def gpu_name(raw: str) -> str:
    """``"cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync"`` -> ``"NVIDIA GeForce RTX 4090"``."""
    name = raw.split(" : ")[0].strip()
    first, _, rest = name.partition(" ")
    if rest and ":" in first:
        name = rest
    return name


def server_summary(stats: SystemStats | None, queue_remaining: int | None) -> str:
    """ "ComfyUI 0.3.64 · NVIDIA … · VRAM 20.1 of 24.0 GB free · Queue: 2"."""
    parts = []
    if stats is not None:
        parts.append(
            QCoreApplication.translate("Connection", "ComfyUI {version}").format(
                version=stats.comfyui_version or "?"
            )
        )
        if stats.devices:
            device = stats.devices[0]
            parts.append(gpu_name(device.name))
            if device.vram_total > 0:
                parts.append(
                    QCoreApplication.translate(
                        "Connection", "VRAM {free} of {total} GB free"
                    ).format(free=_gib(device.vram_free), total=_gib(device.vram_total))
                )
    if queue_remaining is not None:
        parts.append(
            QCoreApplication.translate("Connection", "Queue: {count}").format(count=queue_remaining)
        )
    return " · ".join(parts)


class ConnectionViewModel(QObject):
    changed = Signal()  # phase, status or countdown changed: re-read the properties
    session_changed = Signal(object)  # the new ServerSession, or None
    server_used = Signal(str, object)  # url, ServerOptions: remember as the last server
    credentials_loaded = Signal(str, object)  # url, Credentials (for the connection dialog)
    notice = Signal(str)  # a one-off message for the status bar

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        secrets: SecretStore,
        options_for: Callable[[str], ServerOptions],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._factory = session_factory
        self._secrets = secrets
        self._options_for = options_for
        self._tasks = TaskOwner(self, area="ui")
        self._switch = asyncio.Lock()
        self._session: ServerSession | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._status: SessionStatus | None = None
        self._phase = Phase.IDLE
        self._url = ""
        self._demo = False
        self._failure = ""
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self.changed)

    # ------------------------------------------------------------------ state

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def url(self) -> str:
        return self._url

    @property
    def is_demo(self) -> bool:
        return self._demo

    @property
    def session(self) -> ServerSession | None:
        return self._session

    @property
    def status(self) -> SessionStatus | None:
        return self._status

    @property
    def keyring_available(self) -> bool:
        return self._secrets.keyring_available

    def active_job_count(self) -> int:
        """Our jobs on this server that are still queued or running."""
        session = self._session
        return sum(not j.state.finished for j in session.jobs.jobs()) if session else 0

    def seconds_to_retry(self) -> int | None:
        """Whole seconds until the next automatic attempt, while disconnected."""
        status = self._status
        if self._phase is not Phase.DISCONNECTED or status is None or status.retry_at is None:
            return None
        return max(0, math.ceil(status.retry_at - time.monotonic()))

    def describe(self) -> ConnectionText:
        """The state in words for the artist (translated)."""
        url = self._url
        status = self._status
        core_reason = (status.reason if status else "") or self._failure
        if self._phase is Phase.CONNECTING:
            return ConnectionText(
                QCoreApplication.translate("Connection", "Connecting…"),
                QCoreApplication.translate("Connection", "Contacting ComfyUI at {url}…").format(
                    url=url
                ),
                "",
            )
        if self._phase is Phase.CONNECTED:
            detail = server_summary(
                status.system_stats if status else None,
                status.queue_remaining if status else None,
            )
            return ConnectionText(
                QCoreApplication.translate("Connection", "Connected"), detail or url, ""
            )
        if self._phase is Phase.AUTH_REQUIRED:
            return ConnectionText(
                QCoreApplication.translate("Connection", "Authentication needed"),
                QCoreApplication.translate(
                    "Connection",
                    "The server at {url} asks for an access token. "
                    "Enter it in Connection settings.",
                ).format(url=url),
                core_reason,
            )
        if self._phase is Phase.DISCONNECTED:
            return ConnectionText(
                QCoreApplication.translate("Connection", "Disconnected"),
                QCoreApplication.translate(
                    "Connection",
                    "ComfyUI is not running at {url} — start it, check the address, "
                    "or try the demo server.",
                ).format(url=url),
                core_reason,
            )
        return ConnectionText(
            QCoreApplication.translate("Connection", "Not connected"),
            QCoreApplication.translate(
                "Connection", "Connect to a ComfyUI server to start generating."
            ),
            core_reason,
        )

    # ------------------------------------------------------------------ commands

    def connect_to(self, request: ConnectionRequest) -> asyncio.Task[None]:
        return self._tasks.start(self._connect(request), name=f"connect {request.url}")

    def disconnect_from_server(self) -> asyncio.Task[None]:
        return self._tasks.start(self._disconnect(), name="disconnect")

    def retry_now(self) -> None:
        if self._session is not None:
            self._session.retry_now()

    def request_credentials(self, url: str) -> None:
        """Load the stored credentials for ``url``; answers with ``credentials_loaded``."""
        self._tasks.start(self._load_credentials(url), name="load credentials")

    async def wait_for(self, *phases: Phase) -> Phase:
        """Until the phase is one of ``phases`` (wrap in ``asyncio.timeout``)."""
        changed = asyncio.Event()
        notify = changed.set
        self.changed.connect(notify)
        try:
            while self._phase not in phases:
                changed.clear()
                await changed.wait()
        finally:
            self.changed.disconnect(notify)
        return self._phase

    async def close(self) -> None:
        """Cancel pending work and close the session (application shutdown)."""
        self._countdown.stop()
        await self._tasks.shutdown()
        await self._drop_session()

    # ------------------------------------------------------------------ work

    async def _load_credentials(self, url: str) -> None:
        creds = await asyncio.to_thread(self._secrets.load, url)
        self.credentials_loaded.emit(url, creds)

    async def _disconnect(self) -> None:
        async with self._switch:
            await self._drop_session()
            self._failure = ""
            self._set_phase(Phase.IDLE)

    async def _connect(self, request: ConnectionRequest) -> None:
        async with self._switch:
            await self._drop_session()
            self._url, self._demo, self._failure = request.url, request.demo, ""
            self._set_phase(Phase.CONNECTING)
            creds = request.credentials
            if creds is None:
                creds = await asyncio.to_thread(self._secrets.load, request.url)
            elif not request.demo:
                stored = await asyncio.to_thread(self._secrets.save, request.url, creds)
                if stored is Persistence.SESSION_ONLY:
                    self.notice.emit(
                        QCoreApplication.translate(
                            "Connection",
                            "No system keyring is available, so the access token is kept "
                            "only until ComfyDesk quits.",
                        )
                    )
            options = request.options or self._options_for(request.url)
            try:
                session = self._factory(request.url, creds.http_headers(), options)
            except Exception as err:  # e.g. an unreadable CA file
                log.warning("Cannot connect to %s: %s", request.url, err)
                self._failure = str(err)
                self._set_phase(Phase.DISCONNECTED)
                return
            self._session = session
            self._unsubscribe = session.on_status(self._on_status)
            if not request.demo:
                self.server_used.emit(request.url, options)
            self.session_changed.emit(session)
            try:
                await session.start()
            except Exception as err:  # e.g. an unreadable job journal: say so, stay usable
                log.exception("Could not start the session for %s", request.url)
                await self._drop_session()
                self._failure = error_text(err)
                self._set_phase(Phase.DISCONNECTED, force=True)

    async def _drop_session(self) -> None:
        session, self._session = self._session, None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._status = None
        self._countdown.stop()
        if session is not None:
            self.session_changed.emit(None)
            await session.close()

    def _on_status(self, status: SessionStatus) -> None:
        self._status = status
        phase = _PHASE_BY_STATE.get(status.state.name, Phase.IDLE)
        if status.retry_at is not None and phase is Phase.DISCONNECTED:
            self._countdown.start()
        else:
            self._countdown.stop()
        self._set_phase(phase, force=True)

    def _set_phase(self, phase: Phase, *, force: bool = False) -> None:
        if phase is not self._phase or force:
            self._phase = phase
            if phase is not Phase.DISCONNECTED:
                self._countdown.stop()
            self.changed.emit()
