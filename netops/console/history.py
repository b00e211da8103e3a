"""The backup repository read-only: a device's versions and a diff of any two. Backups are
masked when written (netops/devices/masking.py); the diff is masked again with the same
table, so a secret a hand-made commit let in still never reaches the page."""

from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_REV = re.compile(r"^[0-9a-f]{7,40}$")


@dataclass(frozen=True)
class Version:
    commit: str
    date: str
    subject: str


def _git(repo: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def versions(repo: Path, device: str, limit: int = 200) -> list[Version]:
    if not (repo / ".git").exists():
        return []
    out = _git(repo, "log", f"-n{limit}", "--format=%H%x00%cI%x00%s", "--", f"{device}.cfg") or ""
    return [Version(*line.split("\0", 2)) for line in out.splitlines() if line.count("\0") == 2]


def last_versions(repo: Path) -> dict[str, Version]:
    """Each device's newest backup commit, in one git call."""
    if not (repo / ".git").exists():
        return {}
    out = _git(repo, "log", "--format=%x01%H%x00%cI%x00%s", "--name-only", "--", "*.cfg") or ""
    latest: dict[str, Version] = {}
    for block in out.split("\x01")[1:]:
        head, _, files = block.partition("\n")
        if head.count("\0") != 2:
            continue
        version = Version(*head.split("\0", 2))
        for f in files.split():
            if f.endswith(".cfg"):
                latest.setdefault(f[:-4], version)
    return latest


def read(repo: Path, device: str, commit: str) -> str | None:
    if not _REV.match(commit):
        return None
    return _git(repo, "show", f"{commit}:{device}.cfg")


def mask(text: str, platform: str) -> str:
    from netops.devices.masking import mask_secrets

    return mask_secrets(text, platform)


def diff(repo: Path, device: str, old: str, new: str, platform: str) -> list[str] | None:
    a, b = read(repo, device, old), read(repo, device, new)
    if a is None or b is None:
        return None
    return list(difflib.unified_diff(mask(a, platform).splitlines(), mask(b, platform).splitlines(),
                                     f"{device}.cfg@{old[:10]}", f"{device}.cfg@{new[:10]}", lineterm=""))
