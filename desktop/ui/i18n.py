"""Language: pick English or Simplified Chinese and install Qt translators, live.

Rules for every widget in desktop/ui/ (tests/ui/test_i18n_coverage.py enforces them):
- wrap user-visible literals in ``self.tr("...")`` inside QObject subclasses, or
  ``QCoreApplication.translate("Context", "...")`` elsewhere; mark strings kept in tables
  with ``QT_TRANSLATE_NOOP("Context", "...")`` and translate them where shown;
- never build the source text dynamically (no f-strings inside ``tr``): use
  ``self.tr("Queue: {count}").format(count=n)``; where a count changes the words, use Qt's
  plural forms, ``self.tr("%n picture(s)", "", n)``, and give the English forms in
  ``resources/translations/comfydesk_en.ts`` as well;
- set texts in a ``retranslate()`` method and call it again on ``QEvent.LanguageChange``
  (see :class:`Retranslatable`), so switching language in Preferences updates open windows;
- after adding strings run ``scripts/update-translations.sh`` and translate the new entries
  in ``resources/translations/comfydesk_zh_CN.ts`` (then run the script again to build .qm).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from desktop.resources import resource_path

log = logging.getLogger("comfydesk.ui")

SUPPORTED = ("en", "zh_CN")  # "en" is the source language: no translator needed
QM_PREFIX = "comfydesk_"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for lupdate under ``context`` without translating it yet."""
    return text


def resolve_language(preference: str, system: QLocale | None = None) -> str:
    """``"system"``/``"en"``/``"zh_CN"`` -> the language to load (``"en"`` or ``"zh_CN"``)."""
    if preference in SUPPORTED:
        return preference
    locale = system if system is not None else QLocale.system()
    # Traditional-script users get English rather than the wrong script.
    if (
        locale.language() == QLocale.Language.Chinese
        and locale.script() != QLocale.Script.TraditionalChineseScript
    ):
        return "zh_CN"
    return "en"


def qm_path(language: str) -> Path:
    return resource_path("translations", f"{QM_PREFIX}{language}.qm")


class Translations:
    """Installs the app's and Qt's own translators; :meth:`apply` switches them live."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self.language = "en"

    def apply(self, preference: str) -> str:
        """Load the language for ``preference``; returns the language actually in use."""
        language = resolve_language(preference)
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed.clear()
        self.language = "en"
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        # "%n picture(s)" strings need their English plural forms in every language (the
        # last-installed translator is asked first, so this one is the fallback).
        english = QTranslator()
        if english.load(str(qm_path("en"))):
            self._app.installTranslator(english)
            self._installed.append(english)
        else:
            log.warning("No English plural forms at %s", qm_path("en"))
        if language == "en":
            self._deliver_now()
            return self.language
        ours = QTranslator()
        if not ours.load(str(qm_path(language))):
            log.warning("No translation file for %s at %s", language, qm_path(language))
            self._deliver_now()
            return self.language
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qtbase = QTranslator()
        # Qt's own strings (standard dialog buttons, file dialogs); optional in a trimmed bundle.
        if qtbase.load(f"qtbase_{language}", qt_dir):
            self._app.installTranslator(qtbase)
            self._installed.append(qtbase)
        else:
            log.warning(
                "No Qt translation qtbase_%s in %s: Qt's dialogs stay English", language, qt_dir
            )
        self._app.installTranslator(ours)
        self._installed.append(ours)
        QLocale.setDefault(QLocale(language))
        self.language = language
        self._deliver_now()
        return language

    def _deliver_now(self) -> None:
        # Qt posts LanguageChange; delivering it now means callers see translated widgets
        # as soon as apply() returns (and dialogs opened next are already translated).
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)


class Retranslatable:
    """Mixin for widgets (list it before the Qt base class): calls ``self.retranslate()``
    whenever the application language changes.

        class QueuePanel(Retranslatable, QWidget): ...
    """

    def retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]
