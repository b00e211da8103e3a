"""Trap decoding and mapping against datagrams from net-snmp's own `snmptrap` (a real sender).

Hostile cases: a wrong community, a wrong v3 key, a v3 trap below the user's security
level, a replayed (older) v3 trap, a flipped byte, random bytes: each is dropped with
TrapError and nothing else is ever raised.
"""

from __future__ import annotations

import shutil
import socket
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netops.snmp import usm
from netops.stack import traps

SNMPTRAP = shutil.which("snmptrap")
needs_snmptrap = pytest.mark.skipif(SNMPTRAP is None, reason="snmptrap (Debian package snmp) is not installed")
COMMUNITY = b"lab-appliance"
USER = usm.UsmUser(name=b"netops-in", auth="SHA", auth_password=b"lab-intranet-auth", priv="AES",
                   priv_password=b"lab-intranet-priv")
V3_ARGS = ["-v", "3", "-e", "0x80001f8880aabbccdd", "-u", "netops-in", "-a", "SHA", "-A", "lab-intranet-auth",
           "-x", "AES", "-X", "lab-intranet-priv", "-l", "authPriv"]
ON_BATTERY = ["1.3.6.1.2.1.33.2.0.1", "1.3.6.1.2.1.33.1.2.3.0", "i", "42"]
LINK_DOWN = ["1.3.6.1.6.3.1.1.5.3", "1.3.6.1.2.1.2.2.1.1.3", "i", "3", "1.3.6.1.2.1.2.2.1.2.3", "s", "GE0/0/3"]


def capture(*args: str) -> bytes:
    """What snmptrap sends, caught on a loopback socket."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(10)
        port = sock.getsockname()[1]
        subprocess.run([SNMPTRAP, "-Ln", *args[:-1], f"udp:127.0.0.1:{port}", "", *args[-1]],
                       check=True, capture_output=True, timeout=20)
        return sock.recv(65535)


def v2c(varbinds: list[str], community: str = "lab-appliance") -> bytes:
    return capture("-v", "2c", "-c", community, varbinds)


def v3(varbinds: list[str], *extra: str) -> bytes:
    return capture(*V3_ARGS, *extra, varbinds)


def decode(data: bytes, users: traps.V3Users | None = None) -> traps.Trap:
    return traps.decode_trap(data, "10.10.0.40", [COMMUNITY], users or traps.V3Users([USER]))


@needs_snmptrap
def test_v2c_ups_on_battery_becomes_a_critical_alert():
    trap = decode(v2c(ON_BATTERY))
    mapped = traps.map_trap(trap)
    assert mapped == traps.Mapped("UpsOnBattery", "critical", True)
    alert = traps.to_alert(mapped, {"device": "in-ups-1", "zone": "intranet", "site": "admin-centre"})
    assert alert["labels"] == {"device": "in-ups-1", "zone": "intranet", "site": "admin-centre",
                               "alertname": "UpsOnBattery", "severity": "critical", "source": "trap"}
    assert alert["startsAt"] < alert["endsAt"]


@needs_snmptrap
def test_v3_authpriv_link_down_and_up():
    users = traps.V3Users([USER])
    down = traps.map_trap(decode(v3(LINK_DOWN, "-Z", "1,100"), users))
    assert down == traps.Mapped("LinkDown", "warning", True, {"if_index": "3", "if_name": "GE0/0/3"})
    up = traps.map_trap(decode(v3(["1.3.6.1.6.3.1.1.5.4", "1.3.6.1.2.1.2.2.1.1.3", "i", "3"], "-Z", "1,160"), users))
    assert up is not None and not up.firing
    assert traps.to_alert(up, {"device": "x"})["endsAt"]  # ends now: resolves the LinkDown


@needs_snmptrap
def test_ups_alarm_entries_and_vendor_power_fail():
    added = ["1.3.6.1.2.1.33.2.0.3", "1.3.6.1.2.1.33.1.6.2.1.2.1", "o", "1.3.6.1.2.1.33.1.6.3.2"]
    removed = ["1.3.6.1.2.1.33.2.0.4", "1.3.6.1.2.1.33.1.6.2.1.2.1", "o", "1.3.6.1.2.1.33.1.6.3.2"]
    assert traps.map_trap(decode(v2c(added))) == traps.Mapped("UpsOnBattery", "critical", True, {"alarm": "2"})
    assert traps.map_trap(decode(v2c(removed))).firing is False
    apc = traps.map_trap(decode(v2c(["1.3.6.1.4.1.318.0.5"])))
    assert apc == traps.Mapped("UpsOnBattery", "critical", True)
    assert traps.map_trap(decode(v2c(["1.3.6.1.4.1.318.0.9"]))).firing is False
    env = traps.map_trap(decode(v2c(["1.3.6.1.4.1.3854.1.7.2"])))
    assert env is not None and env.alertname == "EnvironmentAlarm"
    assert traps.map_trap(decode(v2c(["1.3.6.1.4.1.99999.1"]))) is None  # unknown: not an alert


@needs_snmptrap
def test_wrong_community_is_dropped():
    with pytest.raises(traps.TrapError, match="unknown community"):
        decode(v2c(ON_BATTERY, community="public"))


@needs_snmptrap
def test_wrong_v3_key_is_dropped():
    data = capture(*[a if a != "lab-intranet-auth" else "wrong-auth-key" for a in V3_ARGS], ON_BATTERY)
    with pytest.raises(traps.TrapError, match="wrong digest"):
        decode(data)


@needs_snmptrap
def test_v3_below_the_users_level_is_dropped():
    data = capture("-v", "3", "-e", "0x80001f8880aabbccdd", "-u", "netops-in", "-l", "noAuthNoPriv", ON_BATTERY)
    with pytest.raises(traps.TrapError, match="security level"):
        decode(data)


@needs_snmptrap
def test_replayed_v3_trap_is_dropped():
    users = traps.V3Users([USER])
    old = v3(ON_BATTERY, "-Z", "5,1000")
    decode(v3(ON_BATTERY, "-Z", "5,2000"), users)
    with pytest.raises(traps.TrapError, match="time window"):
        decode(old, users)
    with pytest.raises(traps.TrapError, match="time window"):
        decode(v3(ON_BATTERY, "-Z", "4,5000"), users)  # an earlier boot


@needs_snmptrap
def test_every_flipped_byte_is_dropped_or_harmless():
    data = v3(ON_BATTERY, "-Z", "1,1")
    for i in range(len(data)):
        mutated = bytearray(data)
        mutated[i] ^= 0x01
        try:
            trap = decode(bytes(mutated), traps.V3Users([USER]))
        except traps.TrapError:
            continue
        # the digest covers the whole message: a change can only survive outside it (never here)
        pytest.fail(f"byte {i} flipped and the trap was still accepted: {trap}")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_trap_error(data):
    try:
        decode(data)
    except traps.TrapError:
        pass
