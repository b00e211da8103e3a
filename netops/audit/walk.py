"""Evidence for the live layer: SNMP walks, taken now or read back from saved files.

Everything the live checks read comes through one small interface, `walk(target, oid) ->
[(oid, value)]`. Live walks go through netops' one SNMP client (netops/snmp), the
exporter's, namespaces included. Values are plain Python: int, bytes (OCTET STRING), str
(IpAddress dotted, OID dotted).

Saved evidence, one file per device (`<device>.json`, `.walk`/`.snmpwalk`/`.txt` from
`snmpwalk -On`, or snmpsim `.snmprec`), lets an audit be repeated offline. What a file does
not hold was not seen: the walk raises EvidenceMissing and the check says UNKNOWN.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from netops.snmp import ber
from netops.snmp.budget import BudgetLimits, ScrapeBudget
from netops.snmp.errors import SnmpError, SnmpTimeout
from netops.snmp.netns import netns_socket_factory
from netops.snmp.session import SnmpClient
from netops.snmp.target import SnmpAuth
from netops.snmp.target import SnmpTarget as NetopsSnmpTarget
from netops.snmp.targets import TargetError, snmp_auth
from netops.snmp.walk import FetchPlan, fetch

Row = tuple[str, Any]

SYS_NAME = "1.3.6.1.2.1.1.5"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
LLDP_LOC_PORT = "1.0.8802.1.1.2.1.3.7.1"
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
LLDP_REM_MAN = "1.0.8802.1.1.2.1.4.2.1"
IP_NET_TO_PHYS = "1.3.6.1.2.1.4.35.1.4"
IP_NET_TO_MEDIA = "1.3.6.1.2.1.4.22.1.2"
INET_CIDR_ROUTE_IF = "1.3.6.1.2.1.4.24.7.1.7"
IP_CIDR_ROUTE_IF = "1.3.6.1.2.1.4.24.4.1.5"
IP_ROUTE_NEXT_HOP = "1.3.6.1.2.1.4.21.1.7"
IP_ROUTE_MASK = "1.3.6.1.2.1.4.21.1.11"
ROOTS = (SYS_NAME, IF_NAME, LLDP_LOC_PORT, LLDP_REM, LLDP_REM_MAN, IP_NET_TO_PHYS, IP_NET_TO_MEDIA,
         INET_CIDR_ROUTE_IF, IP_CIDR_ROUTE_IF, IP_ROUTE_NEXT_HOP, IP_ROUTE_MASK)


class EvidenceError(Exception):
    """A walk failed (timeout, authentication, no endpoint): its tables were not seen."""


class EvidenceMissing(EvidenceError):
    """Saved evidence does not hold this device or this table."""


class Walker(Protocol):
    def walk(self, target: str, oid: str) -> list[Row]: ...


# --- value encoding for saved evidence --------------------------------------------------------


def encode_value(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return ["i", int(value)]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8")
            if text.isprintable():
                return ["s", text]
        except UnicodeDecodeError:
            pass
        return ["x", value.hex()]
    if isinstance(value, IpText):
        return ["ip", str(value)]
    return ["oid", str(value)]


def decode_value(tag: str, value: Any) -> Any:
    if tag == "i":
        return int(value)
    if tag == "s":
        return str(value).encode("utf-8")
    if tag == "x":
        return bytes.fromhex(value)
    if tag == "ip":
        return IpText(value)
    return str(value)


class IpText(str):
    """An IpAddress value (dotted), told apart from an OID when saved."""


# --- SNMP ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnmpTarget:
    host: str
    port: int = 161
    netns: str | None = None  # a network namespace (name under /run/netns, or a path) to query from


# How much one device's walk of every root may cost: routing tables can be large, yet a
# hostile or broken agent must not make the audit hold gigabytes.
AUDIT_BUDGET = BudgetLimits(max_varbinds=2_000_000, max_total_bytes=256 << 20)


def _row_value(tag: int, value: Any) -> Any:
    if tag == ber.IP_ADDRESS and isinstance(value, bytes) and len(value) == 4:
        return IpText(".".join(str(b) for b in value))
    if tag == ber.OBJECT_IDENTIFIER:
        return ber.format_oid(value)
    return value  # int for INTEGER and the unsigned types, bytes for OCTET STRING / Opaque


class SnmpWalker:
    """GETBULK walks through netops' own SNMP client (netops/snmp): the exporter's codec,
    per-walk budget and RFC 3414 checks, one event loop for every device.

    Devices in a network namespace are reached through sockets created in that namespace
    (netops/snmp/netns.py); one client, hence one socket, per namespace.
    """

    def __init__(self, targets: dict[str, SnmpTarget], auth: dict[str, SnmpAuth | Exception],
                 timeout: float = 2.0, retries: int = 1, max_repetitions: int = 25, concurrency: int = 32):
        self.targets = targets
        self.auth = auth
        self.timeout = timeout
        self.retries = retries
        self.max_repetitions = max_repetitions
        self.concurrency = concurrency

    def describe(self, target: str) -> str:
        t = self.targets.get(target)
        if t is None:
            return "no SNMP endpoint"
        return f"snmp://{t.host}:{t.port}" + (f" in netns {t.netns}" if t.netns else "")

    def walk(self, target: str, oid: str) -> list[Row]:
        result = self.walk_many(target, [oid])[oid]
        if isinstance(result, Exception):
            raise result
        return result

    def walk_many(self, target: str, oids: list[str]) -> dict[str, list[Row] | Exception]:
        result = self.walk_devices([target], oids)[target]
        if isinstance(result, Exception):
            raise result
        return result

    def walk_devices(self, devices: list[str], oids: list[str]) -> dict[str, dict[str, list[Row] | Exception] | Exception]:
        """Every table of every device; a device that cannot be walked gets its exception."""
        out: dict[str, dict[str, list[Row] | Exception] | Exception] = {}
        groups: dict[str | None, list[str]] = {}
        for name in devices:
            t, auth = self.targets.get(name), self.auth.get(name)
            if t is None:
                out[name] = EvidenceError(f"no SNMP endpoint for {name}")
            elif auth is None or isinstance(auth, Exception):
                out[name] = EvidenceError(str(auth) if auth else f"no SNMP credential for {name}")
            else:
                groups.setdefault(t.netns, []).append(name)
        if groups:
            out.update(asyncio.run(self._walk_groups(groups, oids)))
        for name in devices:
            out.setdefault(name, EvidenceError(f"SNMP walk of {name} did not finish"))
        return out

    async def _walk_groups(self, groups: dict[str | None, list[str]], oids: list[str]) -> dict[str, Any]:
        limit = asyncio.Semaphore(self.concurrency)
        clients = {netns: SnmpClient(netns_socket_factory(netns) if netns else None) for netns in groups}

        async def one(client: SnmpClient, name: str) -> tuple[str, Any]:
            async with limit:
                try:
                    return name, await self._walk_device(client, name, oids)
                except SnmpError as exc:
                    return name, EvidenceError(f"SNMP walk of {name} failed: {exc}")

        try:
            pairs = await asyncio.gather(*(one(clients[netns], name) for netns, names in groups.items()
                                           for name in names))
        finally:
            for client in clients.values():
                client.close()
        return dict(pairs)

    async def _walk_device(self, client: SnmpClient, name: str, oids: list[str]) -> dict[str, list[Row] | Exception]:
        t, auth = self.targets[name], self.auth[name]
        assert isinstance(auth, SnmpAuth)
        target = NetopsSnmpTarget(name=name, host=t.host, port=t.port, auth=auth, timeout=self.timeout,
                                  retries=self.retries, max_repetitions=self.max_repetitions, budget=AUDIT_BUDGET)
        # a bound on the whole device, whatever the agent does (every table a few hundred round trips)
        deadline = len(oids) * self.timeout * (self.retries + 1) * 20 + 30
        budget = ScrapeBudget(AUDIT_BUDGET, deadline_at=time.monotonic() + deadline)
        out: dict[str, list[Row] | Exception] = {}
        async with asyncio.timeout(deadline):
            session = await client.session(target, budget)
            for oid in oids:
                root = ber.parse_oid(oid)
                try:
                    fetched = await fetch(session, FetchPlan(columns=(root,)), max_repetitions=self.max_repetitions,
                                          max_varbinds=AUDIT_BUDGET.max_varbinds)
                except SnmpError as exc:
                    out[oid] = EvidenceError(str(exc))
                    if isinstance(exc, SnmpTimeout):  # the device is gone: do not wait on every table
                        for rest in oids[oids.index(oid) + 1:]:
                            out[rest] = EvidenceError(f"not walked after a timeout: {exc}")
                        break
                    continue
                cells = fetched.data.get(root, {})
                out[oid] = [(ber.format_oid(root + index), _row_value(tag, value))
                            for index, (tag, value) in sorted(cells.items()) if tag != ber.NULL]
        return out


def _auth_from(credential: Any, resolver: Any) -> SnmpAuth:
    try:
        return snmp_auth(credential, resolver)
    except TargetError as exc:
        raise EvidenceError(str(exc)) from None


def snmp_auth_for(inv: Any, resolver: Any) -> dict[str, SnmpAuth | Exception]:
    """Each device's SNMP credential with its secrets resolved (errors kept per device)."""
    out: dict[str, SnmpAuth | Exception] = {}
    cache: dict[str, SnmpAuth | Exception] = {}
    for d in inv.devices.values():
        if not d.snmp:
            out[d.name] = EvidenceError(f"{d.name} has no SNMP credential in the inventory")
            continue
        if d.snmp not in cache:
            cred = inv.snmp_credentials.get(d.snmp)
            try:
                if cred is None:
                    raise EvidenceError(f"unknown SNMP credential '{d.snmp}'")
                cache[d.snmp] = _auth_from(cred, resolver)
            except EvidenceError as exc:  # a missing secret: that device's evidence is UNKNOWN
                cache[d.snmp] = EvidenceError(f"SNMP credential '{d.snmp}': {exc}")
        out[d.name] = cache[d.snmp]
    return out


