"""What the panels are built with (``AppContext``), kept apart from ``desktop.app`` so that
the panel builders, which ``desktop.app`` runs, do not import it back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from desktop.secrets import SecretStore
from desktop.settings import Settings
from desktop.ui.connection.model import ConnectionViewModel
from desktop.ui.main_window import MainWindow


class AppServices(Protocol):
    """The part of ``ComfyDeskApp`` a context stands for."""

    window: MainWindow
    connection: ConnectionViewModel
    secrets: SecretStore
    settings: Settings
    shutdown_hooks: list[Callable[[], Awaitable[None]]]
    late_shutdown_hooks: list[Callable[[], Awaitable[None]]]

    def update_settings(self, settings: Settings) -> None: ...


class AppContext:
    """What the panels are built with: the window, the connection and shared services. It
    holds no panel: each is handed the others it needs (``desktop.ui.composition``)."""

    def __init__(self, app: AppServices) -> None:
        self._app = app
        self.window: MainWindow = app.window
        self.connection: ConnectionViewModel = app.connection
        self.secrets: SecretStore = app.secrets

    @property
    def settings(self) -> Settings:
        return self._app.settings

    def update_settings(self, settings: Settings) -> None:
        self._app.update_settings(settings)

    def add_shutdown_hook(
        self, hook: Callable[[], Awaitable[None]], *, after_session: bool = False
    ) -> None:
        """``await hook()`` runs at quit, before the session closes (cancel your tasks there);
        with ``after_session`` once it has closed (close stores that its jobs write into)."""
        if after_session:
            self._app.late_shutdown_hooks.append(hook)
        else:
            self._app.shutdown_hooks.append(hook)
