"""Composition root: QApplication + qasync loop, logging, error hook, translator, theme,
settings, the connection and the main window; then the panels, built in order by
``desktop.ui.composition.build_panels`` (a test may pass a smaller builder).

    comfydesk [FILE] [--server URL | --demo | --demo-hosted] [--lang en|zh_CN] [--self-test]
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl, Slot, qInstallMessageHandler
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from desktop import __version__, paths
from desktop.logs import setup_logging
from desktop.options import AppOptions, parse_args
from desktop.secrets import Credentials, SecretStore
from desktop.settings import (
    FarmServer,
    ServerOptions,
    Settings,
    SettingsStore,
)
from desktop.ui import icons
from desktop.ui.about import AboutDialog
from desktop.ui.app_context import AppContext
from desktop.ui.connection.dialog import ConnectionDialog
from desktop.ui.connection.model import (
    ConnectionRequest,
    ConnectionViewModel,
    FarmMember,
    Phase,
    SessionFactory,
)
from desktop.ui.errors import ExceptionReporter
from desktop.ui.i18n import Translations
from desktop.ui.main_window import MainWindow
from desktop.ui.preferences import PreferencesDialog
from desktop.ui.quit_prompt import QuitChoice, ask_about_active_jobs
from desktop.ui.startup import app_icon, install_sigint, qt_message_handler
from desktop.ui.tasks import TaskOwner
from desktop.ui.theme import ThemeController

if TYPE_CHECKING:
    from desktop.demo import DemoServer
    from desktop.jobs.session import ServerSession
    from desktop.ui.composition import PanelBuilder
    from desktop.ui.hosted.demo import HostedDemo

log = logging.getLogger("comfydesk.app")

DEMO_STEP_DELAY = 0.15
CANCEL_ON_QUIT_TIMEOUT = 5.0


class ComfyDeskApp(QObject):
    """Builds and owns the services and the window for one run of the app."""

    def __init__(
        self,
        qapp: QApplication,
        options: AppOptions,
        *,
        store: SettingsStore | None = None,
        secrets: SecretStore | None = None,
        panels: PanelBuilder | None = None,
        session_factory: SessionFactory | None = None,
    ) -> None:
        super().__init__()
        self.qapp = qapp
        self.options = options
        self.store = store or SettingsStore()
        self.settings = self.store.load()
        self.secrets = secrets or SecretStore()
        self.shutdown_hooks: list[Callable[[], Awaitable[None]]] = []
        self.late_shutdown_hooks: list[Callable[[], Awaitable[None]]] = []
        self.demo_server: DemoServer | None = None
        self.hosted_demo: HostedDemo | None = None
        self.tasks = TaskOwner(self, area="app")
        self._quit = asyncio.Event()
        self._quitting = False

        self.translations = Translations(qapp)
        self.translations.apply(options.lang or self.settings.language)
        self.theme = ThemeController(qapp, parent=self)
        self.theme.apply(self.settings.appearance)

        self.connection = ConnectionViewModel(
            session_factory=session_factory or self._make_session,
            farm_factory=self._make_farm_session,
            secrets=self.secrets,
            options_for=lambda url: self.settings.options_for(url),
            parent=self,
        )
        icons.hold_until_painted()  # the icon font loads after the first paint (see run())
        self.window = MainWindow(self.connection)
        self.window.set_close_guard(True)
        self.window.restore_layout(self.settings.window_geometry, self.settings.window_state)
        self.window.set_recent_files([Path(p) for p in self.settings.recent_files])
        self.window.connection_bar.set_recent_servers(self.settings.recent_servers)
        self.context = AppContext(self)
        self._wire()
        if panels is None:
            from desktop.ui.composition import build_panels

            panels = build_panels
        self.panels = panels(self.context)

    # ------------------------------------------------------------------ wiring

    def _wire(self) -> None:
        w, vm = self.window, self.connection
        w.quit_requested.connect(self._on_quit_requested)
        w.preferences_requested.connect(self.show_preferences)
        w.about_requested.connect(self.show_about)
        w.open_log_folder_requested.connect(self.open_log_folder)
        w.workflow_opened.connect(self._remember_workflow)
        w.connection_bar.settings_requested.connect(self.show_connection_dialog)
        w.connection_bar.demo_requested.connect(
            lambda: self.tasks.start(self.start_demo(), name="start demo server")
        )
        vm.server_used.connect(self._remember_server)
        vm.farm_used.connect(self._remember_farm)
        vm.changed.connect(lambda: w.set_demo_mode(vm.is_demo and vm.session is not None))

    def update_settings(self, settings: Settings) -> None:
        self.settings = settings
        try:
            self.store.save(settings)
        except OSError as err:
            log.warning("Could not save settings: %s", err)
            self.window.status_bar.show_notice(
                self.tr("Settings could not be saved: {error}").format(error=err)
            )

    @Slot(str, object)
    def _remember_server(self, url: str, options: ServerOptions) -> None:
        self.update_settings(self.settings.with_server(url, options))
        self.window.connection_bar.set_recent_servers(self.settings.recent_servers)

    @Slot(object)
    def _remember_farm(self, servers: tuple[FarmServer, ...]) -> None:
        self.update_settings(self.settings.with_farm(servers))

    @Slot(Path)
    def _remember_workflow(self, path: Path) -> None:
        self.update_settings(self.settings.with_recent_file(str(path)))

    def _make_session(
        self, url: str, headers: Mapping[str, str], options: ServerOptions
    ) -> ServerSession:
        # Imported here: aiohttp and the protocol stack load after the window has painted.
        from desktop.jobs.session import ServerSession
        from desktop.jobs.sinks import FolderSink

        sink = self.panels.result_sink or FolderSink(self.settings.library_folder() / "results")
        return ServerSession(
            url,
            client_id=self.settings.client_id,
            headers=headers,
            ca_file=options.ca_file or None,
            verify_tls=options.verify_tls,
            journal_path=paths.data_dir() / "jobs-journal.json",
            result_sink=sink,
        )

    def _make_farm_session(self, members: Sequence[FarmMember]) -> ServerSession:
        from desktop.farm.farm import Farm, ServerSpec
        from desktop.jobs.session import ServerSession
        from desktop.jobs.sinks import FolderSink

        specs = [
            ServerSpec(
                server.url,
                server.shown_name,
                headers,
                {"ca_file": options.ca_file or None, "verify_tls": options.verify_tls},
            )
            for server, headers, options in members
        ]
        farm = Farm(specs, client_id=self.settings.client_id)
        sink = self.panels.result_sink or FolderSink(self.settings.library_folder() / "results")
        return ServerSession(
            farm.base_url,
            client_id=farm.client_id,
            journal_path=paths.data_dir() / "jobs-journal.json",
            result_sink=sink,
            backend=farm,
        )

    # ------------------------------------------------------------------ running

    async def run(self) -> int:
        """Show the window, connect, and return the exit code when the app is quit."""
        self.window.show()
        await asyncio.sleep(0.02)  # let the first paint happen before the network stack loads
        icons.release()
        first = self.options.file
        if first is None and self.settings.last_workflow:
            last = Path(self.settings.last_workflow)
            first = last if await asyncio.to_thread(last.is_file) else None
        if first is not None:
            self.window.request_open(first)
        if self.options.self_test:
            return await self.self_test()
        if self.options.demo_hosted:
            await self.start_hosted_demo()
        elif self.options.demo:
            await self.start_demo()
        elif self.options.server:
            self.connection.connect_to(ConnectionRequest(self.options.server))
        elif self.settings.connect_on_start:
            if self.settings.backend == "hosted" and self.panels.hosted is not None:
                self.panels.hosted.connect_to(self.settings.hosted)
            elif self.settings.backend == "farm" and self.settings.farm:
                self.connection.connect_to(ConnectionRequest.for_farm(self.settings.farm))
            else:
                self.connection.connect_to(ConnectionRequest(self.settings.server_url))
        await self._quit.wait()
        await self.shutdown()
        return 0

    async def start_demo(self) -> None:
        """Start the in-process demo server (once) and connect to it."""
        if self.demo_server is None:
            from desktop.demo import DemoConfig, DemoServer
            from desktop.demo.config import showcase_models

            server = DemoServer(DemoConfig(step_delay=DEMO_STEP_DELAY, models=showcase_models()))
            await server.start(port=0)
            self.demo_server = server
        request = ConnectionRequest(
            self.demo_server.url, credentials=Credentials(), options=ServerOptions(), demo=True
        )
        await self.connection.connect_to(request)

    async def start_hosted_demo(self) -> None:
        """Start the hosted workflow stand-in (once), use it and open its parameter list."""
        hosted = self.panels.hosted
        if hosted is None:
            return
        if self.hosted_demo is None:
            from desktop.ui.hosted.demo import HostedDemo

            self.hosted_demo = HostedDemo(hosted)
            self.context.add_shutdown_hook(self.hosted_demo.stop, after_session=True)
        dump = await self.hosted_demo.start()
        if self.options.file is None:
            self.window.request_open(dump)

    async def self_test(self) -> int:
        """Start the demo server, connect, load server details and node definitions."""
        try:
            async with asyncio.timeout(self.options.self_test_timeout):
                await self.start_demo()
                await self.connection.wait_for(Phase.CONNECTED)
                await self._server_details_loaded()
        except TimeoutError:
            text = self.connection.describe()
            print(
                f"self-test FAILED: not connected to the demo server within "
                f"{self.options.self_test_timeout:g} s ({text.headline}: {text.reason})",
                file=sys.stderr,
            )
            code = 1
        else:
            session = self.connection.session
            info = session.object_info if session is not None else None
            print(
                f"self-test passed: connected to the demo server at {self.connection.url} "
                f"({self.connection.describe().detail}; "
                f"{len(info) if info is not None else 0} node types)"
            )
            code = 0
        await self.shutdown()
        return code

    async def _server_details_loaded(self) -> None:
        session = self.connection.session
        if session is None:
            raise TimeoutError  # the demo connection failed outright
        ready = asyncio.Event()

        def check(_value: object = None) -> None:
            if session.status.system_stats is not None and session.object_info is not None:
                ready.set()

        unsubscribe = (session.on_status(check), session.on_object_info(check))
        try:
            check()
            await ready.wait()
        finally:
            for stop in unsubscribe:
                stop()

    def request_quit(self) -> None:
        self.window.close()

    @Slot()
    def _on_quit_requested(self) -> None:
        if self._quitting:
            return
        session = self.connection.session
        active = [j for j in session.jobs.jobs() if not j.state.finished] if session else []
        if active and self.connection.phase is Phase.CONNECTED:
            self._ask_about_active_jobs(len(active))
        else:
            self._begin_quit(cancel_jobs=False)

    def _ask_about_active_jobs(self, count: int) -> None:
        def answered(choice: QuitChoice) -> None:
            if choice is not QuitChoice.STAY:
                self._begin_quit(cancel_jobs=choice is QuitChoice.CANCEL_JOBS)

        ask_about_active_jobs(self.window, count, answered)

    def _begin_quit(self, *, cancel_jobs: bool) -> None:
        self._quitting = True
        self.tasks.start(self._quit_after(cancel_jobs), name="quit")

    async def _quit_after(self, cancel_jobs: bool) -> None:
        session = self.connection.session
        if cancel_jobs and session is not None:
            try:
                async with asyncio.timeout(CANCEL_ON_QUIT_TIMEOUT):
                    await session.jobs.cancel_all_mine()
            except Exception as err:  # quitting must not fail because the server is gone
                log.warning("Could not cancel jobs before quitting: %s", err)
        self._quit.set()

    async def shutdown(self) -> None:
        """Save the layout, close panels, the session and the demo server; close the window.

        Panels' hooks run first (their tasks use the session), then the session closes (its
        result collection finishes), then the late hooks (the library the results went to).
        """
        self._quitting = True
        geometry, state = self.window.save_layout()
        self.update_settings(
            dataclasses.replace(self.settings, window_geometry=geometry, window_state=state)
        )
        await self._run_hooks(self.shutdown_hooks)
        await self.connection.close()
        await self._run_hooks(self.late_shutdown_hooks)
        await self.tasks.shutdown()
        if self.demo_server is not None:
            server, self.demo_server = self.demo_server, None
            await server.stop()
        self.window.allow_close()
        self.window.close()

    @staticmethod
    async def _run_hooks(hooks: list[Callable[[], Awaitable[None]]]) -> None:
        while hooks:  # each hook once, even when shutdown() is called again
            hook = hooks.pop(0)
            try:
                await hook()
            except Exception:
                log.exception("A shutdown hook failed")

    # ------------------------------------------------------------------ dialogs

    @Slot()
    def show_connection_dialog(self) -> None:
        hosted = self.panels.hosted
        in_use_connection = hosted.connection if hosted is not None and hosted.active() else None
        in_use = in_use_connection is not None
        dialog = ConnectionDialog(
            self.connection,
            recent=self.settings.recent_servers,
            options_for=self.settings.options_for,
            hosted=in_use_connection or self.settings.hosted,
            farm=self.settings.farm,
            kind="hosted" if in_use else self.settings.backend,
            parent=self.window,
        )
        if hosted is not None:
            dialog.hosted_requested.connect(hosted.connect_to)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    @Slot()
    def show_preferences(self) -> None:
        dialog = PreferencesDialog(self.settings, self.window)
        dialog.settings_accepted.connect(self.apply_preferences)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    @Slot(object)
    def apply_preferences(self, settings: Settings) -> None:
        self.update_settings(settings)
        self.theme.apply(settings.appearance)
        if self.options.lang is None:
            self.translations.apply(settings.language)

    @Slot()
    def show_about(self) -> None:
        dialog = AboutDialog(self.connection, self.window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    @Slot()
    def open_log_folder(self) -> None:
        folder = paths.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def main(argv: Sequence[str] | None = None) -> int:
    from desktop.ui.event_loop import EventLoop

    options = parse_args(sys.argv[1:] if argv is None else argv)
    setup_logging()
    qInstallMessageHandler(qt_message_handler)
    log.info("ComfyDesk %s starting", __version__)
    QApplication.setApplicationName("ComfyDesk")
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("comfydesk")
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setWindowIcon(app_icon())
    qapp.setQuitOnLastWindowClosed(False)  # the run() coroutine decides when we are done
    loop = EventLoop(qapp)
    asyncio.set_event_loop(loop)
    holder: dict[str, Any] = {}
    reporter = ExceptionReporter(lambda: holder["app"].window if "app" in holder else None)
    reporter.install()
    loop.set_exception_handler(reporter.asyncio_handler)
    try:
        app = ComfyDeskApp(qapp, options)
        holder["app"] = app
        install_sigint(app, app.request_quit)
        code = loop.run_until_complete(app.run())
    finally:
        reporter.close()
        reporter.uninstall()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        loop.close()
        asyncio.set_event_loop(None)
    log.info("ComfyDesk exits with %d", code)
    return code
