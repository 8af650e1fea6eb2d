"""A searchable combo box that stays fast with thousands of entries.

One ``QStringListModel`` feeds both the drop-down and a ``QCompleter`` in filter mode, so the
artist types any part of a name ("xl" finds "sd_xl_base.safetensors"). No per-entry widgets.
The completer and the drop-down's list view are made on first use (focus, a key press, the
popup): a form has many combo boxes and the artist opens few of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QInputMethodEvent, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop.ui.form.widgets.base import FocusedWheel, ParamEditor

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.workflow.params import ParamSpec


class _SearchLine(QLineEdit):
    """The combo's line edit; calls ``before_typing`` ahead of the first key it handles (keys
    may reach it directly, without the combo ever getting focus)."""

    def __init__(self, before_typing: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._before_typing: Callable[[], None] | None = before_typing

    def _typing(self) -> None:
        if self._before_typing is not None:
            hook, self._before_typing = self._before_typing, None
            hook()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._typing()
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        self._typing()
        super().inputMethodEvent(event)


class _FirstMatchOnEnter(QObject):
    """Return in the filter popup with no row chosen takes the first match; the completer
    alone would close the popup and leave the typed text in the box."""

    def __init__(self, completer: QCompleter) -> None:
        super().__init__(completer)
        self._completer = completer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        enter = (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        )
        if enter:
            popup, matches = self._completer.popup(), self._completer.completionModel()
            if popup is None or matches is None:
                return False
            if not popup.currentIndex().isValid() and matches.rowCount() > 0:
                popup.setCurrentIndex(matches.index(0, 0))
        return False


NOTE_ROLE = Qt.ItemDataRole.UserRole + 1


class _EntryList(QStringListModel):
    """The entries, each with an optional note (a farm: the servers that have it) shown dimmed
    at the right of the drop-down row and as its tooltip; the text itself stays the value."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.notes: Mapping[str, str] = {}
        self.tips: Mapping[str, str] = {}

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role in (NOTE_ROLE, Qt.ItemDataRole.ToolTipRole) and (self.notes or self.tips):
            text = super().data(index, Qt.ItemDataRole.DisplayRole)
            return (self.notes if role == NOTE_ROLE else self.tips).get(text)
        return super().data(index, role)


