"""Config backups in a git repository: one file per device, one commit per run (Oxidized-style).

Files hold masked configs only. Each run commits, even when no config changed, so the
history records every run and the devices that failed in it. Even masked, a config maps the
network: the repository is mode 0700 and every config file 0600.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from netops.errors import NetopsError


class BackupStoreError(NetopsError):
    """The backup repository could not be written (reported as a message, not a traceback)."""


DIR_MODE = 0o700
FILE_MODE = 0o600
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _git(repo: Path, *args: str, input: str | None = None) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, input=input)
    if proc.returncode != 0:
        raise BackupStoreError(f"git {' '.join(args[:2])} in {repo}: {proc.stderr.strip()}")
    return proc.stdout


class BackupStore:
    def __init__(self, path: Path):
        self.path = Path(path)

    def ensure(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        os.chmod(self.path, DIR_MODE)  # also tightens a repository made by an older netops
        if not (self.path / ".git").exists():
            _git(self.path, "init", "-q")
            _git(self.path, "config", "user.name", "netops backup")
            _git(self.path, "config", "user.email", "netops@localhost")

    def file_for(self, device: str) -> Path:
        if not _SAFE.match(device):
            raise BackupStoreError(f"device name {device!r} cannot be a file name")
        return self.path / f"{device}.cfg"

    def write(self, device: str, config: str) -> None:
        text = config if config.endswith("\n") else config + "\n"
        fd = os.open(self.file_for(device), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            os.fchmod(f.fileno(), FILE_MODE)  # an existing file keeps its mode on open
            f.write(text)

    def commit_configs(self, configs: dict[str, str], message: str) -> str:
        """Write these (already masked) configs and commit them; return the commit id.

        A push calls this with every target's pre-change config before it touches a device,
        so the rollback point is in git even if netops is killed.
        """
        self.ensure()
        for device, config in configs.items():
            self.write(device, config)
        self.commit(message)
        return _git(self.path, "rev-parse", "HEAD").strip()  # the commit holding them, new or not

    def read(self, device: str, revision: str = "HEAD") -> str:
        return _git(self.path, "show", f"{revision}:{device}.cfg")

    def commit(self, message: str) -> str:
        """Commit every change in the store; return the new commit id."""
        _git(self.path, "add", "-A")
        _git(self.path, "commit", "-q", "--allow-empty", "-F", "-", input=message)
        return _git(self.path, "rev-parse", "HEAD").strip()

    def changed_files(self, commit: str = "HEAD") -> list[str]:
        out = _git(self.path, "show", "--name-only", "--format=", commit)
        return [line for line in out.splitlines() if line]

    def log(self, limit: int = 20) -> list[str]:
        if not (self.path / ".git").exists():
            return []
        try:
            return _git(self.path, "log", f"-{limit}", "--format=%h %s").splitlines()
        except BackupStoreError:
            return []
