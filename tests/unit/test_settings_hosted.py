"""Hosted workflow connections in the settings file: address and named workflow ids round-trip,
the file never holds a key, and malformed entries fall back to defaults."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.settings import (
    DEFAULT_HOSTED_URL,
    HostedConnection,
    HostedWorkflow,
    Settings,
    SettingsStore,
    hosted_secret_key,
)


def test_hosted_connection_round_trips(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    connection = HostedConnection(
        "https://svc.example", (HostedWorkflow("wf-a", "Portraits"), HostedWorkflow("wf-b"))
    )
    settings = Settings(backend="hosted", hosted=connection).with_file_workflow("/x.json", "wf-b")
    store.save(settings)
    loaded = store.load()
    assert loaded.backend == "hosted"
    assert loaded.hosted == connection
    assert loaded.hosted.workflow("wf-b") == HostedWorkflow("wf-b")
    assert loaded.hosted_workflow_for_file == {"/x.json": "wf-b"}
    assert "key" not in json.loads(store.path.read_text("utf-8"))["hosted"]


def test_malformed_hosted_entries_fall_back() -> None:
    loaded = Settings.from_json(
        {
            "backend": "cloud",
            "hosted": {"base_url": "ftp://x", "workflows": [{"workflow_id": " "}, "wf", {}]},
            "hosted_workflow_for_file": {"a": 1, "b": "wf-b"},
        }
    )
    assert loaded.backend == "comfyui"
    assert loaded.hosted == HostedConnection(DEFAULT_HOSTED_URL, ())
    assert loaded.hosted_workflow_for_file == {"b": "wf-b"}


def test_file_choices_keep_the_newest() -> None:
    settings = Settings()
    for n in range(250):
        settings = settings.with_file_workflow(f"/f{n}.json", "wf")
    settings = settings.with_file_workflow("/f0.json", "wf-new")
    assert len(settings.hosted_workflow_for_file) == 200
    assert list(settings.hosted_workflow_for_file)[-1] == "/f0.json"


def test_the_key_entry_is_apart_from_a_comfyui_token() -> None:
    assert hosted_secret_key("https://svc.example") != "https://svc.example"
