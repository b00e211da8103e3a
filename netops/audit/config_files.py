"""Find and read each device's configuration in a directory of rendered configs or backups.

Accepted layouts: `DIR/<device>.cfg` (or .conf, .txt, ...; suffixes may stack, e.g.
`fw-1.running.cfg`), in any subdirectory; or a directory named after the device holding
`frr.conf` / `running-config` / ..., or timestamped backups (`fw-1/2026-01-12T0915.cfg`: the
last by name, i.e. the newest, is audited). Text is UTF-8, or GB18030 as Chinese devices write it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from netops.audit.configs import ParsedConfig, parse_config

SUFFIXES = {".cfg", ".conf", ".txt", ".config", ".bak", ".backup", ".running", ".startup", ".ios",
            ".vrp", ".comware", ".frr", ".zip"}
INNER_NAMES = {"frr.conf", "running-config", "startup-config", "config", "vrpcfg.cfg", "startup.cfg",
               "current-configuration", "running.cfg"}


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


def _stem(name: str) -> str:
    while True:
        base, dot, suffix = name.rpartition(".")
        if not dot or f".{suffix.lower()}" not in SUFFIXES or not base:
            return name
        name = base


def find_config_files(directory: Path, devices: set[str]) -> dict[str, Path]:
    """Device name -> its configuration file; a file named for the device wins over an inner name."""
    direct: dict[str, str] = {}
    inner: dict[str, str] = {}
    backups: dict[str, str] = {}
    for folder, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        parent = os.path.basename(folder)
        for name in sorted(files):
            if name.startswith("."):
                continue
            stem = _stem(name)
            if stem in devices:
                direct.setdefault(stem, os.path.join(folder, name))
            elif parent in devices and name in INNER_NAMES:
                inner.setdefault(parent, os.path.join(folder, name))
            elif parent in devices and stem != name:
                backups[parent] = os.path.join(folder, name)  # sorted: the last is the newest
    return {name: Path(path) for name, path in {**backups, **inner, **direct}.items()}


def read_config(device: str, platform: str, path: Path) -> LoadedConfig:
    """Read, hash and parse one file; problems are recorded, never raised."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
            stat = os.fstat(handle.fileno())
    except OSError as exc:
        return LoadedConfig(device, str(path), "", 0, "", None, f"cannot read {path}: {exc.strerror}")
    digest = hashlib.sha256(data).hexdigest()
    when = dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc).isoformat(timespec="seconds")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return LoadedConfig(device, str(path), digest, len(data), when, None,
                                f"{path} is neither UTF-8 nor GB18030 text")
    parsed = parse_config(platform, text)
    if parsed is None:
        return LoadedConfig(device, str(path), digest, len(data), when, None,
                            f"netops has no configuration parser for platform {platform}")
    return LoadedConfig(device, str(path), digest, len(data), when, parsed)
