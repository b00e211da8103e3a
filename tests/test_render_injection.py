"""A value from the inventory can never start a new configuration line or command.

Two layers: the model refuses control characters in every string that reaches a config, and
the renderer refuses, at output time, any value that would end its line. These tests go round
the first layer (model_construct, plain assignment) to prove the second holds on its own.
"""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from netops.inventory import load_inventory
from netops.inventory.model import Device, Interface, Vlan, ZoneServices
from netops.render import Renderer, UnsafeValue, render_device
from tests.render_support import SAMPLE

BREAKERS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1b", "\x00", "\x85", "\u2028", "\u2029", "\x7f"]
PAYLOAD = "uplink{}undo lldp enable{}reboot"


@pytest.fixture
def inventory():
    return load_inventory(SAMPLE)


def set_interface(device, name: str, **changes) -> None:
    """Replace a (frozen) interface with a copy that skipped validation, as a buggy loader might."""
    index = next(k for k, i in enumerate(device.interfaces) if i.name == name)
    device.interfaces[index] = Interface.model_construct(**{**dict(device.interfaces[index]), **changes})
    device._interfaces_by_name = None


def set_uplink_description(inventory, text: str) -> None:
    set_interface(inventory.devices["wangtai-v001"], "GigabitEthernet0/0/4", description=text)


def test_the_model_refuses_a_newline_in_a_description():
    with pytest.raises(ValidationError, match="description"):
        Interface.model_validate({"name": "eth0", "description": "ok\nquit"})


@pytest.mark.parametrize("breaker", BREAKERS)
def test_description_bypassing_the_model_is_refused_at_render_time(inventory, breaker):
    set_uplink_description(inventory, PAYLOAD.format(breaker, breaker))
    with pytest.raises(UnsafeValue, match="would end the configuration line"):
        render_device(inventory, "wangtai-v001")


def test_model_construct_device_name_cannot_inject_a_hostname_line(inventory):
    original = inventory.devices["wangtai-ex-rt"]
    evil = Device.model_construct(**{**dict(original), "name": "rt\ninterface eth9"})
    inventory.devices["evil"] = evil
    with pytest.raises(UnsafeValue):
        render_device(inventory, "evil")


@pytest.mark.parametrize("platform_device", ["in-core-1", "ex-core-1", "inet-rt-1", "wangtai-ex-rt", "fw-1"])
def test_every_platform_refuses_an_injected_interface_description(inventory, platform_device):
    device = inventory.devices[platform_device]
    target = next(i for i in device.interfaces if i.addresses)
    set_interface(device, target.name, description="x\r\nsystem-view")
    with pytest.raises(UnsafeValue):
        render_device(inventory, platform_device)


def test_vlan_name_and_zone_service_values_are_checked_too(inventory):
    sw = inventory.devices["wangtai-in-sw"]
    sw.vlans = [Vlan.model_construct(id=101, name="intranet\nvlan 999", description=None)]
    with pytest.raises(UnsafeValue):
        render_device(inventory, "wangtai-in-sw")
    inventory = load_inventory(SAMPLE)
    zone = inventory.zones["extranet"]
    zone.services = ZoneServices.model_construct(**{**dict(zone.services), "ntp": ["10.20.0.10\nntp-service disable"]})
    with pytest.raises(UnsafeValue):
        render_device(inventory, "wangtai-v001")


def test_injected_value_fails_only_its_device(inventory):
    set_uplink_description(inventory, "up\nreboot")
    results = {r.device: r for r in Renderer(inventory).render_many()}
    assert results["wangtai-v001"].status == "failed"
    assert "would end the configuration line" in results["wangtai-v001"].reason
    assert results["wangtai-v001"].config is None
    assert sum(r.status == "rendered" for r in results.values()) == 100


def _templates(root, router):
    (root / "frr").mkdir(parents=True)
    (root / "frr" / "_m.j2").write_text("{% macro two() %}\na\nb\n{% endmacro %}\n")
    (root / "frr" / "router.j2").write_text(router)
    return root


def test_macro_output_may_span_lines_but_a_value_joined_to_it_may_not(inventory, tmp_path):
    joined = _templates(tmp_path / "joined", '{% import "frr/_m.j2" as m %}{{ m.two() ~ c.hostname }}\n')
    with pytest.raises(UnsafeValue):
        render_device(inventory, "wangtai-ex-rt", templates_dir=joined)
    plain = _templates(tmp_path / "plain", '{% import "frr/_m.j2" as m %}{{ m.two() }}end\n')
    assert render_device(inventory, "wangtai-ex-rt", templates_dir=plain) == "a\nb\nend\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=80))
def test_any_text_either_stays_on_its_line_or_is_refused(inventory, text):
    """Whatever string reaches a description, the config keeps its exact line structure."""
    set_uplink_description(inventory, "baseline")
    baseline = render_device(inventory, "wangtai-v001").splitlines()
    set_uplink_description(inventory, text)
    try:
        rendered = render_device(inventory, "wangtai-v001").splitlines()
    except UnsafeValue:
        return
    assert len(rendered) == len(baseline)
    changed = [(a, b) for a, b in zip(baseline, rendered) if a != b]
    assert changed == [(" description baseline", f" description {text}")]


def test_addresses_are_typed_so_they_cannot_carry_text():
    with pytest.raises(ValidationError):
        Interface.model_validate({"name": "eth0", "addresses": ["10.0.0.1/24\nreboot"]})
    assert ipaddress.IPv4Interface("10.0.0.1/24")
