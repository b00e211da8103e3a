"""Rendered configurations on disk: `<out>/<device>.cfg`, and `--check` against a fresh render.

The only I/O of rendering. Files holding resolved secrets are created 0600 from the start
(never written wider and narrowed later). A check never prints a secret: lines matching a
placeholder line are compared with the placeholder as a wildcard, and the diff of a file
written with secrets (mode 0600) is withheld altogether. Resolved secrets never reach git: a
directory holding files git tracks is refused (the next `git commit -a` would take the secrets),
and the directory gets a `.gitignore` of `*` (so `git add -A` passes it by).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal

from netops.render.errors import RenderError
from netops.render.run import RenderResult

SUFFIX = ".cfg"
SECRET_MODE = 0o600
_PLACEHOLDER = re.compile(r"<secret:[^>\s]+>")
_PLACEHOLDER_SPLIT = re.compile(r"(<secret:[^>\s]+>)")
_SAFE_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
GITIGNORE = "# netops render --with-secrets: these files hold resolved secrets; git must never take them\n*\n"


def config_path(out_dir: Path, device: str) -> Path:
    if not _SAFE_FILE.match(device):
        raise RenderError(f"device name {device!r} cannot be used as a file name", device=device)
    return out_dir / f"{device}{SUFFIX}"


@dataclass
class WrittenConfig:
    device: str
    path: Path
    changed: bool


def _write(path: Path, text: str, secret: bool) -> None:
    """Atomic replace; with secrets the temporary file is 0600 before a byte is written."""
    tmp = path.with_name(f".{path.name}.tmp")
    mode = SECRET_MODE if secret else 0o644
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        if secret:
            os.fchmod(fd, SECRET_MODE)  # whatever the umask
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fd = -1
            fh.write(text)
    finally:
        if fd != -1:
            os.close(fd)
    os.replace(tmp, path)


def _git_tracked(directory: Path) -> list[str]:
    """Files git tracks in `directory` (empty outside a repository, or without git)."""
    try:
        proc = subprocess.run(["git", "-C", str(directory), "ls-files", "-z", "--", "."], capture_output=True,
                              timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [p for p in proc.stdout.decode("utf-8", "replace").split("\0") if p] if proc.returncode == 0 else []


def guard_secret_dir(out_dir: Path) -> None:
    """Refuse to put resolved secrets where git already tracks files; else mark the directory ignored."""
    tracked = _git_tracked(out_dir) if out_dir.is_dir() else []
    if tracked:
        raise RenderError(f"--with-secrets: {out_dir} holds {len(tracked)} file(s) tracked by git "
                          f"(e.g. {tracked[0]}); resolved secrets there would be taken by the next "
                          "`git commit -a`: write them to a directory outside the repository")
    out_dir.mkdir(parents=True, exist_ok=True)
    ignore = out_dir / ".gitignore"
    if not ignore.exists() or ignore.read_text(encoding="utf-8", errors="replace") != GITIGNORE:
        _write(ignore, GITIGNORE, False)


def write_configs(results: Iterable[RenderResult], out_dir: Path, *, with_secrets: bool) -> list[WrittenConfig]:
    """Write every rendered result; unchanged files are left alone (same bytes, same mtime)."""
    if with_secrets:
        guard_secret_dir(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for result in results:
        if result.status != "rendered" or result.config is None:
            continue
        path = config_path(out_dir, result.device)
        try:
            current = path.read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            current = None
        changed = current != result.config
        wide = path.exists() and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)
        if changed or (with_secrets and wide):
            _write(path, result.config, with_secrets)
        written.append(WrittenConfig(result.device, path, changed))
    return written


def write_day0(procedures: dict[str, str], out_dir: Path) -> list[Path]:
    """`<device>.day0.txt` beside each configuration (no secrets in them: plain 0644 files)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for device, text in procedures.items():
        path = config_path(out_dir, device).with_suffix(".day0.txt")
        _write(path, text, False)
        paths.append(path)
    return paths


CheckStatus = Literal["same", "differs", "missing", "stale", "failed"]


@dataclass
class ConfigCheck:
    device: str
    status: CheckStatus
    path: Path | None = None
    diff: str | None = None
    reason: str | None = None


def _holds_secrets(path: Path) -> bool:
    return not path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def mask_secrets(fresh: str, on_disk: str) -> str:
    """`on_disk` with each line that matches a placeholder line of `fresh` (any one word standing
    for each `<secret:...>`) replaced by that placeholder line: secrets never reach a diff."""
    patterns = {}
    for line in fresh.split("\n"):
        if "<secret:" in line:
            parts = _PLACEHOLDER_SPLIT.split(line)
            regex = "".join(r"\S+" if _PLACEHOLDER.fullmatch(p) else re.escape(p) for p in parts)
            patterns[line] = re.compile(regex)
    if not patterns:
        return on_disk
    out = []
    for line in on_disk.split("\n"):
        out.append(next((want for want, rx in patterns.items() if rx.fullmatch(line)), line))
    return "\n".join(out)


def check_configs(results: Iterable[RenderResult], directory: Path, *, complete: bool) -> list[ConfigCheck]:
    """Compare a fresh render with `directory`; `complete`: every .cfg there must belong to a device."""
    checks: list[ConfigCheck] = []
    seen: set[str] = set()
    for result in results:
        seen.add(result.device)
        if result.status == "skipped":
            continue
        if result.status == "failed" or result.config is None:
            checks.append(ConfigCheck(result.device, "failed", reason=result.reason))
            continue
        path = config_path(directory, result.device)
        if not path.exists():
            checks.append(ConfigCheck(result.device, "missing", path))
            continue
        on_disk = path.read_text(encoding="utf-8", errors="replace")
        if on_disk == result.config:
            checks.append(ConfigCheck(result.device, "same", path))
            continue
        masked = mask_secrets(result.config, on_disk)
        if masked == result.config:
            checks.append(ConfigCheck(result.device, "same", path))
        elif _holds_secrets(path):
            checks.append(ConfigCheck(result.device, "differs", path,
                                      reason="file holds resolved secrets: diff withheld"))
        else:
            diff = "".join(difflib.unified_diff(
                masked.splitlines(keepends=True), result.config.splitlines(keepends=True),
                fromfile=str(path), tofile=f"{result.device} (fresh render)"))
            checks.append(ConfigCheck(result.device, "differs", path, diff=diff))
    if complete and directory.is_dir():
        for path in sorted(directory.glob(f"*{SUFFIX}")):
            if path.name[: -len(SUFFIX)] not in seen:
                checks.append(ConfigCheck(path.name[: -len(SUFFIX)], "stale", path,
                                          reason="no device of that name in the inventory"))
    return checks
