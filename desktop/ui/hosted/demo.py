"""``comfydesk --demo-hosted``: the hosted workflow stand-in, in-process, with its demo key and
workflows, and the parameter lists its console would let the artist save (written to the data
folder so "Open" finds them)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from desktop import paths
from desktop.demo.hosted import DEMO_KEY, IMG2IMG_ID, TXT2IMG_ID, HostedDemoServer
from desktop.demo.hosted.__main__ import write_files
from desktop.settings import HostedConnection, HostedWorkflow
from desktop.ui.hosted.backend import HostedBackend

log = logging.getLogger("comfydesk.ui")

DEMO_RUN_SECONDS = 3.0


class HostedDemo:
    """Owns the stand-in; ``stop()`` ends it (after the backend has closed its session)."""

    def __init__(self, backend: HostedBackend, folder: Path | None = None) -> None:
        self._backend = backend
        self.folder = folder or paths.data_dir() / "hosted-demo"
        self.server: HostedDemoServer | None = None

    def dump_path(self, workflow_id: str = TXT2IMG_ID) -> Path:
        return self.folder / f"{workflow_id}.params.json"

    async def start(self, run_seconds: float = DEMO_RUN_SECONDS) -> Path:
        """Start the stand-in (once), connect to it and return the txt2img parameter list."""
        if self.server is None:
            server = HostedDemoServer(run_seconds=run_seconds)
            await server.start(port=0)
            self.server = server
            await asyncio.to_thread(write_files, server, self.folder)
        connection = HostedConnection(
            self.server.url,
            (
                HostedWorkflow(TXT2IMG_ID, "Demo text to image"),  # i18n: ignore
                HostedWorkflow(IMG2IMG_ID, "Demo image to image"),  # i18n: ignore
            ),
        )
        await self._backend.connect_to(connection, DEMO_KEY, demo=True)
        return self.dump_path()

    async def stop(self) -> None:
        if self.server is not None:
            server, self.server = self.server, None
            await server.stop()
