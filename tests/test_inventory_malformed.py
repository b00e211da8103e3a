"""Malformed inventories: each mistake is reported at its file, line and field, never as a traceback.

Every case starts from the valid mini inventory in tests/fixtures/mini, changes one thing,
and asserts the exact location and the message an engineer would read.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from netops.inventory import check_inventory

MINI = Path(__file__).parent / "fixtures" / "mini"

# id, file to edit, old text, new text, expected file, expected line (int, or the text whose
# first line in the edited file is expected), expected field, expected message fragment
CASES = [
    ("yaml-syntax", "devices.yaml", "    position: 1\n", "    position: [1\n    zone2: x\n", "devices.yaml",
     "    zone2: x", "", "invalid YAML"),
    ("yaml-tab", "devices.yaml", "    position: 1\n", "\tposition: 1\n", "devices.yaml", "\tposition: 1", "",
     "invalid YAML"),
    ("duplicate-key", "devices.yaml", "    position: 1\n", "    position: 1\n    position: 2\n", "devices.yaml",
     "    position: 2", "devices.0.position", "duplicate key 'position' (first at line"),
    ("top-level-list", "sites.yaml", "sites:\n", "- sites:\n", "sites.yaml", 1, "",
     "expected a mapping of sections"),
    ("unknown-section", "network.yaml", "settings:\n", "colour: blue\nsettings:\n", "network.yaml", 1, "colour",
     "unknown section"),
    ("section-not-list", "types.yaml", "groups:\n  - name: village\n    role: village_ap\n    zone: extranet\n",
     "groups: village\n", "types.yaml", "groups: village", "groups", "expected a list"),
    ("settings-twice", "sites.yaml", "sites:\n", "settings:\n  name: again\nsites:\n", "sites.yaml", 1, "settings",
     "already defined in mini/network.yaml:1"),
    ("unknown-field", "devices.yaml", "    mgmt_address: 10.10.0.1\n", "    mgmt_adress: 10.10.0.1\n", "devices.yaml",
     "mgmt_adress", "devices[in-sw].mgmt_adress", "unknown field"),
    ("wrong-type-int", "devices.yaml", "    position: 1\n", "    position: one\n", "devices.yaml", "position: one",
     "devices[in-sw].position", "valid integer"),
    ("bad-role", "devices.yaml", "    role: firewall\n", "    role: fire_wall\n", "devices.yaml", "fire_wall",
     "devices[fw].role", "'firewall'"),
    ("bad-platform", "types.yaml", "    platform: linux\n", "    platform: windows\n", "types.yaml", "windows",
     "device_types[server].platform", "'huawei_vrp'"),
    ("bad-ip", "devices.yaml", "    mgmt_address: 10.10.0.10\n", "    mgmt_address: 10.10.0.300\n", "devices.yaml",
     "10.10.0.300", "devices[srv].mgmt_address", "IPv4"),
    ("prefix-host-bits", "network.yaml", "[10.10.0.0/16]", "[10.10.0.1/16]", "network.yaml", "10.10.0.1/16",
     "zones[intranet].prefixes[0]", "10.10.0.1/16 has host bits set (did you mean 10.10.0.0/16?)"),
    ("missing-required", "devices.yaml", "    site: centre\n    location: room\n    rack: A01\n    position: 10\n",
     "", "devices.yaml", "  - name: srv", "devices[srv].site", "required field is missing"),
    ("newline-description", "devices.yaml", "        description: to intranet server\n",
     '        description: "to intranet\\nserver"\n', "devices.yaml", "to intranet\\nserver",
     "devices[in-sw].interfaces[GigabitEthernet0/0/1].description", "one line without control characters"),
    ("escape-description", "devices.yaml", "        description: to intranet server\n",
     '        description: "\\e[31mred"\n', "devices.yaml", "red", "devices[in-sw].interfaces[GigabitEthernet0/0/1].description",
     "control characters"),
    ("long-description", "devices.yaml", "        description: to intranet server\n",
     "        description: " + "x" * 300 + "\n", "devices.yaml", "xxxx",
     "devices[in-sw].interfaces[GigabitEthernet0/0/1].description", "at most 240 characters"),
    ("newline-name", "devices.yaml", "  - name: srv\n", '  - name: "srv\\nreload"\n', "devices.yaml", "reload",
     "devices[srv\nreload].name", "must start with a letter or digit"),
    ("bad-interface-name", "devices.yaml", "      - name: GigabitEthernet0/0/1\n        description",
     "      - name: Gig abit\n        description", "devices.yaml", "Gig abit",
     "devices[in-sw].interfaces[Gig abit].name", "must be an interface name"),
    ("literal-password", "types.yaml", "    password: {env: NETOPS_ADMIN_PASSWORD}\n", "    password: hunter2\n",
     "types.yaml", "hunter2", "credentials[admin].password", "expected a secret reference"),
    ("secret-ref-both", "types.yaml", "    password: {env: NETOPS_ADMIN_PASSWORD}\n",
     "    password: {env: A, secret: b}\n", "types.yaml", "{env: A, secret: b}", "credentials[admin].password",
     "exactly one of env, secret or file"),
    ("snmpv3-incomplete", "types.yaml", "    priv_protocol: aes\n", "", "types.yaml", "  - name: v3",
     "snmp_credentials[v3]", "SNMPv3 authPriv needs priv_protocol"),
    ("snmpv2-no-community", "types.yaml", "    community: {env: SNMP_COMMUNITY}\n", "", "types.yaml", "  - name: v2",
     "snmp_credentials[v2]", "needs a community"),
    ("duplicate-device", "devices.yaml", "  - name: eps-1\n", "  - name: ups-1\n", "devices.yaml",
     "  - name: ups-1\n    role: eps", "devices[ups-1].name", "duplicate device name 'ups-1' (first at mini/devices.yaml:"),
    ("duplicate-mgmt-address", "devices.yaml", "    mgmt_address: 10.10.0.10\n", "    mgmt_address: 10.10.0.1\n",
     "devices.yaml", "mgmt_address: 10.10.0.1\n    power:\n      - source: eps-1", "devices[srv].mgmt_address",
     "address 10.10.0.1 is already used by device 'in-sw'"),
    ("duplicate-interface-address", "devices.yaml", "        addresses: [10.20.0.2/24]\n",
     "        addresses: [10.20.0.1/24]\n", "devices.yaml", "10.20.0.1/24",
     "devices[fw].interfaces[GigabitEthernet0/0/1].addresses[0]", "already used by device 'ex-sw'"),
    ("unknown-site", "devices.yaml", "    site: centre\n    location: room\n    rack: A01\n    position: 10\n",
     "    site: nowhere\n", "devices.yaml", "nowhere", "devices[srv].site", "unknown site 'nowhere'"),
    ("unknown-location", "devices.yaml", "    location: room\n    rack: A01\n    position: 10\n",
     "    location: cellar\n", "devices.yaml", "cellar", "devices[srv].location", "site 'centre' has no location 'cellar'"),
    ("unknown-rack", "devices.yaml", "    rack: A01\n    position: 10\n", "    rack: B07\n    position: 10\n",
     "devices.yaml", "B07", "devices[srv].rack", "location 'room' has no rack 'B07'"),
    ("rack-overflow", "devices.yaml", "    position: 10\n", "    position: 40\n", "devices.yaml", "position: 40",
     "devices[srv].position", "occupies U40-U43 but rack 'A01' has 42 U"),
    ("rack-overlap", "devices.yaml", "    position: 10\n", "    position: 2\n", "devices.yaml",
     "position: 2\n    zone: intranet",
     "devices[srv].position", "U2 of rack 'A01' is taken by 'ex-sw'"),
    ("unknown-zone", "devices.yaml", "    zone: intranet\n    mgmt_address: 10.10.0.10\n",
     "    zone: intarnet\n    mgmt_address: 10.10.0.10\n", "devices.yaml", "intarnet", "devices[srv].zone",
     "unknown zone 'intarnet'"),
    ("unknown-credential", "devices.yaml", "    mgmt_address: 10.20.0.2\n",
     "    mgmt_address: 10.20.0.2\n    credentials: root\n", "devices.yaml", "credentials: root",
     "devices[fw].credentials", "unknown credential 'root'"),
    ("unknown-snmp", "devices.yaml", "    mgmt_address: 10.20.0.2\n", "    mgmt_address: 10.20.0.2\n    snmp: v1\n",
     "devices.yaml", "snmp: v1", "devices[fw].snmp", "unknown SNMP credential 'v1'"),
    ("unknown-group", "devices.yaml", "    mgmt_address: 10.20.0.2\n",
     "    mgmt_address: 10.20.0.2\n    groups: [edge]\n", "devices.yaml", "groups: [edge]", "devices[fw].groups",
     "unknown group 'edge'"),
    ("unknown-device-type", "devices.yaml", "    device_type: server\n", "    device_type: mainframe\n",
     "devices.yaml", "mainframe", "devices[srv].device_type", "unknown device type 'mainframe'"),
    ("unknown-mgmt-interface", "devices.yaml", "    mgmt_address: 10.20.0.2\n",
     "    mgmt_address: 10.20.0.2\n    mgmt_interface: Vlanif9\n", "devices.yaml", "Vlanif9",
     "devices[fw].mgmt_interface", "device has no interface 'Vlanif9'"),
    ("link-unknown-device", "links.yaml", "    b: srv:eth0\n", "    b: srv2:eth0\n", "links.yaml", "srv2",
     "links[0].b", "unknown device 'srv2'"),
    ("link-unknown-interface", "links.yaml", "    b: srv:eth0\n", "    b: srv:eth9\n", "links.yaml", "eth9",
     "links[0].b", "device 'srv' has no interface 'eth9'"),
    ("link-endpoint-syntax", "links.yaml", "    b: srv:eth0\n", "    b: srv-eth0\n", "links.yaml", "srv-eth0",
     "links[0].b", "expected DEVICE:INTERFACE"),
    ("interface-cabled-twice", "links.yaml", "villages_csv",
     "  - a: in-sw:GigabitEthernet0/0/2\n    b: srv:eth1\n    media: cat6\nvillages_csv", "links.yaml", 8,
     "links[2].a", "in-sw:GigabitEthernet0/0/2 already has a cable (links[0])"),
    ("cable-loop", "links.yaml", "    b: srv:eth0\n", "    b: in-sw:GigabitEthernet0/0/3\n", "links.yaml", 2,
     "links[0]", "cable loops back into device 'in-sw'"),
    ("bad-media", "links.yaml", "    media: fibre_mm\n", "    media: carrier_pigeon\n", "links.yaml", "carrier_pigeon",
     "links[1].media", "'fibre_sm'"),
    ("intranet-to-extranet-cable", "links.yaml", "villages_csv",
     "  - a: in-sw:GigabitEthernet0/0/5\n    b: ex-sw:GigabitEthernet0/0/5\n    media: cat6\nvillages_csv",
     "links.yaml", 8, "links[2]", "cable in-sw (intranet) - ex-sw (extranet) breaks the physical isolation of zone 'intranet'"),
    ("dual-homed-router", "devices.yaml", "    role: firewall\n", "    role: router\n",
     "devices.yaml", "zones: [extranet, internet]", "devices[fw].zones", "a router in zones extranet, internet is dual-homed"),
    ("extranet-to-internet-without-firewall", [
        ("devices.yaml", "    zone: intranet\n    mgmt_address: 10.10.0.10\n",
         "    zone: internet\n    mgmt_address: 198.51.100.10\n"),
        ("links.yaml", "  - a: in-sw:GigabitEthernet0/0/2\n", "  - a: ex-sw:GigabitEthernet0/0/2\n")], None, None,
     "links.yaml", 2, "links[0]", "cable ex-sw (extranet) - srv (internet) joins zones without a firewall or gatekeeper"),
    ("address-outside-zone", "devices.yaml", "        addresses: [10.10.0.1/24]\n", "        addresses: [10.20.9.1/24]\n",
     "devices.yaml", "10.20.9.1/24", "devices[in-sw].interfaces[GigabitEthernet0/0/1].addresses[0]",
     "address 10.20.9.1 is outside zone 'intranet' (expected inside 10.10.0.0/16)"),
    ("overlapping-prefixes", "network.yaml", "[10.20.0.0/16, 10.21.0.0/16]", "[10.20.0.0/16, 10.10.128.0/17]",
     "network.yaml", "10.10.128.0/17", "zones[extranet].prefixes[1]",
     "prefix 10.10.128.0/17 of zone 'extranet' overlaps 10.10.0.0/16 of zone 'intranet'"),
    ("ups-overloaded", "types.yaml", "    capacity_w: 1000\n", "    capacity_w: 250\n", "devices.yaml", "  - name: ups-1",
     "devices[ups-1].capacity_w", "load 300 W exceeds capacity 250 W (120 %)"),
    ("ups-without-capacity", "types.yaml", "    capacity_w: 1000\n", "", "devices.yaml", "  - name: ups-1",
     "devices[ups-1]", "a UPS/EPS needs capacity_w"),
    ("server-on-ups", "devices.yaml", "      - source: eps-1\n", "      - source: ups-1\n", "devices.yaml",
     "source: ups-1\n  - name: ups-1", "devices[srv].power[0].source",
     "a server is computer equipment and must be fed by an EPS, not the ups 'ups-1'"),
    ("switch-on-eps", "devices.yaml", "    mgmt_address: 10.10.0.1\n    power:\n      - source: ups-1\n",
     "    mgmt_address: 10.10.0.1\n    power:\n      - source: eps-1\n", "devices.yaml", "source: eps-1",
     "devices[in-sw].power[0].source", "must be fed by a UPS, not the eps 'eps-1'"),
    ("power-source-not-ups", "devices.yaml", "      - source: eps-1\n", "      - source: fw\n", "devices.yaml",
     "source: fw", "devices[srv].power[0].source", "'fw' is a firewall, not a UPS or EPS"),
    ("unpowered-in-computer-room", "devices.yaml", "    zones: [extranet, internet]\n    mgmt_address: 10.20.0.2\n    power:\n      - source: ups-1\n",
     "    zones: [extranet, internet]\n    mgmt_address: 10.20.0.2\n", "devices.yaml", "  - name: fw", "devices[fw]",
     "a firewall in computer_room 'room' must be fed by a UPS"),
    ("wireless-in-intranet", "devices.yaml", "    role: access_switch\n    device_type: sw48\n    site: centre\n"
     "    location: room\n    rack: A01\n    position: 1\n", "    role: wireless_ap\n    device_type: sw48\n"
     "    site: centre\n    location: room\n    rack: A01\n    position: 1\n", "devices.yaml", "  - name: in-sw",
     "devices[in-sw]", "wireless device in zone 'intranet', which forbids wireless"),
    ("dual-homed-server", "devices.yaml", "    zone: intranet\n    mgmt_address: 10.10.0.10\n",
     "    zones: [intranet, extranet]\n    mgmt_address: 10.10.0.10\n", "devices.yaml", "zones: [intranet, extranet]",
     "devices[srv].zones", "a server in zones intranet, extranet is dual-homed"),
    ("snmp-v2c-on-intranet", "devices.yaml", "    zone: intranet\n    mgmt_address: 10.10.0.1\n",
     "    zone: intranet\n    snmp: v2\n    mgmt_address: 10.10.0.1\n", "devices.yaml", "snmp: v2",
     "devices[in-sw].snmp", "zone 'intranet' is classified: SNMP v2c is not allowed"),
    ("undefined-vlan", "devices.yaml", "        vlan: 200\n", "        vlan: 300\n", "devices.yaml",
     "      - name: GigabitEthernet0/0/1\n        mode: access", "devices[ex-sw].interfaces[GigabitEthernet0/0/1]",
     "VLAN 300 is not defined in the device's vlans"),
    ("vlan-out-of-range", "devices.yaml", "      - id: 200\n", "      - id: 5000\n", "devices.yaml", "id: 5000",
     "devices[ex-sw].vlans[villages].id", "less than or equal to 4094"),
    ("route-next-hop-unreachable", "devices.yaml", "        next_hop: 198.51.100.1\n", "        next_hop: 192.0.2.1\n",
     "devices.yaml", "192.0.2.1", "devices[fw].routes[0].next_hop",
     "next hop 192.0.2.1 is not on any connected subnet of the device"),
    ("flow-unknown-zone", "network.yaml", "    to_zone: internet\n", "    to_zone: darknet\n", "network.yaml",
     "darknet", "flows[web-out].to_zone", "unknown zone 'darknet'"),
    ("csv-missing-column", "villages.csv", "name,town,device_type,mgmt_address,uplink,gateway",
     "name,town,device_type,mgmt_address,gateway", "villages.csv", 1, "header", "missing column(s): uplink"),
    ("csv-column-count", "villages.csv", "v2,town1,ar161,10.21.1.2/24,ex-sw:GigabitEthernet0/0/4,10.21.1.254",
     "v2,town1,ar161,10.21.1.2/24", "villages.csv", 3, "", "expected 6 columns, found 4"),
    ("csv-bad-address", "villages.csv", "10.21.1.2/24", "10.21.1.999", "villages.csv", 3, "devices[v2].mgmt_address",
     "IPv4"),
    ("csv-unknown-town", "villages.csv", "v2,town1", "v2,town9", "villages.csv", 3, "sites[v2].town",
     "unknown town site 'town9'"),
    ("csv-village-in-intranet-switch", "villages.csv", "ex-sw:GigabitEthernet0/0/4", "in-sw:GigabitEthernet0/0/4",
     "villages.csv", 3, "links[3]", "cable v2 (extranet) - in-sw (intranet) breaks the physical isolation"),
    ("lab-not-loopback", "links.yaml", "villages_csv", "lab:\n  snmp:\n    in-sw: 10.10.0.1:1161\nvillages_csv",
     "links.yaml", "in-sw: 10.10.0.1", "lab.snmp.in-sw", "lab endpoints must be loopback"),
    ("lab-unknown-device", "links.yaml", "villages_csv", "lab:\n  snmp:\n    ghost: 127.1.0.9:1161\nvillages_csv",
     "links.yaml", "ghost", "lab.snmp.ghost", "unknown device 'ghost'"),
    # issue 9: zones of boundary devices
    ("multi-zone-unzoned-cabled-port", "links.yaml", "villages_csv",
     "  - a: ex-sw:GigabitEthernet0/0/5\n    b: fw:GigabitEthernet0/0/6\n    media: cat6\nvillages_csv", "links.yaml", 8,
     "links[2]", "fw:GigabitEthernet0/0/6 has no zone, and 'fw' stands in zones extranet, internet: a cabled port"),
    ("intranet-switch-to-unzoned-port", "links.yaml", "villages_csv",
     "  - a: in-sw:GigabitEthernet0/0/5\n    b: fw:GigabitEthernet0/0/6\n    media: cat6\nvillages_csv", "links.yaml", 8,
     "links[2]", "fw:GigabitEthernet0/0/6 has no zone"),
    ("multi-zone-port-cabled-into-other-zone", "links.yaml", "villages_csv",
     "  - a: ex-sw:GigabitEthernet0/0/5\n    b: fw:GigabitEthernet0/0/2\n    media: cat6\nvillages_csv", "links.yaml", 8,
     "links[2]", "fw:GigabitEthernet0/0/2 is in zone 'internet' but its cable leads into zone 'extranet'"),
    ("multi-zone-configured-port-without-zone", "devices.yaml", "        addresses: [198.51.100.2/30]\n",
     "        addresses: [198.51.100.2/30]\n      - name: GigabitEthernet0/0/3\n        description: spare uplink\n",
     "devices.yaml", "GigabitEthernet0/0/3", "devices[fw].interfaces[GigabitEthernet0/0/3].zone",
     "'fw' stands in zones extranet, internet: each port it configures must name its zone"),
    ("firewall-in-intranet-and-extranet", [
        ("devices.yaml", "    zones: [extranet, internet]\n", "    zones: [intranet, extranet]\n"),
        ("devices.yaml", "        zone: internet\n", "        zone: intranet\n")], None, None,
     "devices.yaml", "zones: [intranet, extranet]", "devices[fw].zones",
     "zone 'intranet' is physically isolated: no device, not even a firewall, may stand in it and in 'extranet'"),
    ("firewall-in-gatekeeper-zone", "network.yaml", "    isolation: none\n", "    isolation: gatekeeper\n",
     "devices.yaml", "zones: [extranet, internet]", "devices[fw].zones",
     "zone 'internet' meets other zones only through a gatekeeper: a firewall may not stand in it"),
    # numbers: finite and bounded
    ("capacity-inf", "devices.yaml", "    capacity_w: 2000\n", "    capacity_w: .inf\n", "devices.yaml", "capacity_w: .inf",
     "devices[eps-1].capacity_w", "finite number"),
    ("capacity-nan", "types.yaml", "    capacity_w: 1000\n", "    capacity_w: .nan\n", "types.yaml", "capacity_w: .nan",
     "device_types[ups60k].capacity_w", "finite number"),
    ("capacity-absurd", "devices.yaml", "    capacity_w: 2000\n", "    capacity_w: 1e30\n", "devices.yaml", "capacity_w: 1e30",
     "devices[eps-1].capacity_w", "less than or equal to 10000000"),
    ("integer-5000-digits", "devices.yaml", "    position: 1\n", "    position: " + "1" * 5000 + "\n", "devices.yaml",
     "position: 111", "devices.0.position", "an integer of 5,000 digits is too large (at most 18 digits)"),
    ("data-inf", "devices.yaml", "    position: 10\n", "    position: 10\n    data: {weight: -.inf}\n", "devices.yaml",
     "data: {weight", "devices[srv].data", "-inf is not a finite number"),
    ("lab-port-5000-digits", "links.yaml", "villages_csv",
     "lab:\n  snmp:\n    in-sw: 127.0.0.1:" + "9" * 5000 + "\nvillages_csv", "links.yaml", "in-sw: 127", "lab.snmp.in-sw",
     "port above 1024"),
    # interface ranges and port names
    ("type-port-name-newline", "types.yaml", "      - name: GigabitEthernet0/0/{1-8}\n",
     '      - name: "GigabitEthernet0/0/{1-8}\\n"\n', "types.yaml", "{1-8}\\n",
     "device_types[sw48].interfaces[GigabitEthernet0/0/{1-8}\n].name", "must be an interface name"),
    ("type-range-4800000", "types.yaml", "{1-8}", "{1-4800000}", "types.yaml", "{1-4800000}",
     "device_types[sw48].interfaces[GigabitEthernet0/0/{1-4800000}].name",
     "range {1-4800000} has 4,800,000 ports: more than the 4,096 allowed per device type or device"),
    ("type-range-over-cap-in-total", "types.yaml", "      - name: GigabitEthernet0/0/{1-8}\n",
     "      - name: GigabitEthernet0/0/{1-8}\n      - name: GigabitEthernet0/1/{1-4090}\n", "types.yaml", "{1-4090}",
     "device_types[sw48].interfaces[GigabitEthernet0/1/{1-4090}].name", "(with the ports listed before it)"),
    ("type-range-backwards", "types.yaml", "{1-8}", "{8-1}", "types.yaml", "{8-1}",
     "device_types[sw48].interfaces[GigabitEthernet0/0/{8-1}].name", "range {8-1} is empty"),
    ("type-range-two-braces", "types.yaml", "GigabitEthernet0/0/{1-8}", "GigabitEthernet{0-1}/0/{1-8}", "types.yaml",
     "{0-1}", "device_types[sw48].interfaces[GigabitEthernet{0-1}/0/{1-8}].name", "expected one range of port numbers"),
    ("device-range-huge", "devices.yaml", "      - name: GigabitEthernet0/0/1\n        description",
     "      - name: GigabitEthernet1/0/{1-4800000}\n        description", "devices.yaml", "{1-4800000}",
     "devices[in-sw].interfaces[GigabitEthernet1/0/{1-4800000}].name", "range {1-4800000} has 4,800,000 ports"),
    # keystrokes of the platform's CLI
    ("question-mark-interface-vrp", "devices.yaml", "description: to intranet server", "description: to server?",
     "devices.yaml", "to server?", "devices[in-sw].interfaces[GigabitEthernet0/0/1].description",
     "'?' is a keystroke on huawei_vrp"),
    ("question-mark-route-vrp", "devices.yaml", "        next_hop: 198.51.100.1\n",
     "        next_hop: 198.51.100.1\n        description: ISP?\n", "devices.yaml", "ISP?",
     "devices[fw].routes[0].description", "'?' is a keystroke on huawei_vrp"),
    ("question-mark-device-description-ios", [
        ("types.yaml", "    model: S5735\n    platform: huawei_vrp", "    model: S5735\n    platform: cisco_ios"),
        ("devices.yaml", "    mgmt_address: 10.20.0.1\n", "    mgmt_address: 10.20.0.1\n    description: why?\n")],
     None, None, "devices.yaml", "why?", "devices[ex-sw].description", "'?' is a keystroke on cisco_ios"),
    ("question-mark-vlan-comware", [
        ("types.yaml", "    model: S5735\n    platform: huawei_vrp", "    model: S5735\n    platform: hp_comware"),
        ("devices.yaml", "        name: villages\n", "        name: villages\n        description: village?\n")],
     None, None, "devices.yaml", "village?", "devices[ex-sw].vlans[villages].description",
     "'?' is a keystroke on hp_comware"),
    ("question-mark-data-frr", [
        ("types.yaml", "    model: S5735\n    platform: huawei_vrp", "    model: S5735\n    platform: frr"),
        ("devices.yaml", "    position: 2\n", "    position: 2\n    data: {banner: who?}\n")],
     None, None, "devices.yaml", "who?", "devices[ex-sw].data.banner", "'?' is a keystroke on frr"),
    ("question-mark-csv-village-description", [
        ("villages.csv", "uplink,gateway\n", "uplink,gateway,description\n"),
        ("villages.csv", ",10.21.1.254\nv2", ",10.21.1.254,who?\nv2"),
        ("villages.csv", "0/0/4,10.21.1.254", "0/0/4,10.21.1.254,ok")], None, None, "villages.csv", 2,
     "devices[v1].description", "'?' is a keystroke on huawei_vrp"),
    ("question-mark-flow-on-vrp-firewall", "network.yaml", "    ports: [443]\n",
     "    ports: [443]\n    description: web?\n", "network.yaml", "web?", "flows[web-out].description",
     "'?' is a keystroke on huawei_vrp"),
    # YAML
    ("merge-key-not-a-mapping", "devices.yaml", "    position: 10\n", "    position: 10\n    <<: 5\n", "devices.yaml",
     "<<: 5", "", "a merge key (<<) takes a mapping or a list of mappings"),
    ("merge-key-then-own-duplicate", "devices.yaml", "    position: 10\n",
     "    <<: {position: 5}\n    position: 10\n    position: 11\n", "devices.yaml", "position: 11", "devices.3.position",
     "duplicate key 'position'"),
    ("yaml-nul-character", "devices.yaml", "    position: 10\n", "    position: 10\x00\n", "devices.yaml",
     "position: 10\x00", "", "invalid YAML: character U+0000 is not allowed"),
    ("recursive-alias", "links.yaml", "villages_csv", "lab: &loop {snmp: *loop}\nvillages_csv", "links.yaml",
     "lab: &loop", "", "recursive alias"),
    ("unsupported-tag", "links.yaml", "villages_csv", "lab: !!python/object:os.system {}\nvillages_csv", "links.yaml",
     "lab:", "", "YAML tag !!python/object:os.system is not supported"),
    ("bad-timestamp", "devices.yaml", "    position: 10\n", "    position: 10\n    data: {bought: 2026-13-45}\n",
     "devices.yaml", "2026-13-45", "devices.3.data.bought", "invalid timestamp value '2026-13-45'"),
    # villages CSV
    ("csv-duplicate-column", "villages.csv", ",gateway\n", ",gateway,town\n", "villages.csv", 1, "header",
     "duplicate column 'town' (columns 2, 7)"),
    ("csv-quoted-newline-in-label", [
        ("villages.csv", "uplink,gateway\n", "uplink,gateway,label\n"),
        ("villages.csv", ",10.21.1.254\nv2", ',10.21.1.254,"Upper\nVillage"\nv2'),
        ("villages.csv", "0/0/4,10.21.1.254", "0/0/4,10.21.1.254,Lower")], None, None, "villages.csv", 2,
     "sites[v1].label",
     "must be one line without control characters"),
    ("csv-line-numbers-after-quoted-newline", [
        ("villages.csv", "uplink,gateway\n", "uplink,gateway,description\n"),
        ("villages.csv", ",10.21.1.254\nv2", ',10.21.1.254,"two\nlines"\nv2'),
        ("villages.csv", "0/0/4,10.21.1.254", "0/0/4,10.21.1.254,ok"), ("villages.csv", "1.2/24", "1.999/24")],
     None, None, "villages.csv", 4, "devices[v2].mgmt_address", "IPv4"),
    ("csv-line-separator-is-not-a-row-end", [
        ("villages.csv", "uplink,gateway\n", "uplink,gateway,description\n"),
        ("villages.csv", ",10.21.1.254\nv2", ",10.21.1.254,Upper\u2028Village\x85x\nv2"),
        ("villages.csv", "0/0/4,10.21.1.254", "0/0/4,10.21.1.254,ok"), ("villages.csv", "1.2/24", "1.999/24")],
     None, None, "villages.csv", 3, "devices[v2].mgmt_address", "IPv4"),
    ("csv-unclosed-quote", "villages.csv", "v2,town1", 'v2,"town1', "villages.csv", 3, "",
     "the record starting on line 3 never closes its quote"),
    ("csv-nul-byte", "villages.csv", "v2,town1", "v2,town\x001", "villages.csv", 3, "sites[v2].town",
     "must start with a letter or digit"),
    ("villages-csv-outside-inventory", "links.yaml", "villages_csv: villages.csv", "villages_csv: /etc/shadow",
     "links.yaml", "villages_csv", "villages_csv[0]",
     "villages CSV /etc/shadow is outside the inventory directory"),
    ("villages-csv-dot-dot", "links.yaml", "villages_csv: villages.csv", "villages_csv: ../../../../../../etc/passwd",
     "links.yaml", "villages_csv", "villages_csv[0]", "is outside the inventory directory"),
]


def _apply(tmp_path: Path, file: str | list, old: str | None, new: str | None) -> Path:
    """Copy the mini inventory and make one edit, or several given as (file, old, new)."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    for name, before, after in file if isinstance(file, list) else [(file, old, new)]:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(before) >= 1, f"case anchor not found in {name}: {before!r}"
        path.write_text(text.replace(before, after, 1), encoding="utf-8")
    return root


