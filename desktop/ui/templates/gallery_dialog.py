"""``TemplateGalleryDialog``: the server's own template library as a searchable gallery of
pictures. Templates this server cannot run (missing nodes or models) are greyed and say why;
the others open straight into the form (double-click, or Open).

Pictures and checks are asked for only for the tiles on screen (and a screen below), so a
library of 220 templates costs what the artist looks at."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.comfy.templates import Template
from desktop.ui.i18n import Retranslatable
from desktop.ui.templates.library import LibraryState, TemplateLibrary
from desktop.workflow.template_check import TemplateCheck

ICON = QSize(192, 144)
GRID = QSize(212, 204)
NAME_ROLE = Qt.ItemDataRole.UserRole
BLOCKED_ROLE = Qt.ItemDataRole.UserRole + 1  # True once known that this server cannot run it
LOOK_AHEAD = 400  # px below the visible tiles whose pictures are fetched too


def _dimmed(image: QImage) -> QImage:
    """The picture greyed out, for templates this server cannot run."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8).convertToFormat(
        QImage.Format.Format_ARGB32
    )
    painter = QPainter(grey)
    painter.fillRect(grey.rect(), QColor(255, 255, 255, 110))
    painter.end()
    return grey


def _tile(image: QImage | None, badge: str = "") -> QIcon:
    """The picture centred on an icon-sized canvas (tiles line up whatever its aspect);
    with a ``badge``, greyed and labelled along its bottom edge."""
    canvas = QPixmap(ICON)
    canvas.fill(Qt.GlobalColor.transparent)
    painter = QPainter(canvas)
    area = canvas.rect()
    if image is None or image.isNull():
        painter.fillRect(area, QColor(128, 128, 128, 40))
    else:
        picture = _dimmed(image) if badge else image
        scaled = picture.scaled(
            ICON, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        x, y = (ICON.width() - scaled.width()) // 2, (ICON.height() - scaled.height()) // 2
        area = QRect(x, y, scaled.width(), scaled.height())
        painter.drawImage(area, scaled)
    if badge:
        band = QRect(area.left(), area.bottom() - 25, area.width(), 26)
        painter.fillRect(band, QColor(150, 40, 30, 220))
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, badge)
    painter.end()
    icon = QIcon(canvas)
    icon.addPixmap(canvas, QIcon.Mode.Selected)
    return icon


