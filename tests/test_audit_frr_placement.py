"""Real FRR decides where a line written under a block applies; the audit must agree.

zebra + staticd (FRR 8.4) boot a frr.conf inside a network namespace made by the test;
`show running-config` says where each route went, and the audit's parser must place the
same routes globally (or in their VRF). Skips when FRR is not installed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from netops.audit.configs import parse_config
from netops.lab import frr, netns, procs

HEAD = "frr version 8.4.4\nfrr defaults traditional\nhostname rt1\nservice integrated-vtysh-config\n!\n"
# routes written under other blocks, no `exit` after them: FRR installs every one globally
NO_EXIT = HEAD + """interface eth0
 ip address 10.255.0.1/30
!
interface eth1
 description deeper
  ip route 10.96.0.0/16 10.255.0.2
!
line vty
 ip route 10.98.0.0/16 10.255.0.2
!
interface eth2
 ip route 10.95.0.0/16 10.255.0.2
!
ip route 10.94.0.0/16 10.255.0.2
!
end
"""
# the same with `exit` closing each block, as vtysh writes it: after the relocated route the CLI is
# at the global level, where `exit` leaves configuration mode, and FRR applies nothing after it
WITH_EXIT = HEAD + """interface eth0
 ip address 10.255.0.1/30
 ip route 0.0.0.0/0 10.255.0.2
exit
!
interface eth1
 ip address 10.255.1.1/30
 ip route 10.96.0.0/16 10.255.0.2
exit
!
ip route 10.94.0.0/16 10.255.0.2
!
end
"""


def _boot(config: str) -> str:
    """show running-config of a router that booted `config`."""
    name = f"nsaudfrr{os.getpid() % 100000}"
    base = Path(tempfile.mkdtemp(prefix="netops-audit-frr-"))  # traversable by user frr, unlike pytest's tmp
    os.chmod(base, 0o755)
    router = base / "rt1"
    netns.create(name)
    pids: dict[str, int] = {}
    try:
        frr.prepare(router, config)
        pids = frr.start(name, router, "rt1")
        return frr.vtysh(name, router, "rt1", "show running-config")
    finally:
        for pid in pids.values():  # stopped and waited for by PID (SIGKILL if they linger)
            procs.stop(pid, marker=str(router))
        netns.delete(name)
        frr.remove_dir(base)


def _routes(running: str) -> set[str]:
    return {line.split()[2] for line in running.splitlines() if line.startswith("ip route ")}


@pytest.fixture
def lab() -> None:
    missing = frr.missing_software()
    if missing or os.geteuid() != 0:
        pytest.skip("the FRR lab needs root and " + (", ".join(missing) or "network namespaces"))


def test_routes_under_blocks_are_global_in_frr_and_in_the_audit(lab):
    expected = {"10.96.0.0/16", "10.98.0.0/16", "10.95.0.0/16", "10.94.0.0/16"}
    assert _routes(_boot(NO_EXIT)) == expected
    parsed = parse_config("frr", NO_EXIT)
    assert {str(r.prefix) for r in parsed.routes} == expected
    assert sum("applies it globally" in note for note in parsed.relocated) == 3
    assert parsed.unplaced == {}


def test_exit_after_a_relocated_route_ends_the_configuration(lab):
    running = _boot(WITH_EXIT)
    assert _routes(running) == {"0.0.0.0/0"}  # FRR stopped at the `exit` after it
    assert "interface eth1" not in running
    parsed = parse_config("frr", WITH_EXIT)
    assert "0.0.0.0/0" in {str(r.prefix) for r in parsed.routes}  # judged: it is installed
    # what follows is not applied: every security check is UNKNOWN rather than trusting it
    assert set(parsed.unplaced) == {"route", "telnet", "snmp", "firewall"}
    assert parsed.unplaced["route"][0].number == WITH_EXIT.splitlines().index("exit") + 1
