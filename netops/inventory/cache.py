"""A parsed-and-validated inventory cached on disk, keyed by the contents of its files.

Parsing and validating a province (95,000 devices) takes far longer than reading back the
result; every command on an unchanged inventory reads it back instead. The key covers every
file under the inventory directory, the village CSVs it names elsewhere, the directory's
path (it appears in messages) and netops' own inventory code, so any change is a miss.

The cache is a pickle: it is only read from a directory owned by this user and closed to
others (0700), and written atomically with mode 0600. NETOPS_CACHE=off turns it off.
"""

from __future__ import annotations

import gc
import hashlib
import io
import ipaddress
import logging
import os
import pickle
import re
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
FORMAT = 1
_CSV = re.compile(rb"[\w./-]+\.csv")


def cache_dir() -> Path:
    """$NETOPS_CACHE_DIR, systemd's $CACHE_DIRECTORY, $XDG_CACHE_HOME/netops or ~/.cache/netops."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    if os.environ.get("CACHE_DIRECTORY"):
        return Path(os.environ["CACHE_DIRECTORY"].split(":")[0])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netops"


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """netops' inventory code and version: a new parser or rule never reads an old result."""
    from netops import __version__

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{FORMAT}:{__version__}:{sys.version}".encode())
    for path in sorted([*here.glob("*.py"), here.parent / "errors.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def inventory_key(root: Path) -> str:
    """sha256 over every file under root (and CSVs it names outside it), by path and content."""
    root = root.resolve()
    digest = hashlib.sha256(_code_digest() + str(root).encode())
    files = [root] if root.is_file() else sorted(
        p for p in root.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))
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


# --- fast pickling of the ipaddress objects the model is full of --------------------------
# ipaddress pickles as strings and re-parses them on load: half the load time. These rebuild
# from integers and share one network object per prefix.

@lru_cache(maxsize=None)
def _network(packed: int, prefixlen: int) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network((packed, prefixlen))


def _ipv4_interface(ip: int, prefixlen: int) -> ipaddress.IPv4Interface:
    obj = ipaddress.IPv4Interface.__new__(ipaddress.IPv4Interface)
    obj._ip = ip
    network = _network(ip & (0xFFFFFFFF ^ (0xFFFFFFFF >> prefixlen)), prefixlen)
    obj.network = network
    obj.netmask = network.netmask
    obj._prefixlen = prefixlen
    return obj


def _ipv4_address(ip: int) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(ip)


def _model(cls: type, keys: tuple, values: tuple, fields_set: frozenset, extra: Any, private: Any) -> Any:
    """A pydantic model from its field values, as pydantic's own __setstate__ would leave it."""
    obj = cls.__new__(cls)
    setattr_ = object.__setattr__
    setattr_(obj, "__dict__", dict(zip(keys, values)))
    setattr_(obj, "__pydantic_fields_set__", set(fields_set))
    setattr_(obj, "__pydantic_extra__", extra)
    setattr_(obj, "__pydantic_private__", private)
    return obj


class _Pickler(pickle.Pickler):
    """Models as (class, shared key tuple, values): a third of the size of pydantic's own
    pickles, whose every object carries its own state dict and field-name set."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._shared: dict[Any, Any] = {}

    def _intern(self, value: Any) -> Any:
        return self._shared.setdefault(value, value)

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if isinstance(obj, BaseModel):
            state = obj.__dict__
            return _model, (kind, self._intern(tuple(state)), tuple(state.values()),
                            self._intern(frozenset(obj.__pydantic_fields_set__)), obj.__pydantic_extra__,
                            obj.__pydantic_private__)
        if kind is ipaddress.IPv4Interface:
            return _ipv4_interface, (obj._ip, obj._prefixlen)
        if kind is ipaddress.IPv4Address:
            return _ipv4_address, (obj._ip,)
        if kind is ipaddress.IPv4Network:
            return _network, (int(obj.network_address), obj.prefixlen)
        return NotImplemented


def _safe_dir(directory: Path) -> bool:
    """Only a directory this user owns and nobody else can write to may hold pickles we load."""
    try:
        info = directory.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not (info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _entry_path(root: Path) -> Path:
    return cache_dir() / "inventory" / (hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32] + ".pickle")


def cached(root: Path, compute: Callable[[Path], T]) -> T:
    """compute(root), or its cached result when no input file changed since it was stored."""
    if os.environ.get(CACHE_ENV, "").lower() in ("off", "0", "no", "false"):
        return compute(root)
    try:
        key = inventory_key(root)
    except OSError:
        return compute(root)  # unreadable files: let the loader report them properly
    path = _entry_path(root)
    value = _read(path, key)
    if value is not None:
        return value[0]
    result = compute(root)
    _write(path, key, result)
    return result


def _read(path: Path, key: str) -> tuple[Any] | None:
    if not _safe_dir(path.parent):
        return None
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as handle:
            if handle.readline().decode("ascii", "replace").strip() != key:
                return None
            return (pickle.load(handle),)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError) as exc:
        log.debug("inventory cache %s unusable: %s", path, exc)
        return None
    finally:
        if enabled:
            gc.enable()


def _write(path: Path, key: str, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _safe_dir(path.parent):
            return
        buffer = io.BytesIO()
        buffer.write(key.encode("ascii") + b"\n")
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(buffer.getvalue())
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
        log.debug("inventory cache %s not written: %s", path, exc)


