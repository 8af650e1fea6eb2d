"""The panel installers of the real app: the jobs panels (live preview, queue, notifications),
the gallery and the workspace (form + Generate). ``ComfyDeskApp`` runs
:func:`default_installers` unless a test passes its own list.

Each installer gets the :class:`~desktop.app.AppContext`, plugs its widget into the window,
wires the window's actions and registers an awaited shutdown hook.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop.ui.gallery.panel import install_gallery_panel
from desktop.ui.notify import JobNotifier
from desktop.ui.panels import Panel
from desktop.ui.preview.view import PreviewView
from desktop.ui.queue.panel import QueuePanel
from desktop.ui.templates.install import StartingPoints
from desktop.ui.workspace import Workspace
from desktop.ui.workspace_panel import WorkspacePanel

if TYPE_CHECKING:
    from desktop.ui.app_context import AppContext, PanelInstaller


def install_jobs_panels(ctx: AppContext) -> None:
    """Live preview in the centre, the queue on the right, notifications when a job ends."""
    vm = ctx.jobs_view_model()
    window = ctx.window
    preview = PreviewView(vm)
    queue = QueuePanel(vm)
    window.set_panel(Panel.PREVIEW, preview)
    window.set_panel(Panel.QUEUE, queue)
    vm.command_failed.connect(window.status_bar.show_notice)
    notifier = JobNotifier(window, vm)
    notifier.progress_changed.connect(window.set_progress)

    async def shutdown() -> None:
        notifier.enabled = False
        await preview.shutdown()
        await queue.shutdown()
        await vm.shutdown()

    ctx.add_shutdown_hook(shutdown)


def install_workspace(ctx: AppContext) -> None:
    """The form dock (form + Generate bar) and every workflow action of the window."""
    window, actions = ctx.window, ctx.window.commands
    workspace = Workspace(ctx.connection, ctx.jobs_view_model(), parent=window)
    ctx.workspace = workspace
    panel = WorkspacePanel(workspace, actions)
    window.set_panel(Panel.FORM, panel)
    starting_points = StartingPoints(workspace, window, panel.starter_cards, window.new_menu)

    def open_file(path: Path) -> None:
        window.take_pending_open()
        workspace.open(path)

    def update_actions() -> None:
        actions.generate.setEnabled(workspace.can_generate())
        actions.generate_front.setEnabled(workspace.can_generate())
        actions.interrupt.setEnabled(workspace.can_interrupt())
        actions.refresh_models.setEnabled(workspace.can_refresh())
        actions.save_as.setEnabled(workspace.can_save())

    def follow_panel(name: Panel) -> None:
        view = window.panel(name)
        if name is Panel.GALLERY and view is not None:
            # The gallery is built after the first paint; so is its module imported.
            from desktop.ui.gallery.view import GalleryView

            if isinstance(view, GalleryView):
                view.reuse_parameters.connect(workspace.reuse_parameters)
                view.reuse_seed.connect(workspace.reuse_seed)
        elif name is Panel.QUEUE and isinstance(view, QueuePanel):
            view.load_parameters_requested.connect(workspace.reuse_parameters)

    panel.open_requested.connect(actions.open.trigger)
    window.open_requested.connect(open_file)
    window.save_as_requested.connect(workspace.save_as)
    window.panel_changed.connect(follow_panel)
    workspace.workflow_opened.connect(window.note_workflow_opened)
    workspace.document_changed.connect(window.set_document_title)
    workspace.notice.connect(window.status_bar.show_notice)
    workspace.state_changed.connect(update_actions)
    actions.generate.triggered.connect(lambda _checked=False: workspace.generate())
    actions.generate_front.triggered.connect(lambda _checked=False: workspace.generate(front=True))
    actions.interrupt.triggered.connect(lambda _checked=False: workspace.interrupt())
    actions.refresh_models.triggered.connect(lambda _checked=False: workspace.refresh_models())
    for name in (Panel.QUEUE, Panel.GALLERY):
        follow_panel(name)
    update_actions()
    pending = window.take_pending_open()
    if pending is not None:
        workspace.open(pending)

    async def shutdown() -> None:
        await starting_points.shutdown()
        await panel.aclose()
        await workspace.shutdown()

    ctx.add_shutdown_hook(shutdown)


def default_installers() -> list[PanelInstaller]:
    from desktop.ui.hosted.install import install_hosted

    return [install_jobs_panels, install_gallery_panel, install_workspace, install_hosted]
