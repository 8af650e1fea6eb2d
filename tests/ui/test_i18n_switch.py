"""Switching to Simplified Chinese translates the window — at start-up and live."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from desktop.app import AppOptions
from desktop.ui.i18n import qm_path, resolve_language
from desktop.ui.panels import Panel
from tests.ui.app_support import QT_NOISE, AppFactory, make_app

__all__ = ["make_app"]

pytestmark = [QT_NOISE]


@pytest.mark.parametrize(
    ("preference", "locale", "expected"),
    [
        ("system", "zh_CN", "zh_CN"),
        ("system", "zh_SG", "zh_CN"),
        ("system", "zh_TW", "en"),  # Traditional script: English rather than the wrong script
        ("system", "de_DE", "en"),
        ("en", "zh_CN", "en"),
        ("zh_CN", "en_US", "zh_CN"),
        ("klingon", "en_US", "en"),
    ],
)
def test_resolve_language(preference: str, locale: str, expected: str) -> None:
    assert resolve_language(preference, QLocale(locale)) == expected


def test_compiled_chinese_translation_is_bundled() -> None:
    assert qm_path("zh_CN").is_file()


async def test_lang_zh_cn_translates_the_main_window(make_app: AppFactory, qtbot: QtBot) -> None:
    app = make_app(AppOptions(lang="zh_CN"))
    window = app.window
    window.show()
    assert app.translations.language == "zh_CN"
    assert window.file_menu.title() == "文件(&F)"
    assert window.generate_menu.title() == "生成(&G)"
    assert window.commands.interrupt.text() == "中断(&I)"
    assert window.commands.preferences.text() == "首选项(&P)…"
    assert window.dock(Panel.QUEUE).windowTitle() == "队列"
    assert window.dock(Panel.GALLERY).windowTitle() == "图库"
    assert window.empty_state(Panel.FORM).hint.text() == (
        "打开一个工作流，或者把 .json 文件或 ComfyUI 生成的图片拖到这里。"
    )
    bar = window.connection_bar
    assert bar.headline.text() == "未连接"
    assert bar.settings_button.text() == "连接设置…"
    assert bar.demo_button.text() == "试用演示服务器"

    # Live switch back to English: open windows follow without a restart.
    app.translations.apply("en")
    assert window.file_menu.title() == "&File"
    assert window.dock(Panel.QUEUE).windowTitle() == "Queue"
    assert bar.demo_button.text() == "Try the demo server"
    app.translations.apply("zh_CN")
    assert window.help_menu.title() == "帮助(&H)"
