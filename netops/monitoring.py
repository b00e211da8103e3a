"""The Prometheus side, generated from the inventory: file_sd targets and prometheus.yml.

Prometheus scrapes every device *through* the netops exporter in snmp_exporter's
multi-target style: the target is the device name, relabelled into `?target=`, and the
scrape goes to the exporter's address. Each target carries the inventory's labels (device,
site, zone, role, town, platform) and its metric profiles as `module`, so dashboards and
alert rules can group by town or zone without any other lookup.

With `shards > 1` the same targets are split by `hashmod` on the device name: shard k keeps
the targets whose hash modulo N is k, so N Prometheus servers (each with its own exporter)
share a province-sized network without overlap and without a shared list to maintain.

Everything here is pure (model in, dicts out); the CLI writes the files.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from netops.errors import NetopsError
from netops.inventory.graph import CableGraph
from netops.inventory.model import Device, Inventory, Role, SiteKind
from netops.snmp.defaults import device_profiles

TARGET_LABELS = ("device", "site", "zone", "role", "town", "platform")
DEFAULT_EXPORTER = "127.0.0.1:9089"
CENTRE_SITES = (SiteKind.admin_centre, SiteKind.data_centre)


class MonitoringError(NetopsError):
    """A monitoring configuration cannot be generated from these options."""

    exit_code = 2


# --- targets --------------------------------------------------------------------------------


def device_modules(device: Device) -> list[str]:
    """The metric profiles the exporter reads from this device (inventory override first)."""
    try:
        return device_profiles(device.role.value, device.platform.value, device.profiles)
    except ValueError as exc:
        raise MonitoringError(f"device {device.name!r}: profiles: {exc}") from None


def target_labels(device: Device) -> dict[str, str]:
    labels = {
        "device": device.name,
        "site": device.site,
        "zone": device.zone,
        "role": device.role.value,
        "town": device.town or "",
        "platform": device.platform.value,
        "module": ",".join(device_modules(device)),
    }
    return {k: v for k, v in labels.items() if v}


def monitored_devices(inv: Inventory, lab: bool = False) -> list[Device]:
    """Devices with SNMP: every device that has a credential (in the lab: a lab endpoint)."""
    devices = [d for d in inv.devices.values() if d.snmp is not None]
    if lab:
        devices = [d for d in devices if d.name in inv.lab.snmp]
    return devices


def file_sd(inv: Inventory, lab: bool = False) -> list[dict]:
    """Prometheus file_sd groups: one per device (its labels are unique to it), sorted by name."""
    return [
        {"targets": [d.name], "labels": target_labels(d)}
        for d in sorted(monitored_devices(inv, lab), key=lambda d: d.name)
    ]


def render_file_sd(groups: list[dict]) -> str:
    return json.dumps(groups, indent=2, ensure_ascii=False) + "\n"


# --- prometheus.yml ---------------------------------------------------------------------------


@dataclass
class PrometheusOptions:
    exporters: list[str] = field(default_factory=lambda: [DEFAULT_EXPORTER])
    shards: int = 1
    targets_files: list[str] = field(default_factory=lambda: ["targets/*.json"])
    rule_files: list[str] = field(default_factory=lambda: ["rules/*.yml"])
    scrape_interval: str = "60s"
    scrape_timeout: str = "30s"
    evaluation_interval: str = "60s"
    job: str = "snmp"
    external_labels: dict[str, str] = field(default_factory=dict)


def _check_endpoint(text: str) -> str:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise MonitoringError(f"exporter address {text!r}: expected HOST:PORT, e.g. 127.0.0.1:9116")
    if any(c.isspace() for c in text) or "/" in text:
        raise MonitoringError(f"exporter address {text!r}: expected HOST:PORT without spaces or a path")
    return text


def _duration_seconds(text: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    for unit in ("ms", "s", "m", "h"):
        if text.endswith(unit) and text[: -len(unit)].replace(".", "", 1).isdigit():
            return float(text[: -len(unit)]) * units[unit]
    raise MonitoringError(f"duration {text!r}: expected a number with ms, s, m or h (e.g. 60s)")


def snmp_relabel(exporter: str, shards: int = 1, shard: int = 0) -> list[dict]:
    """snmp_exporter-style relabelling, preceded by the hashmod shard filter when sharded."""
    rules: list[dict] = []
    if shards > 1:
        rules += [
            {"source_labels": ["__address__"], "modulus": shards, "target_label": "__tmp_hash",
             "action": "hashmod"},
            {"source_labels": ["__tmp_hash"], "regex": str(shard), "action": "keep"},
        ]
    rules += [
        {"source_labels": ["__address__"], "target_label": "__param_target"},
        {"source_labels": ["module"], "target_label": "__param_module"},
        {"source_labels": ["__param_target"], "target_label": "instance"},
        {"target_label": "__address__", "replacement": exporter},
        {"regex": "module", "action": "labeldrop"},
    ]
    return rules


def prometheus_config(options: PrometheusOptions, shard: int = 0) -> dict:
    """One Prometheus server's configuration (shard `shard` of `options.shards`)."""
    if options.shards < 1:
        raise MonitoringError("--shards must be at least 1")
    if not 0 <= shard < options.shards:
        raise MonitoringError(f"shard {shard} is outside 0..{options.shards - 1}")
    if not options.exporters:
        raise MonitoringError("at least one exporter address is needed")
    exporters = [_check_endpoint(e) for e in options.exporters]
    if _duration_seconds(options.scrape_timeout) > _duration_seconds(options.scrape_interval):
        raise MonitoringError(
            f"scrape timeout {options.scrape_timeout} is longer than the interval {options.scrape_interval}"
        )
    _duration_seconds(options.evaluation_interval)
    exporter = exporters[shard % len(exporters)]
    external = dict(options.external_labels)
    if options.shards > 1:
        external["shard"] = str(shard)
    config: dict = {
        "global": {
            "scrape_interval": options.scrape_interval,
            "scrape_timeout": options.scrape_timeout,
            "evaluation_interval": options.evaluation_interval,
        },
    }
    if external:
        config["global"]["external_labels"] = external
    if options.rule_files:
        config["rule_files"] = list(options.rule_files)
    config["scrape_configs"] = [
        {
            "job_name": options.job,
            # the exporter already labels every series with the inventory's labels
            "honor_labels": True,
            "metrics_path": "/snmp",
            "file_sd_configs": [{"files": list(options.targets_files), "refresh_interval": "1m"}],
            "relabel_configs": snmp_relabel(exporter, options.shards, shard),
        },
        {
            "job_name": "netops_exporter",
            "static_configs": [{"targets": [exporter], "labels": {"shard": str(shard)}}
                               if options.shards > 1 else {"targets": [exporter]}],
        },
    ]
    return config


