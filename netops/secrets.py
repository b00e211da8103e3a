"""Resolve secret references: environment variables or entries of a secrets file outside git.

The inventory holds only references ({env: NAME} or {secret: KEY}); values exist in memory
only while a command needs them and are never logged or printed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

import yaml

from netops.errors import SecretError
from netops.inventory.model import SecretRef

SECRETS_FILE_ENV = "NETOPS_SECRETS_FILE"


def secrets_file_path(configured: str | None, env: Mapping[str, str] | None = None) -> Path | None:
    """The secrets file: $NETOPS_SECRETS_FILE wins over the inventory's `settings.secrets_file`."""
    env = os.environ if env is None else env
    raw = env.get(SECRETS_FILE_ENV) or configured
    return Path(os.path.expanduser(raw)) if raw else None


def load_secrets_file(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise SecretError(f"secrets file {path} does not exist") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise SecretError(f"secrets file {path}{line} is not valid YAML") from None
    if not isinstance(data, dict):
        raise SecretError(f"secrets file {path}: expected a mapping of key: value")
    return {str(k): str(v) for k, v in data.items()}


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
        if self._file is None:
            if self._path is None:
                raise SecretError(
                    f"{ref} needs a secrets file: set {SECRETS_FILE_ENV} or settings.secrets_file"
                )
            self._file = load_secrets_file(self._path)
        if ref.secret not in self._file:
            raise SecretError(f"{ref} is not in the secrets file {self._path}")
        return self._file[ref.secret]
