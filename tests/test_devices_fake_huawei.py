"""The Huawei VRP driver against a FAKE device (tests/fakes/fake_huawei_ssh.py).

No Huawei software can run here: these tests check netops' side only - driver choice, the
exact command sequence it sends (system-view ... return, save + Y), how it handles a line
the device rejects (leave config mode, roll back), masking, and host-key checking.
"""

from __future__ import annotations

import pytest

from netops.devices import jobs, operations, runner
from netops.devices.gitstore import BackupStore
from netops.devices.results import Status
from netops.devices.target import DeviceTarget
from tests.fakes.fake_huawei_ssh import FakeHuaweiDevice


@pytest.fixture
def fake(tmp_path):
    with FakeHuaweiDevice(sysname="wangtai-in-sw") as device:
        (tmp_path / "known_hosts").write_text(device.public_key_line + "\n")
        yield device


def target_for(device, tmp_path, **extra):
    return DeviceTarget(name="wangtai-in-sw", platform="huawei_vrp", host=device.host, port=device.port,
                        username="admin", password="fake-pass", known_hosts=tmp_path / "known_hosts",
                        timeout=10, **extra)


def test_backup_reads_display_current_configuration_and_masks(fake, tmp_path):
    store = BackupStore(tmp_path / "backups")
    run = jobs.run_backup([target_for(fake, tmp_path)], store)
    assert run.results[0].status is Status.backed_up, run.results[0].reason
    saved = (tmp_path / "backups" / "wangtai-in-sw.cfg").read_text()
    assert "sysname wangtai-in-sw" in saved
    assert "fake-community" not in saved and "fakehash" not in saved
    assert "snmp-agent community read cipher <secret hidden>" in saved
    assert "!Last configuration was updated" not in saved  # noise: a timestamp
    assert fake.commands[:2] == ["screen-length 0 temporary", "display current-configuration"]


def test_push_sends_system_view_commands_return_and_save(fake, tmp_path):
    intended = fake.config.render().replace("description uplink", "description town uplink")
    intended = intended.replace("10.20.1.254", "10.20.1.253")
    run = runner.run("push", [target_for(fake, tmp_path)], operations.push_task(lambda t: intended, commit=True))
    result = run.results[0]
    assert result.status is Status.changed, result.reason
    sent = fake.commands
    start = sent.index("system-view")
    assert sent[start:start + 8] == [
        "system-view",
        "undo ip route-static 0.0.0.0 0.0.0.0 10.20.1.254",
        "interface GigabitEthernet0/0/1",
        "description town uplink",
        "quit",
        "ip route-static 0.0.0.0 0.0.0.0 10.20.1.253",
        "return",
        "save",
    ]
    assert sent[start + 8] == "y" and fake.saves == 1
    assert "description town uplink" in fake.config.render()


def test_rejected_line_stops_leaves_system_view_and_rolls_back(fake, tmp_path):
    before = fake.config.render()
    intended = before.replace("return", "ntp-service unicast-server 10.1.1.1\n#\nbogus vrp command\n#\n"
                              "info-center loghost 10.1.1.2\n#\nreturn")
    run = runner.run("push", [target_for(fake, tmp_path)], operations.push_task(lambda t: intended, commit=True))
    result = run.results[0]
    assert result.status is Status.rolled_back and result.rolled_back and result.restored_identical
    assert "bogus vrp command" in result.reason
    sent = fake.commands
    assert "info-center loghost 10.1.1.2" not in sent  # nothing after the rejected line
    rejected = sent.index("bogus vrp command")
    assert sent[rejected + 1] == "return"  # left system-view right away
    assert "undo ntp-service unicast-server 10.1.1.1" in sent[rejected:]
    assert fake.config.render() == before


def test_dry_run_changes_nothing(fake, tmp_path):
    before = fake.config.render()
    intended = before.replace("description uplink", "description other")
    run = runner.run("push", [target_for(fake, tmp_path)], operations.push_task(lambda t: intended, commit=False))
    assert run.results[0].status is Status.would_change
    assert "system-view" not in fake.commands and fake.config.render() == before


