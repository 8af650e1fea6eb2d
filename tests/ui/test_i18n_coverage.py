"""Every user-visible string in desktop/ui/ (and desktop/app.py) goes through Qt translation,
and the Simplified Chinese translation is complete and current.

Allowed ways to write a visible string (anything else passed to a text setter fails here):
    self.tr("Text"), QCoreApplication.translate("Context", "Text"),
    QT_TRANSLATE_NOOP("Context", "Text") in tables (translate it where shown),
    self.tr("Queue: {count}").format(count=n)    -- placeholders, never f-strings inside tr().
Strings without letters ("…", "—", "%") pass. A deliberate exception (a product name, a URL,
a language's own name) carries the comment ``# i18n: ignore`` on the same line.
After adding strings, run scripts/update-translations.sh and translate the new entries in
resources/translations/comfydesk_zh_CN.ts.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "desktop" / "ui").rglob("*.py")), ROOT / "desktop" / "app.py"]
TS_FILE = ROOT / "resources" / "translations" / "comfydesk_zh_CN.ts"
QM_FILE = ROOT / "desktop" / "assets" / "translations" / "comfydesk_zh_CN.qm"
IGNORE_MARK = "# i18n: ignore"

# Methods whose string arguments are shown to the user.
TEXT_SINKS = frozenset(
    {
        "setText",
        "setWindowTitle",
        "setToolTip",
        "setStatusTip",
        "setWhatsThis",
        "setPlaceholderText",
        "setTitle",
        "setLabelText",
        "setInformativeText",
        "setDetailedText",
        "setAccessibleName",
        "setAccessibleDescription",
        "setTabText",
        "setTabToolTip",
        "setItemText",
        "setHeaderLabels",
        "setHorizontalHeaderLabels",
        "setVerticalHeaderLabels",
        "setPrefix",
        "setSuffix",
        "setSpecialValueText",
        "setButtonText",
        "setNameFilter",
        "setNameFilters",
        "showMessage",
        "addMenu",
        "addAction",
        "addTab",
        "insertTab",
        "addItem",
        "addItems",
        "insertItem",
        "addButton",
        "addRow",
        "insertRow",
        "setFormat",
    }
)
# Widget and action constructors whose string arguments are shown to the user.
TEXT_CONSTRUCTORS = frozenset(
    {
        "QLabel",
        "QPushButton",
        "QToolButton",
        "QCheckBox",
        "QRadioButton",
        "QGroupBox",
        "QAction",
        "QMenu",
        "QDockWidget",
        "QCommandLinkButton",
        "QMessageBox",
        "QFileDialog",
        "QTreeWidgetItem",
        "QListWidgetItem",
        "QStandardItem",
        "QTableWidgetItem",
    }
)
# Static helpers: (receiver, name) -> which positional arguments / keywords are visible text.
STATIC_SINKS = {
    ("QMessageBox", "information"): ((1, 2), {"title", "text"}),
    ("QMessageBox", "warning"): ((1, 2), {"title", "text"}),
    ("QMessageBox", "critical"): ((1, 2), {"title", "text"}),
    ("QMessageBox", "question"): ((1, 2), {"title", "text"}),
    ("QMessageBox", "about"): ((1, 2), {"title", "text"}),
    ("QInputDialog", "getText"): ((1, 2), {"title", "label"}),
    ("QFileDialog", "getOpenFileName"): ((1, 3), {"caption", "filter"}),
    ("QFileDialog", "getSaveFileName"): ((1, 3), {"caption", "filter"}),
    ("QFileDialog", "getExistingDirectory"): ((1,), {"caption"}),
}
# Constructors/methods where only some arguments are text (the rest are paths, data, keys).
TEXT_POSITIONS = {
    "QFileDialog": ((1, 3), {"caption", "filter"}),
}
TRANSLATORS = frozenset({"tr", "translate"})
# Calls that legitimately take a literal the user never reads (logging, keys, object names).
NOT_TEXT = frozenset({"setObjectName", "setProperty", "setStyleSheet"})


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    call: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.call}(...) {self.problem}"


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _receiver(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id
    return ""


def _stringish(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Call):
        return _call_name(node) in TRANSLATORS or _call_name(node) == "format"
    return isinstance(node, ast.JoinedStr | ast.BinOp)


def _visible_arguments(node: ast.Call, name: str) -> list[ast.AST]:
    """The arguments of a text sink that end up on screen."""
    args = list(node.args)
    if name in ("addItem", "insertItem"):
        # addItem(text, data) / addItem(icon, text, data) / insertItem(index, ...): the item
        # data after the text is a key, not text.
        rest = args[1:] if name == "insertItem" else args
        text = rest[0:1] if rest and _stringish(rest[0]) else rest[1:2]
        return text + [kw.value for kw in node.keywords if kw.arg == "text"]
    positions, keywords = TEXT_POSITIONS.get(name, (None, None))
    if positions is None:
        return [*args, *(kw.value for kw in node.keywords)]
    return [args[i] for i in positions if i < len(args)] + [
        kw.value for kw in node.keywords if kw.arg in keywords
    ]


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _untranslated(node: ast.AST) -> bool:
    """A literal (or literal-built) string with letters that no translator wrapped."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and _has_letters(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and _has_letters(str(v.value)) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _untranslated(node.left) or _untranslated(node.right)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) or _untranslated(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # "literal {x}".format(...) is still an untranslated literal
        return node.func.attr == "format" and _untranslated(node.func.value)
    if isinstance(node, ast.List | ast.Tuple):
        return any(_untranslated(elt) for elt in node.elts)
    return False


