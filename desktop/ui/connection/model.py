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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from desktop.base.read_only import ReadOnly
from desktop.secrets import Credentials, Persistence, SecretStore
from desktop.settings import FarmServer, ServerOptions
from desktop.ui.connection.summary import ConnectionText, farm_summary, server_summary
from desktop.ui.error_text import error_text
from desktop.ui.i18n import QT_TRANSLATE_NOOP
from desktop.ui.tasks import TaskOwner

if TYPE_CHECKING:
    from desktop.farm.state import ServerState
    from desktop.jobs.session import ServerSession, SessionStatus

log = logging.getLogger("comfydesk.ui")

SessionFactory = Callable[[str, Mapping[str, str], ServerOptions], "ServerSession"]
# A farm: each server with its headers (token) and options.
FarmMember = tuple[FarmServer, Mapping[str, str], ServerOptions]
FarmFactory = Callable[[Sequence[FarmMember]], "ServerSession"]
_FARM_REFRESH_MS = 2000  # servers come and go without a session status change: look again


class Phase(enum.Enum):
    IDLE = "idle"  # no session: never connected, or the artist disconnected
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"  # lost or unreachable; the session keeps retrying
    AUTH_REQUIRED = "auth_required"


# What the bar says while nothing runs: the artist has something to do (headline, detail).
_WAITING_TEXTS = {
    Phase.AUTH_REQUIRED: (
        QT_TRANSLATE_NOOP("Connection", "Authentication needed"),
        QT_TRANSLATE_NOOP(
            "Connection",
            "The server at {url} asks for an access token. Enter it in Connection settings.",
        ),
    ),
    Phase.DISCONNECTED: (
        QT_TRANSLATE_NOOP("Connection", "Disconnected"),
        QT_TRANSLATE_NOOP(
            "Connection",
            "ComfyUI is not running at {url} — start it, check the address, "
            "or try the demo server.",
        ),
    ),
    Phase.IDLE: (
        QT_TRANSLATE_NOOP("Connection", "Not connected"),
        QT_TRANSLATE_NOOP("Connection", "Connect to a ComfyUI server to start generating."),
    ),
}

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
    # Several servers as one (a farm); ``url`` is then only a label. ``farm_credentials`` by
    # server address; an address missing there uses what the keyring has.
    farm: tuple[FarmServer, ...] = ()
    farm_credentials: Mapping[str, Credentials] | None = None

    @classmethod
    def for_farm(
        cls, servers: Sequence[FarmServer], credentials: Mapping[str, Credentials] | None = None
    ) -> ConnectionRequest:
        label = QCoreApplication.translate("Connection", "Farm: {servers}").format(
            servers=", ".join(s.shown_name for s in servers)
        )
        return cls(label, farm=tuple(servers), farm_credentials=credentials)


