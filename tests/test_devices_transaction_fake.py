"""The push transaction against the FAKE Huawei device: any exception rolls back, a crash is
recovered, verified devices are undone (or kept with keep_verified). Fast, no namespaces."""

from __future__ import annotations

import pytest
from netmiko.exceptions import ReadTimeout

from netops.devices import jobs, transaction
from netops.devices.drivers.netmiko_driver import NetmikoDriver
from netops.devices.gitstore import BackupStore
from netops.devices.journal import DeviceState, open_runs
from netops.devices.platforms import driver_for
from netops.devices.results import Status
from netops.devices.target import DeviceTarget
from tests.fakes.fake_huawei_ssh import FakeHuaweiDevice


class Crash(BaseException):
    """Stands for SIGKILL: nothing after it runs (not an Exception, so nothing catches it)."""


@pytest.fixture
def fake(tmp_path):
    with FakeHuaweiDevice(sysname="wangtai-in-sw") as device:
        (tmp_path / "known_hosts").write_text(device.public_key_line + "\n")
        yield device


def target(device, tmp_path) -> DeviceTarget:
    return DeviceTarget(name="wangtai-in-sw", platform="huawei_vrp", host=device.host, port=device.port,
                        username="admin", password="fake-pass", known_hosts=tmp_path / "known_hosts", timeout=5)


def changed(device) -> str:
    lines = "".join(f"ip route-static 10.9.{i}.0 255.255.255.0 10.20.1.254\n#\n" for i in range(40))
    # (routes only: the fake appends a changed interface line at the end of its block, where a
    # real VRP prints its canonical order, so a description change would not restore identical)
    return device.config.render().replace("return", lines + "return")


def failing_after(batches: int, exc: BaseException, when: str = "_send_lines"):
    """A driver factory whose change session raises `exc` after `batches` calls of `when`."""
    calls = {"n": 0}

    def make(t):
        driver = driver_for(t)
        original = getattr(driver, when)

        def wrapped(*args, **kwargs):
            if calls["n"] >= batches and calls.get("armed", True):
                calls["armed"] = False  # only once: the rollback session must work
                raise exc
            calls["n"] += 1
            return original(*args, **kwargs)

        setattr(driver, when, wrapped)
        return driver

    return make


@pytest.mark.parametrize("exc", [ReadTimeout("Pattern not detected"), EOFError(), OSError("Socket is closed"),
                                 ValueError("parse error in output")], ids=lambda e: type(e).__name__)
def test_any_exception_mid_push_rolls_back_byte_identical(fake, tmp_path, exc):
    before = fake.config.render()
    store = BackupStore(tmp_path / "repo")
    run = jobs.run_push([target(fake, tmp_path)], lambda t: changed(fake), commit=True, store=store,
                        make_driver=failing_after(1, exc))
    result = run.results[0]
    assert result.status is Status.rolled_back and result.restored_identical, result.reason
    assert type(exc).__name__ in result.reason or str(exc) in result.reason
    assert fake.config.render() == before
    assert "ip route-static 10.9.0.0 255.255.255.0 10.20.1.254" in fake.commands  # it was half-changed
    assert not open_runs(transaction.default_journal_dir(store.path))


def test_crash_while_applying_then_recover(fake, tmp_path):
    before = fake.config.render()
    store = BackupStore(tmp_path / "repo")
    t = target(fake, tmp_path)
    with pytest.raises(Crash):
        jobs.run_push([t], lambda _: changed(fake), commit=True, store=store, make_driver=failing_after(1, Crash()))
    journal_root = transaction.default_journal_dir(store.path)
    [journal] = open_runs(journal_root)
    assert journal.state(t.name) is DeviceState.applying and fake.config.render() != before
    with pytest.raises(transaction.UnfinishedRun, match="--recover"):
        jobs.run_push([t], lambda _: changed(fake), commit=True, store=store)
    run = transaction.recover(journal_root, lambda names: ([t] if names == [t.name] else [], []))
    assert [r.status for r in run.results] == [Status.rolled_back] and run.results[0].restored_identical
    assert fake.config.render() == before
    assert not open_runs(journal_root) and not list(journal.directory.glob("*.before"))
    assert jobs.exit_code(run) == 0


