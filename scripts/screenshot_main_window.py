"""Screenshots of the whole app in demo mode while it generates, for docs/screenshots:

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshot_main_window.py \
        en light docs/screenshots/main-window-en.png
    (en dark docs/screenshots/main-window-dark.png, zh_CN light docs/screenshots/main-window-zh.png;
    needs ImageMagick's ``import``)

Settings, library and logs go to a temporary folder, never the user's own.
"""

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

root = Path(tempfile.mkdtemp(prefix="comfydesk-shot-"))
for kind in ("CONFIG", "DATA", "CACHE", "LOG"):
    os.environ[f"COMFYDESK_{kind}_DIR"] = str(root / kind.lower())

import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.app import ComfyDeskApp  # noqa: E402
from desktop.options import AppOptions  # noqa: E402
from desktop.ui.panels import Panel  # noqa: E402

WORKFLOW = Path(__file__).parent.parent / "tests/data/workflows/api/txt2img_batch2_subfolder.json"


async def until(cond: Callable[[], bool]) -> None:
    async with asyncio.timeout(60):
        while not cond():  # noqa: ASYNC110 -- widget state has no awaitable
            await asyncio.sleep(0.05)


async def main(lang: str, appearance: str, out: Path) -> None:
    qapp = QApplication.instance()
    app = ComfyDeskApp(qapp, AppOptions(demo=True, file=WORKFLOW, lang=lang))
    run = asyncio.ensure_future(app.run())
    app.theme.apply(appearance)
    app.window.showMaximized()
    ws = app.window.panel(Panel.FORM).workspace
    await until(lambda: ws.form.is_loaded())
    form = ws.form
    form.set_value(("5", "width"), 512)
    form.set_value(("5", "height"), 384)
    form.set_value(("3", "steps"), 16)
    form.set_value(
        ("6", "text"),
        "a red fox in fresh snow, morning light"
        if lang == "en"
        else "清晨的阳光下，雪地里的一只红狐狸",
    )
    ws.set_batch_count(3)
    app.window.commands.generate.trigger()
    session = app.connection.session
    await until(lambda: len(session.jobs.jobs()) == 3)
    jobs = sorted(session.jobs.jobs(), key=lambda j: j.created)
    await until(lambda: session.jobs.get(jobs[0].id).state.finished)
    await until(lambda: (session.jobs.get(jobs[1].id).progress or 0) > 0.45)
    await asyncio.sleep(1.0)  # let the gallery refresh and the preview paint
    frame = app.window.frameGeometry()
    crop = f"{frame.width()}x{frame.height()}+{frame.x()}+{frame.y()}"
    proc = await asyncio.create_subprocess_exec(
        "import", "-window", "root", "-crop", crop, "+repage", str(out)
    )
    await proc.wait()
    print("saved", out)
    await session.jobs.cancel_all_mine()
    await app.shutdown()
    run.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await run


if __name__ == "__main__":
    lang, appearance, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    qapp = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(main(lang, appearance, out))