class ConnectionViewModel(QObject):
    changed = Signal()  # phase, status or countdown changed: re-read the properties
    session_changed = Signal(object)  # the new ServerSession, or None
    server_used = Signal(str, object)  # url, ServerOptions: remember as the last server
    farm_used = Signal(object)  # tuple[FarmServer, ...]: remember as the last connection
    credentials_loaded = Signal(str, object)  # url, Credentials (for the connection dialog)
    notice = Signal(str)  # a one-off message for the status bar

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        secrets: SecretStore,
        options_for: Callable[[str], ServerOptions],
        farm_factory: FarmFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._factory = session_factory
        self._farm_factory = farm_factory
        self._farm: tuple[FarmServer, ...] = ()
        self._farm_seen: tuple[Any, ...] = ()
        self._farm_timer = QTimer(self)
        self._farm_timer.setInterval(_FARM_REFRESH_MS)
        self._farm_timer.timeout.connect(self._look_at_farm)
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

    phase: ReadOnly[Phase] = ReadOnly("_phase")
    url: ReadOnly[str] = ReadOnly("_url")
    is_demo: ReadOnly[bool] = ReadOnly("_demo")
    session: ReadOnly[ServerSession | None] = ReadOnly("_session")
    status: ReadOnly[SessionStatus | None] = ReadOnly("_status")

    @property
    def farm(self) -> tuple[FarmServer, ...]:
        """The servers of the farm in use; () for one server."""
        return self._farm

    def farm_states(self) -> list[ServerState]:
        """Each farm server as last seen (up, queue, GPU); [] for one server."""
        servers = getattr(self._session.client, "servers", None) if self._session else None
        return list(servers()) if callable(servers) else []

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
        if self._farm and self._phase is not Phase.IDLE:
            return self._describe_farm(core_reason)
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
        headline, detail = _WAITING_TEXTS[self._phase]
        return ConnectionText(
            QCoreApplication.translate("Connection", headline),
            QCoreApplication.translate("Connection", detail).format(url=url),
            core_reason,
        )

    def _describe_farm(self, core_reason: str) -> ConnectionText:
        states = self.farm_states()
        total = len(self._farm)
        if self._phase is Phase.CONNECTING:
            return ConnectionText(
                QCoreApplication.translate("Connection", "Connecting…"),
                QCoreApplication.translate(
                    "Connection", "Contacting {count} ComfyUI servers…"
                ).format(count=total),
                "",
            )
        if self._phase is Phase.CONNECTED:
            up = sum(s.up for s in states)
            return ConnectionText(
                QCoreApplication.translate(
                    "Connection", "Connected — {up} of {total} servers"
                ).format(up=up, total=total),
                farm_summary(states),
                "",
            )
        return ConnectionText(
            QCoreApplication.translate("Connection", "Disconnected"),
            QCoreApplication.translate(
                "Connection",
                "None of the farm's {count} servers answers — start them, or check their "
                "addresses in Connection settings.",
            ).format(count=total),
            core_reason,
        )

    @Slot()
    def _look_at_farm(self) -> None:
        seen = tuple(
            (s.up, s.ours, s.queue_remaining, s.stats.devices[:1] if s.stats else None)
            for s in self.farm_states()
        )
        if seen != self._farm_seen:
            self._farm_seen = seen
            self.changed.emit()

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
            self._farm = request.farm
            self._set_phase(Phase.CONNECTING)
            if request.farm:
                await self._connect_farm(request)
                return
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
            if not request.demo:
                self.server_used.emit(request.url, options)
            await self._start(session, request.url)

    async def _start(self, session: ServerSession, label: str) -> None:
        self._session = session
        self._unsubscribe = session.on_status(self._on_status)
        self.session_changed.emit(session)
        try:
            await session.start()
        except Exception as err:  # e.g. an unreadable job journal: say so, stay usable
            log.exception("Could not start the session for %s", label)
            await self._drop_session()
            self._failure = error_text(err)
            self._set_phase(Phase.DISCONNECTED, force=True)

    async def _connect_farm(self, request: ConnectionRequest) -> None:
        given = request.farm_credentials or {}
        members: list[FarmMember] = []
        for server in request.farm:
            creds = given.get(server.url)
            if creds is None:
                creds = await asyncio.to_thread(self._secrets.load, server.url)
            else:
                await asyncio.to_thread(self._secrets.save, server.url, creds)
            members.append((server, creds.http_headers(), self._options_for(server.url)))
        if self._farm_factory is None:
            raise RuntimeError("this app was built without farm support")
        try:
            session = self._farm_factory(members)
        except Exception as err:  # e.g. an unreadable CA file
            log.warning("Cannot connect to the farm: %s", err)
            self._failure = str(err)
            self._set_phase(Phase.DISCONNECTED)
            return
        self.farm_used.emit(request.farm)
        self._farm_timer.start()
        await self._start(session, request.url)

    async def _drop_session(self) -> None:
        session, self._session = self._session, None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._status = None
        self._countdown.stop()
        self._farm_timer.stop()
        self._farm_seen = ()
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
