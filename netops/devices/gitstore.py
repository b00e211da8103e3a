"""Config backups in a git repository: one file per device, one commit per run (Oxidized-style).

Files hold masked configs only. Each run commits, even when no config changed, so the
history records every run and the devices that failed in it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from netops.errors import NetopsError


class BackupStoreError(NetopsError):
    """The backup repository could not be written (reported as a message, not a traceback)."""

    exit_code = 3


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
        self.path.mkdir(parents=True, exist_ok=True)
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
        self.file_for(device).write_text(text, encoding="utf-8")

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
