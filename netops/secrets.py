"""Resolve secret references: environment variables, entries of a secrets file outside git,
or files that hold one secret each (systemd credentials, mounted secrets).

The inventory holds only references ({env: NAME}, {secret: KEY} or {file: PATH}); values
exist in memory only while a command needs them and are never logged or printed. Files that
hold secrets are refused when group or others can read them, as ssh refuses such a key.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Mapping

from netops.errors import SecretError
from netops.inventory.model import SecretRef

SECRETS_FILE_ENV = "NETOPS_SECRETS_FILE"
CREDENTIALS_ENV = "CREDENTIALS_DIRECTORY"  # set by systemd for LoadCredential=


def secrets_file_path(configured: str | None, env: Mapping[str, str] | None = None) -> Path | None:
    """The secrets file: $NETOPS_SECRETS_FILE, then the config file's `secrets_file`, then the
    inventory's `settings.secrets_file`."""
    env = os.environ if env is None else env
    raw = env.get(SECRETS_FILE_ENV)
    if not raw:
        from netops import configfile

        from_config = configfile.current().secrets_file if configfile.config_path() else None
        raw = str(from_config) if from_config else configured
    return Path(os.path.expanduser(raw)) if raw else None


def read_private(path: Path, what: str) -> str:
    """A file's text, refused unless only its owner can read it (mode 0600/0400)."""
    try:
        with open(path, encoding="utf-8") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise SecretError(f"{what} {path} is readable by group or others (mode {stat.S_IMODE(mode):04o}): "
                                  f"refused; run chmod 600 {path}")
            return handle.read()
    except FileNotFoundError:
        raise SecretError(f"{what} {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"{what} {path} cannot be read: {getattr(exc, 'strerror', None) or exc}") from None


def load_secrets_file(path: Path | None) -> dict[str, str]:
    import yaml

    if path is None:
        return {}
    text = read_private(path, "secrets file")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise SecretError(f"secrets file {path}{line} is not valid YAML") from None
    if not isinstance(data, dict):
        raise SecretError(f"secrets file {path}: expected a mapping of key: value")
    return {str(k): str(v) for k, v in data.items()}


def secret_file_path(ref_path: str, env: Mapping[str, str]) -> Path:
    """{file: PATH}: absolute, or relative to systemd's credentials directory when it is set."""
    path = Path(os.path.expanduser(ref_path))
    if not path.is_absolute() and env.get(CREDENTIALS_ENV):
        return Path(env[CREDENTIALS_ENV]) / path
    return path


class SecretResolver:
    """Looks secrets up on demand; holds the secrets file's values only after first use."""

    def __init__(self, secrets_file: Path | None = None, env: Mapping[str, str] | None = None):
        self._path = secrets_file
        self._env = os.environ if env is None else env
        self._file: dict[str, str] | None = None

    def resolve(self, ref: SecretRef) -> str:
        if ref.env is not None:
            value = self._env.get(ref.env)
            if value is None:
                raise SecretError(f"environment variable {ref.env} is not set (needed for {ref})")
            return value
        if ref.file is not None:
            return read_private(secret_file_path(ref.file, self._env), "secret file").removesuffix("\n")
        if self._file is None:
            if self._path is None:
                raise SecretError(
                    f"{ref} needs a secrets file: set {SECRETS_FILE_ENV} or settings.secrets_file"
                )
            self._file = load_secrets_file(self._path)
        if ref.secret not in self._file:
            raise SecretError(f"{ref} is not in the secrets file {self._path}")
        return self._file[ref.secret]
