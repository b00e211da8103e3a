"""Which metric names a PromQL expression reads: enough to check rules and dashboards
against the metric profiles, without a PromQL parser."""

from __future__ import annotations

import re

FUNCTIONS_AND_KEYWORDS = {
    "and", "or", "unless", "bool", "by", "without", "on", "ignoring", "group_left", "group_right",
    "offset", "inf", "nan",
}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENT = re.compile(r"(?<![\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?")


def metric_names(expr: str) -> set[str]:
    text = re.sub(r"\$\{[^}]*\}|\$\w+", "X", expr)  # Grafana variables
    text = _STRING.sub('""', text)
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # range selectors and subqueries
    text = _GROUPING.sub("", text)
    names = set()
    for match in _IDENT.finditer(text):
        name, call = match.group(1), match.group(2)
        if call or name.lower() in FUNCTIONS_AND_KEYWORDS or name == "X":
            continue
        names.add(name)
    return names
