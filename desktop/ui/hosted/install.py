"""Plugs the hosted workflow backend into the app: its view-model next to the workspace, the
bar over the form, its notices in the status bar and its shutdown before the library closes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop import paths
from desktop.jobs.library_sink import LibrarySink
from desktop.jobs.sinks import FolderSink, ResultSink
from desktop.ui.hosted.backend import HostedBackend
from desktop.ui.hosted.bar import ConnectionBarNote, HostedBar
from desktop.ui.panels import Panel

if TYPE_CHECKING:
    from desktop.ui.app_context import AppContext
    from desktop.ui.jobs_model import JobsViewModel
    from desktop.ui.workspace import Workspace


def add_hosted(
    ctx: AppContext, jobs: JobsViewModel, workspace: Workspace, library: LibrarySink | None
) -> HostedBackend:
    """The hosted backend shares the jobs view-model and the form with ComfyUI's; its results
    go to the ``library`` (marked as hosted), or to a results folder when there is none."""

    def sink() -> ResultSink:
        if library is not None:
            return library.with_source("hosted")
        return FolderSink(ctx.settings.library_folder() / "results")

    backend = HostedBackend(
        connection=ctx.connection,
        jobs=jobs,
        workspace=workspace,
        secrets=ctx.secrets,
        settings=lambda: ctx.settings,
        update_settings=ctx.update_settings,
        sink=sink,
        journal_path=paths.data_dir() / "hosted-jobs-journal.json",
        parent=ctx.window,
    )
    backend.notice.connect(ctx.window.status_bar.show_notice)
    panel = ctx.window.panel(Panel.FORM)
    layout = panel.layout() if panel is not None else None
    if layout is not None and hasattr(layout, "insertWidget"):
        layout.insertWidget(0, HostedBar(backend, panel))
    ConnectionBarNote(ctx.window.connection_bar, backend, ctx.connection, ctx.window.status_bar)
    ctx.add_shutdown_hook(backend.shutdown)
    return backend
