"""The main window: connection bar, four panel slots, menus, drag and drop.

It holds no session and no business logic. Panels are plugged in with
:meth:`MainWindow.set_panel`; other helpers connect to its signals and actions:

    window.set_panel(Panel.FORM, form_widget)
    window.open_requested.connect(form_vm.open)         # Path: Open, Open Recent, drop, CLI
    window.commands.generate.triggered.connect(form_vm.generate)
    window.commands.generate.setEnabled(True)
    window.note_workflow_opened(path)                    # after a successful open
    window.panel_changed.connect(...)                    # Panel: a widget was plugged in
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QRect, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMenu, QToolBar, QWidget

from desktop.ui.connection.bar import ConnectionBar
from desktop.ui.connection.model import ConnectionViewModel
from desktop.ui.file_dialogs import show_file_dialog
from desktop.ui.i18n import Retranslatable
from desktop.ui.icons import set_icon
from desktop.ui.panels import EmptyState, Panel, PanelSlot
from desktop.ui.status import StatusBar

OPENABLE_SUFFIXES = (".json", ".png", ".webp")
_DOCK_AREAS = {
    Panel.FORM: Qt.DockWidgetArea.LeftDockWidgetArea,
    Panel.QUEUE: Qt.DockWidgetArea.RightDockWidgetArea,
    Panel.GALLERY: Qt.DockWidgetArea.BottomDockWidgetArea,
}
# The first window takes this much of the screen's available area (the rest is left for the
# title bar and frame, which the window's size does not include).
SCREEN_SHARE = QSize(92, 90)  # percent of width, height
# Default dock proportions: at 1280x800 the form gets >= 400 px (a 20-digit seed next to its
# mode button) and the gallery 1.5 rows of tiles; they keep their share as the window grows.
FORM_SHARE, QUEUE_SHARE, GALLERY_SHARE = 0.36, 0.2, 0.55
MIN_FORM_WIDTH = 400


@dataclass
class DockShares:
    """Each dock's share of the window: form and queue of the width, gallery of the height."""

    form: float = FORM_SHARE
    queue: float = QUEUE_SHARE
    gallery: float = GALLERY_SHARE


def fitted_geometry(available: QRect) -> QRect:
    """The first window's geometry: most of the available screen area, centred on it."""
    size = QSize(
        available.width() * SCREEN_SHARE.width() // 100,
        available.height() * SCREEN_SHARE.height() // 100,
    )
    rect = QRect(available.topLeft(), size)
    rect.moveCenter(available.center())
    return rect


@dataclass(frozen=True)
class WindowActions:
    """Menu actions other parts of the UI connect to (generate/interrupt start disabled)."""

    open: QAction
    save_as: QAction
    quit: QAction
    generate: QAction
    generate_front: QAction  # queue ahead of everything else waiting (starts disabled)
    interrupt: QAction
    refresh_models: QAction  # re-read the server's node and model lists (starts disabled)
    full_screen: QAction
    reset_layout: QAction
    preferences: QAction
    connection_settings: QAction
    open_log_folder: QAction
    about: QAction


def openable_paths(mime: Any) -> list[Path]:
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in OPENABLE_SUFFIXES]


