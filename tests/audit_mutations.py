"""The audit's mutation suite: configurations that `netops render` writes for the sample
inventory, mutated. Each breaking mutation breaks isolation or hardening (or makes the
evidence untrustworthy) and must end FAIL or UNKNOWN; each benign one changes nothing a
device would do differently and must stay PASS.

`python -m tests.audit_mutations` prints the kill rate and false-alarm rate per platform
(the figures in docs/audit.md); tests/test_audit_mutations.py asserts 100 % and 0 %.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from netops.audit.config_checks import audit_configs, config_targets
from netops.audit.config_evidence import select_configs
from netops.audit.findings import Finding, Verdict
from netops.audit.policy import load_policy
from netops.audit.zone_rules import ZoneRules
from netops.inventory.load import parse_inventory
from netops.inventory.model import Device

# devices mutated: every platform, intranet and extranet, switch, router, AP and firewall
DEVICES = ("wangtai-in-sw", "in-core-1", "baoshan-v001", "fw-1", "ex-core-1", "wangtai-ex-sw", "inet-rt-1",
           "wangtai-ex-rt", "baoshan-ex-rt")
OLD, NEW = 1_700_000_000, 1_760_000_000  # mtimes (2023, 2025) for stale and fresh copies
FAMILY = {"huawei_vrp": "vrp", "hp_comware": "comware", "cisco_ios": "ios", "frr": "frr"}


@dataclass
class Mutation:
    name: str
    device: str
    platform: str
    breaking: bool
    files: dict[str, bytes] = field(default_factory=dict)  # evidence directory: path -> content
    mtimes: dict[str, int] = field(default_factory=dict)
    commits: list[dict[str, bytes]] = field(default_factory=list)  # backup repository history, oldest first
    strict_snmp: bool = False  # judged under a policy that allows only SNMPv3 everywhere

    @property
    def expect(self) -> str:
        """The check a breaking mutation must turn to FAIL or UNKNOWN (caught for the right reason)."""
        label = self.name.split("/", 2)[2]
        return next(check for prefixes, check in EXPECT if label.startswith(prefixes))


EXPECT: tuple[tuple[tuple[str, ...], str], ...] = (
    (("route-", "ipv6-"), "config.route-isolation"),
    (("telnet-", "vty-", "http-", "enable-password", "stale-", "dated-", "older-", "plain-backup", "git-"),
     "config.no-telnet"),
    (("snmp-",), "config.snmp-v3"),
    (("truncated-", "name-", "config-of-other", "platform-swapped", "bad-copy", "equal-timestamps"), "config.evidence"),
    (("address-",), "config.address-in-zone"),
    (("local-", "own-address", "second-policy", "rule-children", "policy-nested", "internet-port-moved"),
     "config.firewall-local"),
    (("any-any",), "config.firewall-no-any-any"),
    (("extra-port", "intranet-reached"), "config.firewall-flows"),
    (("default-action", "deny-all"), "config.firewall-default-deny"),
    (("loghost",), "config.boundary-logging"),
)


def _b(text: str) -> bytes:
    return text.encode("utf-8")


# --- text surgery ------------------------------------------------------------------------------


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def insert_after(text: str, match: Callable[[str], bool], new: list[str], last: bool = False) -> str:
    lines = lines_of(text)
    idx = [i for i, line in enumerate(lines) if match(line)]
    assert idx, "no line matched"
    at = idx[-1] if last else idx[0]
    return "\n".join(lines[:at + 1] + new + lines[at + 1:])


def before_end(text: str, platform: str, new: list[str]) -> str:
    """Insert global lines before the closing `return` / `end` (or at the end of an FRR file)."""
    lines = lines_of(text.rstrip("\n"))
    closer = {"vrp": "return", "comware": "return", "ios": "end", "frr": "end"}[FAMILY[platform]]
    at = max((i for i, line in enumerate(lines) if line.strip() == closer), default=len(lines))
    sep = "#" if FAMILY[platform] in ("vrp", "comware") else "!"
    return "\n".join(lines[:at] + [sep] + new + [sep] + lines[at:]) + "\n"


def sections(text: str, sep: str) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in lines_of(text.rstrip("\n")):
        out[-1].append(line)
        if line.strip() == sep:
            out.append([])
    return [s for s in out if s]


def join(sects: list[list[str]]) -> str:
    return "\n".join(line for s in sects for line in s) + "\n"


def heads(text: str, prefix: str) -> list[str]:
    return [line for line in lines_of(text) if line.startswith(prefix)]


# --- per-platform commands -----------------------------------------------------------------------


def route(platform: str, net: str, mask: str, length: int, hop: str) -> str:
    fam = FAMILY[platform]
    if fam == "frr":
        return f"ip route {net}/{length} {hop}"
    if fam == "ios":
        return f"ip route {net} {mask} {hop}"
    return f"ip route-static {net} {mask} {hop}"


def _hop(d: Device) -> str:
    for intf in d.interfaces:
        for addr in intf.addresses:
            hosts = list(addr.network.hosts())
            return str(hosts[-1] if hosts[-1] != addr.ip else hosts[0])
    return "192.0.2.1"


def forbidden_routes(d: Device, zones: list[str]) -> list[tuple[str, str, int]]:
    if "intranet" in zones:
        return [("0.0.0.0", "0.0.0.0", 0), ("10.20.0.0", "255.255.0.0", 16), ("198.51.100.0", "255.255.255.0", 24)]
    return [("10.10.0.0", "255.255.0.0", 16), ("10.10.1.0", "255.255.255.0", 24)]


def telnet_lines(platform: str) -> list[str]:
    return {"vrp": ["telnet server enable", "telnet ipv6 server enable"],
            "comware": ["telnet server enable"],
            "ios": ["ip http server"],
            "frr": ["password zebra"]}[FAMILY[platform]]


def snmp_lines(platform: str) -> list[str]:
    fam = FAMILY[platform]
    if fam in ("vrp", "comware"):
        out = ["snmp-agent sys-info version v2c", "snmp-agent sys-info version all", "snmp-agent sys-info version v1",
               "snmp-agent community read public", "snmp-agent community write cipher %^%#x%^%#",
               "snmp-agent group v2c legacy read-view netops-view",
               "snmp-agent target-host trap address udp-domain 10.10.0.12 params securityname public v2c",
               # no version: SNMPv1; the form newer releases print (host-name, cipher name)
               "snmp-agent target-host trap address udp-domain 10.10.0.12 params securityname public",
               "snmp-agent target-host host-name nms trap address udp-domain 10.10.0.12 params securityname "
               "cipher %^%#x%^%# v2c"]
        if fam == "comware":
            out.append("snmp-agent usm-user v2c public legacy")
        return out
    if fam == "ios":
        return ["snmp-server community public RO", "snmp-server community private RW",
                "snmp-server host 10.20.0.12 version 2c public", "snmp-server host 10.20.0.12 public",
                "snmp-server group legacy v1", "snmp-server group legacy v2c", "snmp-server user u legacy v2c"]
    return []


def vty_head(platform: str) -> str:
    return {"vrp": "user-interface vty", "comware": "line vty", "ios": "line vty", "frr": "line vty"}[FAMILY[platform]]


def name_word(platform: str) -> str:
    return "sysname" if FAMILY[platform] in ("vrp", "comware") else "hostname"


# --- generation ---------------------------------------------------------------------------------


class Generator:
    def __init__(self, inv, rendered: dict[str, str]):  # type: ignore[no-untyped-def]
        self.inv = inv
        self.rendered = rendered

    def clean(self, name: str) -> dict[str, bytes]:
        return {f"{name}.cfg": _b(self.rendered[name])}

    def one(self, name: str, breaking: bool, label: str, text: str | bytes, **kw) -> Mutation:  # type: ignore[no-untyped-def]
        d = self.inv.devices[name]
        data = text if isinstance(text, bytes) else _b(text)
        if breaking and data == _b(self.rendered[name]) and not kw:
            # a template change made this mutation a no-op: it would count as "caught" by nothing
            raise AssertionError(f"mutation {name}/{label} leaves the rendered config unchanged")
        return Mutation(f"{FAMILY[d.platform.value]}/{name}/{label}", name, d.platform.value, breaking,
                        {f"{name}.cfg": data}, **kw)

    def all(self) -> list[Mutation]:
        out: list[Mutation] = []
        for name in DEVICES:
            out += self.breaking(name)
            out += self.benign(name)
        out += self.firewall("fw-1")
        return out

    # breaking ----------------------------------------------------------------------------------

    def breaking(self, name: str) -> list[Mutation]:
        d = self.inv.devices[name]
        platform = d.platform.value
        fam = FAMILY[platform]
        text = self.rendered[name]
        zones = list(dict.fromkeys(list(d.zones) + [i.zone for i in d.interfaces if i.zone]))
        out: list[Mutation] = []
        bad = lambda label, t, **kw: out.append(self.one(name, True, label, t, **kw))  # noqa: E731
        ifaces = heads(text, "interface ")
        nested_under = [ifaces[0], ifaces[-1]] + ([h for h in heads(text, "aaa")][:1]) + heads(text, vty_head(platform))[:1]
        # 1. forbidden static routes: global, nested under blocks, two levels deep, unindented after a block
        for net, mask, length in forbidden_routes(d, zones):
            line = route(platform, net, mask, length, _hop(d))
            bad(f"route-global-{net}", before_end(text, platform, [line]))
            for head in nested_under:
                bad(f"route-under-{head.split()[0]}-{head.split()[-1]}-{net}",
                    insert_after(text, lambda x, h=head: x == h, [" " + line]))
            bad(f"route-deep-{net}", insert_after(text, lambda x: x == ifaces[0], [" description x", "  " + line]))
        # 2. telnet / plain HTTP on: globally, under aaa or an interface, after `undo` forms
        for line in telnet_lines(platform):
            bad(f"telnet-global-{line}", before_end(text, platform, [line]))
            bad(f"telnet-under-iface-{line}", insert_after(text, lambda x: x == ifaces[0], [" " + line]))
            if "aaa" in lines_of(text):
                bad(f"telnet-under-aaa-{line}", insert_after(text, lambda x: x == "aaa", [" " + line]))
        if fam == "vrp":
            bad("telnet-ipv6-after-undo", insert_after(text, lambda x: x == "undo telnet server enable",
                                                       ["telnet ipv6 server enable"]))
            bad("telnet-undo-replaced", text.replace("undo telnet server enable", "telnet server enable"))
            if "undo http server enable" in text:
                bad("http-plain-on", text.replace("undo http server enable", "http server enable"))
            if "undo web-manager enable" in text:  # USG: the web UI's plain-HTTP server
                bad("http-usg-web-on", text.replace("undo web-manager enable", "web-manager enable"))
                bad("http-usg-web-nested", insert_after(text, lambda x: x == "aaa", [" web-manager enable"]))
        if fam == "comware":
            bad("telnet-undo-replaced", text.replace(" undo telnet server enable", " telnet server enable"))
            bad("http-plain-on", text.replace(" undo ip http enable", " ip http enable"))
        # vty protocols
        if fam in ("vrp", "comware"):
            for proto in ("telnet", "all"):
                bad(f"vty-{proto}", text.replace(" protocol inbound ssh", f" protocol inbound {proto}"))
                bad(f"vty-{proto}-unindented", insert_after(text, lambda x: x.startswith(vty_head(platform)),
                                                            ["#", f"protocol inbound {proto}"]))
        if fam == "ios":
            for proto in ("telnet", "all", "ssh telnet"):
                bad(f"vty-{proto}", text.replace(" transport input ssh", f" transport input {proto}"))
            bad("vty-telnet-unindented", insert_after(text, lambda x: x.startswith("line vty"),
                                                      ["!", "transport input telnet"]))
            bad("http-under-iface", insert_after(text, lambda x: x == ifaces[-1], [" ip http server"]))
            bad("http-no-replaced", text.replace("no ip http server", "ip http server"))
        if fam == "frr":
            bad("vty-no-login", insert_after(text, lambda x: x == "line vty", [" no login"]))
            bad("enable-password", before_end(text, platform, ["enable password zebra"]))
        # 3. SNMP v1/v2c (judged under a v3-only policy where the zone does not ask for it already)
        strict = "intranet" not in zones
        for line in snmp_lines(platform):
            bad(f"snmp-global-{line[:40]}", before_end(text, platform, [line]), strict_snmp=strict)
            # under the vty block, which follows the SNMP block: an earlier line would be undone by the
            # rendered `undo snmp-agent sys-info version v1 v2c`, as on the device
            if "sys-info" not in line:
                bad(f"snmp-under-iface-{line[:40]}", insert_after(text, lambda x: x == ifaces[0], [" " + line]),
                    strict_snmp=strict)
            bad(f"snmp-under-vty-{line[:40]}", insert_after(text, lambda x: x.startswith(vty_head(platform)),
                                                           [" " + line]), strict_snmp=strict)
        # 4. truncation: cut after 25/50/75 % of the lines, and just before the end marker
        lines = lines_of(text.rstrip("\n"))
        cuts = [len(lines) // 4, len(lines) // 2, (3 * len(lines)) // 4, len(lines) - 1]
        for cut in cuts:
            if fam == "frr":  # `write file` ends at any closed block: cut inside one
                while cut > 1 and (lines[cut - 1].strip() in ("!", "exit") or not lines[cut - 1].startswith(" ")):
                    cut -= 1
            bad(f"truncated-at-{cut}", "\n".join(lines[:cut]) + "\n")
        # 5. identity: no name, another device's name, another case
        word = name_word(platform)
        pattern = re.compile(rf"^(\s*){word} {re.escape(name)}$", re.M)
        same = [n for n in self.rendered if n != name and self.inv.devices[n].platform.value == platform]
        other = same[0] if same else next(n for n in DEVICES if n != name)
        bad("name-removed", pattern.sub("", text))
        bad("name-other-device", pattern.sub(rf"\g<1>{word} {other}", text))
        bad("name-upper-case", pattern.sub(rf"\g<1>{word} {name.upper()}", text))
        if same:
            bad("config-of-other-device", self.rendered[other])
        # 6. another platform's configuration under this device's name
        for other_platform in ("huawei_vrp", "hp_comware", "cisco_ios", "frr"):
            if other_platform == platform:
                continue
            donor = next(n for n in DEVICES if self.inv.devices[n].platform.value == other_platform)
            dword = name_word(other_platform)
            swapped = re.sub(rf"^(\s*){dword} {re.escape(donor)}$", rf"\g<1>{dword} {name}", self.rendered[donor],
                             flags=re.M)
            bad(f"platform-swapped-{other_platform}", swapped)
        # 7. an address outside the interface's zone
        addressed = [i for i in d.interfaces if i.addresses]
        if addressed:
            ip = str(addressed[0].addresses[0].ip)
            foreign = "10.20.250.1" if "intranet" in zones else "10.10.250.1"
            bad("address-out-of-zone", text.replace(f"ip address {ip}", f"ip address {foreign}", 1))
        # 8. route lines the audit cannot read: IPv6, malformed
        v6 = {"frr": "ipv6 route ::/0 2001:db8::1", "ios": "ipv6 route ::/0 2001:DB8::1"}.get(
            fam, "ipv6 route-static :: 0 2001:db8::1")
        bad("ipv6-default-route", before_end(text, platform, [v6]))
        garbled = {"frr": "ip route 0.0.0.0 10.255.0.1", "ios": "ip route 0.0.0.0/0 10.255.0.1"}.get(
            fam, "ip route-static 0.0.0.0/0 10.255.0.1")
        bad("route-unreadable", before_end(text, platform, [garbled]))
        # 9. evidence selection
        clean = _b(text)
        telnet = _b(before_end(text, platform, [telnet_lines(platform)[0]]))
        out.append(Mutation(f"{fam}/{name}/stale-cfg-beside-newer-dated-backup", name, platform, True,
                            {f"{name}.cfg": clean, f"{name}_2025-06-01T0900.cfg": telnet}, {f"{name}.cfg": OLD}))
        out.append(Mutation(f"{fam}/{name}/bad-copy-in-subfolder-same-second", name, platform, True,
                            {f"{name}.cfg": clean, f"old/{name}.cfg": telnet}, {f"{name}.cfg": NEW, f"old/{name}.cfg": NEW}))
        out.append(Mutation(f"{fam}/{name}/older-cfg-newer-bak", name, platform, True,
                            {f"{name}.cfg": clean, f"{name}.cfg.bak": telnet}, {f"{name}.cfg": OLD, f"{name}.cfg.bak": NEW}))
        out.append(Mutation(f"{fam}/{name}/dated-folders-newest-bad", name, platform, True,
                            {f"2025-01-10/{name}.cfg": clean, f"2025-01-12/{name}.cfg": telnet}))
        out.append(Mutation(f"{fam}/{name}/equal-timestamps-differ", name, platform, True,
                            {f"{name}_2025-01-12T0915.cfg": clean, f"{name}/2025-01-12T0915.cfg": telnet}))
        out.append(Mutation(f"{fam}/{name}/plain-backup-newer-bad", name, platform, True,
                            {f"{name}.cfg": clean, f"{name}-backup.txt": telnet},
                            {f"{name}.cfg": OLD, f"{name}-backup.txt": NEW}))
        out.append(Mutation(f"{fam}/{name}/git-latest-commit-bad", name, platform, True,
                            commits=[{f"{name}.cfg": clean}, {f"{name}.cfg": telnet}]))
        out.append(Mutation(f"{fam}/{name}/git-committed-bad-uncommitted-clean", name, platform, True,
                            {f"{name}.cfg": clean}, commits=[{f"{name}.cfg": telnet}]))
        return out

    def firewall(self, name: str) -> list[Mutation]:
        """The firewall's own plane and its policy (USG)."""
        text = self.rendered[name]
        out: list[Mutation] = []

        def rule(label: str, body: list[str], where: str = " rule name deny-all") -> None:
            out.append(self.one(name, True, label, text.replace(where + "\n", "\n".join(body) + "\n" + where + "\n", 1)))

        for service in ("", "service ssh", "service snmp", "service https", "service telnet", "service icmp",
                        "service protocol tcp destination-port 22", "service protocol udp destination-port 161"):
            body = [" rule name internet-to-local", "  source-zone internet", "  destination-zone local"]
            body += [f"  {service}"] if service else []
            rule(f"local-from-internet-{service or 'any'}", body + ["  action permit"])
        rule("local-from-any-zone", [" rule name any-to-local", "  destination-zone local", "  service ssh",
                                     "  action permit"])
        rule("own-address-no-zone", [" rule name to-own-address", "  source-zone internet",
                                     "  destination-address 198.51.100.2 mask 255.255.255.255", "  action permit"])
        rule("any-any-from-internet", [" rule name vendor", "  source-zone internet", "  destination-zone extranet",
                                       "  action permit"])
        rule("extra-port", [" rule name rdp", "  source-zone internet", "  destination-zone extranet",
                            "  destination-address 10.20.0.20 mask 255.255.255.255",
                            "  service protocol tcp destination-port 3389", "  action permit"])
        rule("intranet-reached", [" rule name leak", "  source-zone extranet", "  destination-zone internet",
                                  "  source-address 10.10.0.0 mask 255.255.0.0", "  action permit"])
        out.append(self.one(name, True, "default-action-permit",
                            text.replace("security-policy\n", "security-policy\n default action permit\n", 1)))
        cut = text.index(" rule name deny-all")
        end = text.index("#", cut)
        out.append(self.one(name, True, "deny-all-removed", text[:cut] + text[end:]))
        out.append(self.one(name, True, "deny-all-disabled",
                            text.replace("  action deny\n", "  action deny\n  disable\n", 1)))
        out.append(self.one(name, True, "second-policy-block-permits",
                            before_end(text, "huawei_vrp", ["security-policy", " rule name late", "  source-zone internet",
                                                            "  destination-zone local", "  action permit"])))
        out.append(self.one(name, True, "rule-children-unindented",
                            before_end(text, "huawei_vrp", ["security-policy", "rule name flat",
                                                            "source-zone internet", "destination-zone local",
                                                            "action permit"])))
        out.append(self.one(name, True, "policy-nested-under-interface",
                            insert_after(text, lambda x: x == "interface GigabitEthernet1/0/1",
                                         [" security-policy", "  rule name hidden", "   source-zone internet",
                                          "   destination-zone local", "   action permit"])))
        out.append(self.one(name, True, "internet-port-moved-to-extranet-zone",
                            text.replace("firewall zone name internet\n set priority 10\n add interface "
                                         "GigabitEthernet1/0/1\n", "firewall zone name internet\n set priority 10\n")
                            .replace(" add interface GigabitEthernet1/0/0\n",
                                     " add interface GigabitEthernet1/0/0\n add interface GigabitEthernet1/0/1\n")))
        out.append(self.one(name, True, "loghost-removed", re.sub(r"^info-center loghost 10\.20\.0\.10\n", "", text,
                                                                  flags=re.M)))
        return out

    # benign ------------------------------------------------------------------------------------

    def benign(self, name: str) -> list[Mutation]:
        d = self.inv.devices[name]
        platform = d.platform.value
        fam = FAMILY[platform]
        text = self.rendered[name]
        sep = "#" if fam in ("vrp", "comware") else "!"
        out: list[Mutation] = []
        ok = lambda label, t, **kw: out.append(self.one(name, False, label, t, **kw))  # noqa: E731
        # 1. reordered blocks: the first (header, name) and last (closing) sections stay in place
        sects = sections(text, sep)
        first, middle, last = sects[:2], sects[2:-1], sects[-1:]
        ok("blocks-reversed", join(first + middle[::-1] + last))
        ok("blocks-rotated", join(first + middle[3:] + middle[:3] + last))
        ok("blocks-swapped", join(first + [middle[-1]] + middle[1:-1] + [middle[0]] + last))
        # 2. comments, including commented-out dangerous lines
        ok("comment-lines", insert_after(text, lambda x: x.startswith("interface "), [f"{sep} reviewed 2026-01-12"]))
        ok("commented-telnet", before_end(text, platform, [f"{sep} {telnet_lines(platform)[0]}"]))
        ok("commented-route", before_end(text, platform, [f"{sep} " + route(platform, "0.0.0.0", "0.0.0.0", 0, "1.1.1.1")]))
        # 3. whitespace
        ok("crlf", text.replace("\n", "\r\n"))
        ok("trailing-spaces", "\n".join(line + "  " if line else line for line in lines_of(text)))
        ok("blank-lines", text.replace(f"\n{sep}\n", f"\n\n{sep}\n\n"))
        # 4. harmless extra lines
        ifaces = heads(text, "interface ")
        ok("extra-description", insert_after(text, lambda x: x == ifaces[0], [" description checked by audit"]))
        extra_iface = {"frr": ["interface eth9", " description spare", "exit"],
                       "ios": ["interface GigabitEthernet0/0/9", " description spare", " shutdown"],
                       "comware": ["interface GigabitEthernet1/0/99", " description spare", " shutdown"],
                       "vrp": ["interface GigabitEthernet0/0/99", " description spare", " shutdown"]}[fam]
        ok("extra-unaddressed-interface", before_end(text, platform, extra_iface))
        discard = {"frr": "ip route 10.99.0.0/16 blackhole", "ios": "ip route 10.99.0.0 255.255.0.0 Null0"}.get(
            fam, "ip route-static 10.99.0.0 255.255.0.0 NULL0")
        ok("blackhole-route", before_end(text, platform, [discard]))
        own = [i for i in d.interfaces if i.addresses]
        if own:
            net = own[0].addresses[0].network
            ok("route-inside-own-subnet", before_end(text, platform, [route(platform, str(net.network_address),
                                                                             str(net.netmask), net.prefixlen, _hop(d))]))
        if fam in ("vrp", "comware"):
            ok("snmp-contact", before_end(text, platform, ["snmp-agent sys-info contact noc@gov.example"]))
            ok("snmp-v3-simple-user", before_end(text, platform, [
                "snmp-agent usm-user v3 nms2 netops-view simple authentication-mode sha Auth-K3y-9 "
                "privacy-mode aes128 Priv-K3y-9"]))
            ok("snmp-v3-target-printed-form", before_end(text, platform, [
                "snmp-agent target-host host-name __targetHost_1_27466 trap address udp-domain 10.10.0.12 params "
                "securityname cipher %^%#x%^%# v3 privacy",
                "snmp-agent target-host trap address udp-domain 10.10.0.13 params securityname v2c v3 privacy"]))
            ok("duplicate-undo-telnet", before_end(text, platform, ["undo telnet server enable"]))
            ok("telnet-server-source", before_end(text, platform, ["undo telnet server enable",
                                                                    "telnet server-source -i LoopBack0"]))
        if fam == "ios":
            ok("snmp-contact", before_end(text, platform, ["snmp-server contact noc@gov.example"]))
            ok("no-http-again", before_end(text, platform, ["no ip http server"]))
            ok("logging-buffered", before_end(text, platform, ["logging buffered 64000"]))
        if fam == "frr":
            ok("show-running-form", "Building configuration...\n\nCurrent configuration:\n!\nfrr version"
               + text.split("frr version", 1)[1])
            ok("write-file-form", text.rstrip("\n").removesuffix("end").rstrip("\n") + "\n")
            ok("log-timestamp", insert_after(text, lambda x: x.startswith("log syslog"), ["log timestamp precision 3"]))
        # 5. encoding: GB18030 with a Chinese description
        ok("gb18030", insert_after(text, lambda x: x == ifaces[0], [" description 政务外网上联"]).encode("gb18030"))
        # 6. a newer clean backup beside stale or bad ones
        clean = _b(text)
        telnet = _b(before_end(text, platform, [telnet_lines(platform)[0]]))
        out.append(Mutation(f"{fam}/{name}/newer-dated-clean-beside-stale-bad", name, platform, False,
                            {f"{name}.cfg": telnet, f"{name}_2025-06-01T0900.cfg": clean}, {f"{name}.cfg": OLD}))
        out.append(Mutation(f"{fam}/{name}/older-bad-bak-newer-clean-cfg", name, platform, False,
                            {f"{name}.cfg": clean, f"{name}.cfg.bak": telnet}, {f"{name}.cfg": NEW, f"{name}.cfg.bak": OLD}))
        out.append(Mutation(f"{fam}/{name}/dated-folders-newest-clean", name, platform, False,
                            {f"2025-01-10/{name}.cfg": telnet, f"2025-01-12/{name}.cfg": clean}))
        out.append(Mutation(f"{fam}/{name}/identical-copies-same-rank", name, platform, False,
                            {f"{name}.cfg": clean, f"copy/{name}.cfg": clean}, {f"{name}.cfg": NEW, f"copy/{name}.cfg": NEW}))
        out.append(Mutation(f"{fam}/{name}/git-newer-commit-clean", name, platform, False,
                            commits=[{f"{name}.cfg": telnet}, {f"{name}.cfg": clean}]))
        return out