class TemplateGalleryDialog(Retranslatable, QDialog):
    """``template_chosen(name, TemplateCheck)``: a runnable template to open in the form."""

    template_chosen = Signal(str, object)

    def __init__(self, library: TemplateLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateGallery")
        self.library = library
        # Decoded pictures wait here only until their template's check is known; after that
        # the tile (icon) is final and 220 full pictures would be ~50 MB for nothing.
        self._images: dict[str, QImage] = {}
        self._templates: dict[str, Template] = {}
        self._placeholder: QIcon | None = None
        self._items: dict[str, QListWidgetItem] = {}
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox(self)
        self.category.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.grid = QListWidget(self)
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setWordWrap(True)
        self.grid.setIconSize(ICON)
        self.grid.setGridSize(GRID)
        self.grid.setSpacing(6)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        self.buttons = QDialogButtonBox(self)
        self.open_button = QPushButton(self)
        self.open_button.setDefault(True)
        self.open_button.setEnabled(False)
        self.buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.category)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.buttons)
        self.resize(960, 680)

        self.search.textChanged.connect(self._filter)
        self.category.currentIndexChanged.connect(self._filter)
        # Coalesced: scrolling asks once per event-loop turn, after the grid has laid out.
        self._request_timer = QTimer(self)
        self._request_timer.setSingleShot(True)
        self._request_timer.setInterval(0)
        self._request_timer.timeout.connect(self._request_visible)
        self.grid.verticalScrollBar().valueChanged.connect(self._request_timer.start)
        self.grid.currentItemChanged.connect(self._show_details)
        self.grid.itemActivated.connect(lambda item: self._choose(item.data(NAME_ROLE)))
        self.open_button.clicked.connect(self._open_current)
        self.buttons.rejected.connect(self.reject)
        library.state_changed.connect(self._on_state)
        library.thumbnail_ready.connect(self._on_thumbnail)
        library.checked.connect(self._on_checked)
        library.opened.connect(self._on_opened)
        self.retranslate()
        self._on_state()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Server Templates"))
        self.search.setPlaceholderText(self.tr("Search templates (title, model, tag)…"))
        self.open_button.setText(self.tr("Open in Form"))
        if self.category.count():
            self.category.setItemText(0, self.tr("All categories"))
        self._on_state()
        for name, item in self._items.items():
            self._decorate(name, item, icon=False)  # (a badge keeps its language until reopened)
        self._show_details()

    # ------------------------------------------------------------------ library -> view

    def _on_state(self) -> None:
        state = self.library.state
        texts = {
            LibraryState.IDLE: "",
            LibraryState.LOADING: self.tr("Reading the server's template library…"),
            LibraryState.NONE: self.tr(
                "This server has no template library (it comes with newer ComfyUI versions)."
            ),
            LibraryState.FAILED: self.tr("Could not read the template library: {reason}").format(
                reason=self.library.error
            ),
            LibraryState.OFFLINE: self.tr("Connect to a server to see its templates."),
        }
        if state is LibraryState.READY:
            count = len(self.library.templates())
            if not self._items and count:
                self._populate()  # (filters, which shows the status line)
                return
            shown = sum(1 for item in self._items.values() if not item.isHidden())
            if shown == count:
                self.status.setText(self.tr("%n template(s) on this server.", "", count))
            else:
                self.status.setText(self.tr("%n template(s) match.", "", shown))
        else:
            self.status.setText(texts[state])

    def _populate(self) -> None:
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(self.tr("All categories"), "")
        for category in self.library.categories:
            self.category.addItem(category.title, category.title)
        self.category.blockSignals(False)
        self._templates = {t.name: t for t in self.library.templates()}
        for template in self._templates.values():
            item = QListWidgetItem(self.grid)
            item.setData(NAME_ROLE, template.name)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self._items[template.name] = item
            self._decorate(template.name, item)
        self._filter()

    def item(self, name: str) -> QListWidgetItem | None:
        """The tile of template ``name`` (once the index has been read)."""
        return self._items.get(name)

    def names(self) -> list[str]:
        """Every template's name in gallery order."""
        return list(self._items)

    def _template(self, name: str) -> Template | None:
        return self._templates.get(name)

    def _decorate(self, name: str, item: QListWidgetItem, *, icon: bool = True) -> None:
        template = self._template(name)
        if template is None:
            return
        check = self.library.check(name)
        blocked = check is not None and not check.runnable
        item.setText(template.title)
        item.setToolTip(template.description)
        item.setData(BLOCKED_ROLE, blocked)
        if not icon:
            return
        image = self._images.get(name)
        badge = self.tr("Cannot run here") if blocked else ""
        if image is None and not badge:
            if self._placeholder is None:
                self._placeholder = _tile(None)
            item.setIcon(self._placeholder)  # one shared tile until the picture arrives
        else:
            item.setIcon(_tile(image, badge))
        if image is not None and check is not None:
            del self._images[name]  # the tile is final

    def _on_thumbnail(self, name: str, image: QImage) -> None:
        self._images[name] = image
        item = self._items.get(name)
        if item is not None:
            self._decorate(name, item)

    def _on_checked(self, name: str) -> None:
        item = self._items.get(name)
        if item is not None:
            self._decorate(name, item)
        current = self.grid.currentItem()
        if current is not None and current.data(NAME_ROLE) == name:
            self._show_details()

    # ------------------------------------------------------------------ filtering

    def _filter(self) -> None:
        text = self.search.text()
        category = self.category.currentData() or ""
        for template in self.library.templates():
            item = self._items.get(template.name)
            if item is None:
                continue
            shown = template.matches(text) and (not category or template.category == category)
            item.setHidden(not shown)
        self._request_timer.start()
        self._on_state()

    def visible_names(self) -> list[str]:
        """Templates whose tiles are on screen (or just below), top to bottom."""
        area = self.grid.viewport().rect().adjusted(0, 0, 0, LOOK_AHEAD)
        names = []
        for index in range(self.grid.count()):
            item = self.grid.item(index)
            if not item.isHidden() and self.grid.visualItemRect(item).intersects(area):
                names.append(item.data(NAME_ROLE))
        return names

    def _request_visible(self) -> None:
        self.library.request(self.visible_names())

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self._request_timer.start()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._request_timer.start()

    # ------------------------------------------------------------------ details and opening

    def _show_details(self, *_args: object) -> None:
        item = self.grid.currentItem()
        template = self._template(item.data(NAME_ROLE)) if item is not None else None
        if template is None:
            self.details.setText(self.tr("Double-click a template to open it in the form."))
            self.open_button.setEnabled(False)
            return
        check = self.library.check(template.name)
        lines = [template.title, template.description]
        if check is None:
            lines.append(self.tr("Checking whether this server can run it…"))
        else:
            lines.append(self._verdict(check))
            if check.runnable and template.paid_service:
                lines.append(
                    self.tr(
                        "It runs on a paid online service through ComfyUI's API nodes: the "
                        "server needs a signed-in Comfy account with credits."
                    )
                )
        self.details.setText("\n".join(line for line in lines if line))
        self.open_button.setEnabled(check is None or check.runnable)

    def _verdict(self, check: TemplateCheck) -> str:
        if check.missing_nodes:
            return self.tr("Cannot run here: the server lacks the nodes {names}.").format(
                names=", ".join(check.missing_nodes)
            )
        if check.missing_models:
            return self.tr("Cannot run here: the server lacks the models {names}.").format(
                names=", ".join(check.missing_models)
            )
        if check.workflow is None:
            return self.tr("Cannot open it: {reason}").format(reason=check.problem)
        return self.tr("Ready to run on this server.")

    def _open_current(self) -> None:
        item = self.grid.currentItem()
        if item is not None:
            self._choose(item.data(NAME_ROLE))

    def _choose(self, name: str) -> None:
        check = self.library.check(name)
        if check is not None and not check.runnable:
            self._show_details()
            return
        self.library.open(name)

    def _on_opened(self, name: str, check: TemplateCheck) -> None:
        if not check.runnable:
            self._on_checked(name)
            return
        self.template_chosen.emit(name, check)
        self.accept()
