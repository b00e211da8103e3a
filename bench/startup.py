"""Benchmark: how fast whole `netops` commands start, against `python -c pass` as the floor.

Usage: .venv/bin/python bench/startup.py [--runs 7] [--province DIR] [--base REV]

Every round runs each command once, in turn (alternating, so load from other processes
falls on all of them alike); the table shows the median and best wall time per command.
--base REV also times the same commands from that git revision (extracted with git archive
into bench/out/base-REV), for a before/after comparison in the same rounds.
--province DIR times `inventory validate` on a province-size inventory with a warm parse
cache (generate one with `netops inventory generate --towns 180 --villages 92700 -o DIR`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one run; the cwd is the tree whose cli.py runs (PYTHONPATH, else ROOT)."""
    cwd = env.get("PYTHONPATH", str(ROOT))
    started = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def extract(rev: str) -> Path:
    target = ROOT / "bench" / "out" / f"base-{rev}"
    if not target.is_dir():
        target.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--province", type=Path, default=None)
    parser.add_argument("--base", default=None, help="git revision to compare with (e.g. main)")
    args = parser.parse_args()
    sample = str(ROOT / "inventory")
    cli = ["-c", "import sys; sys.argv[0] = 'netops'; from cli import main; main()"]
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NETOPS_CACHE_DIR": cache, "NO_COLOR": "1"}
        env.pop("NETOPS_CACHE", None)
        cases: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([PY, "-c", "pass"], env),
            "netops --help": ([PY, *cli, "--help"], env),
            "netops --version": ([PY, *cli, "--version"], env),
            "netops inventory validate (sample, cache warm)": ([PY, *cli, "inventory", "validate", "-i", sample], env),
            "netops inventory validate (sample, no cache)": ([PY, *cli, "inventory", "validate", "-i", sample],
                                                             {**env, "NETOPS_CACHE": "off"}),
        }
        if args.province:
            cases["netops inventory validate (province, cache warm)"] = (
                [PY, *cli, "inventory", "validate", "-i", str(args.province)], env)
        if args.base:
            base = extract(args.base)
            base_env = {**env, "PYTHONPATH": str(base)}
            cases[f"netops --help ({args.base})"] = ([PY, *cli, "--help"], base_env)
            cases[f"netops inventory validate (sample, {args.base})"] = (
                [PY, *cli, "inventory", "validate", sample], base_env)
        for argv, case_env in cases.values():  # warm caches (and the OS page cache) once
            timed(argv, case_env)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, (argv, case_env) in cases.items():
                times[name].append(timed(argv, case_env))
    width = max(map(len, times))
    print(f"{'command':<{width}}  median    best")
    for name, values in times.items():
        print(f"{name:<{width}}  {statistics.median(values):6.3f}  {min(values):6.3f}")


if __name__ == "__main__":
    main()
