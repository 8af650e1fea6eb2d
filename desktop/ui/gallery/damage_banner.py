"""The strip over the gallery grid that says the catalogue was damaged, what happened to it,
and offers "Check Library" to list the pictures already in the folder again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from desktop.library import CatalogDamage
from desktop.ui.buttons import named_button
from desktop.ui.i18n import Retranslatable


class DamageBanner(Retranslatable, QFrame):
    check_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryDamageBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._damage: CatalogDamage | None = None
        self.text = QLabel(self)
        self.text.setObjectName("galleryDamageText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # SQLite's words, never rich text
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check = named_button("galleryDamageCheck", self.check_clicked, self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.check, 0, Qt.AlignmentFlag.AlignVCenter)
        self.retranslate()
        self.show_damage(None)

    def show_damage(self, damage: CatalogDamage | None) -> None:
        self._damage = damage
        self.setVisible(damage is not None)
        self.check.setEnabled(True)
        self.retranslate()

    def checking(self) -> None:
        self.check.setEnabled(False)

    def retranslate(self) -> None:
        self.check.setText(self.tr("Check Library"))
        damage = self._damage
        if damage is None:
            self.text.clear()
            return
        kept = (
            self.tr("The damaged file was kept as {name}.").format(name=damage.kept_as.name)
            if damage.kept_as is not None
            else ""
        )
        self.text.setText(
            " ".join(
                part
                for part in (
                    self.tr(
                        "The library's catalogue could not be read ({reason}), so a new one "
                        "was started: new pictures are kept as always."
                    ).format(reason=damage.reason),
                    kept,
                    self.tr(
                        "Your pictures are still in the library folder: Check Library lists "
                        "them again."
                    ),
                )
                if part
            )
        )
