"""Make any text safe to print on a terminal: control characters become visible escapes.

Values from inventories, configs and devices reach error messages and tables. An ESC
sequence in a device name would otherwise recolour, move the cursor of or retitle the
operator's terminal; a newline would forge a line of output. Every command prints
untrusted text through `printable` (or `printable_json` for JSON documents).
"""

from __future__ import annotations

import re

# C0, DEL, C1, line/paragraph separators, bidirectional overrides and isolates, BOM
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# what json.dumps(ensure_ascii=False) leaves raw inside strings (it escapes C0 itself)
_JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """`str(text)` with every control character shown as an escape (ESC -> \\x1b, newline -> \\n)."""
    text = str(text)
    return _UNPRINTABLE.sub(_escape, text) if _UNPRINTABLE.search(text) else text


def printable_json(text: str) -> str:
    """A JSON document with the characters json.dumps leaves raw escaped as \\uXXXX (still valid JSON)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _JSON_RAW.search(text) else text
