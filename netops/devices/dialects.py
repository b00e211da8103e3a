"""What differs between CLI families, as data: how to show, negate, end blocks, spot errors.

FRR's vtysh and Cisco IOS share the industrial-standard CLI ("no", "!", "end"); Huawei VRP
and H3C Comware share "undo", "#" separators, system-view and "return". Everything that
parses, diffs or remediates a config takes a Dialect, so it is written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dialect:
    name: str
    show_running: str
    negate: str  # prefix that removes a command
    block_end: tuple[str, ...]  # lines that only close a block
    separators: tuple[str, ...]  # comment/separator line prefixes
    noise: tuple[str, ...]  # regexes of lines that change without a config change
    error_pattern: str  # device output that means a command was rejected
    save_command: str
    exit_config: str = "end"
    config_command: str = "configure terminal"
    config_prompt: str = r"\(config[^)]*\)#\s*$"  # the prompt while in config mode
    user_prompt: str = r"[>#]\s*$"  # any prompt at all
    logout: str = "exit"
    save_question: str | None = None  # a confirmation the save command asks
    save_answer: str = "y"
    extra_ignore: tuple[str, ...] = field(default_factory=tuple)  # lines no push can change
    # single-valued commands: setting a new value replaces the old one, and removing one
    # takes the keyword alone ("no description", not "no description <old text>")
    keyed: tuple[str, ...] = field(default_factory=tuple)
    # blocks that cannot be deleted (physical interfaces): clear their contents instead
    kept_blocks: tuple[str, ...] = (r"^interface ", r"^line ")

    def key_of(self, line: str) -> str | None:
        for key in self.keyed:
            if line == key or line.startswith(key + " "):
                return key
        return None

    def is_noise(self, line: str) -> bool:
        return any(re.search(p, line) for p in self.noise)


IOS_LIKE_NOISE = (
    r"^Building configuration",
    r"^Current configuration\s*:",
    r"^! Last configuration change",
    r"^! NVRAM config last updated",
    r"^! No configuration change since last restart",
    r"^ntp clock-period",
    r"^\s*$",
)

FRR = Dialect(
    name="frr",
    show_running="show running-config",
    negate="no ",
    block_end=("exit", "exit-address-family", "exit-vrf", "exit-vnc", "end", "quit"),
    separators=("!",),
    noise=IOS_LIKE_NOISE + (r"^frr version ",),
    error_pattern=r"% Unknown command|% Invalid input|% Command incomplete|% Ambiguous command|"
                  r"% Configuration failed|% Malformed|% Can't|% Cannot|% Error|% \[\w+\]",
    save_command="write memory",
    extra_ignore=(r"^frr defaults ",),
    keyed=("description", "hostname", "password", "enable password", "banner motd", "log file", "log syslog",
           "ip router-id", "router-id", "bandwidth", "mtu", "link-detect"),
)

IOS = Dialect(
    name="ios",
    show_running="show running-config",
    negate="no ",
    block_end=("exit", "exit-address-family", "end"),
    separators=("!",),
    noise=IOS_LIKE_NOISE,
    error_pattern=r"% Invalid input|% Incomplete command|% Ambiguous command|% Unknown command",
    save_command="write memory",
    keyed=("description", "hostname", "enable secret", "enable password", "ip domain name", "ip domain-name",
           "mtu", "bandwidth", "clock timezone", "switchport access vlan", "switchport mode"),
)

VRP = Dialect(
    name="vrp",
    show_running="display current-configuration",
    negate="undo ",
    block_end=("quit", "return"),
    separators=("#",),
    # `Y` lines answer a [Y/N] prompt in rendered files (netops/render/prompts.py): never config
    noise=(r"^!Software Version", r"^!Last configuration was", r"^!Time:", r"^\s*$", r"^\s*Y$"),
    error_pattern=r"^\s*Error:",
    save_command="save",
    save_question=r"[Cc]ontinue\?|\[Y/N\]",
    exit_config="return",
    config_command="system-view",
    config_prompt=r"\]\s*$",
    user_prompt=r"[>\]]\s*$",
    logout="quit",
    keyed=("description", "sysname", "header login", "clock timezone", "port link-type", "port default vlan",
           "mtu"),
)

COMWARE = Dialect(
    name="comware",
    show_running="display current-configuration",
    negate="undo ",
    block_end=("quit", "return"),
    separators=("#",),
    noise=(r"^ version \d", r"^\s*$"),
    error_pattern=r"% Unrecognized command|% Incomplete command|% Wrong parameter|% Too many parameters",
    save_command="save force",
    exit_config="return",
    config_command="system-view",
    config_prompt=r"\]\s*$",
    user_prompt=r"[>\]]\s*$",
    logout="quit",
    keyed=("description", "sysname", "clock timezone", "port link-type", "port access vlan", "mtu"),
)

BY_NAME = {d.name: d for d in (FRR, IOS, VRP, COMWARE)}
