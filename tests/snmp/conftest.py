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