class _NoteDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        note = index.data(NOTE_ROLE)
        if not note:
            super().paint(painter, option, index)
            return
        rect = option.rect
        width = option.fontMetrics.horizontalAdvance(note) + 12
        shrunk = QStyleOptionViewItem(option)
        shrunk.rect = rect.adjusted(0, 0, -width, 0)
        super().paint(painter, shrunk, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        role = QPalette.ColorRole.PlaceholderText
        if selected:
            role = QPalette.ColorRole.HighlightedText
        painter.save()
        painter.setPen(palette.color(role))
        painter.drawText(
            rect.adjusted(0, 0, -6, 0),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            note,
        )
        painter.restore()


class SearchableComboBox(FocusedWheel, QComboBox):
    """Editable combo over a string list; ``picked`` fires with the chosen entry's text."""

    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.init_focused_wheel()
        line = _SearchLine(self._install_completer, self)
        line.setPalette(self.palette())  # as setEditable(True) does
        self.setLineEdit(line)
        self.line = line
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # The default policy measures every entry's width: slow for 10,000 file names.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)  # fits a 320 px panel beside its label
        self._list = _EntryList(self)
        self.setModel(self._list)
        self._completer: QCompleter | None = None
        self._view_ready = False
        self.activated.connect(self._on_activated)
        self.line.returnPressed.connect(self._take_first_match)
        self.line.editingFinished.connect(self._on_editing_finished)
        self._entries: list[str] = []
        self._index: dict[str, int] = {}
        self._folded: dict[str, str] = {}

    @property
    def search_completer(self) -> QCompleter:
        self._install_completer()
        assert self._completer is not None
        return self._completer

    def _install_completer(self) -> None:
        if self._completer is not None:
            return
        completer = QCompleter(self._list, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(15)
        popup = completer.popup()
        if isinstance(popup, QListView):
            popup.setUniformItemSizes(True)
            popup.setItemDelegate(_NoteDelegate(popup))
        # Runs before the completer's own filter (the last installed runs first).
        if popup is not None:
            popup.installEventFilter(_FirstMatchOnEnter(completer))
        self._completer = completer
        self.setCompleter(completer)
        # QCompleter.activated is overloaded (str, QModelIndex); the stubs do not say so.
        completer.activated[str].connect(self._on_text_chosen)  # type: ignore[index]

    def _install_view(self) -> None:
        if self._view_ready:
            return
        self._view_ready = True
        view = QListView(self)
        view.setUniformItemSizes(True)
        view.setLayoutMode(QListView.LayoutMode.Batched)
        self.setView(view)
        view.setItemDelegate(_NoteDelegate(view))

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._install_completer()
        super().focusInEvent(event)

    def showPopup(self) -> None:
        self._install_view()
        super().showPopup()

    def set_entries(
        self,
        entries: Sequence[str],
        notes: Mapping[str, str] | None = None,
        tips: Mapping[str, str] | None = None,
    ) -> None:
        """``notes``: a short word shown beside an entry in the list; ``tips``: its tooltip."""
        self._list.notes, self._list.tips = dict(notes or {}), dict(tips or {})
        self._entries = list(entries)
        self._index = {text: i for i, text in enumerate(self._entries)}
        self._folded = {}
        for text in self._entries:
            self._folded.setdefault(text.casefold(), text)
        self._list.setStringList(self._entries)

    def entries(self) -> list[str]:
        return list(self._entries)

    def note(self, text: str) -> str:
        return self._list.notes.get(text, "")

    def show_text(self, text: str) -> None:
        """Select ``text``; a value the list lacks stays visible as typed text."""
        row = self._index.get(text, -1)
        if row == self.currentIndex() and self.currentText() == text:
            return
        self.setCurrentIndex(row)
        if row < 0:
            self.setEditText(text)
        if not self.line.hasFocus():
            self.line.setCursorPosition(0)  # long file names show their start

    def match(self, text: str) -> str | None:
        if text in self._index:
            return text
        return self._folded.get(text.casefold())

    def first_match(self, text: str) -> str | None:
        """The exact entry, else the first one containing ``text`` (as the filter shows)."""
        found = self.match(text)
        if found is not None or not text:
            return found
        folded = text.casefold()
        return next((entry for entry in self._entries if folded in entry.casefold()), None)

    def _on_activated(self, row: int) -> None:
        if 0 <= row < len(self._entries):
            self.picked.emit(self._entries[row])

    def _on_text_chosen(self, text: str) -> None:
        self.show_text(text)
        self.picked.emit(text)

    def completing(self) -> bool:
        """True while the filter popup is open: Return then belongs to the popup's choice,
        which arrives right after the line edit's ``editingFinished``."""
        popup = self._completer.popup() if self._completer is not None else None
        return popup is not None and popup.isVisible()

    def _take_first_match(self) -> None:
        if self.completing():
            return
        found = self.first_match(self.line.text())
        if found is not None:
            self.show_text(found)
            self.picked.emit(found)

    def _on_editing_finished(self) -> None:
        if self.completing():
            return
        text = self.line.text()
        found = self.match(text)
        if found is not None:
            self.show_text(found)
            self.picked.emit(found)


class ChoiceEdit(ParamEditor):
    """A COMBO input. Choices may be non-strings (ints in some V3 nodes); we map back by text."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = self._hold(SearchableComboBox(self))
        self._by_text: dict[str, Any] = {}
        self._tips: dict[str, str] = {}
        self._last_text = ""
        self.combo.picked.connect(self._on_picked)
        self.combo.line.editingFinished.connect(self._restore_unknown_text)
        self._apply_spec(spec)

    def show_choices(self) -> None:
        """Open the list of every choice (the value shown is not one of them)."""
        self.combo.setFocus(Qt.FocusReason.OtherFocusReason)
        self.combo.showPopup()

    def _apply_spec(self, spec: ParamSpec) -> None:
        choices = spec.choices or ()
        self._by_text = {str(c): c for c in choices}
        self._tips = {
            text: self.tr("Only on {servers}: a job using it runs there.").format(
                servers=", ".join(servers)
            )
            for text, servers in spec.choice_servers
        }
        notes = {text: ", ".join(servers) for text, servers in spec.choice_servers}
        self.combo.set_entries(list(self._by_text), notes, self._tips)
        self._update_tip()

    def _show(self, value: Any) -> None:
        self._last_text = "" if value is None else str(value)
        self.combo.show_text(self._last_text)
        self._update_tip()

    def _update_tip(self) -> None:
        # The chosen model decides where the job runs (farm routing): say so where it shows.
        self.combo.setToolTip(self._tips.get(self._last_text, ""))

    def _on_picked(self, text: str) -> None:
        if text == self._last_text:
            return
        self._last_text = text
        self._update_tip()
        self._emit(self._by_text.get(text, text))

    def _restore_unknown_text(self) -> None:
        # Typed text that names no entry is not a value: show the current one again.
        if self.combo.completing():
            return
        if self.combo.match(self.combo.line.text()) is None:
            self.combo.show_text(self._last_text)
