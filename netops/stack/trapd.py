"""`netops monitor traps`: the zone's trap receiver (asyncio UDP) posting alerts to its Alertmanager.

It runs on the zone's collector and knows only that zone's devices (traps.json from
`netops monitor plan`). A trap's sender is found by its source address (or the
snmpTrapAddress.0 a relaying agent adds); a trap from an address the zone does not know
still alerts, labelled with the address, so nothing is silently lost. Alerts are posted
to Alertmanager's API at once, so a mains failure reaches the duty engineer in seconds
rather than at the next poll.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from netops.errors import NetopsError, SecretError
from netops.inventory.model import SnmpCredential
from netops.secrets import SecretResolver, secrets_file_path
from netops.snmp import usm
from netops.snmp.target import split_host_port
from netops.stack import traps
from netops.stop_signal import stop_on_signals

log = logging.getLogger("netops.traps")
AUTH_NAMES = {"sha": "SHA", "sha256": "SHA256", "sha512": "SHA512"}


class TrapConfigError(NetopsError):
    exit_code = 2


class TrapDevice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    addresses: list[str] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)


class TrapConfig(BaseModel):
    """traps.json: where to listen, which Alertmanager, which credentials and devices."""

    model_config = ConfigDict(extra="forbid")
    listen: str
    zone: str
    alertmanager: str
    auths: dict[str, SnmpCredential] = Field(default_factory=dict)
    devices: dict[str, TrapDevice] = Field(default_factory=dict)
    secrets_file: str | None = None

    @classmethod
    def load(cls, path: Path) -> "TrapConfig":
        try:
            text = path.read_text(encoding="utf-8")
            data = (json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)) or {}
            if isinstance(data.get("auths"), dict):
                data["auths"] = {k: {"name": k, **v} for k, v in data["auths"].items()}
            return cls.model_validate(data)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            raise TrapConfigError(f"{path}: cannot read: {exc}") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            raise TrapConfigError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


@dataclass
class Credentials:
    communities: list[bytes] = field(default_factory=list)
    v3: traps.V3Users = field(default_factory=traps.V3Users)


def credentials(config: TrapConfig, env: dict[str, str] | None = None) -> tuple[Credentials, list[str]]:
    """Resolved communities and USM users; warnings for what cannot be used (never the values)."""
    resolver = SecretResolver(secrets_file_path(config.secrets_file, env), env)
    creds, warnings = Credentials(), []
    for name, cred in config.auths.items():
        try:
            if cred.version == "2c":
                creds.communities.append(resolver.resolve(cred.community).encode())
                continue
            if cred.priv_protocol not in (None, "aes"):
                warnings.append(f"auth {name}: {cred.priv_protocol} traps are not supported (AES-128 only)")
                continue
            creds.v3.users.append(usm.UsmUser(
                name=(cred.username or "").encode(), auth=AUTH_NAMES[cred.auth_protocol],
                auth_password=resolver.resolve(cred.auth_key).encode(),
                priv="AES" if cred.priv_protocol else None,
                priv_password=resolver.resolve(cred.priv_key).encode() if cred.priv_key else b""))
        except SecretError as exc:
            warnings.append(f"auth {name}: {exc}; its traps will be dropped")
    return creds, warnings


class DeviceIndex:
    def __init__(self, config: TrapConfig) -> None:
        self.zone = config.zone
        self.by_address = {a: d for d in config.devices.values() for a in d.addresses}

    def labels(self, trap: traps.Trap) -> dict[str, str]:
        device = self.by_address.get(trap.source)
        if device is None:
            found = trap.value(traps.SNMP_TRAP_ADDRESS)
            if found and isinstance(found[1], bytes) and len(found[1]) == 4:
                device = self.by_address.get(".".join(map(str, found[1])))
        if device is not None:
            return dict(device.labels)
        return {"device": trap.source, "zone": self.zone, "role": "unknown"}


class Receiver(asyncio.DatagramProtocol):
    """Decode, map and hand alerts to the poster; a bad datagram is counted and dropped."""

    def __init__(self, creds: Credentials, index: DeviceIndex, queue: asyncio.Queue) -> None:
        self.creds, self.index, self.queue = creds, index, queue
        self.stats: Counter[str] = Counter()

    def datagram_received(self, data: bytes, addr: Any) -> None:
        try:
            trap = traps.decode_trap(data, addr[0], self.creds.communities, self.creds.v3)
        except traps.TrapError as exc:
            self.stats["dropped"] += 1
            log.warning("dropped a datagram from %s: %s", addr[0], exc)
            return
        mapped = traps.map_trap(trap)
        if mapped is None:
            self.stats["ignored"] += 1
            log.info("trap %s from %s: not mapped", ".".join(map(str, trap.trap_oid)), addr[0])
            return
        self.stats["alerts"] += 1
        alert = traps.to_alert(mapped, self.index.labels(trap))
        log.info("trap from %s (v%s): %s %s", addr[0], trap.version, mapped.alertname,
                 "firing" if mapped.firing else "resolved")
        self.queue.put_nowait(alert)


async def post_alerts(url: str, queue: asyncio.Queue) -> None:
    """Send alerts to Alertmanager as they come; retry a failed post a few times."""
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while True:
            batch = [await queue.get()]
            while not queue.empty():
                batch.append(queue.get_nowait())
            for attempt in range(5):
                try:
                    async with session.post(f"{url.rstrip('/')}/api/v2/alerts", json=batch) as response:
                        if response.status < 300:
                            break
                        log.warning("Alertmanager answered %s: %s", response.status, (await response.text())[:200])
                except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                    log.warning("cannot reach Alertmanager %s: %s", url, exc)
                await asyncio.sleep(min(2 ** attempt, 10))


async def serve(config: TrapConfig, listen: str | None = None, ready=None) -> None:  # noqa: ANN001
    creds, warnings = credentials(config)
    for warning in warnings:
        log.warning(warning)
    host, port = split_host_port(listen or config.listen, default_port=162)
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: Receiver(creds, DeviceIndex(config), queue), local_addr=(host, port))
    poster = asyncio.create_task(post_alerts(config.alertmanager, queue))
    if ready:
        ready(*transport.get_extra_info("sockname")[:2])
    stop = stop_on_signals()
    try:
        await stop.wait()
    finally:
        transport.close()
        poster.cancel()
        log.info("trap receiver stopped: %s", dict(protocol.stats))
