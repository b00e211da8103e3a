"""Profiles as data: the shipped ones load, bad ones fail with file, line and field."""

from __future__ import annotations

import pytest

from netops.inventory.model import Platform, Role
from netops.snmp.defaults import default_profiles, device_profiles
from netops.snmp.profile import ProfileError, load_profile, parse_profile

EXPECTED = {"system", "if_mib", "ups_rfc1628", "host_resources", "huawei_entity", "h3c_entity",
            "room_environment", "lldp", "ucd_snmp"}


def test_shipped_profiles_load(profiles):
    assert EXPECTED <= set(profiles)
    for profile in profiles.values():
        assert profile.description, profile.name


def test_metric_names_follow_prometheus_conventions(profiles):
    for profile in profiles.values():
        for table in profile.tables:
            for metric in table.metrics:
                if metric.type == "counter":
                    assert metric.name.endswith("_total")
                assert metric.help, metric.name
                assert not any(unit in metric.name for unit in ("_percent", "_minutes", "_kbytes", "_octets"))


GOOD = """\
name: demo
tables:
  - name: t
    index: [{name: i, type: integer}]
    metrics:
      - name: demo_value
        oid: 1.3.6.1.4.1.99.1.1
"""


def test_minimal_profile_parses():
    profile = parse_profile(GOOD, "demo.yaml")
    assert profile.tables[0].metrics[0].oid == (1, 3, 6, 1, 4, 1, 99, 1, 1)


@pytest.mark.parametrize(
    "patch, line, field, message",
    [
        (("oid: 1.3.6.1.4.1.99.1.1", "oid: ifDescr"), 7, "tables[0] (t).metrics[0] (demo_value).oid", "not a numeric OID"),
        (("name: demo_value", "name: demo-value"), 6, "tables[0] (t).metrics[0] (demo-value)", "valid Prometheus metric name"),
        (("        oid: 1.3.6.1.4.1.99.1.1", "        oid: 1.3.6.1.4.1.99.1.1\n        type: counter"), 6,
         "tables[0] (t).metrics[0] (demo_value)", "must end in _total"),
        (("        oid: 1.3.6.1.4.1.99.1.1", "        oid: 1.3.6.1.4.1.99.1.1\n        colour: red"), 8,
         "tables[0] (t).metrics[0] (demo_value).colour", "unknown field"),
        (("    index: [{name: i, type: integer}]\n", ""), 3, "tables[0] (t)", "needs an 'index'"),
        (("    index: [{name: i, type: integer}]", "    index: [{name: device, type: integer}]"), 3,
         "tables[0] (t)", "reserved"),
        (("    metrics:", "    filters: [{oid: 1.3.6.1.4.1.99.2.0, scalar: true, key: [i], in: [1]}]\n    metrics:"), 5,
         "tables[0] (t).filters[0]", "scalar filter has no 'key'"),
        (("        oid: 1.3.6.1.4.1.99.1.1", "        oid: 1.3.6.1.4.1.99.1.1\n        exponent_by: [{oid: 1.3.6.1.4.1.99.3}]"), 8,
         "tables[0] (t).metrics[0] (demo_value).exponent_by[0].map", "required field is missing"),
    ],
)
def test_bad_profiles_name_file_line_and_field(patch, line, field, message):
    text = GOOD.replace(*patch)
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "monitors/profiles/demo.yaml")
    error = info.value
    assert error.path == "monitors/profiles/demo.yaml"
    assert error.field == field
    assert error.line == line
    assert message in str(error)


def test_yaml_syntax_error_has_a_line():
    with pytest.raises(ProfileError, match=r"demo.yaml:2: not valid YAML"):
        parse_profile("name: demo\ntables: x: y\n", "demo.yaml")


def test_profile_name_must_match_file(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text(GOOD)
    with pytest.raises(ProfileError, match="must match the file name"):
        load_profile(path)


def test_every_inventory_role_and_platform_has_defaults(profiles):
    for role in Role:
        for platform in Platform:
            names = default_profiles(role.value, platform.value)
            assert names[0] == "system"
            assert set(names) - {"auto"} <= set(profiles), (role, platform, names)


@pytest.mark.parametrize(
    "role, platform, expected",
    [
        ("core_switch", "huawei_vrp", ["system", "if_mib", "lldp", "huawei_entity", "auto"]),
        ("access_switch", "hp_comware", ["system", "if_mib", "lldp", "h3c_entity", "auto"]),
        ("router", "frr", ["system", "if_mib", "lldp", "host_resources", "ucd_snmp", "auto"]),
        ("server", "linux", ["system", "if_mib", "host_resources", "ucd_snmp"]),
        ("ups", "appliance", ["system", "ups_rfc1628", "auto"]),
        ("eps", None, ["system", "ups_rfc1628", "auto"]),
        ("environment_monitor", "appliance", ["system", "room_environment", "auto"]),
        ("village_ap", "huawei_vrp", ["system", "if_mib", "huawei_entity"]),
    ],
)
def test_defaults_by_role_and_platform(role, platform, expected):
    assert default_profiles(role, platform) == expected


def test_overrides_replace_add_and_remove():
    assert device_profiles("server", "linux", ["system", "ups_rfc1628"]) == ["system", "ups_rfc1628"]
    assert device_profiles("server", "linux", ["+ups_rfc1628", "-ucd_snmp"]) == [
        "system", "if_mib", "host_resources", "ups_rfc1628"]
    with pytest.raises(ValueError, match="unknown role"):
        default_profiles("toaster")
