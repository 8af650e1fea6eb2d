"""The app's panels, built in order, each handed what it needs: the jobs view-model, then the
jobs panels (live preview, queue, notifications), the gallery (the library the sessions store
results in), the workspace (form + Generate) and the hosted workflow backend, which needs the
three before it. ``ComfyDeskApp`` calls :func:`build_panels`; a test may pass a smaller
``PanelBuilder`` (only the gallery, or no panel at all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.ui.gallery.panel import GalleryPanel
from desktop.ui.hosted.install import add_hosted
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.notify import JobNotifier
from desktop.ui.panels import Panel
from desktop.ui.preview.view import PreviewView
from desktop.ui.queue.panel import QueuePanel
from desktop.ui.templates.install import StartingPoints
from desktop.ui.workspace import Workspace
from desktop.ui.workspace_panel import WorkspacePanel

if TYPE_CHECKING:
    from desktop.jobs.library_sink import LibrarySink
    from desktop.ui.app_context import AppContext
    from desktop.ui.hosted.backend import HostedBackend


@dataclass(frozen=True, slots=True)
class Panels:
    """What :func:`build_panels` made; a smaller builder leaves some out."""

    jobs: JobsViewModel | None = None
    gallery: GalleryPanel | None = None
    workspace: Workspace | None = None
    hosted: HostedBackend | None = None

    @property
    def result_sink(self) -> LibrarySink | None:
        """Where sessions store results: the library, when the gallery is built."""
        return self.gallery.sink if self.gallery is not None else None


PanelBuilder = Callable[["AppContext"], Panels]


def build_panels(ctx: AppContext) -> Panels:
    jobs = make_jobs_view_model(ctx)
    add_jobs_panels(ctx, jobs)
    gallery = GalleryPanel(ctx)
    workspace = add_workspace(ctx, jobs)
    hosted = add_hosted(ctx, jobs, workspace, gallery.sink)
    return Panels(jobs=jobs, gallery=gallery, workspace=workspace, hosted=hosted)


def make_jobs_view_model(ctx: AppContext) -> JobsViewModel:
    """The one JobsViewModel of the app (preview, queue, workspace, hosted), following the
    connection's session."""
    jobs = JobsViewModel(ctx.window)
    ctx.connection.session_changed.connect(jobs.set_session)
    jobs.set_session(ctx.connection.session)
    return jobs


def add_jobs_panels(ctx: AppContext, vm: JobsViewModel) -> None:
    """Live preview in the centre, the queue on the right, notifications when a job ends."""
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


def add_workspace(ctx: AppContext, jobs: JobsViewModel) -> Workspace:
    """The form dock (form + Generate bar) and every workflow action of the window."""
    window, actions = ctx.window, ctx.window.commands
    workspace = Workspace(ctx.connection, jobs, parent=window)
    panel = WorkspacePanel(workspace, actions)
    window.set_panel(Panel.FORM, panel)
    starting_points = StartingPoints(workspace, window, panel.starter_cards, window.new_menu)

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
    window.open_requested.connect(workspace.open)
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

    async def shutdown() -> None:
        await starting_points.shutdown()
        await panel.aclose()
        await workspace.shutdown()

    ctx.add_shutdown_hook(shutdown)
    return workspace
