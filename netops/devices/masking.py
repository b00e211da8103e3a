"""Hide secrets in configs before they are stored or shown, as Oxidized does for backups.

One table per platform lists every command that carries a secret: each rule is a regex whose
capture groups are exactly the secret tokens (everything else is matched without capturing),
so a line with two keys (an SNMPv3 user's auth and priv keys) loses both, and the words
around them stay: a backup still shows that, and where, a secret is set, and diffs stay
stable. Every rule of the table runs on the original line and the union of their secret tokens
is hidden, so a rule that takes a wrong token cannot shield the right one from another.
Encrypted blobs (VRP `%^%#...%^%#`, `$1a$...$`, Comware `$c$3$...`) are hidden wherever they
appear, because they decrypt with keys public on the internet. Unknown platforms get every
table at once. The forms come from the templates netops renders and the vendor forms
Oxidized's ios, vrp and comware models mask.
"""

from __future__ import annotations

import re

HIDDEN = "<secret hidden>"
_PLACEHOLDER = re.compile(r"<secret:[^>\s]+>")  # a render placeholder naming its reference

_KIND = r"(?:irreversible-cipher|cipher|simple|hash|plain)"
_ENC = r"(?:\d+ )?"  # IOS encryption type before a secret: 0, 5, 7, 8, 9


# "<kind> <secret>" on any line but the SSH/SSL algorithm lists ("ssh server cipher aes128_ctr")
_NAMED_KIND = r"^(?!\s*(?:undo )?(?:ssh|ssl|stelnet)\b).*?\b" + _KIND + r" (?!(?:authentication|privacy)-mode )(\S+)"


# a v3 user: `usm-user`, one bound to a remote engine, VRP8's `local-user`
_USER = r"^\s*snmp-agent (?:remote-engineid \S+ )?(?:usm|local)-user v3 "
_AUTH_KEY = _USER + r".*?authentication-mode \S+ (?:" + _KIND + r" )?(\S+)"
# the one-line user (`U G [simple|cipher] authentication-mode A KEY [privacy-mode P KEY]`): by position,
# so a key that reads like a keyword ("cipher") is still the key
_ONE_LINE_USER = (r"^\s*snmp-agent usm-user v3 \S+ \S+ (?:(?:simple|cipher) )?authentication-mode \S+ (\S+)"
                  r"(?: privacy-mode \S+ (\S+))?")
# an all-digit privacy key reads like a key length ("aes 128"): both tokens are hidden
_PRIV_KEY = _USER + r".*?privacy-mode \S+(?: (\d+))? (?:" + _KIND + r" )?(\S+)"


def _rules(*patterns: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns)


# everywhere: encrypted or hashed blobs and the words whose next token is always a secret
COMMON = _rules(
    r"(%\^%#.*?%\^%#)",  # Huawei cipher text
    r"(%@%@.*?%@%@)",
    r"(%#%#.*?%#%#)",  # the forms VRP8 (NE, CE) prints
    r"(%\+%#.*?%\+%#)",
    r"(\$1[a-z]\$\S+)",  # Huawei irreversible-cipher hashes
    r"(\$[chp]\$\d+\$\S+)",  # Comware cipher/hash text
    r"(?<![<\w-])(?:password|secret|shared-key|pre-shared-key|preshared-key|authentication-key|key-string|"
    r"pass-phrase|wpa-psk)(?: (?:level \d+|ascii|hex|raw|encrypted|local|remote))*"
    r" (?:" + _KIND + r" |\d+ )?(?!" + _KIND + r"\b|level\b|ascii\b|hex\b)([^\s<]\S*)",
)

VRP = _rules(
    r"^\s*snmp-agent community (?!complexity-check)(?:(?:read|write) )?(?:" + _KIND + r" )?(\S+)",
    _AUTH_KEY,
    _PRIV_KEY,
    _ONE_LINE_USER,
    r"^\s*snmp-agent target-host .*?\bsecurityname (?:" + _KIND + r" )?(\S+)",
    _NAMED_KIND,  # VRP always names the kind of the secret that follows
    r"^\s*pin verify (?:auto )?(\S+)",
    r"^\s*ppp (?:chap|pap) password (?:" + _KIND + r" )?(\S+)",
    r"^\s*ppp pap local-user \S+ password (?:" + _KIND + r" )?(\S+)",
)

COMWARE = _rules(
    r"^\s*snmp-agent community (?:(?:read|write) )?(?:" + _KIND + r" )?(\S+)",
    _AUTH_KEY,
    _PRIV_KEY,
    _ONE_LINE_USER,
    r"^\s*snmp-agent target-host .*?\bsecurityname (\S+)",
    _NAMED_KIND,
    r"^\s*key (?:authentication|accounting|authorization) (?:" + _KIND + r" )?(\S+)",
    r"^\s*ppp (?:chap|pap) password (?:" + _KIND + r" )?(\S+)",
)

