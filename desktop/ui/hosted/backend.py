"""``HostedBackend``: the view-model of a hosted workflow connection (GenStudio).

While it is active the workspace hands it opening, Generate and uploads (see
``Workspace.other_backend``); the jobs view-model follows its :class:`HostedSession`, so the
queue panel, the preview and the notifications show hosted jobs like ComfyUI ones. It owns
its tasks (``shutdown()`` cancels and awaits them) and the session (closed on shutdown or when
the artist connects to a ComfyUI server).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from desktop.base.read_only import ReadOnly
from desktop.comfy.object_info import ObjectInfo
from desktop.hosted.errors import HostedError, HostedUnreachable
from desktop.hosted.timing import DEFAULT_TIMING, PollTiming
from desktop.jobs.model import JobSnapshot, JobState
from desktop.secrets import Credentials, Persistence, SecretStore
from desktop.settings import HostedConnection, Settings, hosted_secret_key
from desktop.ui.hosted.text import (
    cancel_note_text,
    hosted_error_text,
    is_cancel_note,
    offline_text,
)
from desktop.ui.tasks import TaskOwner
from desktop.workflow.errors import WorkflowError
from desktop.workflow.seeds import SeedBatch, apply_seed_policy

if TYPE_CHECKING:
    from desktop.hosted.specs import HostedForm
    from desktop.jobs.hosted_session import HostedSession
    from desktop.jobs.sinks import ResultSink
    from desktop.ui.connection.model import ConnectionViewModel
    from desktop.ui.jobs_model import JobsViewModel
    from desktop.ui.workspace import Workspace

log = logging.getLogger("comfydesk.ui")


class HostedBackend(QObject):
    """Signals: ``changed`` (re-read ``active``/``connection``/``workflow_id``), ``notice(str)``
    (a line for the status bar)."""

    changed = Signal()
    notice = Signal(str)

    def __init__(
        self,
        *,
        connection: ConnectionViewModel,
        jobs: JobsViewModel,
        workspace: Workspace,
        secrets: SecretStore,
        settings: Callable[[], Settings],
        update_settings: Callable[[Settings], None],
        sink: Callable[[], ResultSink],
        timing: PollTiming = DEFAULT_TIMING,
        journal_path: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._comfy = connection
        self._jobs = jobs
        self._workspace = workspace
        self._secrets = secrets
        self._settings = settings
        self._update_settings = update_settings
        self._sink = sink
        self.timing = timing  # how often hosted jobs are polled (tests poll faster)
        self._journal_path = journal_path  # unfinished jobs, adopted on the next connection
        self._tasks = TaskOwner(self, area="ui")
        self._session: HostedSession | None = None
        self._connection: HostedConnection | None = None
        self._demo = False
        self._form: HostedForm | None = None  # the open file as published
        self._path: Path | None = None
        self._workflow_id = ""
        self._submitting = False
        self._noted: set[str] = set()  # jobs whose cancel note was shown
        self._unsubscribe: Callable[[], None] | None = None
        connection.session_changed.connect(self._comfy_session_changed)
        jobs.job_changed.connect(self._job_changed)
        workspace.other_backend = self

    # ------------------------------------------------------------------ state

    def active(self) -> bool:
        return self._session is not None

    session: ReadOnly[HostedSession | None] = ReadOnly("_session")
    connection: ReadOnly[HostedConnection | None] = ReadOnly("_connection")
    is_demo: ReadOnly[bool] = ReadOnly("_demo")
    workflow_id: ReadOnly[str] = ReadOnly("_workflow_id")
    published: ReadOnly[HostedForm | None] = ReadOnly("_form")

    # ------------------------------------------------------------------ connecting

    def connect_to(
        self, connection: HostedConnection, api_key: str | None = None, *, demo: bool = False
    ) -> asyncio.Task[None]:
        """Use the hosted service. ``api_key`` None reads it from the keyring; a given key is
        stored there (never in the settings file; a demo key is not stored at all)."""
        return self._tasks.start(self._connect(connection, api_key, demo), name="hosted connect")

    async def _connect(self, connection: HostedConnection, api_key: str | None, demo: bool) -> None:
        entry = hosted_secret_key(connection.base_url)
        if api_key is None:
            api_key = (await asyncio.to_thread(self._secrets.load, entry)).token
        elif not demo:
            kept = await asyncio.to_thread(self._secrets.save, entry, Credentials(token=api_key))
            if kept is Persistence.SESSION_ONLY:
                self.notice.emit(
                    self.tr("No system keyring: the API key is kept only until ComfyDesk quits.")
                )
        if not api_key:
            self._workspace.show_message(
                self.tr("Enter the API key of the hosted service in Connection settings."),
                error=True,
            )
            return
        await self._drop_session()
        if self._comfy.session is not None:
            await self._comfy.disconnect_from_server()
        from desktop.jobs.hosted_session import HostedSession  # aiohttp loads after the paint

        session = HostedSession(
            api_key,
            connection.base_url,
            self._sink(),
            timing=self.timing,
            journal_path=None if demo else self._journal_path,  # the stand-in dies with us
        )
        if not demo:
            self._update_settings(
                dataclasses.replace(self._settings(), backend="hosted", hosted=connection)
            )
        self._session, self._connection, self._demo = session, connection, demo
        self._unsubscribe = session.on_connection(self._service_answers)
        self._jobs.set_session(session)
        resumed = await session.resume()
        if resumed:
            self.notice.emit(
                self.tr("Watching %n job(s) sent before ComfyDesk last quit.", "", resumed)
            )
        if self._path is not None and self._form is not None:
            self._pick_workflow(self._path)
        pending = self._workspace.pending_path  # asked for before we were in use
        if pending is not None:
            self._workspace.open(pending)
        self.changed.emit()
        self.notice.emit(
            self.tr("Using the hosted workflow service at {url}.").format(url=connection.base_url)
        )

    def _comfy_session_changed(self, session: object) -> None:
        if session is not None and self.active():
            # The artist connected to a ComfyUI server: it takes over (the jobs view-model
            # already follows it).
            self._tasks.start(self._leave(), name="hosted leave")

    async def _leave(self) -> None:
        if not self._demo:
            self._update_settings(dataclasses.replace(self._settings(), backend="comfyui"))
        await self._drop_session(keep_jobs_view=True)
        self._demo = False
        self.changed.emit()

    async def _drop_session(self, *, keep_jobs_view: bool = False) -> None:
        session, self._session = self._session, None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if session is None:
            return
        if not keep_jobs_view and self._jobs.session is session:
            self._jobs.set_session(None)
        await session.close()

    def _service_answers(self, error: HostedUnreachable | None, retry_in: float) -> None:
        if error is None:
            self.notice.emit(self.tr("The hosted service answers again."))
        else:
            self.notice.emit(offline_text(retry_in))

    # ------------------------------------------------------------------ which workflow

    def workflows(self) -> list[tuple[str, str]]:
        """(workflow id, shown name) of the connection's workflows."""
        if self._connection is None:
            return []
        return [(w.workflow_id, w.shown_name) for w in self._connection.workflows]

    def _pick_workflow(self, path: Path) -> None:
        """The workflow id remembered for this file; else one named in the file name; else
        the first of the connection's list."""
        known = [wf_id for wf_id, _name in self.workflows()]
        remembered = self._settings().hosted_workflow_for_file.get(str(path), "")
        named = [wf_id for wf_id in known if wf_id in path.name]
        choice = remembered if remembered in known else (named or known or [""])[0]
        self._workflow_id = choice
        if choice and choice != remembered:
            self._update_settings(self._settings().with_file_workflow(str(path), choice))

    def choose_workflow(self, workflow_id: str) -> None:
        """The open file runs as ``workflow_id`` (remembered for the file)."""
        if workflow_id == self._workflow_id:
            return
        self._workflow_id = workflow_id
        if self._path is not None and workflow_id:
            self._update_settings(self._settings().with_file_workflow(str(self._path), workflow_id))
        self.changed.emit()

    # ------------------------------------------------------------------ opening

    def open(self, path: Path) -> asyncio.Task[None] | None:
        self._workspace.show_message(self.tr("Opening “{name}”…").format(name=path.name))
        return self._tasks.start(self._open(Path(path)), name="open hosted workflow")

    async def _open(self, path: Path) -> None:
        ws = self._workspace
        try:
            from desktop.hosted.specs import load_hosted_form  # with the first hosted file

            form = await asyncio.to_thread(load_hosted_form, path)
        except WorkflowError as err:
            log.info("Could not open %s: %s", path, err)
            ws.show_message(str(err), error=True)
            return
        except OSError as err:
            ws.show_message(
                self.tr("Could not read “{name}”: {reason}").format(
                    name=path.name, reason=err.strerror or err
                ),
                error=True,
            )
            return
        self._form, self._path = form, path
        self._pick_workflow(path)
        ws.form.load(form.workflow, ObjectInfo({}), specs=form.specs)
        if form.from_dump:
            ws.clear_message()
        else:
            ws.show_message(
                self.tr(
                    "This is the workflow as uploaded: its ranges and choices are not known. "
                    "Save the parameter list from the console and open it for the full form."
                )
            )
        ws.workflow_opened.emit(path, form.workflow.name or path.name)
        self.changed.emit()

    # ------------------------------------------------------------------ generating

    def generate(self, count: int) -> asyncio.Task[None] | None:
        """Send ``count`` runs (seeds per the form's seed modes); None when nothing was sent
        (the reason is in the workspace's message)."""
        ws, form = self._workspace, self._workspace.form
        session = self._session
        if self._submitting or session is None:
            return None
        if self._form is None or not form.is_loaded() or not form.has_given_specs():
            ws.show_message(
                self.tr("Open the hosted workflow's parameter list (or its workflow file) first."),
                error=True,
            )
            return None
        if not self._workflow_id:
            ws.show_message(
                self.tr("Add this workflow's id (wf-…) in Connection settings, then choose it."),
                error=True,
            )
            return None
        form.clear_errors()
        problems = form.validate()
        if problems:
            ws.show_message(problems[0], error=True)
            return None
        workflow = form.current_workflow()
        batch = apply_seed_policy(workflow, form.specs(), form.seed_modes(), count)
        shown = {key: workflow.get(*key) for key in batch.next_values}
        self._submitting = True
        ws.clear_message()
        return self._tasks.start(
            self._submit(session, self._workflow_id, self._form, batch, shown), name="generate"
        )

    async def _submit(
        self,
        session: HostedSession,
        workflow_id: str,
        published: HostedForm,
        batch: SeedBatch,
        shown: Mapping[tuple[str, str], Any],
    ) -> None:
        runner = session.runner(workflow_id)
        named = self._connection.workflow(workflow_id) if self._connection else None
        title = named.name if named is not None and named.name else ""
        if not title and published.workflow.name:
            title = Path(published.workflow.name).name.split(".")[0]
        accepted = 0
        try:
            for job in batch.workflows:
                await runner.submit(
                    published.workflow,
                    job,
                    title=title,
                    seed_values={key: job.get(*key) for key in batch.next_values},
                )
                accepted += 1
        except HostedError as err:
            text = self.tr("The job was not sent: {reason}").format(reason=hosted_error_text(err))
            self._workspace.show_message(text, error=True)
        finally:
            self._submitting = False
            form = self._workspace.form
            if accepted and self._form is published:
                for key, value in batch.next_values.items():
                    if form.value(key) == shown[key]:
                        form.set_value(key, value)  # "control after generate"
        if accepted == len(batch.workflows):
            self.notice.emit(self.tr("Sent %n job(s) to the hosted service.", "", accepted))

    async def upload_image(self, data: bytes, filename: str) -> str:
        session = self._session
        if session is None:
            raise HostedUnreachable(self._connection.base_url if self._connection else "?")
        try:
            return await session.hosted_client.upload_image(filename, data)
        except HostedError as err:
            raise HostedError(hosted_error_text(err)) from err

    # ------------------------------------------------------------------ job notes

    def _job_changed(self, job: JobSnapshot) -> None:
        if job.backend != "hosted" or job.id in self._noted:
            return
        if job.state is JobState.CANCELLED and any(is_cancel_note(w) for w in job.warnings):
            self._noted.add(job.id)
            self.notice.emit(cancel_note_text())
            self._workspace.show_message(cancel_note_text())  # above the form: not missed

    # ------------------------------------------------------------------ shutdown

    async def shutdown(self) -> None:
        """Cancel and await our tasks and close the session (before the library closes)."""
        await self._tasks.shutdown()
        await self._drop_session()
