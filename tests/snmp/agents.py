"""Real SNMP agents for tests: Debian snmpd and snmpsim on loopback, plus tiny faulty ones.

Every agent binds a 127.x.y.z address chosen for this test process and a free port above
1024, is started by the test, and is stopped by its PID even when the test fails.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from netops.snmp import ber

VENV_BIN = Path(sys.executable).parent


def loopback_address() -> str:
    """A 127.x.y.z unlikely to be used by other test runs or the lab (127.1.0.0/16)."""
    rng = random.Random(os.getpid() * 7919 + time.monotonic_ns())
    return f"127.{rng.randint(100, 250)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def free_udp_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def snmp_get_ready(host: str, port: int, community: bytes, deadline: float = 30.0) -> bool:
    """Poll sysUpTime.0 until the agent answers (agents take a moment to start)."""
    message = ber.encode_request(ber.GET_REQUEST, community, 1, [(1, 3, 6, 1, 2, 1, 1, 3, 0)])
    end = time.monotonic() + deadline
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.3)
        while time.monotonic() < end:
            try:
                sock.sendto(message, (host, port))
                sock.recvfrom(65535)
                return True
            except OSError:
                time.sleep(0.2)
    return False


class Process:
    """A child process we started; stopped by PID."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None, log: Path | None = None, cwd=None):
        self.log = log
        out = open(log, "wb") if log else subprocess.DEVNULL
        self.proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT,
                                     cwd=cwd, start_new_session=True)
        if log:
            out.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""


class Snmpd:
    """Debian's net-snmp agent in the foreground, v2c community and a v3 authPriv user."""

    def __init__(self, workdir: Path, host: str | None = None) -> None:
        self.host = host or loopback_address()
        self.port = free_udp_port(self.host)
        self.community = "c" + os.urandom(6).hex()
        self.user, self.auth_key, self.priv_key = "netops", "auth-" + os.urandom(4).hex(), "priv-" + os.urandom(4).hex()
        persist = workdir / "persist"
        persist.mkdir(parents=True, exist_ok=True)
        conf = workdir / "snmpd.conf"
        conf.write_text(
            f"agentAddress udp:{self.host}:{self.port}\n"
            f"rocommunity {self.community} 127.0.0.0/8\n"
            f'createUser {self.user} SHA "{self.auth_key}" AES "{self.priv_key}"\n'
            f"rouser {self.user} priv\n"
            f'createUser {self.user}256 SHA-256 "{self.auth_key}" AES-256 "{self.priv_key}"\n'
            f"rouser {self.user}256 priv\n"
            "sysName netops-test-snmpd\n"
            "sysLocation test room\n"
        )
        self.process = Process(
            [shutil.which("snmpd") or "/usr/sbin/snmpd", "-f", "-C", "-c", str(conf), "-Lf", str(workdir / "snmpd.log"),
             "-p", str(workdir / "snmpd.pid")],
            env={"MIBS": "", "SNMP_PERSISTENT_DIR": str(persist)},
        )
        if not snmp_get_ready(self.host, self.port, self.community.encode(), 20):
            self.process.stop()
            raise RuntimeError("snmpd did not start: " + (workdir / "snmpd.log").read_text(errors="replace")[-2000:])

    def stop(self) -> None:
        self.process.stop()


def require_snmpsim() -> None:
    """Skip the test (with the reason) where snmpsim is not installed."""
    if not (VENV_BIN / "snmpsim-command-responder").exists():
        pytest.skip("snmpsim is not installed (pip install snmpsim)")