IOS = _rules(
    r"^\s*enable (?:algorithm-type \S+ )?(?:password|secret)(?: level \d+)? " + _ENC + r"(\S+)",
    r"^\s*username \S+ (?:privilege \d+ )?(?:algorithm-type \S+ )?(?:password|secret) " + _ENC + r"(\S+)",
    r"^\s*snmp-server community (\S+)",
    r"^\s*snmp-server host \S+(?: vrf \S+)?(?: informs| traps)?"
    r"(?: version (?:1|2c|3(?: (?:auth|noauth|priv))?))? (\S+)",
    r"^\s*snmp-server user \S+ \S+(?: remote \S+(?: udp-port \d+)?)? v3(?: encrypted)? auth \S+ (\S+)",
    r"^\s*snmp-server user .* priv (?:des|3des|aes(?: \d+)?) (\S+)",
    r"^\s*(?:tacacs-server|radius-server)\b.*? key " + _ENC + r"(\S+)",
    r"^\s*server-private \S+.*? key " + _ENC + r"(\S+)",
    r"^\s*key " + _ENC + r"(\S+)",
    r"^\s*crypto isakmp key " + _ENC + r"(\S+)",
    r"^\s*ip ospf authentication-key " + _ENC + r"(\S+)",
    r"^\s*ip ospf message-digest-key \d+ md5 " + _ENC + r"(\S+)",
    r"^\s*ntp authentication-key \d+ md5 (\S+)",
    r"^\s*neighbor \S+ password " + _ENC + r"(\S+)",
    r"^\s*(?:password|secret) (?!" + _KIND + r" )" + _ENC + r"(\S+)",
    r"\bwpa-psk (?:ascii|hex) " + _ENC + r"(\S+)",
    r"^\s*ppp (?:chap|pap) password " + _ENC + r"(\S+)",
    r"^\s*ppp pap sent-username \S+ password " + _ENC + r"(\S+)",
    r"^\s*(?:standby|vrrp) \d+ authentication (?:text |md5 key-string )?" + _ENC + r"(\S+)",
)

FRR = _rules(
    r"^\s*(?:enable )?password (?!" + _KIND + r" )(\S+)",
    r"^\s*neighbor \S+ password (\S+)",
    r"^\s*ip ospf authentication-key (\S+)",
    r"^\s*ip ospf message-digest-key \d+ md5 (\S+)",
    r"^\s*ipv6 ospf6 authentication key-id \d+ hash-algo \S+ key (\S+)",
    r"^\s*key-string (?:\d )?(\S.*)",
    r"^\s*(?:isis password|area-password|domain-password) (?:clear|md5) (\S+)",
    r"^\s*ip rip authentication string (\S+)",
)

TABLES: dict[str, tuple[re.Pattern, ...]] = {
    "vrp": VRP + COMMON,
    "comware": COMWARE + COMMON,
    "ios": IOS + COMMON,
    "frr": FRR + COMMON,
}
ALIASES = {"huawei_vrp": "vrp", "hp_comware": "comware", "cisco_ios": "ios", "eos": "ios", "junos": "ios"}
_EVERY = tuple(dict.fromkeys(rule for table in TABLES.values() for rule in table))


def table_for(platform: str | None) -> tuple[re.Pattern, ...]:
    """The platform's rules (dialect or inventory platform name); every rule when unknown."""
    name = ALIASES.get(platform or "", platform)
    return TABLES.get(name or "", _EVERY)


def _already(line: str, start: int, end: int) -> bool:
    """Hidden by an earlier pass, or a whole render placeholder; a secret that merely starts with
    `<secret` is still a secret."""
    return line.startswith(HIDDEN, start) or _PLACEHOLDER.fullmatch(line, start, end) is not None


def _secret_spans(rule: re.Pattern, line: str):
    for match in rule.finditer(line):
        for group in range(1, rule.groups + 1):
            start, end = match.span(group)
            if start >= 0 and end > start and not _already(line, start, end):
                yield start, end


def mask_line(line: str, platform: str | None = None) -> str:
    return _mask_with(line, table_for(platform))


def mask_secrets(config: str, platform: str | None = None) -> str:
    """`config` with every recognised secret replaced by a fixed marker."""
    rules = table_for(platform)
    return "\n".join(_mask_with(line, rules) for line in config.split("\n"))


def _mask_with(line: str, rules: tuple[re.Pattern, ...]) -> str:
    """Every rule looks at the original line; the union of their secret tokens is hidden."""
    if not line.strip() or line.lstrip().startswith("description "):
        return line  # free text, not a secret (and validated single-line safe text)
    spans = sorted(span for rule in rules for span in _secret_spans(rule, line))
    if not spans:
        return line
    merged = [list(spans[0])]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [line[last:start], HIDDEN]
        last = end
    return "".join(out) + line[last:]
