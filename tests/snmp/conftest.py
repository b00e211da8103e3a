"""Fixtures for the SNMP tests: real agents (snmpd, snmpsim) started once per session."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from tests.snmp.agents import Snmpd, Snmpsim, VENV_BIN

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "monitors" / "profiles"


def shared_recordings() -> Path | None:
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        if (base / "snmp-recordings").is_dir():
            return base / "snmp-recordings"
    return None


@pytest.fixture(scope="session")
def recordings() -> Path:
    path = shared_recordings()
    if path is None:
        pytest.skip("shared/snmp-recordings is absent: real-device recordings are not available here")
    return path


@pytest.fixture(scope="session")
def snmpsim_recordings(recordings: Path, tmp_path_factory) -> Snmpsim:
    """One snmpsim serving every shared recording; the community is the file name."""
    if not (VENV_BIN / "snmpsim-command-responder").exists():
        pytest.skip("snmpsim is not installed (pip install snmpsim)")
    work = tmp_path_factory.mktemp("snmpsim")
    data = work / "data"
    data.mkdir()
    for file in recordings.glob("*.snmprec"):
        shutil.copy(file, data / file.name)
    agent = Snmpsim(data, work, ready_community="huaweiups_ups2000")
    yield agent
    agent.stop()


@pytest.fixture(scope="session")
def snmpd(tmp_path_factory) -> Snmpd:
    if shutil.which("snmpd") is None and not Path("/usr/sbin/snmpd").exists():
        pytest.skip("Debian snmpd is not installed (apt-get install snmpd)")
    agent = Snmpd(tmp_path_factory.mktemp("snmpd"))
    yield agent
    agent.stop()


@pytest.fixture(scope="session")
def profiles():
    from netops.snmp.profile import load_profiles

    return load_profiles(PROFILES)


def run(coro):
    return asyncio.run(coro)


class ExporterThread:
    """The exporter on its own event loop in a thread, bound to 127.0.0.1 on a free port."""

    def __init__(self, loader, **options) -> None:
        import threading

        from netops.snmp.exporter import Exporter

        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self.error: BaseException | None = None

        def main() -> None:
            asyncio.set_event_loop(self.loop)
            try:
                self.exporter = Exporter(loader, **options)
                self.host, self.port = self.loop.run_until_complete(self.exporter.start("127.0.0.1", 0))
            except BaseException as exc:  # noqa: BLE001 - reported to the test
                self.error = exc
                ready.set()
                return
            ready.set()
            self.loop.run_forever()
            self.loop.run_until_complete(self.exporter.close())

        self.thread = threading.Thread(target=main, daemon=True)
        self.thread.start()
        ready.wait(30)
        if self.error:
            raise self.error

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def get(self, path: str, method: str = "GET", headers: dict | None = None, timeout: float = 30):
        import urllib.error
        import urllib.request

        request = urllib.request.Request(self.url(path), method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def parse_metrics(text: str) -> dict[str, list[tuple[dict, float]]]:
    from prometheus_client.parser import text_string_to_metric_families

    out: dict[str, list[tuple[dict, float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append((sample.labels, sample.value))
    return out