def lab_targets(inv: Any) -> dict[str, SnmpTarget]:
    """The lab's loopback endpoints; a device without one is not queried (never its 10.x address)."""
    out = {}
    for name, endpoint in inv.lab.snmp.items():
        host, _, port = endpoint.rpartition(":")
        out[name] = SnmpTarget(host, int(port))
    return out


# --- saved evidence ---------------------------------------------------------------------------

_SUFFIXES = {".json": "json", ".walk": "walk", ".snmpwalk": "walk", ".txt": "walk", ".snmprec": "snmprec"}
_WALK_LINE = re.compile(r"^\.?(\d+(?:\.\d+)*) = (?:([A-Za-z0-9 -]+?): ?)?(.*)$")


def _parse_walk_value(kind: str | None, text: str) -> Any:
    text = text.strip()
    if kind is None:
        if text == '""':
            return b""
        return text.encode() if not text.lstrip("-").isdigit() else int(text)
    kind = kind.strip()
    if kind == "STRING":
        if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
            text = text[1:-1].replace('\\"', '"')
        return text.encode("utf-8")
    if kind in ("Hex-STRING", "BITS", "Network Address"):
        digits = re.sub(r"[^0-9A-Fa-f]", "", text.split("  ")[0] if kind == "BITS" else text)
        return bytes.fromhex(digits) if len(digits) % 2 == 0 else digits.encode()
    if kind == "IpAddress":
        return IpText(text)
    if kind == "OID":
        return text.lstrip(".")
    if kind == "Timeticks":
        m = re.match(r"\((\d+)\)", text)
        return int(m.group(1)) if m else 0
    m = re.search(r"-?\d+", text)
    if kind in ("INTEGER", "Gauge32", "Counter32", "Counter64", "Unsigned32", "UInteger32") and m:
        paren = re.search(r"\((-?\d+)\)", text)
        return int(paren.group(1)) if paren else int(m.group(0))
    return text.encode("utf-8")


