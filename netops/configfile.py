"""The netops configuration file: site-wide defaults for every command.

Looked up once per process: $NETOPS_CONFIG if set (it must exist), else
~/.config/netops/netops.yaml ($XDG_CONFIG_HOME), else /etc/netops/netops.yaml. Precedence is
flag > environment variable > this file > built-in default (docs/configuration.md). Relative
paths in the file are relative to the file's directory.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from netops.errors import NetopsError

if TYPE_CHECKING:
    from netops.configschema import Config

CONFIG_ENV = "NETOPS_CONFIG"
SYSTEM_CONFIG = Path("/etc/netops/netops.yaml")
STATE_DIR_ENV = "NETOPS_STATE_DIR"
DEFAULT_STATE_DIR = Path("out")


class ConfigError(NetopsError):
    exit_code = 2


# config key -> the CLI parameter names it supplies a default for (click's default_map)
OPTION_KEYS: dict[str, tuple[str, ...]] = {
    "inventory": ("inventory",),
    "templates": ("templates",),
    "profiles": ("profiles",),
    "backup_dir": ("repo",),
    "audit_state": ("state", "audit_state"),
    "exporter_listen": ("listen",),
    "log_level": ("log_level",),
    "log_format": ("log_format",),
}


def config_path(env: Mapping[str, str] | None = None) -> Path | None:
    env = os.environ if env is None else env
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    base = Path(env.get("XDG_CONFIG_HOME") or Path(env.get("HOME") or "~").expanduser() / ".config")
    for candidate in (base / "netops" / "netops.yaml", SYSTEM_CONFIG):
        if candidate.is_file():
            return candidate
    return None


def parse_config(text: str, source: Path) -> Config:
    import yaml
    from pydantic import ValidationError

    from netops.configschema import Config

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else str(source)
        raise ConfigError(f"{where}: not valid YAML") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of settings")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{source}: {field}: {first['msg']} ({len(exc.errors())} problem(s); "
                          f"keys are listed in docs/configuration.md)") from None
    base = source.parent
    updates = {name: (base / value.expanduser()) for name, value in config if isinstance(value, Path)}
    return config.model_copy(update={**updates, "source": source})


def load_config(path: Path | None) -> Config:
    if path is None:
        from netops.configschema import Config

        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"config file {path}: {exc.strerror or exc}") from None
    return parse_config(text, path)


@lru_cache(maxsize=1)
def _cached(path: str | None) -> Config:
    return load_config(Path(path) if path else None)


def current() -> Config:
    """The configuration in effect for this process (reread if NETOPS_CONFIG changes)."""
    path = config_path()
    return _cached(str(path) if path else None)


def state_dir() -> Path:
    """Where netops keeps state: $NETOPS_STATE_DIR, the config's state_dir, systemd's
    $STATE_DIRECTORY (a service), else ./out."""
    if os.environ.get(STATE_DIR_ENV):
        return Path(os.environ[STATE_DIR_ENV])
    configured = current().state_dir if config_path() else None
    if configured is not None:
        return configured
    if os.environ.get("STATE_DIRECTORY"):
        return Path(os.environ["STATE_DIRECTORY"].split(":")[0])
    return DEFAULT_STATE_DIR


def audit_state_path() -> Path:
    """The last audit's state file when no flag or env var names one."""
    configured = current().audit_state if config_path() else None
    return configured or state_dir() / "audit" / "last-audit.json"


def backup_dir() -> Path:
    """The backup repository when no flag or env var names one."""
    configured = current().backup_dir if config_path() else None
    return configured or state_dir() / "backups"


def option_defaults() -> dict[str, object]:
    """Parameter name -> default value from the config file, for every option a key maps to.
    Without a config file nothing is imported or parsed (start-up time)."""
    values: dict[str, object] = {}
    if config_path() is None:
        return values
    config = current()
    for key, params in OPTION_KEYS.items():
        value = getattr(config, key)
        if value is not None:
            for param in params:
                values[param] = str(value)
    return values
