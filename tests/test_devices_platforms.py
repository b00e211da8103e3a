"""The driver is chosen from the inventory's platform; unknown platforms get a clear error."""

import pytest

from netops.devices import dialects
from netops.devices.drivers.base import UnsupportedPlatform
from netops.devices.drivers.napalm_driver import NapalmDriver
from netops.devices.drivers.netmiko_driver import NetmikoDriver
from netops.devices.platforms import choose, driver_for
from netops.devices.target import DeviceTarget


def target(platform, driver=None):
    return DeviceTarget(name="d1", platform=platform, host="127.0.0.1", port=2222, username="u", password="p",
                        driver=driver)


@pytest.mark.parametrize("platform,kind,dialect", [
    ("frr", "cisco_ios", dialects.FRR),
    ("cisco_ios", "cisco_ios", dialects.IOS),
    ("huawei_vrp", "huawei", dialects.VRP),
    ("hp_comware", "hp_comware", dialects.COMWARE),
])
def test_netmiko_defaults(platform, kind, dialect):
    driver = driver_for(target(platform))
    assert isinstance(driver, NetmikoDriver)
    assert driver.device_type == kind and driver.dialect is dialect


@pytest.mark.parametrize("platform,override,name", [
    ("huawei_vrp", "napalm", "huawei_vrp"),
    ("hp_comware", "napalm", "h3c_comware"),
    ("cisco_ios", "napalm", "ios"),
    ("eos", None, "eos"),
    ("junos", None, "junos"),
])
def test_napalm_drivers(platform, override, name):
    driver = driver_for(target(platform, override))
    assert isinstance(driver, NapalmDriver) and driver.napalm_name == name


def test_napalm_community_drivers_are_installed():
    from netops.devices.drivers.napalm_driver import load_napalm_driver

    assert load_napalm_driver("huawei_vrp").__name__ == "VRPDriver"
    assert load_napalm_driver("h3c_comware") is not None


def test_h3c_napalm_driver_only_reads():
    driver = driver_for(target("hp_comware", "napalm"))
    driver._device = object()  # no session needed: the refusal comes first
    with pytest.raises(UnsupportedPlatform, match="only reads"):
        driver.load_replace_candidate("sysname x\n")


def test_netmiko_override_type():
    driver = driver_for(target("huawei_vrp", "netmiko:huawei_vrpv8"))
    assert isinstance(driver, NetmikoDriver) and driver.device_type == "huawei_vrpv8"


@pytest.mark.parametrize("platform,message", [
    ("linux", "no config driver"),
    ("appliance", "SNMP only"),
    ("nokia_sros", "unknown platform 'nokia_sros': expected one of"),
])
def test_unsupported_platforms(platform, message):
    with pytest.raises(UnsupportedPlatform, match=message):
        choose(platform)


def test_bad_override():
    with pytest.raises(UnsupportedPlatform, match="expected napalm"):
        choose("frr", "telnet")


class _FakeNapalm:
    """Stands in for a NAPALM NetworkDriver object (no NAPALM device exists here)."""

    def __init__(self, confirm: bool):
        self.calls = []
        self._confirm = confirm

    def commit_config(self, message="", revert_in=None):
        if revert_in is not None and not self._confirm:
            raise NotImplementedError
        self.calls.append(("commit", revert_in))

    def confirm_commit(self):
        self.calls.append(("confirm",))


@pytest.mark.parametrize("has_confirm,expected", [
    (True, [("commit", 300), ("confirm",)]),
    (False, [("commit", None)]),
])
def test_napalm_commit_confirm_when_the_driver_has_it(has_confirm, expected):
    driver = driver_for(target("junos"))
    driver._device = _FakeNapalm(has_confirm)
    driver.commit_config()
    driver.confirm()
    assert driver._device.calls == expected
