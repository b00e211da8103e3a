"""Cost of exposing each series once (metrics.drop_repeated_series) on a large scrape.

    .venv/bin/python bench/series_once.py [--samples 10000] [--repeat 5]

The check keys every sample by its rendered label text, which rendering then reuses, so what
matters is render alone against check + render on fresh families of the same shape.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netops.snmp.families import LabelSet, MetricFamily, Sample, render_text  # noqa: E402
from netops.snmp.metrics import drop_repeated_series  # noqa: E402


def scrape(samples: int) -> list[MetricFamily]:
    """20 families of interface-like samples (device, ifIndex, ifName), as a big switch gives."""
    per = samples // 20
    return [MetricFamily(f"m{i}", "gauge", "h", [Sample(LabelSet({"device": "d", "if_index": str(j),
                                                                  "if_name": f"Gi0/{j}"}), float(j))
                                                for j in range(per)]) for i in range(20)]


def best(fn, samples: int, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        families = scrape(samples)
        started = time.perf_counter()
        fn(families)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    render = best(render_text, args.samples, args.repeat)
    both = best(lambda f: (drop_repeated_series(f), render_text(f)), args.samples, args.repeat)
    print(f"{args.samples} samples, best of {args.repeat}: render {render * 1000:.1f} ms, "
          f"check + render {both * 1000:.1f} ms ({both / render:.2f}x)")


if __name__ == "__main__":
    main()