def test_wrong_password_fails_cleanly(fake, tmp_path):
    bad = DeviceTarget(**{**target_for(fake, tmp_path).model_dump(), "password": "nope"})
    run = runner.run("backup", [bad], operations.backup_task())
    assert run.results[0].status is Status.failed
    assert "login refused" in run.results[0].reason and "nope" not in run.results[0].reason


def test_unknown_host_key_refused(fake, tmp_path):
    (tmp_path / "known_hosts").write_text("")
    run = runner.run("backup", [target_for(fake, tmp_path)], operations.backup_task())
    assert run.results[0].status is Status.failed
    assert "host key" in run.results[0].reason and "refused" in run.results[0].reason
    assert fake.commands == []


def test_changed_host_key_refused(fake, tmp_path):
    import paramiko

    other = paramiko.RSAKey.generate(2048)
    (tmp_path / "known_hosts").write_text(f"[{fake.host}]:{fake.port} ssh-rsa {other.get_base64()}\n")
    run = runner.run("backup", [target_for(fake, tmp_path)], operations.backup_task())
    assert run.results[0].status is Status.failed
    assert "does not match" in run.results[0].reason
    assert fake.commands == []


def test_h3c_comware_sequence_and_rejection(tmp_path):
    from tests.fakes.fake_huawei_ssh import FakeH3cDevice

    with FakeH3cDevice(sysname="wangtai-ex-sw") as device:
        (tmp_path / "known_hosts").write_text(device.public_key_line + "\n")
        t = DeviceTarget(name="wangtai-ex-sw", platform="hp_comware", host=device.host, port=device.port,
                         username="admin", password="fake-pass", known_hosts=tmp_path / "known_hosts", timeout=10)
        before = device.config.render()
        intended = before.replace("description uplink", "description router LAN")
        run = runner.run("push", [t], operations.push_task(lambda _: intended, commit=True))
        assert run.results[0].status is Status.changed, run.results[0].reason
        assert device.commands[:2] == ["screen-length disable", "display current-configuration"]
        start = device.commands.index("system-view")
        assert device.commands[start:start + 6] == ["system-view", "interface GigabitEthernet0/0/1",
                                                    "description router LAN", "quit", "return", "save force"]
        changed = device.config.render()
        bad = changed.replace("return", "bogus comware command\n#\nreturn")
        run = runner.run("push", [t], operations.push_task(lambda _: bad, commit=True))
        assert run.results[0].status is Status.rolled_back and run.results[0].restored_identical
        assert device.config.render() == changed


def test_prompting_command_is_answered_and_the_next_line_survives(fake, tmp_path):
    """`local-user ... privilege level` asks [Y/N] on VRP; the rendered file carries the answer
    (netops.render.prompts). The driver sends the answer only to the question, so the next
    line is entered as a command, not eaten as the answer."""
    intended = fake.config.render().replace(
        "\nreturn", "\nlocal-user netops privilege level 15\nY\nlocal-user netops service-type ssh\nreturn")
    run = runner.run("push", [target_for(fake, tmp_path)], operations.push_task(lambda t: intended, commit=True))
    result = run.results[0]
    assert result.status is Status.changed, result.reason
    sent = fake.commands
    at = sent.index("local-user netops privilege level 15")
    assert sent[at:at + 3] == ["local-user netops privilege level 15", "Y", "local-user netops service-type ssh"]
    config = fake.config.render()
    assert "local-user netops privilege level 15" in config and "local-user netops service-type ssh" in config


def test_keystroke_in_intended_config_is_never_sent(fake, tmp_path):
    """Lines from --intended never passed inventory validation: a `?` is refused before sending."""
    intended = fake.config.render().replace("description uplink", "description what? uplink")
    run = runner.run("push", [target_for(fake, tmp_path)], operations.push_task(lambda t: intended, commit=True))
    assert run.results[0].status is not Status.changed
    assert "keystroke" in (run.results[0].reason or "")
    assert "system-view" not in fake.commands and "description what? uplink" not in fake.config.render()
