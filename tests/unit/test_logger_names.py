"""Every module logs under ``comfydesk.<area>``: setup_logging raises only that tree to the
chosen level (the root stays at WARNING), so a logger outside it loses its INFO lines."""

from __future__ import annotations

import re
from pathlib import Path

import desktop
from desktop.logs import AREAS

NAMED = re.compile(r"""getLogger\(\s*f?["']([^"']+)["']""")


def test_every_named_logger_is_a_comfydesk_area() -> None:
    root = Path(desktop.__file__).parent
    names = {
        (path.relative_to(root).as_posix(), name)
        for path in root.rglob("*.py")
        for name in NAMED.findall(path.read_text(encoding="utf-8"))
    }
    assert len(names) > 20  # the pattern still finds the project's loggers
    literal = {(where, name) for where, name in names if not set(name) & set("{<")}
    outside = sorted(
        (where, name)
        for where, name in literal
        if name.split(".")[0] != "comfydesk" or name.split(".")[1] not in AREAS
    )
    assert outside == []
