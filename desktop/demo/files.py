"""The demo's input/output/temp folders and ComfyUI's path rules for them. Everything here
is synchronous file-system work; callers run it in a worker thread."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ANNOTATIONS = {"[output]": "output", "[input]": "input", "[temp]": "temp"}


class SaveOutsideOutputError(Exception):
    pass


@dataclass(frozen=True)
class SaveTarget:
    folder: Path
    filename: str
    counter: int
    subfolder: str


class Folders:
    """A temp root owned by the server with input/, output/ and temp/ inside."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="comfydesk-demo-"))
        self.input = self.root / "input"
        self.output = self.root / "output"
        self.temp = self.root / "temp"
        for folder in (self.input, self.output, self.temp):
            folder.mkdir()

    def by_type(self, kind: str | None) -> Path | None:
        return {"input": self.input, "output": self.output, "temp": self.temp}.get(kind or "")

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def input_files(self) -> list[str]:
        return sorted(entry.name for entry in os.scandir(self.input) if entry.is_file())

    def annotated(self, name: str) -> tuple[str, Path | None]:
        """'x.png [output]' -> ('x.png', output folder); no annotation -> (name, None)."""
        for suffix, kind in ANNOTATIONS.items():
            if name.endswith(suffix):
                return name[: -(len(suffix) + 1)], self.by_type(kind)
        return name, None

    def annotated_exists(self, name: str) -> bool:
        """LoadImage's validation; unlike the real server it never looks outside the folder."""
        return self.resolve_input_image(name) is not None

    def resolve_input_image(self, name: str) -> Path | None:
        filename, folder = self.annotated(name)
        folder = folder or self.input
        path = (folder / filename).resolve()
        return path if inside(folder, path) and path.is_file() else None


def inside(folder: Path, path: Path) -> bool:
    folder = folder.resolve()
    return path == folder or folder in path.parents


def save_target(prefix: str, output_dir: Path, width: int, height: int) -> SaveTarget:
    """Where SaveImage writes: subfolders from the prefix, and the next free 5-digit counter."""
    if "%" in prefix:
        now = time.localtime()
        for token, value in (
            ("%width%", str(width)),
            ("%height%", str(height)),
            ("%year%", str(now.tm_year)),
            ("%month%", f"{now.tm_mon:02}"),
            ("%day%", f"{now.tm_mday:02}"),
            ("%hour%", f"{now.tm_hour:02}"),
            ("%minute%", f"{now.tm_min:02}"),
            ("%second%", f"{now.tm_sec:02}"),
        ):
            prefix = prefix.replace(token, value)
    normalized = os.path.normpath(prefix)
    subfolder = os.path.dirname(normalized)
    filename = os.path.basename(normalized)
    folder = Path(os.path.abspath(output_dir / subfolder))
    if not inside(output_dir, folder):
        raise SaveOutsideOutputError(
            "**** ERROR: Saving image outside the output folder is not allowed."
            f"\n full_output_folder: {folder}\n         output_dir: {output_dir}"
        )
    counter = 1
    if folder.is_dir():
        used = [
            _counter_of(name, filename)
            for name in os.listdir(folder)
            if name.startswith(filename + "_")
        ]
        counter = max([n for n in used if n is not None], default=0) + 1
    else:
        folder.mkdir(parents=True, exist_ok=True)
    return SaveTarget(folder, filename, counter, subfolder)


def _counter_of(name: str, filename: str) -> int | None:
    rest = name[len(filename) + 1 :]
    digits = rest.split("_")[0]
    return int(digits) if digits.isdigit() else 0


def store_upload(
    upload_dir: Path, subfolder: str, filename: str, data: bytes, overwrite: bool
) -> str | None:
    """Write an uploaded file like /upload/image does; None if the name escapes the folder.

    Without overwrite, an existing file with the same content is reused, otherwise the name
    gets " (1)", " (2)", ... before the extension.
    """
    folder = Path(os.path.join(upload_dir, os.path.normpath(subfolder)))
    path = Path(os.path.abspath(folder / filename))
    if not inside(upload_dir, path):
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    stem, ext = os.path.splitext(filename)
    if not overwrite:
        digest = hashlib.sha256(data).hexdigest()
        index = 1
        while path.exists():
            if hashlib.sha256(path.read_bytes()).hexdigest() == digest:
                return filename
            filename = f"{stem} ({index}){ext}"
            path = folder / filename
            index += 1
    path.write_bytes(data)
    return filename