# --- running --------------------------------------------------------------------------------------


class Runner:
    """The config layer of the audit over one mutation: the real selection, vetting, parsing and checks."""

    def __init__(self, inventory: Path, rendered: Path):
        inv, _, problems = parse_inventory(inventory)
        assert inv is not None, problems
        self.inv = inv
        self.policy = load_policy(inventory / "policy.yaml")
        self.strict = self.policy.model_copy(deep=True)
        self.strict.hardening.snmpv3_only_zones = sorted(inv.zones)
        self.rules = ZoneRules(inv, self.policy)
        self.platforms = {d.name: d.platform.value for d in config_targets(inv, self.policy)}
        self.count = 0
        self.rendered = {n: (rendered / f"{n}.cfg").read_text(encoding="utf-8") for n in self.platforms}

    def findings(self, m: Mutation, work: Path) -> list[Finding]:
        self.count += 1
        where = work / f"{self.count:04d}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', m.name)[:80]}"
        where.mkdir(parents=True)
        if m.commits:
            _git_history(where, m.commits)
        for rel, data in m.files.items():
            (where / rel).parent.mkdir(parents=True, exist_ok=True)
            (where / rel).write_bytes(data)
        for rel, when in m.mtimes.items():
            os.utime(where / rel, (when, when))
        selection = select_configs(where, {m.device: m.platform})
        policy = self.strict if m.strict_snmp else self.policy
        return [f for f in audit_configs(self.inv, policy, self.rules, selection.configs, str(where))
                if f.target == m.device]