class MainWindow(Retranslatable, QMainWindow):
    open_requested = Signal(Path)  # a workflow file (.json, or a ComfyUI .png/.webp) to open
    save_as_requested = Signal(Path)  # File > Save workflow as…: the chosen target path
    quit_requested = Signal()  # close/quit asked while the app guards closing
    preferences_requested = Signal()
    about_requested = Signal()
    open_log_folder_requested = Signal()
    workflow_opened = Signal(Path)  # after note_workflow_opened(): remember as recent/last
    panel_changed = Signal(object)  # Panel: set_panel() plugged a widget in (or removed it)

    def __init__(self, connection: ConnectionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.connection = connection
        self._close_guard = False
        self._closing_allowed = False
        self._demo = False
        self._progress: int | None = None
        self._document = ""
        self._recent: list[Path] = []
        self._after_paint: list[Callable[[], object]] | None = []  # None once painted

        self.connection_bar = ConnectionBar(connection, self)
        self.connection_toolbar = QToolBar(self)
        self.connection_toolbar.setObjectName("connectionToolBar")
        self.connection_toolbar.setMovable(False)
        self.connection_toolbar.setFloatable(False)
        self.connection_toolbar.addWidget(self.connection_bar)
        self.connection_toolbar.toggleViewAction().setVisible(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.connection_toolbar)
        self.status_bar = StatusBar(connection, self)
        self.setStatusBar(self.status_bar)

        self.commands = self._create_actions()
        self._slots = self._create_slots()
        self._docks: dict[Panel, QDockWidget] = {}
        for name, area in _DOCK_AREAS.items():
            dock = QDockWidget(self)
            dock.setObjectName(f"{name.value}Dock")
            dock.setWidget(self._slots[name])
            self.addDockWidget(area, dock)
            self._docks[name] = dock
        # The form and the queue run the full height; the gallery sits under the preview.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setCentralWidget(self._slots[Panel.PREVIEW])
        self._default_state = self.saveState()
        self._shares = DockShares()
        self._layout_restored = False
        self._shown = False
        self._create_menus()
        self.fit_to_screen()
        self.retranslate()

    # ------------------------------------------------------------------ public API

    def set_panel(self, name: Panel | str, widget: QWidget | None) -> None:
        """Put ``widget`` into a slot (form, preview, queue, gallery); ``None`` = empty state."""
        self._slots[Panel(name)].set_widget(widget)
        self.panel_changed.emit(Panel(name))

    def panel(self, name: Panel | str) -> QWidget | None:
        return self._slots[Panel(name)].widget_

    def dock(self, name: Panel | str) -> QDockWidget | None:
        """The dock holding a panel (``None`` for the central preview)."""
        return self._docks.get(Panel(name))

    def empty_state(self, name: Panel | str) -> EmptyState:
        return self._slots[Panel(name)].empty

    def request_open(self, path: Path) -> None:
        """Ask the workspace to open ``path``; it keeps it while the server's nodes load."""
        self.open_requested.emit(path)

    def note_workflow_opened(self, path: Path, title: str = "") -> None:
        """Call after a workflow opened successfully: updates the title and Open Recent."""
        self._document = title or path.name
        self.set_recent_files([path, *(p for p in self._recent if p != path)])
        self.workflow_opened.emit(path)
        self._update_title()

    def set_document_title(self, title: str) -> None:
        """Name what the form shows when it came from no file (e.g. reused parameters)."""
        self._document = title
        self._update_title()

    def set_recent_files(self, paths: list[Path]) -> None:
        self._recent = list(paths)[:10]
        self._fill_recent_menu()

    def set_progress(self, percent: int | None) -> None:
        """Show the running job's progress in the title (seen in the taskbar); None clears it."""
        self._progress = percent
        self._update_title()

    def set_demo_mode(self, demo: bool) -> None:
        self._demo = demo
        self._update_title()

    def save_layout(self) -> tuple[str, str]:
        """(geometry, state) as base64 text for the settings file."""
        geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        state = bytes(self.saveState().toBase64().data()).decode("ascii")
        return geometry, state

    def restore_layout(self, geometry: str, state: str) -> None:
        if geometry:
            # Qt moves and shrinks a geometry saved on a bigger screen (or at a smaller
            # scale) into this screen's available area.
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        if state:
            self._layout_restored = self.restoreState(QByteArray.fromBase64(state.encode("ascii")))

    def fit_to_screen(self) -> None:
        """Size and centre the window on the available area of its screen (taskbars and
        docks excluded, in device-independent pixels, so 150 % scaling fits too)."""
        available = self._available_geometry()
        if available is None:
            self.resize(1280, 800)
            return
        rect = fitted_geometry(available)
        self.resize(rect.size())
        self.move(rect.topLeft())

    def apply_dock_shares(self, shares: DockShares | None = None) -> None:
        """Give the docks their share of the window's current size."""
        if shares is not None:
            self._shares = shares
        width, height = self.width(), self.height()
        form = max(MIN_FORM_WIDTH, round(width * self._shares.form))
        self.resizeDocks(
            [self._docks[Panel.FORM], self._docks[Panel.QUEUE]],
            [form, round(width * self._shares.queue)],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks(
            [self._docks[Panel.GALLERY]],
            [round(height * self._shares.gallery)],
            Qt.Orientation.Vertical,
        )

    def _available_geometry(self) -> QRect | None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else None

    def set_close_guard(self, guarded: bool) -> None:
        """When guarded, closing emits ``quit_requested`` and waits for :meth:`allow_close`."""
        self._close_guard = guarded

    def allow_close(self) -> None:
        self._closing_allowed = True

    # ------------------------------------------------------------------ construction

    def _create_actions(self) -> WindowActions:
        def action(name: str, shortcuts: list[Any] | None = None) -> QAction:
            act = QAction(self)
            act.setObjectName(name)
            if shortcuts:
                act.setShortcuts(shortcuts)
            self.addAction(act)  # shortcuts work even when the menu bar is hidden
            return act

        std = QKeySequence.StandardKey
        preferences = QKeySequence.keyBindings(std.Preferences) or [QKeySequence("Ctrl+,")]
        actions = WindowActions(
            open=action("actionOpen", QKeySequence.keyBindings(std.Open)),
            save_as=action("actionSaveAs", QKeySequence.keyBindings(std.SaveAs)),
            quit=action("actionQuit", [QKeySequence("Ctrl+Q")]),
            generate=action(
                "actionGenerate", [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")]
            ),
            generate_front=action(
                "actionGenerateFront",
                [QKeySequence("Ctrl+Shift+Return"), QKeySequence("Ctrl+Shift+Enter")],
            ),
            interrupt=action("actionInterrupt", [QKeySequence("Esc")]),
            refresh_models=action("actionRefreshModels", [QKeySequence("F5")]),
            full_screen=action("actionFullScreen", [QKeySequence("F11")]),
            reset_layout=action("actionResetLayout"),
            preferences=action("actionPreferences", preferences),
            connection_settings=action("actionConnectionSettings"),
            open_log_folder=action("actionOpenLogFolder"),
            about=action("actionAbout"),
        )
        for field in fields(actions):
            set_icon(getattr(actions, field.name), field.name)
        actions.quit.setMenuRole(QAction.MenuRole.QuitRole)
        actions.preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        actions.about.setMenuRole(QAction.MenuRole.AboutRole)
        actions.generate.setEnabled(False)
        actions.generate_front.setEnabled(False)
        actions.interrupt.setEnabled(False)
        actions.refresh_models.setEnabled(False)
        actions.full_screen.setCheckable(True)
        actions.open.triggered.connect(self._choose_workflow)
        actions.save_as.triggered.connect(self._choose_save_target)
        actions.quit.triggered.connect(self.close)
        actions.full_screen.toggled.connect(self._set_full_screen)
        actions.reset_layout.triggered.connect(self.reset_layout)
        actions.preferences.triggered.connect(self.preferences_requested)
        actions.connection_settings.triggered.connect(self.connection_bar.settings_requested)
        actions.open_log_folder.triggered.connect(self.open_log_folder_requested)
        actions.about.triggered.connect(self.about_requested)
        return actions

    def _create_slots(self) -> dict[Panel, PanelSlot]:
        form_empty = EmptyState(
            lambda: self.tr("No workflow open"),
            lambda: self.tr("Open a workflow — or drop a .json or a ComfyUI image here."),
            lambda: self.tr("Open workflow…"),
        )
        assert form_empty.button is not None
        form_empty.button.clicked.connect(self.commands.open.trigger)
        empties = {
            Panel.FORM: form_empty,
            Panel.PREVIEW: EmptyState(
                lambda: self.tr("Nothing generated yet"),
                lambda: self.tr(
                    "Press Generate (Ctrl+Enter) and the picture appears here as it forms."
                ),
            ),
            Panel.QUEUE: EmptyState(
                lambda: self.tr("No jobs yet"),
                lambda: self.tr("Jobs you start appear here with their progress."),
            ),
            Panel.GALLERY: EmptyState(
                lambda: self.tr("The gallery is empty"),
                lambda: self.tr(
                    "Every picture you generate is kept here, even when the server is gone."
                ),
            ),
        }
        return {name: PanelSlot(name, empty, self) for name, empty in empties.items()}

    def _create_menus(self) -> None:
        bar = self.menuBar()
        a = self.commands
        self.file_menu = bar.addMenu("")
        self.file_menu.setObjectName("menuFile")
        self.file_menu.addAction(a.open)
        self.new_menu = QMenu(self)  # filled by desktop.ui.templates (starters, server templates)
        self.new_menu.setObjectName("menuNewFromTemplate")
        self.file_menu.addMenu(self.new_menu)
        self.recent_menu = QMenu(self)
        self.recent_menu.setObjectName("menuRecent")
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addAction(a.save_as)
        self.file_menu.addSeparator()
        self.file_menu.addAction(a.quit)
        self.edit_menu = bar.addMenu("")
        self.edit_menu.setObjectName("menuEdit")
        self.edit_menu.addAction(a.connection_settings)
        self.edit_menu.addAction(a.preferences)
        self.generate_menu = bar.addMenu("")
        self.generate_menu.setObjectName("menuGenerate")
        self.generate_menu.addAction(a.generate)
        self.generate_menu.addAction(a.generate_front)
        self.generate_menu.addAction(a.interrupt)
        self.generate_menu.addSeparator()
        self.generate_menu.addAction(a.refresh_models)
        self.view_menu = bar.addMenu("")
        self.view_menu.setObjectName("menuView")
        for dock in self._docks.values():
            self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.addSeparator()
        self.view_menu.addAction(a.full_screen)
        self.view_menu.addAction(a.reset_layout)
        self.help_menu = bar.addMenu("")
        self.help_menu.setObjectName("menuHelp")
        self.help_menu.addAction(a.open_log_folder)
        self.help_menu.addAction(a.about)
        self._fill_recent_menu()

    def retranslate(self) -> None:
        a = self.commands
        self.file_menu.setTitle(self.tr("&File"))
        self.new_menu.setTitle(self.tr("New from &Template"))
        self.recent_menu.setTitle(self.tr("Open &Recent"))
        self.edit_menu.setTitle(self.tr("&Edit"))
        self.generate_menu.setTitle(self.tr("&Generate"))
        self.view_menu.setTitle(self.tr("&View"))
        self.help_menu.setTitle(self.tr("&Help"))
        a.open.setText(self.tr("&Open Workflow…"))
        a.save_as.setText(self.tr("Save Workflow &As…"))
        a.quit.setText(self.tr("&Quit"))
        a.generate.setText(self.tr("&Generate"))
        a.generate.setToolTip(self.tr("Queue the workflow with the values in the form"))
        a.generate_front.setText(self.tr("Generate at &Front"))
        a.generate_front.setToolTip(self.tr("Queue the workflow ahead of the jobs already waiting"))
        a.interrupt.setText(self.tr("&Interrupt"))
        a.interrupt.setToolTip(self.tr("Stop the picture that is being made now"))
        a.refresh_models.setText(self.tr("&Refresh Models"))
        a.refresh_models.setToolTip(
            self.tr("Read the server's models and nodes again (after adding files on it)")
        )
        a.full_screen.setText(self.tr("&Full Screen"))
        a.reset_layout.setText(self.tr("&Reset Layout"))
        a.preferences.setText(self.tr("&Preferences…"))
        a.connection_settings.setText(self.tr("&Connection Settings…"))
        a.open_log_folder.setText(self.tr("Open &Log Folder"))
        a.about.setText(self.tr("&About ComfyDesk"))
        titles = {
            Panel.FORM: self.tr("Workflow"),
            Panel.QUEUE: self.tr("Queue"),
            Panel.GALLERY: self.tr("Gallery"),
        }
        for name, dock in self._docks.items():
            dock.setWindowTitle(titles[name])
        for slot in self._slots.values():
            slot.empty.retranslate()
        self._fill_recent_menu()
        self._update_title()

    # ------------------------------------------------------------------ behaviour

    def _update_title(self) -> None:
        parts = [self._document] if self._document else []
        parts.append(self.tr("ComfyDesk"))
        title = " — ".join(parts)
        if self._demo:
            title = self.tr("{title} [Demo server: placeholder images, not AI]").format(title=title)
        if self._progress is not None:
            title = self.tr("{percent}% — {title}").format(percent=self._progress, title=title)
        self.setWindowTitle(title)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self._recent:
            act = self.recent_menu.addAction(path.name)
            act.setToolTip(str(path))
            act.triggered.connect(lambda _=False, p=path: self.request_open(p))
        if not self._recent:
            empty = self.recent_menu.addAction(self.tr("No recent workflows"))
            empty.setEnabled(False)

    @Slot()
    def _choose_workflow(self) -> None:
        dialog = QFileDialog(self, self.tr("Open Workflow"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(
            [
                self.tr("Workflows and ComfyUI images (*.json *.png *.webp)"),
                self.tr("All files (*)"),
            ]
        )
        if self._recent:
            dialog.setDirectory(str(self._recent[0].parent))
        show_file_dialog(dialog, lambda name: self.request_open(Path(name)))

    @Slot()
    def _choose_save_target(self) -> None:
        dialog = QFileDialog(self, self.tr("Save Workflow As"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("json")
        dialog.setNameFilters([self.tr("Workflow (*.json)")])
        show_file_dialog(dialog, lambda name: self.save_as_requested.emit(Path(name)))

    @Slot(bool)
    def _set_full_screen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    @Slot()
    def reset_layout(self) -> None:
        self.restoreState(self._default_state)
        for dock in self._docks.values():
            dock.show()
        self.apply_dock_shares(DockShares())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            if self._layout_restored:
                QTimer.singleShot(0, self._adopt_shares)  # the artist's own proportions
            else:
                self.apply_dock_shares()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Qt gives all new room to the centre; keep each dock's share instead, so a maximised
        # window has a wider form and a taller gallery rather than a huge empty preview.
        super().resizeEvent(event)
        if self._shown:
            self.apply_dock_shares()

    def after_first_paint(self, work: Callable[[], object]) -> None:
        """Run ``work`` once the window has painted for the first time (at once if it has):
        what the artist does not see first waits so the window is on screen sooner."""
        if self._after_paint is None:
            QTimer.singleShot(0, work)
        else:
            self._after_paint.append(work)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and self._after_paint is not None:
            waiting, self._after_paint = self._after_paint, None
            for work in waiting:
                QTimer.singleShot(0, work)  # after this paint has reached the screen
        if event.type() == QEvent.Type.MouseButtonRelease and self._shown:
            # The window itself only sees the mouse on the separators between docks: the
            # artist has just set new proportions (the layout follows the drag as it goes).
            self._adopt_shares()
        return handled

    def _dock_sizes(self) -> tuple[int, int, int]:
        docks = self._docks
        return docks[Panel.FORM].width(), docks[Panel.QUEUE].width(), docks[Panel.GALLERY].height()

    def _adopt_shares(self) -> None:
        self._shares = self._measure_shares(self.size())

    def _measure_shares(self, size: QSize) -> DockShares:
        form, queue, gallery = self._dock_sizes()

        def share(panel: Panel, length: int, total: int, fallback: float) -> float:
            dock = self._docks[panel]
            if dock.isHidden() or dock.isFloating() or total <= 0:
                return fallback
            return length / total

        return DockShares(
            form=share(Panel.FORM, form, size.width(), self._shares.form),
            queue=share(Panel.QUEUE, queue, size.width(), self._shares.queue),
            gallery=share(Panel.GALLERY, gallery, size.height(), self._shares.gallery),
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if openable_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = openable_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.request_open(paths[0])

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._close_guard and not self._closing_allowed:
            event.ignore()
            self.quit_requested.emit()
            return
        super().closeEvent(event)
