"""A parsed-and-validated inventory cached on disk, keyed by the contents of its files.

Parsing and validating a province (95,000 devices) takes far longer than reading back the
result; every command on an unchanged inventory reads it back instead, and `inventory
validate` only replays its stored report. The key covers every file under the inventory
directory, the village CSVs it names elsewhere, the directory's path, netops' version and
its own inventory code, so any change is a miss.

Entries are only read from a directory owned by this user and closed to others (0700),
written atomically with mode 0600, and sealed with an HMAC under a random per-user key
(`cache.key`, 0600, beside them): a truncated, corrupt, copied or edited entry fails the
check and is recomputed, never unpickled. Entries hold no secret values: the inventory
names its secrets (env vars, files), it never holds them. NETOPS_CACHE=off turns it off.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import io
import ipaddress
import json
import logging
import os
import pickle
import re
import secrets
import stat
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, TypeVar

from pydantic import BaseModel

T = TypeVar("T")
log = logging.getLogger(__name__)
CACHE_ENV = "NETOPS_CACHE"  # "off" disables
CACHE_DIR_ENV = "NETOPS_CACHE_DIR"
FORMAT = 2
MAGIC = b"netops-inventory-cache %d\n" % FORMAT
KEY_FILE = "cache.key"
_CSV = re.compile(rb"[\w./-]+\.csv")
_VCS = frozenset({".git", ".hg", ".svn"})


def cache_dir() -> Path:
    """$NETOPS_CACHE_DIR, systemd's $CACHE_DIRECTORY, $XDG_CACHE_HOME/netops or ~/.cache/netops."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    if os.environ.get("CACHE_DIRECTORY"):
        return Path(os.environ["CACHE_DIRECTORY"].split(":")[0])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netops"


def enabled() -> bool:
    return os.environ.get(CACHE_ENV, "").lower() not in ("off", "0", "no", "false")


def _code_digest() -> bytes:
    """netops' version and inventory code: a new parser or rule never reads an old result."""
    from netops import __version__

    return _code_files_digest(f"{FORMAT}:{__version__}:{sys.version}")