def _git_history(where: Path, commits: list[dict[str, bytes]]) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="netops backup", GIT_AUTHOR_EMAIL="netops@localhost",
               GIT_COMMITTER_NAME="netops backup", GIT_COMMITTER_EMAIL="netops@localhost")
    subprocess.run(["git", "init", "-q", str(where)], check=True, env=env)
    for i, files in enumerate(commits):
        when = f"2025-0{i + 1}-01T09:00:00+00:00"
        for rel, data in files.items():
            (where / rel).parent.mkdir(parents=True, exist_ok=True)
            (where / rel).write_bytes(data)
        subprocess.run(["git", "-C", str(where), "add", "-A"], check=True, env=env)
        subprocess.run(["git", "-C", str(where), "commit", "-q", "-m", f"backup {i}"], check=True,
                       env=dict(env, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when))


def judge(m: Mutation, findings: list[Finding]) -> bool:
    """True when the audit said what it must: the expected check FAIL or UNKNOWN for a breaking mutation,
    every check PASS for a benign one."""
    if m.breaking:
        return any(f.check == m.expect and f.verdict is not Verdict.PASS for f in findings)
    return bool(findings) and all(f.verdict is Verdict.PASS for f in findings)


def summary(results: list[tuple[Mutation, bool]]) -> str:
    rows = []
    for fam in ("vrp", "comware", "ios", "frr"):
        mine = [(m, ok) for m, ok in results if FAMILY[m.platform] == fam]
        brk = [ok for m, ok in mine if m.breaking]
        ben = [ok for m, ok in mine if not m.breaking]
        rows.append(f"| {fam} | {len(brk)} | {sum(brk)} | {len(ben)} | {len(ben) - sum(ben)} |")
    brk = [ok for m, ok in results if m.breaking]
    ben = [ok for m, ok in results if not m.breaking]
    rows.append(f"| all | {len(brk)} | {sum(brk)} ({100 * sum(brk) / len(brk):.0f} % killed) | {len(ben)} | "
                f"{len(ben) - sum(ben)} ({100 * (len(ben) - sum(ben)) / len(ben):.0f} % false alarms) |")
    return "| platform | breaking | caught | benign | flagged |\n|---|---|---|---|---|\n" + "\n".join(rows)


def main() -> int:
    import tempfile

    from tests.audit_support import SAMPLE, render_configs

    with tempfile.TemporaryDirectory(prefix="netops-mutations-") as tmp:
        rendered = render_configs(SAMPLE, Path(tmp) / "rendered")
        runner = Runner(SAMPLE, rendered)
        mutations = Generator(runner.inv, runner.rendered).all()
        results = []
        for m in mutations:
            ok = judge(m, runner.findings(m, Path(tmp) / "work"))
            results.append((m, ok))
            if not ok:
                print("MISSED" if m.breaking else "FLAGGED", m.name, file=sys.stderr)
        print(summary(results))
        print(Counter(FAMILY[m.platform] for m in mutations))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
