"""Safe names and never-overwriting, atomic writes for server-provided file names."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.library.errors import UnsafePathError
from desktop.library.files import (
    MAX_NAME_BYTES,
    ensure_inside,
    is_temp_file,
    name_for_content,
    safe_filename,
    sniff_extension,
    write_new_file,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../x.png", "x.png"),
        ("..\\..\\x.png", "x.png"),
        ("/etc/passwd", "passwd"),
        ("C:\\Windows\\evil.png", "evil.png"),
        ("C:evil.png", "C_evil.png"),
        ("\\\\?\\UNC\\server\\share\\a.png", "a.png"),
        ("CON.png", "_CON.png"),
        ("nul", "_nul"),
        ("com1.tar.gz", "_com1.tar.gz"),
        ("LPT9", "_LPT9"),
        ("Aux .png", "_Aux .png"),
        ("CONSOLE.png", "CONSOLE.png"),
        ("a\x00b\x1fc\x7f.png", "abc.png"),
        ("x\u202egnp.exe", "xgnp.exe.bin"),
        ("..", "image"),
        ("...", "image"),
        ("", "image"),
        (".bashrc", "bashrc"),
        ("name. . ", "name"),
        ('what?<is>*"this"|.png', "what__is___this__.png"),
        ("猫の絵.png", "猫の絵.png"),
        ("🦊 fox.png", "🦊 fox.png"),
        ("e\u0301.png", "\u00e9.png"),
        ("ComfyUI_00001_.png", "ComfyUI_00001_.png"),
    ],
)
def test_safe_filename(raw: str, expected: str) -> None:
    assert safe_filename(raw) == expected


def test_long_names_are_cut_on_character_boundaries_keeping_the_extension() -> None:
    ascii_name = safe_filename("a" * 300 + ".png")
    assert ascii_name == "a" * (MAX_NAME_BYTES - 4) + ".png"
    cjk = safe_filename("猫" * 100 + ".png")  # 3 bytes per character
    assert cjk == "猫" * ((MAX_NAME_BYTES - 4) // 3) + ".png"
    emoji = safe_filename("🦊" * 100)  # 4 bytes each, no extension
    assert emoji == "🦊" * (MAX_NAME_BYTES // 4)


_RESERVED_STEMS = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{d}{n}" for d in ("COM", "LPT") for n in "0123456789¹²³"
}


@given(st.text(max_size=400))
def test_any_text_gives_a_plain_bounded_name(raw: str) -> None:
    name = safe_filename(raw)
    assert name
    assert "/" not in name
    assert "\\" not in name
    assert name not in {".", ".."}
    assert not name.startswith(".")
    assert not name.endswith((".", " "))
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert not any(unicodedata.category(ch) == "Cc" for ch in name)
    assert name.split(".", 1)[0].rstrip(" ").upper() not in _RESERVED_STEMS
    assert unicodedata.is_normalized("NFC", name)
    assert safe_filename(name) == name


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("x.png", PNG, "x.png"),
        ("x.jpeg", b"\xff\xd8\xff\xe0rest", "x.jpeg"),
        ("x.png", b"\xff\xd8\xff\xe0rest", "x.jpg"),
        ("passwd", PNG, "passwd.png"),
        ("evil.exe", PNG, "evil.png"),
        ("clip.webp", b"RIFF\0\0\0\0WEBPVP8 ", "clip.webp"),
        ("movie.mp4", b"\0\0\0\x18ftypisom", "movie.mp4"),
        ("notes.txt", b"hello", "notes.txt"),
        ("payload.exe", b"MZ\x90\0", "payload.exe.bin"),
        ("script.sh", b"#!/bin/sh", "script.sh.bin"),
    ],
)
def test_extension_tells_the_truth_about_the_bytes(name: str, data: bytes, expected: str) -> None:
    assert name_for_content(name, data) == expected


def test_sniff_extension_unknown_is_none() -> None:
    assert sniff_extension(b"plain text") is None
    assert sniff_extension(b"") is None


def test_write_new_file_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "images" / "2025-01"
    first = write_new_file(tmp_path, folder, "x.png", b"one")
    second = write_new_file(tmp_path, folder, "x.png", b"two")
    third = write_new_file(tmp_path, folder, "x.png", b"three")
    assert [first.name, second.name, third.name] == ["x.png", "x-1.png", "x-2.png"]
    assert [p.read_bytes() for p in (first, second, third)] == [b"one", b"two", b"three"]
    # No temp files are left behind.
    assert sorted(p.name for p in folder.iterdir()) == ["x-1.png", "x-2.png", "x.png"]


def test_write_new_file_cleans_up_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        write_new_file(tmp_path, tmp_path / "d", "x.png", b"data")
    assert list((tmp_path / "d").iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_symlinked_folder_pointing_outside_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "images").symlink_to(outside)
    with pytest.raises(UnsafePathError, match="outside the library folder"):
        write_new_file(root, root / "images", "x.png", b"data")
    assert list(outside.iterdir()) == []


def test_ensure_inside(tmp_path: Path) -> None:
    assert ensure_inside(tmp_path, tmp_path / "a" / "b.png") == (tmp_path / "a/b.png").resolve()
    with pytest.raises(UnsafePathError):
        ensure_inside(tmp_path / "root", tmp_path / "root" / ".." / "x.png")


def test_temp_file_names_are_recognised() -> None:
    assert is_temp_file(Path(".comfydesk-abc123.part"))
    assert not is_temp_file(Path("comfydesk-abc123.png"))
