"""Which file is a device's configuration evidence: one documented rule, and a manifest of
every file considered.

Candidates for device D anywhere under the directory (`.git` aside):
`D.<suffix>` (suffixes stack: `D.cfg.bak`, `D.running.cfg`; `~`, `.1`, `.old`, `.orig` too),
`D<sep><timestamp>.<suffix>` or `<timestamp><sep>D.<suffix>`, any other file named
`D<sep>...` (a copy such as `D-old.cfg`: the longest device name wins), and any configuration
file in a folder named D (`D/frr.conf`, `D/2026-01-12T0915.cfg`).

RULE: the newest candidate is the evidence. A candidate's time is the timestamp in its
name (or its nearest folder's name; read as UTC unless it carries a zone); else, in a
backup repository (the directory holds `.git`, as `netops backup` writes it), the time of
the last commit that changed it, its content read from that commit; else its modification
time, to the second. Candidates of equal time with different content: no evidence, UNKNOWN
"ambiguous evidence". Every file met is in the manifest: used, or not used and why (older,
same content, uncommitted change in the backup repository, names no device).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netops.audit.config_files import LoadedConfig, load_config
from netops.audit.configs import forget_lines

RULE = ("newest candidate: time from the timestamp in the file (or folder) name, else the backup repository's "
        "last commit of the file, else the modification time to the second; equal time with different content "
        "is ambiguous (UNKNOWN)")
SUFFIXES = {".cfg", ".conf", ".txt", ".config", ".bak", ".backup", ".running", ".startup", ".ios", ".vrp",
            ".comware", ".frr", ".old", ".orig", ".prev", ".save", ".saved", ".current", ".log"}
INNER_NAMES = {"frr.conf", "running-config", "startup-config", "config", "vrpcfg.cfg", "startup.cfg",
               "current-configuration", "running.cfg", "running", "startup"}
_TS = r"(?P<ts>\d{4}-?\d{2}-?\d{2}(?:[T_ .-]?\d{2}[:.-]?\d{2}(?:[:.-]?\d{2})?)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)"
_TS_ONLY = re.compile(rf"^{_TS}$")
_DEV_TS = re.compile(rf"^(?P<dev>.+?)[-_.@ ]{_TS}$")
_TS_DEV = re.compile(rf"^{_TS}[-_.@ ](?P<dev>.+)$")
_SEPARATORS = re.compile(r"[-_.@ ]")


@dataclass(slots=True)
class Candidate:
    device: str
    path: str
    shown: str  # path relative to the directory
    when: dt.datetime | None = None
    ranked_by: str = "mtime"
    commit: str | None = None
    data: bytes | None = None
    sha256: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Selection:
    configs: dict[str, LoadedConfig]
    manifest: list[dict[str, Any]]
    repository: dict[str, Any] | None = None


def _stem(name: str) -> str:
    name = name.rstrip("~")
    while True:
        base, dot, suffix = name.rpartition(".")
        if not dot or not base or not (f".{suffix.lower()}" in SUFFIXES or suffix.isdigit() and len(suffix) <= 3):
            return name
        name = base


def parse_timestamp(text: str) -> dt.datetime | None:
    """2026-01-12, 20260112, 2026-01-12T09:15, 20260112-091500, 2026-01-12T0915+08:00 ..."""
    match = _TS_ONLY.match(text)
    if match is None:
        return None
    ts, tz = match.group("ts"), match.group("tz")
    digits = re.sub(r"\D", "", ts[: -len(tz)] if tz else ts)
    if len(digits) not in (8, 12, 14):
        return None
    try:
        when = dt.datetime.strptime(digits.ljust(14, "0"), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        hh, mm = int(tz[1:3]), int(tz[-2:])
        return when.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=hh, minutes=mm))).astimezone(dt.timezone.utc)
    return when.replace(tzinfo=dt.timezone.utc)


def attribute(name: str, parent: str, devices: set[str]) -> tuple[str | None, dt.datetime | None, str]:
    """(device, timestamp in the name, why not) for one file name in folder `parent`."""
    stem = _stem(name)
    if stem in devices:
        return stem, None, ""
    for pattern in (_DEV_TS, _TS_DEV):
        match = pattern.match(stem)
        if match is not None and match.group("dev") in devices:
            return match.group("dev"), parse_timestamp(match.group("ts")), ""
    if parent in devices and (name in INNER_NAMES or stem != name.rstrip("~") or _TS_ONLY.match(stem)):
        return parent, parse_timestamp(stem), ""
    for m in reversed(list(_SEPARATORS.finditer(stem))):  # sw-1-old.cfg: a copy of sw-1, ranked by its time
        if stem[:m.start()] in devices:
            return stem[:m.start()], None, ""
    return None, None, "names no device that needs a configuration"


def _folder_time(folder: str, root: str) -> dt.datetime | None:
    """The timestamp of the nearest folder (below the root) named as one: backups/2026-01-12/sw.cfg."""
    while len(folder) > len(root):
        when = parse_timestamp(os.path.basename(folder))
        if when is not None:
            return when
        folder = os.path.dirname(folder)
    return None


class _Repository:
    """The backup repository's view: last commit per file, committed blobs."""

    def __init__(self, top: Path):
        self.top = top
        self.head = _git(top, "rev-parse", "HEAD").strip()
        self.last: dict[str, tuple[str, int]] = {}
        log = _git(top, "log", "--format=@@%H %ct", "--name-only", "--no-renames", "HEAD")
        commit = ("", 0)
        for line in log.splitlines():
            if line.startswith("@@"):
                sha, _, ct = line[2:].partition(" ")
                commit = (sha, int(ct))
            elif line and line not in self.last:
                self.last[line] = commit
        self.blobs: dict[str, str] = {}
        for entry in _git(top, "ls-tree", "-r", "-z", "HEAD").split("\0"):
            if "\t" in entry:
                meta, path = entry.split("\t", 1)
                self.blobs[path] = meta.split()[2]

    def blob(self, blob_id: str) -> bytes:
        return subprocess.run(["git", "-C", str(self.top), "cat-file", "blob", blob_id], capture_output=True,
                              check=True, timeout=30).stdout

    def info(self) -> dict[str, Any]:
        return {"path": str(self.top), "head": self.head}


