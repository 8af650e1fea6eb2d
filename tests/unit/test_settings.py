"""Settings: defaults, round trip, tolerance of bad files, atomic writes, no secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop import paths
from desktop.settings import (
    DEFAULT_SERVER_URL,
    MAX_RECENT,
    FarmServer,
    InvalidServerUrl,
    ServerOptions,
    Settings,
    SettingsStore,
    normalize_server_url,
)


def test_missing_file_gives_defaults_with_a_client_id(isolated_dirs: dict[str, Path]) -> None:
    store = SettingsStore()
    assert store.path == isolated_dirs["config"] / "settings.json"
    settings = store.load()
    assert settings.server_url == DEFAULT_SERVER_URL == "http://127.0.0.1:8188"
    assert settings.appearance == "system"
    assert settings.language == "system"
    assert len(settings.client_id) == 32
    assert settings.library_folder() == paths.data_dir()
    assert not store.path.exists()  # loading never writes


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "cfg")
    original = (
        Settings(
            appearance="dark",
            language="zh_CN",
            data_folder=str(tmp_path / "lib"),
            window_geometry="AAEC",
            window_state="AwQF",
            connect_on_start=False,
            client_id="abc",
        )
        .with_server("https://gpu.example:8443", ServerOptions(ca_file="/etc/ca.pem"))
        .with_server("http://127.0.0.1:8188")
        .with_recent_file("/tmp/a.json")
        .with_recent_file("/tmp/b.png")
    )
    store.save(original)
    loaded = store.load()
    assert loaded == original
    assert loaded.recent_servers == ("http://127.0.0.1:8188", "https://gpu.example:8443")
    assert loaded.recent_files == ("/tmp/b.png", "/tmp/a.json")
    assert loaded.last_workflow == "/tmp/b.png"
    assert loaded.options_for("https://gpu.example:8443") == ServerOptions(ca_file="/etc/ca.pem")
    assert loaded.options_for("http://other:1") == ServerOptions()
    assert loaded.library_folder() == tmp_path / "lib"
    assert [p.name for p in (tmp_path / "cfg").iterdir()] == ["settings.json"]  # no temp left


def test_recent_lists_are_capped_and_deduplicated() -> None:
    settings = Settings()
    for i in range(MAX_RECENT + 5):
        settings = settings.with_server(f"http://host{i}:8188")
    settings = settings.with_server("http://host3:8188")
    assert len(settings.recent_servers) == MAX_RECENT
    assert settings.recent_servers[0] == "http://host3:8188"
    assert settings.recent_servers.count("http://host3:8188") == 1


def test_default_server_options_are_not_stored() -> None:
    settings = Settings().with_server("https://a:1", ServerOptions(ca_file="x.pem"))
    settings = settings.with_server("https://a:1", ServerOptions())
    assert dict(settings.server_options) == {}


def test_corrupt_file_is_kept_aside_and_defaults_used(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.path.write_text("{not json", encoding="utf-8")
    settings = store.load()
    assert settings.server_url == DEFAULT_SERVER_URL
    assert (tmp_path / "settings.json.bad").read_text(encoding="utf-8") == "{not json"
    assert not store.path.exists()


def test_wrong_types_fall_back_per_field(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.path.write_text(
        json.dumps(
            {
                "server_url": "javascript:alert(1)",
                "appearance": "purple",
                "language": "zh_CN",
                "connect_on_start": "yes",
                "recent_servers": ["localhost:8188/", 5, "ftp://x", "http://u:p@h:1"],
                "recent_files": "not a list",
                "server_options": {"https://h:1/": {"ca_file": 3}, "bad url": {}},
                "window_state": None,
                "token": "must-be-ignored",
            }
        ),
        encoding="utf-8",
    )
    settings = store.load()
    assert settings.server_url == DEFAULT_SERVER_URL
    assert settings.appearance == "system"
    assert settings.language == "zh_CN"
    assert settings.connect_on_start is True
    assert settings.recent_servers == ("http://localhost:8188",)
    assert settings.recent_files == ()
    assert dict(settings.server_options) == {"https://h:1": ServerOptions()}
    assert settings.window_state == ""
    store.save(settings)
    assert "must-be-ignored" not in store.path.read_text(encoding="utf-8")


def test_top_level_not_an_object(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.path.write_text("[1, 2]", encoding="utf-8")
    assert store.load().server_url == DEFAULT_SERVER_URL


def test_saved_file_has_no_secret_fields(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.save(Settings().with_server("https://h:1"))
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert not {k for k in data if "token" in k or "header" in k or "password" in k}


def test_failed_write_leaves_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SettingsStore(tmp_path / "cfg")
    store.save(Settings(appearance="dark"))

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        store.save(Settings(appearance="light"))
    monkeypatch.undo()
    assert store.load().appearance == "dark"
    assert [p.name for p in (tmp_path / "cfg").iterdir()] == ["settings.json"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:8188", "http://127.0.0.1:8188"),
        (" HTTP://LocalHost:8188/ ", "http://localhost:8188"),
        ("https://gpu.example/comfy/", "https://gpu.example/comfy"),
        ("http://[::1]:8188", "http://[::1]:8188"),
    ],
)
def test_normalize_server_url(text: str, expected: str) -> None:
    assert normalize_server_url(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("ftp://host", "scheme"),
        ("http://", "host"),
        ("http://bad host:1", "host"),
        ("http://user:pw@host:1", "credentials"),
        ("http://host:1/?token=x", "query"),
        ("http://host:99999", "port"),
        ("服务器组：Desk, Tower", "host"),  # full-width punctuation: urlsplit refuses it
        ("http://gpu，1:8188", "host"),
    ],
)
def test_normalize_server_url_rejects(text: str, code: str) -> None:
    with pytest.raises(InvalidServerUrl) as info:
        normalize_server_url(text)
    assert info.value.code == code
    assert str(info.value)


def test_a_farm_is_remembered_and_one_server_switches_back(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "cfg")
    farm = (FarmServer("http://gpu-1:8188", "Desk"), FarmServer("http://gpu-2:8188"))
    store.save(Settings().with_farm(farm))
    loaded = store.load()
    assert loaded.backend == "farm"
    assert loaded.farm == farm
    assert loaded.farm[1].shown_name == "gpu-2:8188"
    assert loaded.with_server("http://gpu-1:8188").backend == "comfyui"


def test_a_broken_farm_entry_is_dropped_and_an_empty_farm_is_not_used() -> None:
    data = Settings().with_farm((FarmServer("http://a:1"),)).to_json()
    data["farm"] = [{"url": "not a url"}, {"url": "http://a:1/", "name": 3}, "x", {"url": "a:1"}]
    assert Settings.from_json(data).farm == (FarmServer("http://a:1"),)
    data["farm"] = []
    assert Settings.from_json(data).backend == "comfyui"