def parse_snmpwalk(text: str) -> list[Row]:
    """`snmpwalk -On` output (continuation lines of long values joined)."""
    rows: list[list[Any]] = []
    for raw in text.splitlines():
        m = _WALK_LINE.match(raw)
        if m is None:
            if rows and raw.strip():
                rows[-1][2] += "\n" + raw
            continue
        oid, kind, value = m.groups()
        if value.startswith(("No Such Object", "No Such Instance", "No more variables")):
            continue
        rows.append([oid, kind, value])
    return [(oid, _parse_walk_value(kind, value)) for oid, kind, value in rows]


def parse_snmprec(text: str) -> list[Row]:
    out: list[Row] = []
    for raw in text.splitlines():
        parts = raw.rstrip("\n").split("|", 2)
        if len(parts) != 3 or not parts[0][:1].isdigit():
            continue
        oid, tag, value = parts
        hexed = tag.endswith("x")
        tag = tag.rstrip("x")
        if tag == "4":
            out.append((oid, bytes.fromhex(value) if hexed else value.encode("utf-8")))
        elif tag == "64":
            out.append((oid, IpText(str(ipaddress_from_hex(value)) if hexed else value)))
        elif tag == "6":
            out.append((oid, value))
        elif tag in ("2", "65", "66", "67", "70"):
            try:
                out.append((oid, int(value)))
            except ValueError:
                continue
    return out


def ipaddress_from_hex(value: str) -> str:
    raw = bytes.fromhex(value)
    return ".".join(str(b) for b in raw[:4])


@dataclass
class SavedDevice:
    path: Path
    collected_at: str
    source: str
    walks: dict[str, list[Row]] | None  # JSON: the tables walked; None for a dump (walk/snmprec)
    errors: dict[str, str]
    rows: list[Row]