def _git(top: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise OSError(proc.stderr.strip() or f"git {args[0]} failed")
    return proc.stdout


def _blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def discover(directory: Path, devices: set[str]) -> tuple[dict[str, list[Candidate]], list[dict[str, Any]]]:
    """Every candidate per device, and every other file with why it is not evidence."""
    found: dict[str, list[Candidate]] = {}
    others: list[dict[str, Any]] = []
    root = str(directory)
    for folder, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        parent = os.path.basename(folder)
        below = os.path.relpath(folder, root)  # once per folder, not per file (10,000 files in one folder)
        for name in sorted(files):
            path = os.path.join(folder, name)
            shown = name if below == os.curdir else os.path.join(below, name)
            device, when, why = attribute(name, parent, devices)
            if device is None:
                others.append({"path": shown, "role": "config", "used": False, "reason": why, **_hash(path)})
                continue
            if when is None:
                when = _folder_time(folder, root)
            cand = Candidate(device, path, shown, when, "name" if when is not None else "mtime")
            found.setdefault(device, []).append(cand)
    return found, others


MAX_BYTES = 64 * 1024 * 1024  # a running configuration is kilobytes; anything this big is not one


def read_file(path: str) -> tuple[bytes | None, float | None, str | None]:
    """(bytes, mtime, error) of a regular file; FIFOs, devices and directories are refused, never
    read (opened non-blocking: a FIFO would otherwise block the audit forever)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return None, None, f"cannot read {path}: {exc.strerror}"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, st.st_mtime, f"{path} is not a regular file"
        if st.st_size > MAX_BYTES:
            return None, st.st_mtime, f"{path} is {st.st_size} bytes, more than {MAX_BYTES} (not a configuration)"
        chunks = [os.read(fd, st.st_size + 1)]
        while chunks[-1] and sum(map(len, chunks)) <= MAX_BYTES:
            chunks.append(os.read(fd, 65536))
        data = b"".join(chunks)
        if len(data) > MAX_BYTES:
            return None, st.st_mtime, f"{path} grew beyond {MAX_BYTES} bytes while read"
        return data, st.st_mtime, None
    except OSError as exc:
        return None, None, f"cannot read {path}: {exc.strerror}"
    finally:
        os.close(fd)


def _hash(path: str) -> dict[str, Any]:
    data, _, error = read_file(path)
    if data is None:
        return {"sha256": None, "bytes": None, "error": error}
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _read(cand: Candidate, repo: _Repository | None, others: list[dict[str, Any]]) -> None:
    data, mtime, cand.error = read_file(cand.path)
    rel = cand.shown.replace(os.sep, "/")
    if repo is not None and rel in repo.blobs:
        sha, ct = repo.last.get(rel, (repo.head, 0))
        cand.commit = sha
        blob = repo.blobs[rel]
        if data is None or _blob_id(data) != blob:
            if data is not None:
                others.append({"path": cand.shown, "role": "config", "device": cand.device, "used": False,
                               "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                               "reason": f"uncommitted change: the audit reads the committed version ({sha[:12]})"})
            data = repo.blob(blob)
            cand.error = None
        cand.notes.append(f"read from the backup repository, commit {sha}")
        if cand.when is None:
            cand.when, cand.ranked_by = dt.datetime.fromtimestamp(ct, dt.timezone.utc), "commit"
    elif cand.when is None and mtime is not None:
        cand.when = dt.datetime.fromtimestamp(int(mtime), dt.timezone.utc)
    cand.data = data
    if data is not None:
        cand.sha256 = hashlib.sha256(data).hexdigest()


def _entry(cand: Candidate, used: bool, reason: str) -> dict[str, Any]:
    out: dict[str, Any] = {"path": cand.shown, "role": "config", "device": cand.device, "used": used,
                           "sha256": cand.sha256, "bytes": len(cand.data) if cand.data is not None else None,
                           "rank": f"{_iso(cand.when)} by {cand.ranked_by}", "reason": reason}
    if cand.commit:
        out["commit"] = cand.commit
    return out


def _iso(when: dt.datetime | None) -> str:
    return when.isoformat(timespec="seconds") if when is not None else "?"


def choose(device: str, platform: str, cands: list[Candidate]) -> tuple[LoadedConfig, list[dict[str, Any]]]:
    """Apply the rule to one device's candidates."""
    if len(cands) == 1:  # the common case, kept cheap: one file per device
        only = cands[0]
        return _loaded(device, platform, only), [_entry(only, True, "newest candidate")]
    epoch = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    newest = max((c.when or epoch) for c in cands)
    top = sorted((c for c in cands if (c.when or epoch) == newest), key=lambda c: c.shown)
    if len({c.sha256 for c in top}) > 1:
        names = ", ".join(f"{c.shown} ({(c.sha256 or 'unreadable')[:12]})" for c in top)
        problem = (f"ambiguous evidence: {len(top)} candidates of equal rank ({_iso(newest)} by "
                   f"{top[0].ranked_by}) differ: {names}")
        entries = [_entry(c, False, "ambiguous: equal rank, different content" if any(c is t for t in top)
                          else f"older than {_iso(newest)}") for c in cands]
        return LoadedConfig(device, ", ".join(c.shown for c in top), top[0].sha256 or "", 0, _iso(newest), None,
                            problem), entries
    chosen = top[0]
    entries = []
    for c in cands:
        if c is chosen:
            entries.append(_entry(c, True, "newest candidate"))
        elif any(c is t for t in top):
            entries.append(_entry(c, False, f"same content as {chosen.shown}"))
        else:
            entries.append(_entry(c, False, f"older ({_iso(c.when)}) than {chosen.shown} ({_iso(newest)})"))
    return _loaded(device, platform, chosen), entries


def _loaded(device: str, platform: str, chosen: Candidate) -> LoadedConfig:
    if chosen.data is None:
        loaded = LoadedConfig(device, chosen.shown, "", 0, _iso(chosen.when), None, chosen.error or "unreadable")
    else:
        loaded = load_config(device, platform, chosen.path, chosen.data, _iso(chosen.when), chosen.sha256)
    loaded.commit, loaded.ranked_by, loaded.notes = chosen.commit, chosen.ranked_by, chosen.notes
    return loaded


def select_configs(directory: Path, platforms: dict[str, str]) -> Selection:
    """Device -> its evidence, and the manifest of every file considered."""
    repo: _Repository | None = None
    repo_error: str | None = None
    if (directory / ".git").exists():
        try:
            repo = _Repository(directory)
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            repo_error = f"{directory} holds .git but is not a readable git repository: {exc}"
    found, others = discover(directory, set(platforms))
    if repo is not None:  # files committed but deleted from the working tree are evidence too
        for rel in repo.blobs:
            path = directory / rel
            if not path.exists():
                device, when, _ = attribute(path.name, path.parent.name, set(platforms))
                if device is not None:
                    found.setdefault(device, []).append(Candidate(device, str(path), rel, when,
                                                                  "name" if when else "mtime"))
    configs: dict[str, LoadedConfig] = {}
    manifest: list[dict[str, Any]] = []
    try:
        for device in sorted(found):
            cands = found[device]
            for cand in cands:
                _read(cand, repo, others)
            loaded, entries = choose(device, platforms[device], cands)
            if repo_error:
                loaded.error = repo_error
            configs[device] = loaded
            manifest += entries
    finally:
        forget_lines()  # the parsers' per-line caches hold configuration text: none outlives the read
    manifest += others
    return Selection(configs, manifest, repo.info() if repo is not None else None)
