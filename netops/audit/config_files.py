"""Read one device's chosen configuration file as evidence: decode, hash, check it is a whole
configuration in the device's dialect, parse it.

Which file is chosen is `config_evidence`'s job. Text is UTF-8, or GB18030 as Chinese
devices write it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from netops.audit.configs import ParsedConfig, parse_config
from netops.audit.configs.dialect import completeness_problem, dialect_problem


@dataclass(slots=True)
class LoadedConfig:
    """One device's configuration as evidence: where it came from, its hash, and what it says."""

    device: str
    path: str
    sha256: str
    size: int
    observed_at: str
    parsed: ParsedConfig | None
    error: str | None = None
    problems: list[str] = field(default_factory=list)  # why it is not usable evidence (dialect, completeness)
    commit: str | None = None  # the backup repository commit it was read from
    ranked_by: str = ""  # how it was chosen: name / commit / mtime
    notes: list[str] = field(default_factory=list)


def decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            return None


def load_config(device: str, platform: str, path: str, data: bytes, observed_at: str,
                digest: str | None = None) -> LoadedConfig:
    """Hash (unless the digest is given), decode, vet and parse one file's bytes; problems are
    recorded, never raised."""
    digest = digest or hashlib.sha256(data).hexdigest()
    loaded = LoadedConfig(device, path, digest, len(data), observed_at, None)
    text = decode(data)
    if text is None:
        loaded.error = f"{path} is neither UTF-8 nor GB18030 text"
        return loaded
    parsed = parse_config(platform, text)
    if parsed is None:
        loaded.error = f"netops has no configuration parser for platform {platform}"
        return loaded
    loaded.parsed = parsed
    for problem in (dialect_problem(platform, text), completeness_problem(platform, text, parsed.hostname)):
        if problem is not None:
            loaded.problems.append(problem)
    return loaded


def read_config(device: str, platform: str, path: Path) -> LoadedConfig:
    """Read one file from disk (tests and tools that name the file themselves)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
            mtime = os.fstat(handle.fileno()).st_mtime
    except OSError as exc:
        return LoadedConfig(device, str(path), "", 0, "", None, f"cannot read {path}: {exc.strerror}")
    when = dt.datetime.fromtimestamp(mtime, dt.timezone.utc).isoformat(timespec="seconds")
    return load_config(device, platform, str(path), data, when)
