"""Benchmark: how fast whole `netops` commands start, against `python -c pass` as the floor.

Usage: .venv/bin/python bench/startup.py [--runs 7] [--province DIR [--cold]] [--base REV]

Every round runs each command once, in turn (alternating, so load from other processes
falls on all of them alike); the table shows the median and best wall time per command.
--base REV also times the same commands from that git revision (extracted with git archive
into bench/out/base-REV), for a before/after comparison in the same rounds.
--province DIR times commands on a province-size inventory with a warm cache (generate one
with `netops inventory generate --towns 180 --villages 92700 -o DIR`; the sample's
policy.yaml is copied beside it for the audit): `inventory validate` (replays its report),
`inventory summary`, `audit isolation` (intent layer), `render` of the whole province and of
one device. For each, "ready" is when the command holds the checked inventory and starts its
per-device work (the probe below wraps the real CLI and notes when the loader returns), and
"whole" the process's wall time; a whole-province render is timed up to "ready" only (its
per-device work is bench/render.py's subject). --cold adds one uncached validate.
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


READY = "NETOPS-BENCH-READY"


def probe(argv: list[str]) -> None:
    """Run the CLI in this process; print on stderr when the checked inventory is ready.

    Measuring only: it wraps the loaders every command uses (load_inventory, and
    checked_inventory for the audit) and, with NETOPS_BENCH_STOP=1, exits right there."""
    started = float(os.environ["NETOPS_BENCH_T0"])
    import netops.inventory
    import netops.inventory.load as load

    for name in ("load_inventory", "checked_inventory"):
        def wrapped(*args, _real=getattr(load, name), **kwargs):  # noqa: ANN002, ANN003, ANN202
            value = _real(*args, **kwargs)
            sys.stderr.write(f"{READY} {time.time() - started:.4f}\n")
            sys.stderr.flush()
            if os.environ.get("NETOPS_BENCH_STOP") == "1":
                os._exit(0)
            return value
        setattr(load, name, wrapped)
    netops.inventory.load_inventory = load.load_inventory
    sys.argv = ["netops", *argv]
    from cli import main as cli_main

    cli_main()


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """Wall time of one run and, for probed runs, when the inventory was ready; the cwd is the
    tree whose cli.py runs (PYTHONPATH, else ROOT)."""
    cwd = env.get("PYTHONPATH", str(ROOT))
    started = time.perf_counter()
    env = {**env, "NETOPS_BENCH_T0": repr(time.time())}
    result = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    whole = time.perf_counter() - started
    ready = [float(line.split()[1]) for line in result.stderr.decode(errors="replace").splitlines()
             if line.startswith(READY)]
    return whole, (ready[0] if ready else None)


def extract(rev: str) -> Path:
    target = ROOT / "bench" / "out" / f"base-{rev}"
    if not target.is_dir():
        target.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def main() -> None:
    if sys.argv[1:2] == ["--probe"]:
        probe(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--province", type=Path, default=None)
    parser.add_argument("--cold", action="store_true", help="with --province: also one uncached validate")
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
            province = str(args.province.resolve())
            policy = args.province / "policy.yaml"
            if not policy.exists():
                policy.write_bytes((ROOT / "inventory" / "policy.yaml").read_bytes())
            probed = [PY, str(Path(__file__).resolve()), "--probe"]
            out = Path(cache) / "out"
            device = _a_village(args.province)
            cases.update({
                "netops inventory validate (province, warm)": ([PY, *cli, "inventory", "validate", "-i", province], env),
                "netops inventory summary (province, warm)": ([*probed, "inventory", "summary", "-i", province], env),
                "netops audit isolation (province, intent, warm)": (
                    [*probed, "audit", "isolation", "-i", province, "--state", str(out / "audit.json")], env),
                "netops render (province, warm; to ready)": (
                    [*probed, "render", "-i", province, "-o", str(out / "configs")], {**env, "NETOPS_BENCH_STOP": "1"}),
                f"netops render -d {device} --stdout (province, warm)": (
                    [*probed, "render", "-i", province, "-d", device, "--stdout"], env),
            })
        if args.base:
            base = extract(args.base)
            base_env = {**env, "PYTHONPATH": str(base)}
            cases[f"netops --help ({args.base})"] = ([PY, *cli, "--help"], base_env)
            cases[f"netops inventory validate (sample, {args.base})"] = (
                [PY, *cli, "inventory", "validate", sample], base_env)
        cold: dict[str, tuple[float, float | None]] = {}
        if args.province and args.cold:
            cold["netops inventory validate (province, no cache)"] = timed(
                [PY, *cli, "inventory", "validate", "-i", str(args.province)], {**env, "NETOPS_CACHE": "off"})
        for argv, case_env in cases.values():  # warm caches (and the OS page cache) once
            timed(argv, case_env)
        times: dict[str, list[tuple[float, float | None]]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, (argv, case_env) in cases.items():
                times[name].append(timed(argv, case_env))
    width = max(map(len, [*times, *cold]))
    print(f"{'command':<{width}}  whole median   best   ready median   best")
    for name, runs in [*times.items(), *((n, [v]) for n, v in cold.items())]:
        whole = [w for w, _ in runs]
        ready = [r for _, r in runs if r is not None]
        line = f"{name:<{width}}  {statistics.median(whole):12.3f} {min(whole):6.3f}"
        if ready:
            line += f"   {statistics.median(ready):12.3f} {min(ready):6.3f}"
        print(line)


def _a_village(inventory: Path) -> str:
    """The last village of the generated villages CSV (its first column is the village name)."""
    for csv_path in sorted(inventory.glob("*.csv")):
        lines = csv_path.read_text(encoding="utf-8").splitlines()
        if len(lines) > 1:
            return lines[-1].split(",")[0]
    raise SystemExit(f"{inventory}: no villages CSV")


if __name__ == "__main__":
    main()