def _line_of(root: Path, file: str, where: int | str) -> int:
    if isinstance(where, int):
        return where
    text = (root / file).read_text(encoding="utf-8")
    index = text.index(where)
    return text.count("\n", 0, index) + 1 + (1 if where.startswith("\n") else 0)


def test_at_least_forty_cases():
    assert len(CASES) >= 100
    assert len({c[0] for c in CASES}) == len(CASES)


def test_mini_inventory_is_valid():
    inventory, problems = check_inventory(MINI)
    assert problems == [] and inventory is not None and len(inventory.devices) == 8


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_malformed(tmp_path, case):
    _, file, old, new, exp_file, exp_line, exp_field, exp_message = case
    root = _apply(tmp_path, file, old, new)
    line = _line_of(root, exp_file, exp_line)
    _, problems = check_inventory(root)
    assert problems, "the broken inventory was accepted"
    wanted = [p for p in problems if p.file == f"mini/{exp_file}" and p.line == line and p.field == exp_field
              and exp_message in p.message]
    assert wanted, f"expected mini/{exp_file}:{line}: {exp_field}: ...{exp_message}...; got:\n" + "\n".join(
        map(str, problems))
    result = CliRunner().invoke(app, ["inventory", "validate", str(root)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"mini/{exp_file}:{line}:" in result.output


def test_no_inventory_files(tmp_path):
    result = CliRunner().invoke(app, ["inventory", "validate", str(tmp_path)])
    assert result.exit_code == 2 and "no inventory files" in result.output


def test_missing_directory(tmp_path):
    result = CliRunner().invoke(app, ["inventory", "validate", str(tmp_path / "absent")])
    assert result.exit_code == 2 and "no such file or directory" in result.output


def test_not_utf8(tmp_path):
    root = _apply(tmp_path, "sites.yaml", "town1", "town1")
    (root / "sites.yaml").write_bytes(b"sites:\n  - name: caf\xe9\n")
    _, problems = check_inventory(root)
    assert any(p.file == "mini/sites.yaml" and "not UTF-8" in p.message for p in problems)


def test_real_binary_prints_no_traceback(tmp_path):
    root = _apply(tmp_path, "devices.yaml", "    position: 1\n", "    position: [1\n")
    proc = subprocess.run([sys.executable, "-m", "cli", "inventory", "validate", str(root)],
                          capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "mini/devices.yaml:" in proc.stderr


def test_json_output_lists_problems(tmp_path):
    import json

    root = _apply(tmp_path, "devices.yaml", "    role: firewall\n", "    role: fire_wall\n")
    result = CliRunner().invoke(app, ["inventory", "validate", str(root), "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 2 and data["valid"] is False
    assert data["problems"][0]["file"] == "mini/devices.yaml" and data["problems"][0]["field"] == "devices[fw].role"
