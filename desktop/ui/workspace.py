"""``Workspace``: the view-model that ties the form, the server session and our jobs together.

It opens workflows (off the GUI thread, waiting for the server's node definitions when they are
not there yet), queues the form's values as jobs (``Generate ×N``, at the front or the back),
interrupts our running job, refreshes the server's model lists, saves the workflow and takes
values back from the gallery or the queue. Widgets bind to it; it holds no widget.

    ws = Workspace(connection_vm, jobs_vm)
    window.open_requested.connect(ws.open)
    ws.workflow_opened.connect(window.note_workflow_opened)
    window.commands.generate.triggered.connect(lambda: ws.generate())
    ...
    await ws.shutdown()          # before the session closes
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Signal

from desktop.base.read_only import ReadOnly
from desktop.comfy.errors import ComfyError, PromptRejected, ServerUnreachable
from desktop.comfy.types import ImageRef
from desktop.ui.connection.model import ConnectionViewModel, Phase
from desktop.ui.error_text import error_text
from desktop.ui.form import FormModel
from desktop.ui.form_transfer import load_reused, set_seeds, shows_same_graph
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.tasks import TaskOwner
from desktop.workflow.document import Workflow, write_api_json
from desktop.workflow.errors import WorkflowError
from desktop.workflow.seeds import SeedBatch, apply_seed_policy
from desktop.workflow.sources import aload_workflow

if TYPE_CHECKING:
    from desktop.comfy.object_info import ObjectInfo
    from desktop.jobs.session import ServerSession
    from desktop.workflow.web_writeback import GraphWriter

log = logging.getLogger("comfydesk.ui")

MAX_BATCH = 64  # "Generate ×N": enough for a contact sheet, not enough to flood a server


class OtherBackend(Protocol):
    """A backend that is not a ComfyUI server (the hosted workflow service): while
    ``active()``, opening, generating and uploads go to it instead of the session."""

    def active(self) -> bool: ...

    def open(self, path: Path) -> asyncio.Task[None] | None: ...

    def generate(self, count: int) -> asyncio.Task[None] | None: ...

    async def upload_image(self, data: bytes, filename: str) -> str: ...


class Workspace(QObject):
    """Signals: ``state_changed`` (re-read ``can_*``/``busy``), ``message_changed`` (re-read
    ``message``/``message_is_error``), ``batch_count_changed(int)``, ``notice(str)`` (a one-off
    line for the status bar), ``workflow_opened(Path, str)`` (file, title)."""

    state_changed = Signal()
    message_changed = Signal()
    batch_count_changed = Signal(int)
    notice = Signal(str)
    workflow_opened = Signal(Path, str)
    document_changed = Signal(str)  # a workflow that came from no file (reused parameters)

    def __init__(
        self,
        connection: ConnectionViewModel,
        jobs: JobsViewModel,
        *,
        form: FormModel | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.form = form if form is not None else FormModel(self)
        self._connection = connection
        self._jobs = jobs
        self._tasks = TaskOwner(self, area="ui")
        self._session: ServerSession | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._pending: Path | None = None  # waits for the server's node definitions
        self._open_task: asyncio.Task[None] | None = None
        self._submitting = False
        self._refreshing = False
        self._batch_count = 1
        self._message = ""
        self._message_is_error = False
        self._says_offline = False  # the message is "Connect to a server…": gone once we are
        self._closed = False
        self.other_backend: OtherBackend | None = None
        connection.session_changed.connect(self._set_session)
        connection.changed.connect(self._on_connection_changed)
        jobs.job_changed.connect(lambda _job: self.state_changed.emit())
        jobs.session_changed.connect(lambda _session: self.state_changed.emit())
        self.form.loaded.connect(self.state_changed)
        self._set_session(connection.session)

    # ------------------------------------------------------------------ state

    session: ReadOnly[ServerSession | None] = ReadOnly("_session")

    @property
    def object_info(self) -> ObjectInfo | None:
        return self._session.object_info if self._session is not None else None

    @property
    def pending_path(self) -> Path | None:
        """A file asked for before the server's node definitions arrived."""
        return self._pending

    message: ReadOnly[str] = ReadOnly("_message")
    message_is_error: ReadOnly[bool] = ReadOnly("_message_is_error")

    @property
    def busy(self) -> bool:
        return self._submitting or self._open_task is not None or self._refreshing

    batch_count: ReadOnly[int] = ReadOnly("_batch_count")

    def set_batch_count(self, count: int) -> None:
        count = max(1, min(MAX_BATCH, int(count)))
        if count != self._batch_count:
            self._batch_count = count
            self.batch_count_changed.emit(count)

    def _connected(self) -> bool:
        return self._session is not None and self._connection.phase is Phase.CONNECTED

    def can_generate(self) -> bool:
        # Not tied to the connection: pressed while offline, Generate says what is missing.
        return self.form.is_loaded() and not self._submitting

    def can_interrupt(self) -> bool:
        job = self._jobs.running_job()
        return job is not None and not job.cancel_requested

    def can_refresh(self) -> bool:
        return self._connected() and not self._refreshing

    def can_save(self) -> bool:
        return self.form.is_loaded()

    def _show(self, text: str, *, error: bool = False, offline: bool = False) -> None:
        self._says_offline = offline
        if (text, error) != (self._message, self._message_is_error):
            self._message, self._message_is_error = text, error
            self.message_changed.emit()

    def clear_message(self) -> None:
        self._show("")

    def show_message(self, text: str, *, error: bool = False) -> None:
        """A line for the artist above the form."""
        self._show(text, error=error)

    def _other(self) -> OtherBackend | None:
        other = self.other_backend
        return other if other is not None and other.active() else None

    # ------------------------------------------------------------------ session

    def _on_connection_changed(self) -> None:
        if self._says_offline and self._connected():
            self.clear_message()  # it asked for a connection, and there is one now
        self.state_changed.emit()

    def _set_session(self, session: ServerSession | None) -> None:
        if session is self._session:
            return
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._session = session
        if session is not None:
            arrived = session.on_object_info(self._object_info_arrived)
            failed = session.on_object_info_failed(self._object_info_failed)

            def unsubscribe() -> None:
                arrived()
                failed()

            self._unsubscribe = unsubscribe
            if session.object_info is not None:
                self._object_info_arrived(session.object_info)
        self.state_changed.emit()

    def _object_info_arrived(self, info: ObjectInfo) -> None:
        if self.form.is_loaded() and self.form.object_info() is not info:
            self.form.set_object_info(info)
        if self._pending is not None:
            self._start_open(self._pending, info)
        self.state_changed.emit()

    def _object_info_failed(self, err: Exception) -> None:
        if self._pending is None or self.object_info is not None:
            return
        self._show(
            self.tr(
                "“{name}” cannot open yet: the server's node list could not be read ({reason}). "
                "Refresh models or reconnect to try again."
            ).format(name=self._pending.name, reason=error_text(err)),
            error=True,
        )
        self.state_changed.emit()

    # ------------------------------------------------------------------ opening

    def open(self, path: Path) -> asyncio.Task[None] | None:
        """Open a workflow file (API or UI JSON, ComfyUI PNG/WebP); the current one stays open
        until the new one has loaded, and stays when it cannot be opened."""
        path = Path(path)
        other = self._other()
        if other is not None:
            self._pending = None
            return other.open(path)
        self._pending = path
        info = self.object_info
        if info is None:
            self._show(
                self.tr("“{name}” opens as soon as the server is connected.").format(name=path.name)
            )
            self.state_changed.emit()
            return None
        return self._start_open(path, info)

    def _start_open(self, path: Path, info: ObjectInfo) -> asyncio.Task[None]:
        if self._open_task is not None:
            self._open_task.cancel()  # the artist asked for another file; the newest wins
        self._show(self.tr("Opening “{name}”…").format(name=path.name))
        task = self._tasks.start(self._open(path, info), name="open workflow")
        self._open_task = task
        self.state_changed.emit()
        return task

    async def _open(self, path: Path, info: ObjectInfo) -> None:
        try:
            workflow = await aload_workflow(path, info)
            self._pending = None
            try:
                self.form.load(workflow, info)
            except Exception:
                log.exception("The form could not show %s", path)
                self._show(
                    self.tr(
                        "Could not show “{name}” — this is a bug in ComfyDesk; the log has "
                        "the details."
                    ).format(name=path.name),
                    error=True,
                )
                return
        except WorkflowError as err:
            self._pending = None
            log.info("Could not open %s: %s", path, err)
            self._show(str(err), error=True)
            return
        finally:
            if self._open_task is asyncio.current_task():
                self._open_task = None
                self.state_changed.emit()
        self.clear_message()
        self.workflow_opened.emit(path, workflow.name or path.name)

    def open_document(self, workflow: Workflow, note: str = "") -> bool:
        """Show a workflow that came from no file (a starter, a server template); ``note``
        stays in the message line (e.g. what was fitted to this server)."""
        info = self.object_info
        if info is None:
            self._show(self.tr("Connect to a server first, then choose again."), error=True)
            return False
        if self._open_task is not None:
            self._open_task.cancel()  # the newest choice wins
        self._pending = None
        try:
            self.form.load(workflow, info)
        except Exception:
            log.exception("The form could not show %s", workflow.name)
            self._show(
                self.tr(
                    "Could not show “{name}” — this is a bug in ComfyDesk; the log has the details."
                ).format(name=workflow.name),
                error=True,
            )
            return False
        self._show(note)
        self.document_changed.emit(workflow.name)
        self.state_changed.emit()
        return True

    # ------------------------------------------------------------------ generating

    def generate(self, count: int | None = None, *, front: bool = False) -> asyncio.Task | None:
        """Check the form, then queue ``count`` (default: the batch count) jobs with seeds per
        the form's seed modes. Returns the submitting task, or None when nothing was sent
        (the reason is in :attr:`message`)."""
        if self._submitting:
            return None
        other = self._other()
        if other is not None:
            return other.generate(count or self._batch_count)
        session = self._session
        if not self.form.is_loaded():
            self._show(self.tr("Open a workflow first."), error=True)
            return None
        if session is None or not self._connected():
            self._show(self.tr("Connect to a server to generate."), error=True, offline=True)
            return None
        self.form.clear_errors()
        problems = self.form.validate()
        if problems:
            self._show(self._summary(problems), error=True)
            return None
        origin = self.form.workflow()
        workflow = self.form.current_workflow()
        batch = apply_seed_policy(
            workflow, self.form.specs(), self.form.seed_modes(), count or self._batch_count
        )
        shown = {key: workflow.get(*key) for key in batch.next_values}
        self._submitting = True
        self.clear_message()
        self.state_changed.emit()
        return self._tasks.start(
            self._submit(session, batch, shown, origin, front), name="generate"
        )

    def _summary(self, problems: list[str]) -> str:
        if len(problems) == 1:
            return problems[0]
        return self.tr(
            "{problem} (and %n more problem(s) in the form)", "", len(problems) - 1
        ).format(problem=problems[0])

    async def _submit(
        self,
        session: ServerSession,
        batch: SeedBatch,
        shown: Mapping[tuple[str, str], Any],
        origin: Workflow | None,
        front: bool,
    ) -> None:
        total = len(batch.workflows)
        # Each job sent "at the front" jumps ahead of the one before; send the last first so
        # the batch still runs in the order of its seeds.
        order = list(reversed(batch.workflows)) if front else list(batch.workflows)
        title = Path(origin.name).stem if origin is not None and origin.name else ""
        accepted = 0
        writer = self._graph_writer(origin)
        try:
            for job in order:
                await session.jobs.submit(
                    job.to_prompt(),
                    ui_workflow=self._embedded_graph(job, writer),
                    front=front,
                    title=title,
                    seed_values={key: job.get(*key) for key in batch.next_values},
                )
                accepted += 1
        except PromptRejected as err:
            self.form.apply_rejection(err)
            self._show(str(err), error=True)
        except ComfyError as err:
            text = self.tr("The job was not queued: {reason}").format(reason=error_text(err))
            self._show(text, error=True)
        finally:
            self._submitting = False
            if accepted and self.form.workflow() is origin:
                self._advance_seeds(shown, batch.next_values)
            self.state_changed.emit()
        if accepted == total:
            queued = self.tr("Queued %n job(s).", "", total)
            self.notice.emit(" ".join((queued, *self._wrap_notes(batch))))

    def _graph_writer(self, origin: Workflow | None) -> GraphWriter | None:
        info = self.form.object_info()
        if origin is None or origin.ui_workflow is None or info is None:
            return None
        # Loaded on the first Generate of an editor-format file, not before the first paint.
        from desktop.workflow.web_writeback import GraphWriter

        return GraphWriter(origin.ui_workflow, info)

    @staticmethod
    def _embedded_graph(job: Workflow, writer: GraphWriter | None) -> dict[str, Any] | None:
        """The editor's graph to embed in the results, holding the values that run (ComfyUI's
        web UI restores it from a picture); none when it cannot hold them exactly."""
        if job.ui_workflow is None:
            return None
        written = writer.write(job) if writer is not None else None
        if written is None:
            log.info("The editor's graph cannot take the form's values; results carry the prompt")
        return written

    def _wrap_notes(self, batch: SeedBatch) -> list[str]:
        return [
            self.tr("The seed reached the end of its range and started again at {value}.").format(
                value=value
            )
            for value in batch.wrapped.values()
        ][:1]  # one line says it; several seeds going round at once is rare

    def _advance_seeds(
        self, shown: Mapping[tuple[str, str], Any], next_values: Mapping[tuple[str, str], int]
    ) -> None:
        """Show the seeds the next Generate will use (ComfyUI's "control after generate"),
        unless the artist typed another seed while the jobs were being sent."""
        for key, value in next_values.items():
            if self.form.value(key) == shown[key]:
                self.form.set_value(key, value)

    def interrupt(self) -> str | None:
        """Stop our job that is running now (never another client's); its id, or None."""
        job = self._jobs.running_job()
        if job is None or job.cancel_requested:
            return None
        self._jobs.cancel(job.id)
        self.state_changed.emit()
        return job.id

    # ------------------------------------------------------------------ server lists

    def refresh_models(self) -> asyncio.Task[None] | None:
        """Read the server's node definitions again; the form keeps the artist's values."""
        session = self._session
        if session is None or not self.can_refresh():
            return None
        self._refreshing = True
        self.state_changed.emit()
        return self._tasks.start(self._refresh(session), name="refresh models")

    async def _refresh(self, session: ServerSession) -> None:
        try:
            await session.refresh_object_info()  # arrives through _object_info_arrived
        except ComfyError as err:
            self._show(
                self.tr("Could not read the server's models: {reason}").format(
                    reason=error_text(err)
                ),
                error=True,
            )
        else:
            self.notice.emit(self.tr("The model lists are up to date."))
        finally:
            self._refreshing = False
            self.state_changed.emit()

    async def upload_image(self, data: bytes, filename: str) -> ImageRef:
        """The form's uploader: put an image into the server's input folder."""
        other = self._other()
        if other is not None:
            return ImageRef(await other.upload_image(data, filename))
        session = self._session
        if session is None:
            raise ServerUnreachable(self._connection.url or "?")
        return await session.client.upload_image(data, filename)

    async def fetch_input_image(self, name: str) -> bytes:
        """The form's image fetcher: an input image by the name the prompt uses."""
        session = self._session
        if session is None:
            raise ServerUnreachable(self._connection.url or "?")
        folder, _, filename = name.rpartition("/")
        return await session.client.view(ImageRef(filename, folder, "input"))

    # ------------------------------------------------------------------ saving and reuse

    def save_as(self, path: Path) -> asyncio.Task[None] | None:
        """Write the workflow with the form's values as API-format JSON."""
        if not self.form.is_loaded():
            return None
        prompt = self.form.current_workflow().to_prompt()
        return self._tasks.start(self._save(Path(path), prompt), name="save workflow")

    async def _save(self, path: Path, prompt: dict[str, Any]) -> None:
        try:
            await asyncio.to_thread(write_api_json, path, prompt)
        except OSError as err:
            self._show(
                self.tr("Could not save “{name}”: {reason}").format(
                    name=path.name, reason=err.strerror or err
                ),
                error=True,
            )
            return
        self.notice.emit(self.tr("Saved “{name}”.").format(name=path.name))

    def reuse_parameters(
        self, prompt: Mapping[str, Any], ui_workflow: Mapping[str, Any] | None = None
    ) -> int:
        """Take a result's values into the form. The same workflow keeps its seed modes and
        only changes values; a different one replaces the form. Returns the values taken."""
        try:
            incoming = Workflow(
                prompt,
                ui_workflow=dict(ui_workflow) if ui_workflow else None,
                name=self.tr("Reused parameters"),
            )
        except WorkflowError as err:
            self._show(str(err), error=True)
            return 0
        if shows_same_graph(self.form, incoming):
            taken = self.form.load_values(prompt)
            self.notice.emit(self.tr("Took %n value(s) into the form.", "", taken))
            return taken
        info = self.object_info
        if info is None:
            self._show(self.tr("Connect to a server to reuse these parameters."), error=True)
            return 0
        self._pending = None
        load_reused(self.form, incoming, prompt, info)
        self.clear_message()
        self.document_changed.emit(incoming.name)
        return len(self.form.specs())

    def reuse_seed(self, seed: int) -> int:
        """Put ``seed`` into every seed input of the form; how many were set."""
        keys = set_seeds(self.form, seed)
        if not keys:
            self._show(self.tr("This workflow has no seed to set."), error=True)
        return len(keys)

    # ------------------------------------------------------------------ shutdown

    async def shutdown(self) -> None:
        """Cancel and await our tasks and stop following the session (before it closes)."""
        if not self._closed:
            self._connection.session_changed.disconnect(self._set_session)
            self._closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        await self._tasks.shutdown()
        self.form.flush_memory()
