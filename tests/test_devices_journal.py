"""The push journal: durable, atomic, 0600/0700, and it forgets unmasked configs once settled."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from netops.devices import journal as journal_mod
from netops.devices.journal import DeviceState, Journal, JournalError, new_run_id, open_runs
from netops.devices.stop_signals import stop_on_signals


def make(tmp_path, names=("r1", "r2")) -> Journal:
    return Journal.create(tmp_path / "j", new_run_id(), tmp_path / "repo", "abc123",
                          {n: ("frr", None, f"hostname {n} password s3cret\n") for n in names})


def test_create_writes_every_device_pending_with_private_modes(tmp_path):
    j = make(tmp_path)
    assert oct((tmp_path / "j").stat().st_mode & 0o777) == "0o700"
    assert oct(j.directory.stat().st_mode & 0o777) == "0o700"
    for f in j.directory.iterdir():
        assert oct(f.stat().st_mode & 0o777) == "0o600", f
    again = Journal.load(j.directory)
    assert again.record.before_commit == "abc123"
    assert {n: e.state for n, e in again.record.devices.items()} == {"r1": DeviceState.pending,
                                                                     "r2": DeviceState.pending}
    assert again.before("r1") == "hostname r1 password s3cret\n"


def test_every_state_change_is_on_disk_at_once(tmp_path):
    j = make(tmp_path)
    j.set_state("r1", DeviceState.applying)
    assert Journal.load(j.directory).state("r1") is DeviceState.applying
    j.set_state("r1", DeviceState.rolled_back, note="ReadTimeout")
    loaded = Journal.load(j.directory)
    assert loaded.state("r1") is DeviceState.rolled_back and loaded.record.devices["r1"].note == "ReadTimeout"


def test_a_write_interrupted_before_the_rename_leaves_the_last_state(tmp_path, monkeypatch):
    j = make(tmp_path)
    j.set_state("r1", DeviceState.applying)

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal_mod.os, "replace", crash)
    with pytest.raises(OSError):
        j.set_state("r1", DeviceState.applied)
    monkeypatch.undo()
    assert Journal.load(j.directory).state("r1") is DeviceState.applying
    assert not [p for p in j.directory.iterdir() if p.name.endswith(".tmp")]


def test_close_deletes_unmasked_copies_only_when_settled(tmp_path):
    j = make(tmp_path)
    j.set_state("r1", DeviceState.verified)
    j.set_state("r2", DeviceState.failed)
    j.close()
    assert j.open and (j.directory / "r2.before").exists()  # r2 still needs --recover
    assert [r.run_id for r in open_runs(tmp_path / "j")] == [j.run_id]
    j.set_state("r2", DeviceState.rolled_back)
    j.close(recovered=True)
    assert not j.open and Journal.load(j.directory).record.recovered
    assert not list(j.directory.glob("*.before"))
    assert open_runs(tmp_path / "j") == []


def test_in_flight_names_what_recover_restores(tmp_path):
    j = make(tmp_path, names=("a", "b", "c", "d"))
    j.set_state("a", DeviceState.applying)
    j.set_state("b", DeviceState.verified)
    j.set_state("c", DeviceState.not_started)
    assert j.record.in_flight() == ["a", "b"]
    assert j.record.in_flight(include_verified=False) == ["a"]


def test_a_garbage_journal_is_a_clear_error(tmp_path):
    j = make(tmp_path)
    (j.directory / "journal.json").write_text("{not json")
    with pytest.raises(JournalError, match="not a readable push journal"):
        open_runs(tmp_path / "j")


def test_sigterm_sets_the_stop_request_instead_of_killing():
    # whatever was installed before comes back: Python's default handler, or SIG_IGN when the
    # run was started in the background of a non-interactive shell (nohup, cron)
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with stop_on_signals() as stop:
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.event.wait(5)
        os.kill(os.getpid(), signal.SIGINT)  # a second signal: noted, no KeyboardInterrupt
    assert stop.signals == ["SIGTERM", "SIGINT"] and stop.reason == "stopped by SIGTERM"
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before  # restored


def test_stop_request_outside_the_main_thread_is_inert():
    seen = []
    t = threading.Thread(target=lambda: seen.append(stop_on_signals().__enter__().is_set()))
    t.start()
    t.join()
    assert seen == [False]


def test_a_run_killed_while_its_journal_was_created_is_discarded(tmp_path):
    from netops.devices.journal import discard_incomplete

    half = tmp_path / "j" / "20261130T000000Z-abcdef"
    half.mkdir(parents=True)
    (half / "r1.before").write_text("password s3cret\n")
    done = make(tmp_path)
    assert [r.run_id for r in open_runs(tmp_path / "j")] == [done.run_id]  # the half one is not a run
    assert discard_incomplete(tmp_path / "j") == [half.name]
    assert not half.exists() and done.directory.exists()