class FileWalker:
    """Walks answered from saved evidence files (one per device) in a directory."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.files: dict[str, Path] = {}
        if directory.is_dir():
            for path in sorted(directory.rglob("*")):
                kind = _SUFFIXES.get(path.suffix.lower())
                if kind and path.is_file():
                    self.files.setdefault(path.name[: -len(path.suffix)], path)
        self._cache: dict[str, SavedDevice] = {}
        self._lock = threading.Lock()

    def describe(self, target: str) -> str:
        path = self.files.get(target)
        return str(path) if path else f"no evidence file in {self.directory}"

    def collected_at(self, target: str) -> str | None:
        try:
            return self._load(target).collected_at
        except EvidenceError:
            return None

    def _load(self, target: str) -> SavedDevice:
        with self._lock:
            if target in self._cache:
                return self._cache[target]
        path = self.files.get(target)
        if path is None:
            raise EvidenceMissing(f"no saved evidence for {target} in {self.directory}")
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise EvidenceError(f"cannot read {path}: {exc.strerror}") from None
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).isoformat(timespec="seconds")
        kind = _SUFFIXES[path.suffix.lower()]
        if kind == "json":
            try:
                data = json.loads(text)
                walks = {root: [(r[0], decode_value(r[1], r[2])) for r in rows]
                         for root, rows in data.get("walks", {}).items()}
            except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
                raise EvidenceError(f"{path}: not a netops evidence file ({exc})") from None
            saved = SavedDevice(path, data.get("collected_at", mtime), data.get("source", str(path)), walks,
                                dict(data.get("errors", {})), [])
        else:
            rows = parse_snmpwalk(text) if kind == "walk" else parse_snmprec(text)
            saved = SavedDevice(path, mtime, str(path), None, {}, rows)
        with self._lock:
            self._cache[target] = saved
        return saved

    def walk(self, target: str, oid: str) -> list[Row]:
        saved = self._load(target)
        prefix = oid + "."
        if saved.walks is not None:
            if oid in saved.errors:
                raise EvidenceError(f"{saved.path}: the walk of {oid} failed when collected: {saved.errors[oid]}")
            for root, rows in saved.walks.items():
                if oid == root or oid.startswith(root + "."):
                    return [r for r in rows if r[0] == oid or r[0].startswith(prefix)]
            raise EvidenceMissing(f"{saved.path} holds no walk of {oid}")
        rows = [r for r in saved.rows if r[0] == oid or r[0].startswith(prefix)]
        if not rows:
            raise EvidenceMissing(f"{saved.path} holds nothing under {oid}")
        return rows


# --- gathering ---------------------------------------------------------------------------------


@dataclass
class DeviceEvidence:
    """Every table walked on one device: rows, or why the walk failed."""

    device: str
    source: str
    collected_at: str
    walks: dict[str, list[Row]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    file: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"device": self.device, "collected_at": self.collected_at, "source": self.source,
                "walks": {root: [[oid, *encode_value(v)] for oid, v in rows] for root, rows in self.walks.items()},
                "errors": self.errors}

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _evidence(walker: Walker, device: str, results: Any, started: str) -> DeviceEvidence:
    describe = getattr(walker, "describe", None)
    evidence = DeviceEvidence(device, describe(device) if describe else type(walker).__name__, started)
    if isinstance(results, Exception):
        results = {root: results for root in ROOTS}
    for root, result in results.items():
        if isinstance(result, Exception):
            evidence.errors[root] = str(result)
        else:
            evidence.walks[root] = result
    collected = getattr(walker, "collected_at", None)
    if collected is not None:
        evidence.collected_at = collected(device) or evidence.collected_at
    if isinstance(walker, FileWalker) and device in walker.files:
        evidence.file = str(walker.files[device])
    return evidence


def gather_device(walker: Walker, device: str, roots: tuple[str, ...] = ROOTS) -> DeviceEvidence:
    started = _now()
    results: dict[str, Any] = {}
    for root in roots:
        try:
            results[root] = walker.walk(device, root)
        except EvidenceError as exc:
            results[root] = exc
    return _evidence(walker, device, results, started)


def gather(walker: Walker, devices: list[str], workers: int = 16) -> dict[str, DeviceEvidence]:
    """Walk every device; one device's failure is its own UNKNOWN, never the run's."""
    if not devices:
        return {}
    walk_devices = getattr(walker, "walk_devices", None)
    if walk_devices is not None:
        started = _now()
        results = walk_devices(devices, list(ROOTS))
        return {d: _evidence(walker, d, results[d], started) for d in devices}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(devices)))) as pool:
        return dict(zip(devices, pool.map(lambda d: gather_device(walker, d), devices)))


def save_evidence(evidence: dict[str, DeviceEvidence], directory: Path) -> dict[str, Path]:
    """Write `<device>.json` per device so the audit can be repeated offline."""
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, ev in evidence.items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(ev.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        ev.file = str(path)
        out[name] = path
    return out