def _dynamic_source(node: ast.Call) -> bool:
    """tr()/translate() whose source text lupdate cannot read (f-string, concatenation)."""
    index = 0 if _call_name(node) == "tr" else 1
    if len(node.args) <= index:
        return False
    arg = node.args[index]
    return isinstance(arg, ast.JoinedStr | ast.BinOp) or (
        isinstance(arg, ast.Call) and _call_name(arg) == "format"
    )


def check_source(source: str, path: str = "<string>") -> list[Finding]:
    """All translation problems in one Python source file."""
    lines = source.splitlines()
    findings = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        span = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
        if any(IGNORE_MARK in line for line in span):
            continue
        if name in TRANSLATORS:
            if _dynamic_source(node):
                findings.append(Finding(path, node.lineno, name, "builds its source text"))
            continue
        static = STATIC_SINKS.get((_receiver(node), name))
        if static is not None:
            positions, keywords = static
            arguments = [node.args[i] for i in positions if i < len(node.args)]
            arguments += [kw.value for kw in node.keywords if kw.arg in keywords]
        elif name in NOT_TEXT or (name not in TEXT_SINKS and name not in TEXT_CONSTRUCTORS):
            continue
        else:
            arguments = _visible_arguments(node, name)
        if any(_untranslated(arg) for arg in arguments):
            findings.append(Finding(path, node.lineno, name, "shows an untranslated string"))
    return findings


# ---------------------------------------------------------------------------- the checker


@pytest.mark.parametrize(
    "code",
    [
        'label.setText("Hello")',
        'QLabel("Hello", parent)',
        'QPushButton(text="Go")',
        'box.setWindowTitle(f"Job {n}")',
        'menu.addMenu("&File")',
        'bar.showMessage("Saved " + name)',
        'box.setToolTip("Queue: {n}".format(n=n))',
        'QMessageBox.warning(self, "Oops", self.tr("x"))',
        'combo.addItems(["Low", "High"])',
        'self.tr(f"Hello {name}")',
        'QCoreApplication.translate("Ctx", "a" + b)',
        'form.addRow("Name:", edit)',
        'combo.addItem("Low", "low")',
        'combo.addItem(icon, "Low", "low")',
        'QFileDialog(self, "Save as", f"{stem}.json")',
        'QMessageBox.question(self, self.tr("Quit?"), "Really?")',
        'label.setText("on" if ok else "off")',
    ],
)
def test_checker_flags_untranslated_text(code: str) -> None:
    assert len(check_source(code)) == 1, code


