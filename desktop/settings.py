"""User settings: one typed, frozen dataclass stored as JSON in the user config folder.

Qt-free. Never holds secrets: access tokens and extra headers live in the OS keyring
(:mod:`desktop.secrets`); server URLs are stored without user-info or query strings.
Writes are atomic (temp file + ``os.replace``) so a crash never leaves half a file; a corrupt
file is kept aside as ``settings.json.bad`` and the defaults are used.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit, urlunsplit

from desktop import paths
from desktop.base import atomic

log = logging.getLogger("comfydesk.app")

SETTINGS_FILE = "settings.json"
SCHEMA_VERSION = 1
DEFAULT_SERVER_URL = "http://127.0.0.1:8188"
MAX_RECENT = 10
_HOST_CHARS = re.compile(r"[A-Za-z0-9.\-_:%]+")

Appearance = Literal["system", "light", "dark"]
Backend = Literal["comfyui", "hosted", "farm"]
Language = Literal["system", "en", "zh_CN"]
APPEARANCES: tuple[str, ...] = get_args(Appearance)
LANGUAGES: tuple[str, ...] = get_args(Language)
BACKENDS: tuple[str, ...] = get_args(Backend)
DEFAULT_HOSTED_URL = "https://cloud.infini-ai.com"  # desktop.hosted.types.DEFAULT_BASE_URL
MAX_FILE_WORKFLOWS = 200


class InvalidServerUrl(ValueError):
    """The text is not an http(s) server address we can connect to.

    ``code`` ("empty", "scheme", "host", "credentials", "query", "port") lets the UI show a
    translated sentence; ``str(err)`` is the English one.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalize_server_url(text: str) -> str:
    """``"localhost:8188/"`` -> ``"http://localhost:8188"``; refuses credentials and queries.

    Credentials in a URL would end up in settings and logs, so the UI asks for an access token
    instead.
    """
    text = text.strip()
    if not text:
        raise InvalidServerUrl(
            "empty", "Enter the server address, for example http://127.0.0.1:8188."
        )
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
    except ValueError as err:  # e.g. full-width "：" or "，", refused under NFKC
        raise InvalidServerUrl("host", "The address has no valid host name.") from err
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidServerUrl("scheme", "The address must start with http:// or https://.")
    if not parts.hostname or not _HOST_CHARS.fullmatch(parts.hostname):
        raise InvalidServerUrl("host", "The address has no valid host name.")
    if parts.username or parts.password:
        raise InvalidServerUrl(
            "credentials",
            "Leave user names and passwords out of the address; use the access token field.",
        )
    if parts.query or parts.fragment:
        raise InvalidServerUrl("query", "Leave ?… and #… out of the address.")
    try:
        port = parts.port
    except ValueError as err:
        raise InvalidServerUrl("port", "The port number is not valid.") from err
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path.rstrip("/"), "", ""))


@dataclass(frozen=True)
class ServerOptions:
    """Per-server connection options that are not secret."""

    ca_file: str = ""  # PEM bundle for a self-signed HTTPS server; "" = system trust store
    verify_tls: bool = True


@dataclass(frozen=True)
class HostedWorkflow:
    """One workflow published on the hosted service: its id (``wf-…``) and the artist's name."""

    workflow_id: str
    name: str = ""

    @property
    def shown_name(self) -> str:
        return self.name or self.workflow_id


@dataclass(frozen=True)
class HostedConnection:
    """GenStudio's hosted workflow service: where it is and which workflows to offer. The API
    key lives in the keyring under :func:`hosted_secret_key`, never here."""

    base_url: str = DEFAULT_HOSTED_URL
    workflows: tuple[HostedWorkflow, ...] = ()

    def workflow(self, workflow_id: str) -> HostedWorkflow | None:
        return next((w for w in self.workflows if w.workflow_id == workflow_id), None)


@dataclass(frozen=True)
class FarmServer:
    """One server of a farm (several ComfyUI servers used as one). Its token lives in the
    keyring under its address, as for a single server."""

    url: str
    name: str = ""

    @property
    def shown_name(self) -> str:
        return self.name or self.url.split("://", 1)[-1]


def hosted_secret_key(base_url: str) -> str:
    """The keyring entry of a hosted service's API key (apart from a ComfyUI token kept for
    the same address)."""
    return f"hosted:{base_url}"


