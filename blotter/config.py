"""Settings: defaults, then the TOML config file (XDG config dir), then command-line flags, which win."""

from __future__ import annotations

import os
import tomllib
from dataclasses import field, fields, replace
from pathlib import Path
from typing import Any

from blotter.domain.messages import code_effects
from blotter.domain.times import daily
from blotter.records import frozen


class ConfigError(Exception):
    """A bad config file or value; the message is one line for the user."""


@frozen
class Settings:
    host: str = "127.0.0.1"
    port: int = 7497
    client_id: int = 0  # client 0 sees and can bind orders a person enters in TWS itself
    master_client_id: int | None = None  # set it if TWS's "Master API client ID" is this client's id
    account: str = ""
    read_only: bool = False
    theme: str = "dark"
    rate: int = 50  # messages per second to TWS
    connect_timeout: float = 5.0
    confirm_live: bool = True
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key(s), e.g. {"ticket": "n"}
    precautions: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # error code -> info / warning / keeps / fatal
    stuck: dict[str, float] = field(default_factory=dict)  # pending / presubmitted -> seconds (0: off)
    tws: dict[str, str] = field(default_factory=dict)  # restart -> "HH:MM", TWS's daily auto-restart
    demo: bool = False
    headless: bool = False


def config_dir() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "blotter"


def state_dir() -> Path:
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "blotter"


def load(path: Path | None) -> Settings:
    """Settings from a TOML file; the default file may be absent, a named one must exist."""
    named = path is not None
    path = path or config_dir() / "config.toml"
    if not path.exists():
        if named:
            raise ConfigError(f"config file {path} does not exist")
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    return merge(Settings(), data, str(path))


def merge(settings: Settings, values: dict[str, Any], where: str) -> Settings:
    """Settings with `values` applied; an unknown key or a value of the wrong type is a ConfigError."""
    known = {f.name: f for f in fields(Settings)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        default = getattr(Settings(), name)
        if isinstance(default, bool) and not isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be true or false, not {value!r}")
        if isinstance(default, int) and not isinstance(default, bool) and not isinstance(value, int):
            raise ConfigError(f"{where}: {key} must be a whole number, not {value!r}")
        if isinstance(default, float) and not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: {key} must be a number, not {value!r}")
        if isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"{where}: {key} must be text, not {value!r}")
        if default is None and not isinstance(value, int):
            raise ConfigError(f"{where}: {key} must be a whole number, not {value!r}")
        if isinstance(default, dict) and not isinstance(value, dict):
            raise ConfigError(f"{where}: [{key}] must be a table")
        changes[name] = value
    try:
        code_effects(changes.get("errors", {}))
    except ValueError as exc:
        raise ConfigError(f"{where}: [errors] {exc}") from None
    for name, seconds in changes.get("stuck", {}).items():
        if name not in ("pending", "presubmitted") or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ConfigError(f"{where}: [stuck] {name} = {seconds!r}: say pending or presubmitted = seconds (0: off)")
    for name, value in changes.get("tws", {}).items():
        if name != "restart" or not isinstance(value, str) or daily(value) is None:
            raise ConfigError(f"{where}: [tws] {name} = {value!r}: say restart = \"HH:MM\" "
                              "(TWS's daily auto-restart, local time)")
    result = replace(settings, **changes)
    if not 0 < result.port < 65536:
        raise ConfigError(f"{where}: port {result.port} is not a TCP port")
    if result.rate < 1:
        raise ConfigError(f"{where}: rate must be at least 1 message per second")
    return result
