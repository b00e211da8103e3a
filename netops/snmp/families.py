"""Metric families as the collector produces them, and their Prometheus text exposition.

Every metric of one table row carries the same labels (inventory labels plus the row's
index and lookup labels), so a row's label set is built and escaped once and shared by all
its samples. That, not the SNMP decoding, is what keeps a 48-port scrape cheap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple


def escape_label_value(value: str) -> str:
    if "\\" in value or '"' in value or "\n" in value:
        value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return value


class LabelSet:
    """An ordered set of labels whose exposition text is computed once."""

    __slots__ = ("labels", "_text")

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = ",".join(f'{k}="{escape_label_value(v)}"' for k, v in self.labels.items())
        return self._text

    def __repr__(self) -> str:
        return f"LabelSet({self.labels!r})"


class Sample(NamedTuple):
    labels: LabelSet
    value: float
    extra: tuple[tuple[str, str], ...] = ()

    def label_dict(self) -> dict[str, str]:
        return {**self.labels.labels, **dict(self.extra)}


@dataclass
class MetricFamily:
    name: str
    type: str  # "gauge" | "counter" (info metrics are gauges named *_info)
    help: str
    samples: list[Sample] = field(default_factory=list)

    def values(self) -> list[tuple[dict[str, str], float]]:
        """Samples as (labels, value) pairs: convenient for tests and audits."""
        return [(s.label_dict(), s.value) for s in self.samples]


def format_value(value: float) -> str:
    if type(value) is int:
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def render_text(families: list[MetricFamily]) -> str:
    """Prometheus text format 0.0.4."""
    out: list[str] = []
    append = out.append
    for family in families:
        if not family.samples:
            continue
        name = family.name
        help_text = family.help.replace("\\", "\\\\").replace("\n", "\\n")
        append(f"# HELP {name} {help_text}\n# TYPE {name} {family.type}\n")
        for labels, value, extra in family.samples:
            text = labels.text
            if extra:
                more = ",".join(f'{k}="{escape_label_value(v)}"' for k, v in extra)
                text = f"{text},{more}" if text else more
            if type(value) is int:
                number = str(value)
            else:
                number = format_value(value)
            append(f"{name}{{{text}}} {number}\n" if text else f"{name} {number}\n")
    return "".join(out)


def to_prometheus(family: MetricFamily):  # noqa: ANN201
    """The same family as a prometheus_client Metric, for code that uses a registry."""
    from prometheus_client.core import Metric

    base = family.name.removesuffix("_total") if family.type == "counter" else family.name
    metric = Metric(base, family.help, family.type)
    for sample in family.samples:
        metric.add_sample(family.name, sample.label_dict(), float(sample.value))
    return metric
