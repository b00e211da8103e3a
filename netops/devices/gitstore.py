"""Config backups in a git repository: one file per device (Oxidized-style).

Files hold masked configs only. A backup run commits only when a config changed (one commit
per run or per changed device), then pushes to every configured remote (the off-site copy);
a remote that fails is reported and simply pushed again by the next run. A lock file keeps
two runs from interleaving. Even masked, a config maps the network: the repository is mode
0700 and every config file 0600.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from netops.errors import NetopsError


class BackupStoreError(NetopsError):
    """The backup repository could not be written (reported as a message, not a traceback).
    Exit 3: could not run."""

    exit_code = 3


DIR_MODE = 0o700
FILE_MODE = 0o600
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


_AUTHOR = re.compile(r"^(?P<name>[^<>\n]+?)\s*<(?P<email>[^<>\s]+)>$")


class BackupLocked(BackupStoreError):
    """Another run holds the repository (exit 3: could not run now)."""


@dataclass(frozen=True)
class RemotePush:
    remote: str
    ok: bool
    error: str = ""


def _git(repo: Path, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, input=input,
                          env={**os.environ, **env} if env else None)
    if proc.returncode != 0:
        raise BackupStoreError(f"git {' '.join(args[:2])} in {repo}: {proc.stderr.strip()}")
    return proc.stdout


def parse_author(author: str | None) -> tuple[str, str]:
    """'Name <email>' -> (name, email); default 'netops backup <netops@HOSTNAME>'."""
    if not author:
        return "netops backup", f"netops@{socket.gethostname() or 'localhost'}"
    match = _AUTHOR.match(author.strip())
    if not match:
        raise BackupStoreError(f"backup author {author!r}: expected 'Name <email>'")
    return match["name"], match["email"]


class BackupStore:
    def __init__(self, path: Path, author: str | None = None):
        self.path = Path(path)
        self.author = parse_author(author)

    def _identity(self) -> dict[str, str]:
        name, email = self.author
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}

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
        self.commit_changes(message)
        return _git(self.path, "rev-parse", "HEAD").strip()  # the commit holding them, new or not

    def read(self, device: str, revision: str = "HEAD") -> str:
        return _git(self.path, "show", f"{revision}:{device}.cfg")

    def commit(self, message: str) -> str:
        """Commit every change in the store; return the new commit id."""
        _git(self.path, "add", "-A")
        _git(self.path, "commit", "-q", "--allow-empty", "-F", "-", input=message)
        return _git(self.path, "rev-parse", "HEAD").strip()

    def commit_changes(self, message: str, paths: list[str] | None = None) -> str | None:
        """Commit what changed (only `paths` if given); None, and no commit, when nothing did."""
        _git(self.path, "add", "-A", "--", *(paths or ["."]))
        staged = subprocess.run(["git", "-C", str(self.path), "diff", "--cached", "--quiet", "--", *(paths or ["."])])
        if staged.returncode == 0:
            return None
        _git(self.path, "commit", "-q", "-F", "-", "--", *(paths or ["."]), input=message, env=self._identity())
        return _git(self.path, "rev-parse", "HEAD").strip()

    def pending_devices(self) -> list[str]:
        """Devices whose file differs from the last commit (new files included)."""
        out = _git(self.path, "status", "--porcelain", "--untracked-files=all", "--", "*.cfg")
        return sorted(line[3:].strip().removesuffix(".cfg") for line in out.splitlines() if line[3:].strip())

    def replicate(self, remotes: list[str], timeout: float = 120.0) -> list[RemotePush]:
        """Push the current branch to every remote; each failure is reported, none stops the others.
        Whatever a failed push missed goes with the next run's push."""
        if not remotes:
            return []
        branch = _git(self.path, "symbolic-ref", "--short", "HEAD").strip()
        if subprocess.run(["git", "-C", str(self.path), "rev-parse", "-q", "--verify", "HEAD"],
                          capture_output=True).returncode != 0:
            return [RemotePush(remote, False, "nothing committed yet") for remote in remotes]
        outcomes = []
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_SSH_COMMAND": os.environ.get(
            "GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=20")}
        for remote in remotes:
            try:
                proc = subprocess.run(["git", "-C", str(self.path), "push", "--quiet", remote,
                                       f"HEAD:refs/heads/{branch}"], capture_output=True, text=True,
                                      env=env, timeout=timeout)
                error = "" if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["push failed"])[-1]
            except subprocess.TimeoutExpired:
                error = f"no answer within {timeout:.0f} s"
            outcomes.append(RemotePush(remote, not error, error))
        return outcomes

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the repository for one run; a second run fails at once instead of interleaving."""
        self.ensure()
        handle = open(self.path / ".git" / "netops.lock", "a+", encoding="utf-8")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise BackupLocked(f"backup repository {self.path} is in use by {holder}: "
                                   "another backup or push is running") from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}\n")
            handle.flush()
            yield
        finally:
            handle.close()

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
