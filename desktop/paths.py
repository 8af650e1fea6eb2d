"""Where ComfyDesk keeps its files.

Every location can be redirected with an environment variable so that tests (and portable
installs) never touch the user's real configuration, library or logs.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ComfyDesk"

_ENV = {
    "config": "COMFYDESK_CONFIG_DIR",
    "data": "COMFYDESK_DATA_DIR",
    "cache": "COMFYDESK_CACHE_DIR",
    "log": "COMFYDESK_LOG_DIR",
}


def _resolve(kind: str) -> Path:
    override = os.environ.get(_ENV[kind])
    if override:
        return Path(override)
    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return {
        "config": dirs.user_config_path,
        "data": dirs.user_data_path,
        "cache": dirs.user_cache_path,
        "log": dirs.user_log_path,
    }[kind]


def config_dir() -> Path:
    return _resolve("config")


def data_dir() -> Path:
    """Default data folder; the library location in Preferences may point elsewhere."""
    return _resolve("data")


def cache_dir() -> Path:
    return _resolve("cache")


def log_dir() -> Path:
    return _resolve("log")
