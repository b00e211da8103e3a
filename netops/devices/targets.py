"""From the inventory to DeviceTargets: credentials resolved, each device mapped to its endpoint.

With `lab=True` only the devices the lab provides are targets, each at the loopback endpoint
the inventory or the running lab's state file names, with the lab's known_hosts; nothing is
ever sent to an inventory's (data-only) management address in that mode. A device that
cannot become a target (no credentials, unresolvable secret, no endpoint) is returned as a
failed result so it is reported, never silently skipped.
"""

from __future__ import annotations

from pathlib import Path

from netops.devices.platforms import NO_CONFIG
from netops.devices.results import DeviceResult, Status
from netops.devices.target import DeviceTarget
from netops.errors import NetopsError, SecretError


class TargetError(NetopsError):
    """Device operations cannot start: nothing selected, a bad selection (exit 2)."""


class LabNotUp(TargetError):
    """--lab without a running lab (exit 3: could not run)."""

    exit_code = 3


def lab_endpoint(inventory, name: str, lab_state) -> tuple[str, int] | None:
    entry = inventory.lab.ssh.get(name)
    if entry is None:
        return None
    if entry.endpoint:
        host, _, port = entry.endpoint.rpartition(":")
        return host, int(port)
    if lab_state is not None:
        return lab_state.endpoints().get(name)
    return None


def build_targets(inventory, resolver, *, lab: bool = False, lab_state=None, known_hosts: Path | None = None,
                  operation: str = "backup", timeout: float = 15.0, selector=None) -> tuple[list[DeviceTarget], list[DeviceResult]]:
    """Targets for every configurable device, and failed results for those that cannot be."""
    if lab and lab_state is None and not all(e.endpoint for e in inventory.lab.ssh.values()):
        raise LabNotUp("no SSH lab is up: start it with `netops lab up --ssh` (or drop --lab)")
    targets, problems = [], []
    for device in inventory.devices.values():
        platform = getattr(device.platform, "value", device.platform)
        if platform in NO_CONFIG:
            continue
        if lab and device.name not in inventory.lab.ssh:
            continue
        if selector is not None and not selector.matches(device):
            continue

        def fail(reason: str) -> None:
            problems.append(DeviceResult(device=device.name, operation=operation, status=Status.failed, reason=reason))

        if lab:
            endpoint = lab_endpoint(inventory, device.name, lab_state)
            if endpoint is None:
                fail(f"{device.name}: the running lab does not provide it (restart the lab)")
                continue
            host, port = endpoint
            hosts_file = known_hosts or (Path(lab_state.known_hosts) if lab_state is not None else None)
        else:
            if device.mgmt_address is None:
                fail(f"{device.name}: no mgmt_address in the inventory")
                continue
            host, port, hosts_file = str(device.mgmt_address), 22, known_hosts
        if not device.credentials or device.credentials not in inventory.credentials:
            fail(f"{device.name}: no credentials set (inventory field `credentials`)")
            continue
        cred = inventory.credentials[device.credentials]
        try:
            password = resolver.resolve(cred.password)
            enable = resolver.resolve(cred.enable) if cred.enable else None
        except SecretError as exc:
            fail(f"{device.name}: {exc}")
            continue
        targets.append(DeviceTarget(
            name=device.name, platform=platform, host=host, port=port, username=cred.username,
            password=password, enable=enable, known_hosts=hosts_file, timeout=timeout,
            driver=(device.data or {}).get("driver") if isinstance((device.data or {}).get("driver"), str) else None,
            role=getattr(device.role, "value", device.role), site=device.site, town=device.town,
            zones=tuple(device.zones), tags=tuple(device.tags),
        ))
    return targets, problems
