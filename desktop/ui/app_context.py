"""What a panel installer gets from the app (``AppContext``), kept apart from
``desktop.app`` so that the installers, which ``desktop.app`` runs, do not import it back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from desktop.secrets import SecretStore
from desktop.settings import Settings
from desktop.ui.connection.model import ConnectionViewModel
from desktop.ui.main_window import MainWindow

if TYPE_CHECKING:
    from desktop.jobs.sinks import ResultSink
    from desktop.library import Library
    from desktop.ui.hosted.backend import HostedBackend
    from desktop.ui.jobs_model import JobsViewModel
    from desktop.ui.workspace import Workspace


class AppServices(Protocol):
    """The part of ``ComfyDeskApp`` a context stands for."""

    window: MainWindow
    connection: ConnectionViewModel
    secrets: SecretStore
    settings: Settings
    shutdown_hooks: list[Callable[[], Awaitable[None]]]
    late_shutdown_hooks: list[Callable[[], Awaitable[None]]]

    def update_settings(self, settings: Settings) -> None: ...


class LibraryOwner(Protocol):
    """The gallery panel, as others see it: the one library of this run."""

    async def library(self) -> Library: ...


class AppContext:
    """What a panel installer gets: the window, the connection and shared services."""

    def __init__(self, app: AppServices) -> None:
        self._app = app
        self.window: MainWindow = app.window
        self.connection: ConnectionViewModel = app.connection
        # The library helper sets this; sessions created afterwards store results there.
        self.result_sink: ResultSink | None = None
        # The jobs view-model shared by the preview, the queue and the workspace.
        self.jobs: JobsViewModel | None = None
        self.secrets: SecretStore = app.secrets
        # Set by their installers: the form's view-model and the hosted workflow backend.
        self.workspace: Workspace | None = None
        self.hosted: HostedBackend | None = None
        self.gallery: LibraryOwner | None = None  # the gallery panel

    def jobs_view_model(self) -> JobsViewModel:
        """The one JobsViewModel of the app (preview, queue, workspace, hosted), following the
        connection's session; made by whichever installer asks first."""
        if self.jobs is None:
            from desktop.ui.jobs_model import JobsViewModel

            vm = JobsViewModel(self.window)
            self.connection.session_changed.connect(vm.set_session)
            vm.set_session(self.connection.session)
            self.jobs = vm
        return self.jobs

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


PanelInstaller = Callable[[AppContext], None]
