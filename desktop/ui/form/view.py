"""``FormView``: the scrollable workflow form. It builds one section per node from the
``FormModel`` and binds each editor to it; the view holds no workflow state of its own.

Big workflows have dozens of rows, and building them all in one go held the GUI thread for
~100 ms. The view therefore builds top-down in slices of BUILD_SLICE_MS per event-loop turn
(the first screen first) while it is shown, and emits ``built`` when every row exists.
Anything that asks for rows (``rows``, ``sections``, ``row()``, ``editor()``) finishes the
build on the spot, so callers never see a half-built form."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QImage, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.file_dialogs import show_file_dialog
from desktop.ui.fitting import WrappingLabel
from desktop.ui.form.factory import create_editor
from desktop.ui.form.labels import display_title
from desktop.ui.form.model import FormModel
from desktop.ui.form.row import ERROR_STYLE, ParamRow
from desktop.ui.form.section import FormSection
from desktop.ui.form.uploads import ImageFetcher, UploadController, Uploader
from desktop.ui.form.widgets.choice_box import ChoiceEdit
from desktop.ui.form.widgets.image_input import ImageInput
from desktop.ui.form.widgets.seed_edit import SeedEdit
from desktop.ui.form.widgets.text_edit import PromptEdit
from desktop.ui.tasks import TaskOwner
from desktop.workflow.document import write_api_json
from desktop.workflow.layout import Role, Section
from desktop.workflow.params import ParamKind, ParamSpec

Key = tuple[str, str]
BANNER_STYLE = (
    "QLabel { background: #fff4ce; color: #5c4400; border: 1px solid #e0c060;"
    " border-radius: 4px; padding: 6px; }"
)
_NUMBER_SUFFIX = re.compile(r"\s(\d+)$")
_PROMPT_ROLES = frozenset({Role.POSITIVE_PROMPT, Role.NEGATIVE_PROMPT, Role.PROMPT})
BUILD_SLICE_MS = 5.0  # building work per event-loop turn; layout, polish and paint come on top


class FormView(QScrollArea):
    """The form for the model's workflow. ``uploader`` is an async ``(data, filename)``
    callable returning the server's file name (or an ``ImageRef``); without it image inputs
    can only pick files already on the server.

    ``built`` fires once every row of the loaded workflow exists (see the module docstring);
    ``await view.wait_built()`` does the same for coroutines."""

    built = Signal()

    def __init__(
        self,
        model: FormModel,
        uploader: Uploader | None = None,
        *,
        mask_uploader: Uploader | None = None,
        image_fetcher: ImageFetcher | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._tasks = TaskOwner(self, area="form")
        self.uploads = UploadController(
            model, uploader, mask_uploader=mask_uploader, image_fetcher=image_fetcher, parent=self
        )
        self._rows: dict[Key, ParamRow] = {}
        self._sections: list[FormSection] = []
        self._builder: Iterator[None] | None = None
        self._building = False
        self._built_event = asyncio.Event()
        self._build_timer = QTimer(self)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_slice)
        self._dialog: QFileDialog | None = None
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._build_frame()
        model.loaded.connect(self.rebuild)
        model.specs_changed.connect(self._refresh_specs)
        model.value_changed.connect(self._on_value_changed)
        model.errors_changed.connect(self._refresh_errors)
        model.seed_mode_changed.connect(self._on_seed_mode_changed)
        self.uploads.busy_changed.connect(self._on_upload_busy)
        self.uploads.failed.connect(self._on_upload_failed)
        self.uploads.thumbnail_ready.connect(self._on_thumbnail)
        self.retranslate()
        self.rebuild()

    def _build_frame(self) -> None:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        header = QHBoxLayout()
        self.notice = WrappingLabel(page)
        self.reset_all_button = QToolButton(page)
        self.reset_all_button.clicked.connect(self.model.reset_all)
        self.save_as_button = QToolButton(page)
        self.save_as_button.clicked.connect(self.open_save_dialog)
        header.addWidget(self.notice, 1)
        header.addWidget(self.reset_all_button)
        header.addWidget(self.save_as_button)
        layout.addLayout(header)
        self.banner = WrappingLabel(page)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.general_errors = WrappingLabel(page)
        self.general_errors.setStyleSheet(ERROR_STYLE)
        self.general_errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.general_errors.hide()
        layout.addWidget(self.general_errors)
        self.placeholder = QLabel(page)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.placeholder)
        self.body = QWidget(page)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.body_layout.setSpacing(4)
        layout.addWidget(self.body)
        layout.addStretch(1)
        self.setWidget(page)

    def retranslate(self) -> None:
        self.reset_all_button.setText(self.tr("Reset all"))
        self.reset_all_button.setToolTip(self.tr("Put every value back to the workflow's own"))
        self.save_as_button.setText(self.tr("Save as…"))
        self.save_as_button.setToolTip(self.tr("Save the workflow with these values (API format)"))
        self.placeholder.setText(self.tr("Open a workflow to see its settings here."))
        for section, view in zip(self.model.sections(), self._sections, strict=False):
            view.header.setText(self._section_title(section))
        self._refresh_errors()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- building --------------------------------------------------------------------------
    @property
    def rows(self) -> dict[Key, ParamRow]:
        """Every row of the form by (node id, input name); finishes a pending build."""
        self.finish_build()
        return self._rows

    @property
    def sections(self) -> list[FormSection]:
        self.finish_build()
        return self._sections

    def is_built(self) -> bool:
        return self._builder is None

    async def wait_built(self) -> None:
        """Return once every row exists. A hidden view is built at once (it builds in slices
        only while shown)."""
        if not self.isVisible():
            self.finish_build()
        await self._built_event.wait()

    def finish_build(self) -> None:
        """Build whatever is still pending, now."""
        if self._builder is None or self._building:
            return  # (asked from inside a build step: the rows built so far are all there is)
        self._building = True
        try:
            for _ in self._builder:
                pass
        finally:
            self._building = False
        if self.isVisible():
            self._show_now()
        self._build_done()

    def _show_now(self) -> None:
        """Show and lay out what was just built, as a form built before it was shown would be:
        a caller that asked for a row may click it at once. (Qt shows a widget added to a
        visible parent on a queued call, and lays it out on a posted event.)"""
        folds = [s.advanced for s in self._sections if s.advanced is not None]
        for widget in (*self._sections, *folds, *self._rows.values()):
            parent = widget.parentWidget()
            if parent is not None and parent.isVisible() and not widget.isVisible():
                widget.show()
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def rebuild(self) -> None:
        self._build_timer.stop()
        self._builder = None
        self._built_event.clear()
        self.setUpdatesEnabled(False)
        try:
            for section in self._sections:
                section.hide()  # else Qt's queued show (if still pending) shows it as a window
                section.setParent(None)
                section.deleteLater()
            self._sections, self._rows = [], {}
            loaded = self.model.is_loaded()
            self.placeholder.setVisible(not loaded)
            self.reset_all_button.setEnabled(loaded)
            self.save_as_button.setEnabled(loaded)
            self.notice.clear()
            self._refresh_errors()
            if loaded:
                self._builder = self._build_steps(self.model.sections())
                self._build_slice()  # the top of the form now, the rest on later turns
            else:
                self._build_done()
        finally:
            self.setUpdatesEnabled(True)

    def _build_slice(self) -> None:
        if self._builder is None or self._building:
            self._build_timer.stop()
            return
        deadline = time.perf_counter() + BUILD_SLICE_MS / 1000
        self._building = True
        try:
            for _ in self._builder:
                if time.perf_counter() >= deadline:
                    if self.isVisible():
                        self._build_timer.start()
                    else:  # nobody sees it: continue when shown (or when rows are asked for)
                        self._build_timer.stop()
                    return
        finally:
            self._building = False
        self._build_done()

    def _build_done(self) -> None:
        self._build_timer.stop()
        self._builder = None
        self._built_event.set()
        self.built.emit()

    def _build_steps(self, sections: list[Section]) -> Iterator[None]:
        """Build the form top-down, yielding after each section header and each row."""
        for section in sections:
            view = FormSection(self._section_title(section), section.node_id, self.body)
            # The workflow's own name for the node, whatever the header shows.
            view.header.setToolTip(section.node_title)
            self._sections.append(view)
            self.body_layout.addWidget(view)
            yield
            lone_prompt = section.role in _PROMPT_ROLES and len(section.params) == 1
            for spec in section.params:
                # "Text" under a "Positive prompt" header says nothing new.
                show_label = not (lone_prompt and spec.multiline)
                view.add(self._build_row(spec, view, show_label=show_label))
                yield
            for spec in section.advanced_params:
                view.add_advanced(self._build_row(spec, view))
                yield

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._builder is not None:
            self._build_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._build_timer.stop()
        super().hideEvent(event)

    def _section_title(self, section: Section) -> str:
        names = {
            Role.POSITIVE_PROMPT: self.tr("Positive prompt"),
            Role.NEGATIVE_PROMPT: self.tr("Negative prompt"),
        }
        if section.role not in names:
            return display_title(section.node_class, section.title)
        number = _NUMBER_SUFFIX.search(section.title)
        return f"{names[section.role]} {number.group(1)}" if number else names[section.role]

    def _build_row(self, spec: ParamSpec, parent: QWidget, *, show_label: bool = True) -> ParamRow:
        key = spec.key
        editor = create_editor(spec, self.model.value(key))
        row = ParamRow(editor, parent, show_label=show_label)
        editor.edited.connect(lambda value, k=key: self.model.set_value(k, value))
        row.reset_requested.connect(lambda k=key: self.model.reset(k))
        row.suggestion_requested.connect(lambda k=key: self.model.use_suggestion(k))
        if isinstance(editor, ChoiceEdit):
            row.list_requested.connect(lambda e=editor: e.show_choices())
        if isinstance(editor, SeedEdit):
            editor.set_mode(self.model.seed_mode(key))
            editor.mode_chosen.connect(lambda mode, k=key: self.model.set_seed_mode(k, mode))
            editor.dice_clicked.connect(lambda k=key: self.model.randomize_seed(k))
        if isinstance(editor, ImageInput):
            mask = spec.kind is ParamKind.MASK
            editor.choose.setEnabled(self.uploads.can_upload)
            editor.file_chosen.connect(
                lambda path, k=key, m=mask: self.uploads.upload_file(k, path, mask=m)
            )
            editor.image_pasted.connect(
                lambda image, k=key, m=mask: self.uploads.upload_image(k, image, mask=m)
            )
            self.uploads.show_server_image(key, str(self.model.value(key) or ""))
        self._refresh_row(key, row)
        self._rows[key] = row
        return row

    # -- model -> widgets ------------------------------------------------------------------
    def _refresh_row(self, key: Key, row: ParamRow) -> None:
        row.set_modified(self.model.is_modified(key))
        row.set_errors(self.model.errors_for(key))
        row.set_suggestion(self.model.suggestion_for(key))
        row.set_list_offer(self.model.offers_list(key))

    def _on_value_changed(self, key: Key) -> None:
        row = self._rows.get(key)  # a row not built yet reads the value when it is
        if row is None:
            return
        value = self.model.value(key)
        row.editor.set_value(value)
        self._refresh_row(key, row)
        if isinstance(row.editor, ImageInput) and not self.uploads.is_busy(key):
            self.uploads.show_server_image(key, str(value or ""))

    def _refresh_specs(self) -> None:
        # Pending rows would be built from the old specs: build them first (a rare event).
        self.finish_build()
        for key, row in self._rows.items():
            spec = self.model.spec(key)
            if spec != row.editor.spec:
                row.editor.set_spec(spec, self.model.value(key))
            self._refresh_row(key, row)
        self._refresh_banner()

    def _refresh_errors(self) -> None:
        for key, row in self._rows.items():
            self._refresh_row(key, row)
        self._refresh_banner()
        problems = self.model.general_errors() if self.model.is_loaded() else []
        self.general_errors.setText("\n".join(f"• {p}" for p in problems))
        self.general_errors.setVisible(bool(problems))

    def _refresh_banner(self) -> None:
        missing = self.model.missing_node_types() if self.model.is_loaded() else ()
        self.banner.setText(self.model.missing_nodes_text() if missing else "")
        self.banner.setVisible(bool(missing))

    def _on_seed_mode_changed(self, key: Key) -> None:
        row = self._rows.get(key)
        if row is not None and isinstance(row.editor, SeedEdit):
            row.editor.set_mode(self.model.seed_mode(key))

    def _image_editor(self, key: Key) -> ImageInput | None:
        row = self.rows.get(key)  # an upload may start through the controller: build first
        return row.editor if row is not None and isinstance(row.editor, ImageInput) else None

    def _on_upload_busy(self, key: Key, busy: bool) -> None:
        editor = self._image_editor(key)
        if editor is not None:
            editor.set_status(self.tr("Uploading…") if busy else "")
            editor.choose.setEnabled(not busy and self.uploads.can_upload)

    def _on_upload_failed(self, key: Key, message: str) -> None:
        editor = self._image_editor(key)
        if editor is not None:
            editor.set_status(message)

    def _on_thumbnail(self, key: Key, image: QImage) -> None:
        editor = self._image_editor(key)
        if editor is not None:
            editor.set_thumbnail(image)

    # -- actions ---------------------------------------------------------------------------
    def open_save_dialog(self) -> None:
        workflow = self.model.workflow()
        if workflow is None:
            return
        stem = Path(workflow.name).stem if workflow.name else "workflow"
        dialog = QFileDialog(self, self.tr("Save workflow as"), f"{stem}-api.json")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("Workflow (API format) (*.json)"))
        dialog.setDefaultSuffix("json")
        self._dialog = show_file_dialog(
            dialog, lambda path: self._tasks.start(self.save_to(Path(path)), name="save workflow")
        )

    async def save_to(self, path: Path) -> bool:
        """Write the edited workflow as API-format JSON, off the GUI thread."""
        prompt = self.model.current_workflow().to_prompt()
        try:
            await asyncio.to_thread(write_api_json, path, prompt)
        except OSError as err:
            self.notice.setText(
                self.tr("Could not save {file}: {reason}").format(
                    file=path.name, reason=err.strerror or err
                )
            )
            return False
        self.notice.setText(self.tr("Saved {file}").format(file=path.name))
        return True

    def focus_first_field(self) -> None:
        """Put the keyboard focus in the first prompt (prompts come first), so typing after
        opening a workflow writes the prompt and never lands in whatever had focus before
        (the server address). Without a prompt the form itself takes the focus."""
        self._build_first_row()
        first = next(iter(self._rows.values()), None)
        if first is not None and isinstance(first.editor, PromptEdit):
            text = first.editor.text
            text.moveCursor(QTextCursor.MoveOperation.End)  # typing adds to the prompt
            text.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_first_row(self) -> None:
        if self._builder is None or self._building or self._rows:
            return
        self._building = True
        try:
            exhausted = next((False for _ in self._builder if self._rows), True)
        finally:
            self._building = False
        if exhausted:
            self._build_done()
        elif self.isVisible():
            self._show_now()

    def row(self, key: Key) -> ParamRow:
        return self.rows[key]

    def editor(self, key: Key) -> Any:
        return self.rows[key].editor

    async def aclose(self) -> None:
        """Cancel and await uploads and previews still running (call before closing)."""
        self._build_timer.stop()
        self.model.flush_memory()
        await self._tasks.shutdown()
        await self.uploads.shutdown()
