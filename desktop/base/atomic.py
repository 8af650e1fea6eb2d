"""Writing files so that no reader -- and no crash or kill -- ever sees half of one.

Every write goes to a hidden temp file in the target's own folder (same file system, so the
final rename is atomic), is fsynced, and then renamed into place. Files are created with mode
0o666 minus the umask, like any other program's files (``mkstemp`` would make them 0600).
A kill leaves at most a ``.comfydesk-*.part`` file, never a visible empty or partial file.
Blocking: call these through ``asyncio.to_thread`` from the event loop.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".comfydesk-"
TEMP_SUFFIX = ".part"

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def is_temp_file(path: Path) -> bool:
    return path.name.startswith(TEMP_PREFIX) and path.name.endswith(TEMP_SUFFIX)


def fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory for fsync; NTFS journals the rename.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_temp(directory: Path) -> tuple[int, Path]:
    """A new, empty temp file in ``directory``: (file descriptor, path)."""
    while True:
        path = directory / f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"
        try:
            return os.open(path, _CREATE | _NOFOLLOW, 0o666), path
        except FileExistsError:
            continue


def write_temp(directory: Path, data: bytes | str, *, sync: bool = True) -> Path:
    """``data`` in a new temp file in ``directory`` (str is written as UTF-8)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = open_temp(directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
    except BaseException:
        discard(tmp)
        raise
    return tmp


def discard(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            os.unlink(path)


@contextlib.contextmanager
def replacing(path: Path, *, sync: bool = True, make_parents: bool = False) -> Iterator[BinaryIO]:
    """Write the new content of ``path`` into the yielded binary file; when the block ends
    without an error it replaces ``path`` in one step, else ``path`` is left untouched."""
    path = Path(path)
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = open_temp(path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        discard(tmp)
        raise
    if sync:
        fsync_dir(path.parent)


def atomic_write(
    path: Path, data: bytes | str, *, sync: bool = True, make_parents: bool = False
) -> Path:
    """Create or replace ``path`` with ``data`` (str is written as UTF-8) in one step."""
    with replacing(path, sync=sync, make_parents=make_parents) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


def _candidates(name: str, pattern: str) -> Iterator[str]:
    stem, ext = os.path.splitext(name)
    yield name
    for n in range(1, 1000):
        yield pattern.format(stem=stem, n=n, ext=ext)
    while True:
        yield f"{stem}-{secrets.token_hex(4)}{ext}"


def _link_or_claim(tmp: Path, target: Path) -> bool:
    """Give ``tmp``'s content the name ``target`` unless that name exists. A hard link does it
    in one step; where links are not supported, claim the name (O_EXCL) and rename over it."""
    try:
        os.link(tmp, target, follow_symlinks=False)
    except FileExistsError:
        return False
    except (OSError, NotImplementedError):
        try:
            os.close(os.open(target, _CREATE | _NOFOLLOW, 0o666))
        except FileExistsError:
            return False
        try:
            os.replace(tmp, target)
        except BaseException:
            discard(target)
            raise
        return True
    discard(tmp)
    return True


def move_new(tmp: Path, directory: Path, name: str, *, pattern: str = "{stem}-{n}{ext}") -> Path:
    """Give the finished temp file ``tmp`` (in ``directory``) a fresh name: ``name``, else
    ``pattern`` with n = 1, 2, … (never overwrites). ``name`` must already be safe."""
    try:
        for candidate in _candidates(name, pattern):
            target = directory / candidate
            if _link_or_claim(tmp, target):
                return target
    except BaseException:
        discard(tmp)
        raise
    raise AssertionError("unreachable")  # _candidates never ends


def write_new(
    directory: Path,
    name: str,
    data: bytes,
    *,
    sync: bool = True,
    pattern: str = "{stem}-{n}{ext}",
) -> Path:
    """Write ``data`` under a fresh name in ``directory``: never overwrites, never half-written.
    ``name`` must already be safe (see ``names.safe_filename``)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = write_temp(directory, data, sync=sync)
    final = move_new(tmp, directory, name, pattern=pattern)
    if sync:
        fsync_dir(directory)
    return final