@dataclass(frozen=True)
class Settings:
    server_url: str = DEFAULT_SERVER_URL
    recent_servers: tuple[str, ...] = ()
    server_options: Mapping[str, ServerOptions] = field(default_factory=dict)
    connect_on_start: bool = True
    appearance: Appearance = "system"
    language: Language = "system"
    data_folder: str = ""  # "" = desktop.paths.data_dir()
    last_workflow: str = ""
    recent_files: tuple[str, ...] = ()
    window_geometry: str = ""  # base64 of QMainWindow.saveGeometry()
    window_state: str = ""  # base64 of QMainWindow.saveState()
    client_id: str = ""  # one WebSocket client id per install, survives restarts
    backend: Backend = "comfyui"  # what Connect uses: a ComfyUI server or the hosted service
    hosted: HostedConnection = field(default_factory=HostedConnection)
    hosted_workflow_for_file: Mapping[str, str] = field(default_factory=dict)  # path -> wf id
    farm: tuple[FarmServer, ...] = ()  # the servers of the farm, when ``backend`` is "farm"

    def library_folder(self) -> Path:
        return Path(self.data_folder) if self.data_folder else paths.data_dir()

    def options_for(self, url: str) -> ServerOptions:
        return self.server_options.get(url, ServerOptions())

    def with_server(self, url: str, options: ServerOptions | None = None) -> Settings:
        """Remember ``url`` as the current server and put it first in the recent list."""
        recent = (url, *(u for u in self.recent_servers if u != url))[:MAX_RECENT]
        server_options = dict(self.server_options)
        if options is not None:
            if options == ServerOptions():
                server_options.pop(url, None)
            else:
                server_options[url] = options
        return dataclasses.replace(
            self,
            server_url=url,
            recent_servers=recent,
            server_options=server_options,
            backend="comfyui" if self.backend == "farm" else self.backend,
        )

    def with_farm(self, servers: tuple[FarmServer, ...]) -> Settings:
        """Remember the farm and connect to it next time."""
        return dataclasses.replace(self, farm=servers, backend="farm")

    def with_recent_file(self, path: str) -> Settings:
        recent = (path, *(p for p in self.recent_files if p != path))[:MAX_RECENT]
        return dataclasses.replace(self, recent_files=recent, last_workflow=path)

    def with_file_workflow(self, path: str, workflow_id: str) -> Settings:
        """Remember which hosted workflow a file runs as (the newest choices are kept)."""
        chosen = {p: w for p, w in self.hosted_workflow_for_file.items() if p != path}
        chosen[path] = workflow_id
        kept = dict(list(chosen.items())[-MAX_FILE_WORKFLOWS:])
        return dataclasses.replace(self, hosted_workflow_for_file=kept)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["server_options"] = {
            url: dataclasses.asdict(opts) for url, opts in self.server_options.items()
        }
        data["recent_servers"] = list(self.recent_servers)
        data["recent_files"] = list(self.recent_files)
        data["hosted"] = {
            "base_url": self.hosted.base_url,
            "workflows": [dataclasses.asdict(w) for w in self.hosted.workflows],
        }
        data["hosted_workflow_for_file"] = dict(self.hosted_workflow_for_file)
        data["farm"] = [dataclasses.asdict(s) for s in self.farm]
        return {"version": SCHEMA_VERSION, **data}

    @classmethod
    def from_json(cls, data: Any) -> Settings:
        """Build settings from parsed JSON, keeping defaults for anything missing or malformed."""
        if not isinstance(data, Mapping):
            return cls()
        defaults = cls()
        values: dict[str, Any] = {}
        for name in ("server_url", "data_folder", "last_workflow", "client_id"):
            values[name] = _str(data.get(name), getattr(defaults, name))
        for name in ("window_geometry", "window_state"):
            values[name] = _str(data.get(name), "")
        values["connect_on_start"] = _bool(data.get("connect_on_start"), True)
        values["appearance"] = _choice(data.get("appearance"), APPEARANCES, "system")
        values["language"] = _choice(data.get("language"), LANGUAGES, "system")
        values["recent_servers"] = _urls(data.get("recent_servers"))
        values["recent_files"] = _strs(data.get("recent_files"))
        values["server_options"] = _server_options(data.get("server_options"))
        values["backend"] = _choice(data.get("backend"), BACKENDS, "comfyui")
        values["hosted"] = _hosted(data.get("hosted"))
        values["hosted_workflow_for_file"] = _str_map(data.get("hosted_workflow_for_file"))
        values["farm"] = _farm(data.get("farm"))
        if values["backend"] == "farm" and not values["farm"]:
            values["backend"] = "comfyui"
        try:
            values["server_url"] = normalize_server_url(values["server_url"])
        except InvalidServerUrl:
            values["server_url"] = DEFAULT_SERVER_URL
        return cls(**values)


