"""Developer tool: show the form for one workflow file, without a server.

    python -m desktop.ui.form.preview WORKFLOW OBJECT_INFO_JSON [--images DIR] [--save PNG]

``--images`` serves image-input previews from a local folder; ``--save`` writes a screenshot of
the window after it has settled, then quits (used for docs/screenshots).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication, QMainWindow

from desktop.comfy.errors import ServerError
from desktop.comfy.object_info import ObjectInfo
from desktop.ui.form import FormModel, FormView
from desktop.workflow.sources import load_workflow


def _fetcher(folder: Path | None):
    async def fetch(name: str) -> bytes:
        path = (folder / Path(name).name) if folder is not None else None
        if path is None or not path.is_file():
            raise ServerError(404, name)
        return await asyncio.to_thread(path.read_bytes)

    return fetch


async def _show(args: argparse.Namespace) -> None:
    text = await asyncio.to_thread(Path(args.object_info).read_text, encoding="utf-8")
    object_info = ObjectInfo(json.loads(text))
    model = FormModel(remember=False)
    view = FormView(model, image_fetcher=_fetcher(args.images))
    workflow = await asyncio.to_thread(load_workflow, Path(args.workflow), object_info)
    model.load(workflow, object_info)
    window = QMainWindow()
    window.setWindowTitle(Path(args.workflow).name)
    window.setCentralWidget(view)
    window.resize(args.width, args.height)
    window.show()
    if args.save:
        await asyncio.sleep(1.0)
        window.grab().save(str(args.save))
        await view.aclose()
        return
    closed = asyncio.Event()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.lastWindowClosed.connect(closed.set)
    await closed.wait()
    await view.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workflow")
    parser.add_argument("object_info")
    parser.add_argument("--images", type=Path)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--width", type=int, default=440)
    parser.add_argument("--height", type=int, default=860)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(_show(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