@lru_cache(maxsize=4)
def _code_files_digest(prefix: str) -> bytes:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(prefix.encode())
    for path in sorted([*here.glob("*.py"), here.parent / "errors.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def inventory_key(root: Path) -> str:
    """sha256 over every file under root (and CSVs it names outside it), by path and content."""
    root = root.resolve()
    digest = hashlib.sha256(_code_digest() + str(root).encode())
    # every file, hidden ones too (a villages CSV may sit in ".data/my villages.csv"), but not
    # version-control metadata: a `git fetch` is no change to the inventory
    files = [root] if root.is_file() else sorted(
        p for p in root.rglob("*") if p.is_file() and not _VCS.intersection(p.relative_to(root).parts))
    seen = set(files)
    for path in files:
        data = path.read_bytes()
        digest.update(str(path).encode() + b"\0" + hashlib.sha256(data).digest())
        if path.suffix in (".yaml", ".yml") and b"villages_csv" in data:
            for name in _CSV.findall(data):
                extra = (path.parent / name.decode()).resolve()
                if extra not in seen and extra.is_file():
                    seen.add(extra)
                    digest.update(str(extra).encode() + b"\0" + hashlib.sha256(extra.read_bytes()).digest())
    return digest.hexdigest()


# --- fast pickling of the pydantic and ipaddress objects the model is full of -------------
# Pickle's own path for both costs a Python __setstate__ (models) or a re-parse (addresses)
# per object; these rebuild an object with one small call. Measured
# (bench/README.md): leaving default values out of each state and merging them back on load
# was slower (a second dict per object) than storing every field.

_new = object.__new__
_set = object.__setattr__


@lru_cache(maxsize=None)
def _network(packed: int, prefixlen: int) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network((packed, prefixlen))


def _ipv4_interface(ip: int, prefixlen: int) -> ipaddress.IPv4Interface:
    obj = _new(ipaddress.IPv4Interface)
    obj._ip = ip
    network = _network(ip & (0xFFFFFFFF ^ (0xFFFFFFFF >> prefixlen)), prefixlen)
    obj.network = network
    obj.netmask = network.netmask
    obj._prefixlen = prefixlen
    return obj


def _ipv4_address(ip: int) -> ipaddress.IPv4Address:
    obj = _new(ipaddress.IPv4Address)
    obj._ip = ip
    return obj


def _model(cls: type, state: dict, fields_set: frozenset, extra: Any = None, private: Any = None) -> Any:
    """A pydantic model from its field values, as pydantic's own __setstate__ would leave it; extra
    fields and private attributes (indexes) only travel when a model has them."""
    obj = _new(cls)
    _set(obj, "__dict__", state)
    _set(obj, "__pydantic_fields_set__", set(fields_set))
    _set(obj, "__pydantic_extra__", extra)
    _set(obj, "__pydantic_private__", private)
    return obj


def _kind(cls: type) -> str:
    """How _Pickler stores instances of cls: "model", an ipaddress type's name, or "" (pickle's own)."""
    if issubclass(cls, BaseModel):
        return "model"
    if cls in (ipaddress.IPv4Interface, ipaddress.IPv4Address, ipaddress.IPv4Network):
        return cls.__name__
    return ""


class _Pickler(pickle.Pickler):
    """Models as (class, field values, shared field-name set). Sharing equal strings too was
    measured: 1 s more to write a province, nothing gained reading it.

    pickle asks reducer_override about every dict, list and tuple too (millions): the answer
    for a type is looked up once, not worked out per object."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._shared: dict[Any, Any] = {}
        self._kinds: dict[type, str] = {dict: "", list: "", tuple: "", set: "", frozenset: ""}

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        kind = self._kinds.get(cls)
        if kind is None:
            kind = self._kinds[cls] = _kind(cls)
        if not kind:
            return NotImplemented
        if kind == "model":
            fields_set = frozenset(obj.__pydantic_fields_set__)
            fields_set = self._shared.setdefault(fields_set, fields_set)
            if obj.__pydantic_extra__ is None and obj.__pydantic_private__ is None:
                return _model, (cls, obj.__dict__, fields_set)
            return _model, (cls, obj.__dict__, fields_set, obj.__pydantic_extra__, obj.__pydantic_private__)
        if kind == "IPv4Interface":
            return _ipv4_interface, (obj._ip, obj._prefixlen)
        if kind == "IPv4Address":
            return _ipv4_address, (obj._ip,)
        return _network, (int(obj.network_address), obj.prefixlen)


# --- sealed entries -------------------------------------------------------------------------

def _safe_dir(directory: Path) -> bool:
    """Only a directory this user owns and nobody else can write to may hold entries we load."""
    try:
        info = directory.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not (info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _seal_key(create: bool) -> bytes | None:
    """The per-user HMAC key: 32 random bytes in a 0600 file this user owns, or None."""
    path = cache_dir() / KEY_FILE
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            data = handle.read(64)
        if info.st_uid == os.getuid() and not info.st_mode & 0o077 and len(data) == 32:
            return data
        return None
    except FileNotFoundError:
        if not create:
            return None
    except OSError:
        return None
    data = secrets.token_bytes(32)
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.link(tmp, path)  # first writer wins; a racing one reads the winner's key
    except FileExistsError:
        return _seal_key(create=False)
    except OSError:
        return None
    finally:
        tmp.unlink(missing_ok=True)
    return data


def _entry_path(root: Path, kind: str = "pickle") -> Path:
    return cache_dir() / "inventory" / (hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32] + "." + kind)


def _seal(secret: bytes, key: str, payload: bytes | memoryview) -> bytes:
    seal = hmac.new(secret, key.encode("ascii") + b"\n", hashlib.sha256)
    seal.update(payload)
    return seal.hexdigest().encode("ascii")


def read_entry(path: Path, key: str) -> memoryview | None:
    """The payload stored for key, if the entry is intact and sealed by this user's key."""
    if not _safe_dir(path.parent) or not _safe_dir(path.parent.parent):
        return None
    secret = _seal_key(create=False)
    if secret is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_uid != os.getuid() or info.st_mode & 0o077:
                return None
            data = handle.read()
    except OSError:
        return None
    header = data[:len(MAGIC) + 200].split(b"\n", 3)
    if len(header) < 4 or header[0] + b"\n" != MAGIC or header[1] != key.encode("ascii"):
        return None
    payload = memoryview(data)[sum(len(part) + 1 for part in header[:3]):]
    if not hmac.compare_digest(header[2], _seal(secret, key, payload)):
        log.warning("inventory cache %s failed its integrity check; ignored", path)
        return None
    return payload


def write_entry(path: Path, key: str, payload: bytes) -> None:
    """Store payload for key atomically, mode 0600, sealed; any failure just means no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _safe_dir(path.parent) or not _safe_dir(path.parent.parent):
            return
        secret = _seal_key(create=True)
        if secret is None:
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + key.encode("ascii") + b"\n" + _seal(secret, key, payload) + b"\n")
                handle.write(payload)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
    except OSError as exc:
        log.debug("inventory cache %s not written: %s", path, exc)


def cached(root: Path, compute: Callable[[Path], T], key: str | None = None) -> T:
    """compute(root), or its cached result when no input file changed since it was stored."""
    if not enabled():
        return compute(root)
    try:
        key = key or inventory_key(root)
    except OSError:
        return compute(root)  # unreadable files: let the loader report them properly
    path = _entry_path(root)
    payload = read_entry(path, key)
    if payload is not None:
        value = _unpickle(payload)
        if value is not None:
            return value[0]
    result = compute(root)
    enabled_gc = gc.isenabled()
    gc.disable()  # pickling allocates per object; GC passes over a province would double it
    try:
        buffer = io.BytesIO()
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(result)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        log.debug("inventory cache: cannot pickle the result: %s", exc)
        return result
    finally:
        if enabled_gc:
            gc.enable()
    write_entry(path, key, buffer.getvalue())
    return result


def _unpickle(payload: bytes | memoryview) -> tuple[Any] | None:
    """The sealed payload's object. The cyclic GC is paused while a province's million objects
    are built, then they are frozen: they live as long as the command, and every later
    collection would otherwise walk them all again (about a second)."""
    enabled_gc = gc.isenabled()
    gc.disable()
    try:
        value = pickle.loads(payload)
    except Exception as exc:  # a sealed entry from an older netops whose classes moved
        log.debug("inventory cache entry unusable: %s", exc)
        return None
    finally:
        if enabled_gc:
            gc.freeze()
            gc.enable()
    return (value,)


def cached_json(root: Path, kind: str, key: str, compute: Callable[[], Any]) -> Any:
    """compute(), or the JSON value stored for key under this inventory: for small results
    (validate's report) that need not load the inventory at all."""
    if not enabled():
        return compute()
    path = _entry_path(root, kind)
    payload = read_entry(path, key)
    if payload is not None:
        try:
            return json.loads(bytes(payload))
        except ValueError:
            pass
    value = compute()
    write_entry(path, key, json.dumps(value, ensure_ascii=False).encode("utf-8"))
    return value