def _str(value: Any, default: str) -> str:
    return value if isinstance(value, str) else default


def _bool(value: Any, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def _choice(value: Any, allowed: tuple[str, ...], default: str) -> Any:
    return value if value in allowed else default


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(v for v in value if isinstance(v, str) and v))[:MAX_RECENT]


def _urls(value: Any) -> tuple[str, ...]:
    urls = []
    for text in _strs(value):
        try:
            urls.append(normalize_server_url(text))
        except InvalidServerUrl:
            continue
    return tuple(dict.fromkeys(urls))


def _server_options(value: Any) -> dict[str, ServerOptions]:
    if not isinstance(value, Mapping):
        return {}
    result = {}
    for url, opts in value.items():
        if not isinstance(url, str) or not isinstance(opts, Mapping):
            continue
        try:
            key = normalize_server_url(url)
        except InvalidServerUrl:
            continue
        result[key] = ServerOptions(
            ca_file=_str(opts.get("ca_file"), ""), verify_tls=_bool(opts.get("verify_tls"), True)
        )
    return result


def _hosted(value: Any) -> HostedConnection:
    if not isinstance(value, Mapping):
        return HostedConnection()
    try:
        url = normalize_server_url(_str(value.get("base_url"), DEFAULT_HOSTED_URL))
    except InvalidServerUrl:
        url = DEFAULT_HOSTED_URL
    raw = value.get("workflows")
    workflows: dict[str, HostedWorkflow] = {}
    for entry in raw if isinstance(raw, list) else ():
        if isinstance(entry, Mapping) and _str(entry.get("workflow_id"), "").strip():
            wf_id = entry["workflow_id"].strip()
            workflows[wf_id] = HostedWorkflow(wf_id, _str(entry.get("name"), "").strip())
    return HostedConnection(url, tuple(workflows.values()))


def _farm(value: Any) -> tuple[FarmServer, ...]:
    servers: dict[str, FarmServer] = {}
    for entry in value if isinstance(value, list) else ():
        if not isinstance(entry, Mapping):
            continue
        try:
            url = normalize_server_url(_str(entry.get("url"), ""))
        except InvalidServerUrl:
            continue
        servers.setdefault(url, FarmServer(url, _str(entry.get("name"), "").strip()))
    return tuple(servers.values())


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    pairs = [(k, v) for k, v in value.items() if isinstance(k, str) and isinstance(v, str)]
    return dict(pairs[-MAX_FILE_WORKFLOWS:])


class SettingsStore:
    """Loads and atomically saves :class:`Settings` in ``folder/settings.json``."""

    def __init__(self, folder: Path | None = None) -> None:
        self.path = (folder or paths.config_dir()) / SETTINGS_FILE

    def load(self) -> Settings:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return self._with_client_id(Settings())
        except OSError as err:
            log.warning("Could not read settings %s: %s; using defaults", self.path, err)
            return self._with_client_id(Settings())
        try:
            data = json.loads(raw)
        except ValueError as err:
            backup = self.path.with_name(SETTINGS_FILE + ".bad")
            log.warning("Settings file is not valid JSON (%s); kept it as %s", err, backup)
            try:
                os.replace(self.path, backup)
            except OSError:
                pass
            return self._with_client_id(Settings())
        return self._with_client_id(Settings.from_json(data))

    def save(self, settings: Settings) -> None:
        payload = json.dumps(settings.to_json(), indent=2, ensure_ascii=False) + "\n"
        atomic.atomic_write(self.path, payload, make_parents=True)

    @staticmethod
    def _with_client_id(settings: Settings) -> Settings:
        if settings.client_id:
            return settings
        return dataclasses.replace(settings, client_id=uuid.uuid4().hex)
