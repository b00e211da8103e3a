"""Config comparison and remediation: pure functions, no devices."""

from netops.devices import confdiff
from netops.devices.dialects import FRR, IOS, VRP

RUNNING = """Building configuration...

Current configuration:
!
frr version 8.4.4
frr defaults traditional
hostname r1
no ip forwarding
service integrated-vtysh-config
!
ip route 10.254.0.0/16 10.255.0.2
!
interface eth0
 description lab uplink
 ip address 10.255.0.1/30
exit
!
interface eth1
 ip address 10.1.1.1/24
exit
!
end
"""

INTENDED = """frr defaults traditional
hostname r1
no ip forwarding
service integrated-vtysh-config
!
ip route 10.253.0.0/16 10.255.0.2
!
interface eth0
 description town uplink
 ip address 10.255.0.1/30
exit
"""


def test_noise_lines_are_ignored():
    noisy = RUNNING.replace("frr version 8.4.4", "frr version 9.9.9").replace("Building configuration...", "")
    assert confdiff.normalize(noisy, FRR) == confdiff.normalize(RUNNING, FRR)
    assert "Current configuration" not in confdiff.normalize(RUNNING, FRR)
    ios = "Building configuration...\n\nCurrent configuration : 1234 bytes\n! Last configuration change at 10:00\nhostname a\n"
    assert confdiff.normalize(ios, IOS) == "hostname a\n"


def test_equal_configs_need_nothing():
    assert confdiff.remediation(RUNNING, RUNNING, FRR) == []
    assert confdiff.unified_diff(RUNNING, RUNNING, FRR) == ""


def test_remediation_negates_adds_and_enters_blocks():
    cmds = confdiff.remediation(RUNNING, INTENDED, FRR)
    assert cmds == [
        "no ip route 10.254.0.0/16 10.255.0.2",
        "interface eth1",  # a physical interface is emptied, not deleted
        " no ip address 10.1.1.1/24",
        "exit",
        "ip route 10.253.0.0/16 10.255.0.2",
        "interface eth0",
        " description town uplink",  # single-valued: replaced, not negated first
        "exit",
    ]


def test_negated_defaults_are_restored_and_keyed_removal_drops_the_value():
    running = "hostname r1\nno ip forwarding\npassword zebra\n"
    assert confdiff.remediation(running, "hostname r1\n", FRR) == ["ip forwarding", "no password"]


def test_merge_only_adds():
    cmds = confdiff.remediation(RUNNING, "ip route 10.9.0.0/16 10.255.0.2\n", FRR, replace=False)
    assert cmds == ["ip route 10.9.0.0/16 10.255.0.2"]


def test_unified_diff_shows_both_sides():
    diff = confdiff.unified_diff(RUNNING, INTENDED, FRR, "r1")
    assert "--- r1 (running)" in diff and "+++ r1 (intended)" in diff
    assert "- description lab uplink" in diff and "+ description town uplink" in diff
    assert "Building" not in diff


def test_vrp_uses_undo_and_quit():
    running = "#\nsysname sw1\n#\ninterface GigabitEthernet0/0/1\n description a\n#\nip route-static 0.0.0.0 0.0.0.0 10.0.0.1\n#\nreturn\n"
    intended = "sysname sw1\ninterface GigabitEthernet0/0/1\n description b\n"
    assert confdiff.remediation(running, intended, VRP) == [
        "undo ip route-static 0.0.0.0 0.0.0.0 10.0.0.1",
        "interface GigabitEthernet0/0/1",
        " description b",
        "quit",
    ]
