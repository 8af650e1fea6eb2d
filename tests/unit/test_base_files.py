"""The base layer's one atomic writer and one file-name sanitiser."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop.base import atomic
from desktop.base.names import MAX_NAME_BYTES, safe_filename

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ComfyUI_00001_.png", "ComfyUI_00001_.png"),
        ("x\u202egnp.exe", "xgnp.exe.bin"),  # shown as "xexe.png" with the override
        ("a\u2066b\u2069\u200d.png", "ab.png"),  # isolates and zero-width joiner
        ("COM¹.png", "_COM¹.png"),
        ("lpt².txt", "_lpt².txt"),
        ("CONIN$", "_CONIN$"),
        ("nul.tar.gz", "_nul.tar.gz"),
        ("picture.png. . ", "picture.png"),
        ("run.BAT", "run.BAT.bin"),
        ("x.scr", "x.scr.bin"),
        ("payload.exe", "payload.exe.bin"),
        ("..\\..\\startup\\evil.cmd", "evil.cmd.bin"),
        ("/etc/cron.d/job", "job"),
        ("..", "image"),
        ("a\tb\nc.png", "abc.png"),
    ],
)
def test_safe_filename_neutralises_hostile_names(raw: str, expected: str) -> None:
    assert safe_filename(raw) == expected
    assert safe_filename(expected) == expected  # stable


def test_executable_endings_may_be_kept_where_a_stricter_rule_follows() -> None:
    assert safe_filename("tool.exe", executable_ok=True) == "tool.exe"


def test_long_executable_name_keeps_the_bin_ending() -> None:
    name = safe_filename("a" * 300 + ".exe")
    assert name.endswith(".bin")
    assert len(name.encode()) <= MAX_NAME_BYTES


def test_atomic_write_replaces_and_respects_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "settings.json"
    atomic.atomic_write(path, "one", make_parents=True)
    atomic.atomic_write(path, b"two")
    assert path.read_bytes() == b"two"
    if os.name == "posix":
        umask = os.umask(0)
        os.umask(umask)
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]


def test_a_missing_folder_is_an_error_unless_asked_for(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic.atomic_write(tmp_path / "missing" / "x.json", "{}")
    assert not (tmp_path / "missing").exists()


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "w" / "journal.json"
    atomic.atomic_write(path, "old", make_parents=True)

    def write_half() -> None:
        with atomic.replacing(path) as fh:
            fh.write(b"half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_half()
    assert path.read_text() == "old"
    assert [p.name for p in path.parent.iterdir()] == ["journal.json"]


def test_write_new_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    names = [atomic.write_new(folder, "x.png", bytes([n])).name for n in range(3)]
    assert names == ["x.png", "x-1.png", "x-2.png"]
    assert (folder / "x-2.png").read_bytes() == b"\x02"
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


def test_move_new_does_not_follow_a_planted_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "x.png").symlink_to(outside)
    path = atomic.write_new(folder, "x.png", b"new")
    assert path.name == "x-1.png"
    assert outside.read_text() == "keep"


@pytest.mark.parametrize(
    "writer",
    [
        "FolderSink(out).store(job, output, write_temp(out, data))",
        "write_new_file(out, out, 'x.png', data)",
    ],
)
def test_killed_in_the_middle_of_a_write_leaves_no_visible_file(
    tmp_path: Path, writer: str
) -> None:
    # The process dies (no cleanup, like SIGKILL) with the data written but not yet synced
    # (for the sink: while the download is staged). Nothing visible may exist afterwards.
    out = tmp_path / "out"
    out.mkdir()
    script = textwrap.dedent(
        f"""
        import asyncio, os, sys
        from pathlib import Path
        from desktop.base.atomic import write_temp
        from desktop.comfy.types import ImageRef
        from desktop.jobs.model import JobOutput, JobSnapshot, JobState
        from desktop.jobs.sinks import FolderSink
        from desktop.library.files import write_new_file
        out = Path(sys.argv[1])
        data = b"x" * 100_000
        job = JobSnapshot(id="j", state=JobState.RUNNING, title="t", created=0.0, prompt={{}})
        output = JobOutput("9", ImageRef("x.png"), 0)
        def die(fd):
            os._exit(9)
        os.fsync = die
        async def main():
            return {writer}
        asyncio.run(main()) if "store" in {writer!r} else main().send(None)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(out)], cwd=ROOT, timeout=60, check=False
    )
    assert done.returncode == 9
    visible = [p.name for p in out.iterdir() if not p.name.startswith(".")]
    assert visible == []
