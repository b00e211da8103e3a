"""Hide secrets in configs before they are stored or shown, as Oxidized does for backups.

Each rule keeps the command's words up to the secret and replaces the secret with a fixed
marker, so a backup still shows that (and where) a password is set, diffs stay stable, and
no password, key or community string ever reaches git, a diff or a report.
"""

from __future__ import annotations

import re

HIDDEN = "<secret hidden>"

# (pattern, replacement), per line; the first rule that matches a line wins.
_KIND = r"(?:irreversible-cipher|cipher|simple|hash|plain)"
_RULES: tuple[tuple[str, str], ...] = (
    # Huawei VRP and H3C Comware: the secret follows its kind (cipher, simple, ...)
    (r"^(\s*snmp-agent community(?: (?:read|write))?(?: " + _KIND + r")?) \S+", r"\1 " + HIDDEN),
    (r"^(\s*(?:super password|local-user \S+ password|password)(?: level \d+| role \S+)* " + _KIND + r") \S.*$",
     r"\1 " + HIDDEN),
    # IOS / FRR (industry-standard CLI)
    (r"^(\s*enable (?:password|secret)(?: level \d+)?(?: \d)?) \S.*$", r"\1 " + HIDDEN),
    (r"^(\s*username \S+(?: privilege \d+)? (?:password|secret)(?: \d)?) \S.*$", r"\1 " + HIDDEN),
    (r"^(\s*password(?: \d)?) \S.*$", r"\1 " + HIDDEN),
    (r"^(\s*snmp-server community) \S+", r"\1 " + HIDDEN),
    (r"^(\s*snmp-server host \S+(?: version (?:1|2c))?(?: informs| traps)*) (?!version)\S+", r"\1 " + HIDDEN),
    (r"^(\s*(?:tacacs-server|radius-server)\b.*? key(?: \d)?) \S.*$", r"\1 " + HIDDEN),
    (r"^(\s*key(?:-string)?(?: \d)?) \S.*$", r"\1 " + HIDDEN),
    (r"^(\s*crypto isakmp key) \S+", r"\1 " + HIDDEN),
    (r"^(\s*(?:pre-shared-key|authentication-key|ip ospf authentication-key|ip ospf message-digest-key \d+ md5"
     r"|ntp authentication-key \d+ md5)(?: \d)?) \S.*$", r"\1 " + HIDDEN),
    (r"^(\s*neighbor \S+ password)(?: \d)? \S.*$", r"\1 " + HIDDEN),
    # anything else that names its secret's kind, on a line about credentials
    (r"^(?!\s*description\b)(?=.*\b(?:password|community|key|authentication|secret|usm-user|psk)\b)"
     r"(.*?\b" + _KIND + r") \S+", r"\1 " + HIDDEN),
)
_COMPILED = tuple((re.compile(p), r) for p, r in _RULES)


def mask_line(line: str) -> str:
    for pattern, replacement in _COMPILED:
        masked, count = pattern.subn(replacement, line, count=1)
        if count:
            return masked
    return line


def mask_secrets(config: str) -> str:
    """`config` with every recognised secret replaced by a fixed marker."""
    return "\n".join(mask_line(line) for line in config.split("\n"))
