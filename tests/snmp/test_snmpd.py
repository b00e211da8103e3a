"""Against Debian's snmpd: v2c and v3 authPriv (SHA/AES), compared with net-snmp's own tools."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from netops.snmp.collector import collect
from netops.snmp.session import SnmpClient
from netops.snmp.target import SnmpAuth, SnmpTarget
from tests.snmp.conftest import run


def v2c(agent, community=None) -> SnmpAuth:
    return SnmpAuth(community=community or agent.community)


def v3(agent, auth_key=None) -> SnmpAuth:
    return SnmpAuth(version="3", username=agent.user, auth_protocol="SHA", auth_key=auth_key or agent.auth_key,
                    priv_protocol="AES", priv_key=agent.priv_key)


def scrape(agent, auth, profiles, names, timeout=2.0, retries=1):
    target = SnmpTarget(name="snmpd", host=agent.host, port=agent.port, auth=auth, timeout=timeout, retries=retries,
                        labels={"device": "snmpd"})

    async def go():
        client = SnmpClient()
        try:
            return await collect(client, target, [profiles[n] for n in names], deadline=30)
        finally:
            client.close()

    return run(go())


def net_snmp_walk(agent, oid: str, *auth_args: str) -> list[str]:
    tool = shutil.which("snmpbulkwalk")
    if tool is None:
        pytest.skip("net-snmp command line tools are not installed (apt-get install snmp)")
    out = subprocess.run([tool, *auth_args, "-On", "-Oqv", f"{agent.host}:{agent.port}", oid],
                         capture_output=True, text=True, timeout=20,
                         env={**os.environ, "MIBS": "", "SNMP_PERSISTENT_DIR": "/tmp"})
    return [line.strip().strip('"') for line in out.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("version", ["2c", "3"])
def test_system_and_interfaces_match_net_snmp(snmpd, profiles, version):
    auth = v2c(snmpd) if version == "2c" else v3(snmpd)
    result = scrape(snmpd, auth, profiles, ["system", "if_mib", "host_resources"])
    assert result.up, result.error
    info = result.family("sys_info").values()[0][0]
    assert info["sys_name"] == "netops-test-snmpd"
    assert info["sys_location"] == "test room"
    assert info["sys_object_id"] == "1.3.6.1.4.1.8072.3.2.10"  # net-snmp on Linux
    descr = sorted(labels["if_descr"] for labels, _ in result.family("if_oper_status").values())
    expected = sorted(net_snmp_walk(snmpd, "1.3.6.1.2.1.2.2.1.2", "-v2c", "-c", snmpd.community))
    assert descr == expected and "lo" in descr
    lo = [v for labels, v in result.family("if_in_bytes_total").values() if labels["if_descr"] == "lo"]
    assert lo and lo[0] > 0
    assert result.family("host_memory_size_bytes").values()[0][1] > 100 * 2**20


def test_v3_matches_net_snmp_v3_walk(snmpd, profiles):
    result = scrape(snmpd, v3(snmpd), profiles, ["if_mib"])
    names = sorted(labels["if_name"] for labels, _ in result.family("if_oper_status").values())
    expected = sorted(net_snmp_walk(snmpd, "1.3.6.1.2.1.31.1.1.1.1", "-v3", "-l", "authPriv", "-u", snmpd.user,
                                    "-a", "SHA", "-A", snmpd.auth_key, "-x", "AES", "-X", snmpd.priv_key))
    assert names == expected


def test_v3_aes256_goes_through_pysnmp(snmpd, profiles):
    auth = SnmpAuth(version="3", username=snmpd.user + "256", auth_protocol="SHA256", auth_key=snmpd.auth_key,
                    priv_protocol="AES256", priv_key=snmpd.priv_key)
    result = scrape(snmpd, auth, profiles, ["system"])
    assert result.up, result.error
    assert result.family("sys_info").values()[0][0]["sys_name"] == "netops-test-snmpd"


def test_wrong_v3_key_is_an_auth_failure_not_a_crash(snmpd, profiles):
    result = scrape(snmpd, v3(snmpd, auth_key="wrong-key-123"), profiles, ["system"], timeout=0.5, retries=0)
    assert not result.up
    assert result.reason == "auth" and "wrong digest" in result.error
    assert result.family("snmp_up").values()[0][1] == 0


def test_wrong_community_times_out_within_the_bound(snmpd, profiles):
    result = scrape(snmpd, v2c(snmpd, "not-the-community"), profiles, ["system"], timeout=0.3, retries=1)
    assert not result.up and result.reason == "timeout"
    assert 0.55 < result.duration < 1.5  # one bounded timeout per try, nothing more
