"""`make demo` stage: the web console over the sample network, live.

Starts SNMP lab agents for a few devices, the exporter, a Prometheus (Debian's, when
installed) scraping them, and `netops web` on loopback with two demo accounts; logs in, fetches
every page once and prints the console's URL. With NETOPS_DEMO_KEEP=1 it then keeps everything
running until Ctrl-C so the console can be browsed while the lab runs; otherwise it stops
everything it started (by PID). Exit 0 unless the console itself fails.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEVICES = ["ups-1", "env-1", "in-core-1", "ex-core-1", "fw-1", "wangtai-ex-sw", "wangtai-ex-rt",
           *[f"wangtai-v00{n}" for n in range(1, 6)]]
PAGES = ["/topology", "/villages", "/town/wangtai", "/device/wangtai-ex-sw", "/room", "/audit", "/history",
         "/topology?audit=1"]
DEMO_PASSWORD = "netops-demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} not ready after {timeout} s")


def main() -> int:
    from netops.console.users import hash_password
    from netops.inventory import load_inventory
    from netops.monitoring import PrometheusOptions, file_sd, prometheus_config, render_file_sd, render_yaml

    demo_out = Path(os.environ.get("DEMO_OUT", "out/demo")).resolve()
    out = demo_out / "web"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    netops = str(Path(sys.executable).with_name("netops"))
    env = dict(os.environ)
    if not env.get("NETOPS_SECRETS_FILE"):
        secrets = out / "lab-secrets.yaml"
        secrets.write_text("snmp-ex-auth: demo-extranet-auth\nsnmp-ex-priv: demo-extranet-priv\n", encoding="utf-8")
        secrets.chmod(0o600)
        env["NETOPS_SECRETS_FILE"] = str(secrets)
    env.setdefault("NETOPS_SNMP_IN_AUTH", "demo-intranet-auth")
    env.setdefault("NETOPS_SNMP_IN_PRIV", "demo-intranet-priv")
    env.setdefault("NETOPS_SNMP_COMMUNITY", "demo-appliance")
    users = out / "users.yaml"
    hashed = hash_password(DEMO_PASSWORD, rounds=10)
    users.write_text(f"users:\n  - name: duty\n    role: engineer\n    password: '{hashed}'\n"
                     f"  - name: auditor\n    role: auditor\n    password: '{hashed}'\n"
                     f"  - name: wangtai\n    role: viewer\n    towns: [wangtai]\n    password: '{hashed}'\n",
                     encoding="utf-8")
    users.chmod(0o600)
    lab_dir = out / "lab"
    procs: list[subprocess.Popen] = []

    def start(args: list[str], log: str) -> subprocess.Popen:
        with open(out / log, "wb") as f:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT, env=env,
                                    cwd=ROOT, start_new_session=True)
        procs.append(proc)
        return proc

    try:
        print(f"$ netops lab up --only {','.join(DEVICES)}")
        subprocess.run([netops, "lab", "up", "--lab-dir", str(lab_dir), "--only", ",".join(DEVICES)], check=True, env=env, cwd=ROOT)
        exporter_port = free_port()
        exporter = start([netops, "exporter", "--lab", "--listen", f"127.0.0.1:{exporter_port}", "--log-level", "warning"],
                         "exporter.log")
        wait_http(f"http://127.0.0.1:{exporter_port}/-/healthy", exporter)
        web_args = []
        prometheus = shutil.which("prometheus")
        if prometheus:
            inv = load_inventory(ROOT / "inventory")
            (out / "prom" / "targets").mkdir(parents=True)
            groups = [g for g in file_sd(inv, lab=True) if g["targets"][0] in DEVICES]
            (out / "prom" / "targets" / "lab.json").write_text(render_file_sd(groups), encoding="utf-8")
            config = prometheus_config(PrometheusOptions(exporters=[f"127.0.0.1:{exporter_port}"], scrape_interval="5s",
                                                         scrape_timeout="5s", evaluation_interval="5s"))
            (out / "prom" / "prometheus.yml").write_text(render_yaml(config), encoding="utf-8")
            prom_port = free_port()
            prom = start([prometheus, f"--config.file={out / 'prom' / 'prometheus.yml'}",
                          f"--storage.tsdb.path={out / 'prom' / 'data'}", f"--web.listen-address=127.0.0.1:{prom_port}",
                          "--log.level=warn"], "prometheus.log")
            wait_http(f"http://127.0.0.1:{prom_port}/-/ready", prom)
            web_args = ["--prometheus", f"http://127.0.0.1:{prom_port}"]
            print(f"Prometheus on http://127.0.0.1:{prom_port}/ scraping {len(groups)} lab devices every 5 s")
        else:
            print("(Debian package prometheus not installed: the console shows no live status)")
        repo = demo_out / "backups"
        web_port = int(os.environ.get("NETOPS_DEMO_WEB_PORT") or free_port())
        web = start([netops, "web", "--users", str(users), "--listen", f"127.0.0.1:{web_port}",
                     "--audit-state", str(demo_out / "audit" / "last-audit.json"), "--repo", str(repo), *web_args],
                    "web.log")
        base = f"http://127.0.0.1:{web_port}"
        wait_http(f"{base}/-/healthy", web)
        time.sleep(6 if prometheus else 0)  # a first scrape, so the map has colours
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        token = re.search(r'name="csrf" value="([^"]+)"', opener.open(f"{base}/login").read().decode()).group(1)
        opener.open(f"{base}/login", urllib.parse.urlencode({"csrf": token, "user": "duty", "password": DEMO_PASSWORD}).encode())
        print(f"\n$ (logged in as duty) fetching every page of {base}/")
        for page in PAGES:
            start_t = time.perf_counter()
            with opener.open(base + page) as r:
                body = r.read()
                print(f"  {r.status} {page:<24} {len(body):>7} bytes {1000 * (time.perf_counter() - start_t):5.0f} ms")
        print(f"\nweb console: {base}/   accounts duty (engineer), auditor, wangtai (viewer of 王台镇); "
              f"password {DEMO_PASSWORD!r} (demo only)")
        if os.environ.get("NETOPS_DEMO_KEEP") == "1":
            print("NETOPS_DEMO_KEEP=1: the console and the lab keep running; Ctrl-C to stop them.")
            print(f"  try: netops lab set wangtai-v003 down --lab-dir {lab_dir}   (the village goes red)")
            stop = []
            signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
            try:
                while not stop and all(p.poll() is None for p in procs):
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
        else:
            print("(stopping it again; NETOPS_DEMO_KEEP=1 make demo leaves it running to browse)")
        return 0
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        subprocess.run([netops, "lab", "down", "--lab-dir", str(lab_dir)], env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit(main())
