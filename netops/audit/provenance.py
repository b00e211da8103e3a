"""Where the audited evidence came from: the inventory's git revision and a SHA-256 manifest.

An auditor signs a report about specific files; the manifest lets anyone prove later that
the files they hold are the ones audited.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Any


def git_revision(path: Path) -> dict[str, Any]:
    """HEAD of the repository holding `path`, and whether the audited files differ from it."""
    folder = path if path.is_dir() else path.parent
    try:
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10)
        if head.returncode != 0:
            return {"revision": "not a git repository", "dirty": None}
        tracked = subprocess.run(["git", "-C", str(folder), "ls-files", "--", "."], capture_output=True, text=True,
                                 timeout=10)
        if tracked.returncode != 0 or not tracked.stdout.strip():
            return {"revision": f"untracked (inside the repository at {head.stdout.strip()})", "dirty": None}
        status = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--", "."], capture_output=True,
                                text=True, timeout=10)
        dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
        return {"revision": head.stdout.strip(), "dirty": dirty}
    except (OSError, subprocess.TimeoutExpired):
        return {"revision": "not a git repository", "dirty": None}


def file_entry(path: Path, role: str) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return {"path": str(path), "role": role, "sha256": None, "bytes": None, "error": exc.strerror}
    return {"path": str(path), "role": role, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def hashed_entry(path: str, role: str, sha256: str, size: int | None) -> dict[str, Any]:
    return {"path": path, "role": role, "sha256": sha256, "bytes": size}