class Snmpsim:
    """snmpsim serving data directories, one SNMP engine (and endpoint) per directory.

    Within a directory a recording is selected by community (the file stem); SNMPv3 users
    are per engine (`extra` options such as --v3-user follow that engine's endpoint).
    """

    def __init__(self, data_dir: Path, workdir: Path, host: str | None = None, extra: list[str] | None = None,
                 ready_community: str | None = None,
                 more: list[tuple[Path, list[str]]] | None = None, ready_seconds: float = 60) -> None:
        self.host = host or loopback_address()
        self.port = free_udp_port(self.host)
        exe = VENV_BIN / "snmpsim-command-responder"
        (workdir / "cache").mkdir(parents=True, exist_ok=True)
        argv = [str(exe), f"--cache-dir={workdir / 'cache'}"]
        self.endpoints: list[tuple[str, int]] = []
        for directory, options in [(data_dir, extra or []), *(more or [])]:
            port = self.port if not self.endpoints else free_udp_port(self.host)
            self.endpoints.append((self.host, port))
            argv += ["--v3-engine-id=auto", f"--data-dir={directory}",
                     f"--agent-udpv4-endpoint={self.host}:{port}", *options]
        self.process = Process(argv, env={"SNMPSIM_ALLOW_ROOT": "true"}, log=workdir / "snmpsim.log")
        community = ready_community or sorted(data_dir.glob("*.snmprec"))[0].stem
        if not snmp_get_ready(self.host, self.port, community.encode(), ready_seconds):
            self.process.stop()
            raise RuntimeError("snmpsim did not start: " + self.process.log_text()[-2000:])

    @classmethod
    def serving(cls, recordings: list[Path], workdir: Path, **options) -> "Snmpsim":
        """snmpsim serving copies of these recordings (each under its stem as community)."""
        return cls.serving_texts({path.stem: path.read_text(encoding="utf-8") for path in recordings},
                                 workdir, **options)

    @classmethod
    def serving_texts(cls, texts: dict[str, str], workdir: Path, **options) -> "Snmpsim":
        """snmpsim serving recordings given as text ({community: snmprec text}), e.g. edits."""
        require_snmpsim()
        data = workdir / "data"
        data.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (data / f"{name}.snmprec").write_text(text, encoding="utf-8")
        return cls(data, workdir, **options)

    def stop(self) -> None:
        self.process.stop()


class UdpResponder:
    """A tiny agent on loopback whose answer is computed by `reply(request_bytes)`.

    reply returns bytes to send, a list of (delay_seconds, bytes), or None (stay silent).
    Runs in a thread with its own socket; stopped by closing it.
    """

    def __init__(self, reply) -> None:  # noqa: ANN001
        self.host = loopback_address()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((self.host, 0))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.2)
        self.reply = reply
        self.requests = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(65535)
            except OSError:
                continue
            self.requests += 1
            out = self.reply(data)
            if out is None:
                continue
            if isinstance(out, bytes):
                out = [(0.0, out)]
            for delay, payload in out:
                if delay:
                    threading.Timer(delay, self._send, (payload, addr)).start()
                else:
                    self._send(payload, addr)

    def _send(self, payload: bytes, addr) -> None:  # noqa: ANN001
        try:
            self.sock.sendto(payload, addr)
        except OSError:
            pass

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


class MiniAgent:
    """Answers GET/GETBULK from a dict of OID -> (tag, value), for fault-injection responders.

    Not a simulator of any device: it exists so a faulty responder (slow, lying, looping)
    can still speak correct SNMP where the fault is not the point.
    """

    def __init__(self, table: dict[tuple[int, ...], tuple[int, object]], community: bytes = b"public") -> None:
        self.table = dict(sorted(table.items()))
        self.keys = list(self.table)
        self.community = community

    def answer(self, data: bytes) -> bytes | None:
        try:
            request = ber.decode_message(data)
        except ber.BerError:
            return None
        if request.community != self.community:
            return None
        out = []
        if request.pdu_type == ber.GET_REQUEST:
            for oid, _, _ in request.varbinds:
                tag, value = self.table.get(oid, (ber.NO_SUCH_OBJECT, None))
                out.append((oid, tag, value))
        elif request.pdu_type == ber.GET_BULK_REQUEST:
            reps = request.error_index
            lasts = [oid for oid, _, _ in request.varbinds]
            for _ in range(reps):
                for i, last in enumerate(lasts):
                    nxt = next((k for k in self.keys if k > last), None)
                    if nxt is None:
                        out.append((last, ber.END_OF_MIB_VIEW, None))
                    else:
                        out.append((nxt, *self.table[nxt]))
                        lasts[i] = nxt
        return ber.encode_response(self.community, request.request_id, out)


class SnmpExporter:
    """Debian's real prometheus-snmp-exporter on a loopback port, the anchor netops is compared
    with; ready when its landing page answers (not after a fixed number of tries)."""

    def __init__(self, config: Path, work: Path, timeout: float = 60.0):
        from tests.monitor.conftest import free_tcp_port, start, wait_http

        self.port = free_tcp_port()
        self.log = work / "snmp_exporter.log"
        self.proc = start(["prometheus-snmp-exporter", f"--config.file={config}",
                           f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"], self.log)
        try:
            wait_http(f"http://127.0.0.1:{self.port}/", self.proc, self.log, timeout=timeout)
        except BaseException:
            self.stop()
            raise

    def scrape(self, target: str, module: str) -> str:
        """The /snmp body whatever its status (a failed scrape's text is compared too)."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", f"/snmp?target={target}&module={module}")
            return conn.getresponse().read().decode()
        finally:
            conn.close()

    def stop(self) -> None:
        from tests.monitor.conftest import stop

        stop(self.proc)