@pytest.mark.parametrize(
    "code",
    [
        'label.setText(self.tr("Hello"))',
        'label.setText(QCoreApplication.translate("Ctx", "Hello"))',
        'label.setText(self.tr("Queue: {n}").format(n=n))',
        'label.setText("…")',
        'label.setText("")',
        "label.setText(name)",
        'label.setObjectName("statusLabel")',
        'combo.addItem("English", "en")  # i18n: ignore',
        'log.info("Connected to %s", url)',
        'log.warning("Could not save %s", path)',
        'combo.addItem(self.tr("Follow the system"), "system")',
        'combo.insertItem(0, self.tr("Low"), "low")',
        'QFileDialog(self, self.tr("Save as"), f"{stem}.json")',
        'QLabel(self.tr("Hello"), parent)',
        'TABLE = [QT_TRANSLATE_NOOP("Ctx", "Low")]',
    ],
)
def test_checker_accepts_translated_or_invisible_text(code: str) -> None:
    assert check_source(code) == [], code


# ---------------------------------------------------------------------------- the sources


def test_sources_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in SOURCES}
    assert {"desktop/ui/main_window.py", "desktop/ui/connection/bar.py", "desktop/app.py"} <= names


def test_every_visible_string_is_translatable() -> None:
    findings = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        findings += check_source(path.read_text(encoding="utf-8"), rel)
    assert findings == [], "\n".join(map(str, findings))


# ---------------------------------------------------------------------------- the .ts file

_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%n|%\d")


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts).getroot()
    result = []
    for context in root.iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            result.append((name, message.findtext("source", ""), message))
    return result


def _problems(ts: Path) -> list[str]:
    problems = []
    for context, source, message in _messages(ts):
        translation = message.find("translation")
        assert translation is not None
        kind = translation.get("type", "")
        if kind in ("vanished", "obsolete"):
            continue
        text = "".join(translation.itertext())
        if kind == "unfinished" or not text.strip():
            problems.append(f"{context}: {source!r} has no finished translation")
        elif sorted(_PLACEHOLDER.findall(source)) != sorted(_PLACEHOLDER.findall(text)):
            problems.append(f"{context}: {source!r} -> {text!r} changes the placeholders")
    return problems


def test_chinese_translation_is_complete() -> None:
    messages = _messages(TS_FILE)
    assert len(messages) > 100
    assert _problems(TS_FILE) == []


def _tool(name: str) -> str:
    beside_python = Path(sys.executable).with_name(name)
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    assert found, f"{name} is installed with PySide6; it is needed to check translations"
    return found


def test_translation_file_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    """New strings in the code must already be translated in the committed .ts."""
    fresh = tmp_path / TS_FILE.name
    shutil.copy(TS_FILE, fresh)
    sources = [str(p) for p in SOURCES]
    command = [_tool("pyside6-lupdate"), "-silent", "-no-obsolete", "-locations", "none"]
    subprocess.run([*command, *sources, "-ts", str(fresh)], check=True, timeout=60)
    assert _problems(fresh) == [], "run scripts/update-translations.sh and translate"
    current = {(c, s) for c, s, _ in _messages(TS_FILE)}
    assert {(c, s) for c, s, _ in _messages(fresh)} == current


def test_compiled_translation_matches_the_ts(tmp_path: Path) -> None:
    built = tmp_path / QM_FILE.name
    subprocess.run(
        [_tool("pyside6-lrelease"), "-silent", str(TS_FILE), "-qm", str(built)],
        check=True,
        timeout=60,
    )
    assert built.read_bytes() == QM_FILE.read_bytes(), "run scripts/update-translations.sh"
