"""Secrets never reach backups or diffs: masking of passwords, keys and communities."""

import pytest

from netops.devices.masking import HIDDEN, mask_secrets

CASES = [
    ("password zebra", "password " + HIDDEN),
    ("enable password s3cret", "enable password " + HIDDEN),
    ("enable secret 5 $1$abc$def", "enable secret 5 " + HIDDEN),
    ("username admin privilege 15 secret 9 $9$xyz", "username admin privilege 15 secret 9 " + HIDDEN),
    ("snmp-server community public RO", "snmp-server community " + HIDDEN + " RO"),
    (" neighbor 10.0.0.2 password bgp-secret", " neighbor 10.0.0.2 password " + HIDDEN),
    ("tacacs-server host 10.1.1.1 key tkey", "tacacs-server host 10.1.1.1 key " + HIDDEN),
    (" key-string 7 0822455D0A16", " key-string 7 " + HIDDEN),
    ("local-user admin password irreversible-cipher $1a$x$", "local-user admin password irreversible-cipher " + HIDDEN),
    ("snmp-agent community read cipher %^%#abc%^%#", "snmp-agent community read cipher " + HIDDEN),
    ("snmp-agent community write simple private", "snmp-agent community write simple " + HIDDEN),
    ("super password level 15 cipher abc", "super password level 15 cipher " + HIDDEN),
    (" password simple hello", " password simple " + HIDDEN),
    ("snmp-agent usm-user v3 u1 authentication-mode sha cipher k", "snmp-agent usm-user v3 u1 authentication-mode sha cipher " + HIDDEN),
]


@pytest.mark.parametrize("line,masked", CASES)
def test_secret_is_masked(line, masked):
    assert mask_secrets(line) == masked


@pytest.mark.parametrize("line", ["hostname r1", " description simple uplink", " description password reset desk",
                                  "interface eth0", " ip address 10.0.0.1/24"])
def test_ordinary_lines_untouched(line):
    assert mask_secrets(line) == line


def test_masking_is_stable():
    config = "hostname r1\npassword zebra\n"
    assert mask_secrets(mask_secrets(config)) == mask_secrets(config)