@pytest.mark.parametrize("keep_verified", [False, True])
def test_crash_after_verification_recover_undoes_or_keeps(fake, tmp_path, monkeypatch, keep_verified):
    before = fake.config.render()
    store = BackupStore(tmp_path / "repo")
    t = target(fake, tmp_path)
    commits = {"n": 0}
    real = BackupStore.commit_configs

    def crash_on_after(self, configs, message):
        commits["n"] += 1
        if commits["n"] == 2:  # the after-change commit: every device is verified by then
            raise Crash()
        return real(self, configs, message)

    monkeypatch.setattr(BackupStore, "commit_configs", crash_on_after)
    with pytest.raises(Crash):
        jobs.run_push([t], lambda _: changed(fake), commit=True, store=store)
    monkeypatch.undo()
    journal_root = transaction.default_journal_dir(store.path)
    assert open_runs(journal_root)[0].state(t.name) is DeviceState.verified
    after_push = fake.config.render()
    run = transaction.recover(journal_root, lambda names: ([t] if names else [], []), keep_verified=keep_verified)
    assert fake.config.render() == (after_push if keep_verified else before)
    assert not open_runs(journal_root)
    assert len(run.results) == (0 if keep_verified else 1)


def test_stop_request_between_batches_rolls_back(fake, tmp_path):
    import threading

    before = fake.config.render()
    stop = threading.Event()
    calls = {"n": 0}
    original = NetmikoDriver._send_lines

    def send_then_stop(self, lines, sent_before):
        calls["n"] += 1
        stop.set()  # Ctrl-C arrives while the first batch is sent
        return original(self, lines, sent_before)

    NetmikoDriver._send_lines = send_then_stop
    try:
        run = jobs.run_push([target(fake, tmp_path)], lambda t: changed(fake), commit=True,
                            store=BackupStore(tmp_path / "repo"), stop=stop)
    finally:
        NetmikoDriver._send_lines = original
    result = run.results[0]
    assert "ip route-static 10.9.39.0 255.255.255.0 10.20.1.254" not in fake.commands  # no second batch
    assert result.status is Status.rolled_back and result.restored_identical, result.reason
    assert "stopped after 25 of" in result.reason
    assert fake.config.render() == before


def test_device_changed_since_the_backup_is_not_touched(fake, tmp_path):
    t = target(fake, tmp_path)
    real_plan = transaction.operations.plan_task

    def plan_then_someone_edits(intended_for, make_driver):
        task = real_plan(intended_for, make_driver)

        def wrapped(tt):
            result = task(tt)
            fake.config.lines.append("info-center loghost 10.1.1.9")  # a colleague, meanwhile
            return result

        return wrapped

    transaction.operations.plan_task = plan_then_someone_edits
    try:
        run = jobs.run_push([t], lambda _: changed(fake), commit=True, store=BackupStore(tmp_path / "repo"))
    finally:
        transaction.operations.plan_task = real_plan
    result = run.results[0]
    assert result.status is Status.failed and "changed since the pre-change backup" in result.reason
    assert "system-view" not in fake.commands


def test_a_full_disk_during_rollback_does_not_stop_the_rollback(fake, tmp_path, monkeypatch):
    from netops.devices.journal import Journal

    before = fake.config.render()
    real = Journal.set_state

    def disk_full_when_rolling_back(self, device, state, note=None):
        if state in (DeviceState.rolling_back, DeviceState.rolled_back):
            raise OSError(28, "No space left on device")
        return real(self, device, state, note)

    monkeypatch.setattr(Journal, "set_state", disk_full_when_rolling_back)
    store = BackupStore(tmp_path / "repo")
    run = jobs.run_push([target(fake, tmp_path)], lambda t: changed(fake), commit=True, store=store,
                        make_driver=failing_after(1, EOFError()))
    result = run.results[0]
    assert result.status is Status.rolled_back and result.restored_identical
    assert "journal not updated" in result.reason
    assert fake.config.render() == before
    assert open_runs(transaction.default_journal_dir(store.path))  # still open: --recover will confirm
