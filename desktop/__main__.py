"""Entry point: ``python -m desktop`` / ``comfydesk``.

Sub-commands without Qt (``run``, ``convert``) are dispatched before anything imports PySide6,
so the headless runner starts fast and works on machines without a display.
"""

from __future__ import annotations

import multiprocessing
import sys

HEADLESS_COMMANDS = ("run", "convert")


def main(argv: list[str] | None = None) -> int:
    # The /object_info parser runs in a spawned worker process; a frozen bundle must hand
    # control to it before anything else runs.
    multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in HEADLESS_COMMANDS:
        from desktop.cli import main as cli_main

        return cli_main(args)
    if args and args[0] in ("--version", "-V"):
        from desktop import __version__

        print(f"ComfyDesk {__version__}")
        return 0
    # Qt's own message for a missing xcb library names the wrong culprit; say which one.
    from desktop.system_libs import check_xcb_libraries

    code = check_xcb_libraries()
    if code is not None:
        return code
    from desktop.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