def render_yaml(config: dict, header: str = "") -> str:
    text = yaml.safe_dump(config, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return (header + text) if header else text


def shard_paths(out: Path, shards: int) -> list[Path]:
    """prometheus.yml -> prometheus-shard-0.yml, ... (a single shard keeps the name)."""
    if shards <= 1:
        return [out]
    return [out.with_name(f"{out.stem}-shard-{k}{out.suffix or '.yml'}") for k in range(shards)]


def hashmod_shard(address: str, modulus: int) -> int:
    """The shard Prometheus's `hashmod` puts `address` in: md5, last 8 bytes, big-endian, mod N."""
    digest = hashlib.md5(address.encode()).digest()
    return int.from_bytes(digest[8:], "big") % modulus


# --- uplinks ------------------------------------------------------------------------------------


def uplink_interfaces(inv: Inventory, graph: CableGraph | None = None) -> dict[str, set[str]]:
    """Per device, the cabled ports that lead one hop closer to a centre core switch.

    Distance is counted in cables from every core switch of an admin or data centre; a port
    is an uplink when its peer is nearer the centre than the device itself. Alert rules and
    dashboards know uplinks by their description, which netops writes as "uplink ...".
    """
    graph = graph or CableGraph(inv)
    centre = [
        d.name for d in inv.devices.values()
        if d.role is Role.core_switch and (site := inv.sites.get(d.site)) is not None
        and site.kind in CENTRE_SITES
    ]
    distance: dict[str, int] = {name: 0 for name in centre}
    queue = deque(centre)
    while queue:
        current = queue.popleft()
        for hop in graph.neighbours(current):
            if hop.peer not in distance:
                distance[hop.peer] = distance[current] + 1
                queue.append(hop.peer)
    uplinks: dict[str, set[str]] = {}
    for name in inv.devices:
        if name not in distance:
            continue
        for hop in graph.neighbours(name):
            if distance.get(hop.peer, distance[name]) < distance[name]:
                uplinks.setdefault(name, set()).add(hop.interface)
    return uplinks
