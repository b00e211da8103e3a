"""Secrets: placeholders by default; values only with --with-secrets, into 0600 files, never on the terminal."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from netops.errors import SecretError
from netops.inventory import load_inventory
from netops.render import render_device, render_devices
from netops.render.secret_values import SecretText, SecretValues
from netops.secrets import SecretResolver
from tests.render_support import SAMPLE

runner = CliRunner()
ENV = {
    "NETOPS_ADMIN_PASSWORD": "Adm1n-S3cret",
    "NETOPS_LAB_PASSWORD": "L4b-S3cret",
    "NETOPS_SNMP_IN_AUTH": "In-Auth-K3y",
    "NETOPS_SNMP_IN_PRIV": "In-Priv-K3y",
}
FILE_SECRETS = {"snmp-ex-auth": "Ex-Auth-K3y", "snmp-ex-priv": "Ex-Priv-K3y"}
ALL_VALUES = list(ENV.values()) + list(FILE_SECRETS.values())


@pytest.fixture
def secrets_env(tmp_path, monkeypatch):
    path = tmp_path / "secrets.yaml"
    path.write_text("".join(f"{k}: {v}\n" for k, v in FILE_SECRETS.items()))
    path.chmod(0o600)
    env = {**ENV, "NETOPS_SECRETS_FILE": str(path)}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def test_default_render_holds_placeholders_naming_each_secret(secrets_env):
    inv = load_inventory(SAMPLE)
    text = render_device(inv, "in-core-1")
    assert "local-user netops password irreversible-cipher <secret:env:NETOPS_ADMIN_PASSWORD>" in text
    assert "<secret:env:NETOPS_SNMP_IN_AUTH>" in text and "<secret:env:NETOPS_SNMP_IN_PRIV>" in text
    for result in render_devices(inv):
        for value in ALL_VALUES:
            assert value not in (result.config or "")


def test_resolver_fills_values(secrets_env):
    inv = load_inventory(SAMPLE)
    resolver = SecretResolver(Path(secrets_env["NETOPS_SECRETS_FILE"]))
    text = render_device(inv, "wangtai-v001", secrets=resolver)
    assert "irreversible-cipher Adm1n-S3cret" in text and "cipher Ex-Auth-K3y" in text
    assert "<secret:" not in text.split("\n", 2)[2]


def test_with_secrets_writes_0600_files_and_prints_no_secret(secrets_env, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    old = os.umask(0)  # even with a permissive umask
    try:
        result = runner.invoke(app, ["render", "-i", str(SAMPLE), "--out", str(tmp_path / "out"), "--with-secrets"])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "out").glob("*.cfg"))
    assert len(files) == 101
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert "Adm1n-S3cret" in (tmp_path / "out" / "fw-1.cfg").read_text()
    terminal = result.stdout + (result.stderr or "") + caplog.text
    for value in ALL_VALUES:
        assert value not in terminal
    assert "mode 0600" in result.stdout


def test_rewriting_a_placeholder_file_with_secrets_narrows_it_to_0600(secrets_env, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["render", "-i", str(SAMPLE), "-o", str(out), "-d", "fw-1"]).exit_code == 0
    assert stat.S_IMODE((out / "fw-1.cfg").stat().st_mode) == 0o644
    assert runner.invoke(app, ["render", "-i", str(SAMPLE), "-o", str(out), "-d", "fw-1", "--with-secrets"]).exit_code == 0
    assert stat.S_IMODE((out / "fw-1.cfg").stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".gitignore"]  # no temporary file left


@pytest.mark.parametrize("extra", [["--stdout"], ["--check", "."]])
def test_with_secrets_never_goes_to_the_terminal(secrets_env, extra):
    result = runner.invoke(app, ["render", "-i", str(SAMPLE), "--with-secrets", "-d", "fw-1", *extra])
    assert result.exit_code == 2 and "secrets never reach the terminal" in result.output
    assert "Adm1n-S3cret" not in result.output


def test_missing_secret_fails_the_device_naming_the_reference_only(secrets_env, monkeypatch, tmp_path):
    monkeypatch.delenv("NETOPS_LAB_PASSWORD")
    result = runner.invoke(app, ["render", "-i", str(SAMPLE), "-o", str(tmp_path), "--with-secrets", "--site", "wangtai"])
    assert result.exit_code == 1
    assert "NETOPS_LAB_PASSWORD is not set" in result.output
    assert (tmp_path / "wangtai-ex-sw.cfg").exists() and not (tmp_path / "wangtai-ex-rt.cfg").exists()
    for value in ALL_VALUES:
        assert value not in result.output


@pytest.mark.parametrize("value", ["two words", "line\nbreak", "tab\there", "cr\r", "<secret:env:FAKE>"])
def test_a_secret_that_cannot_sit_on_one_line_is_refused_without_showing_it(value):
    class Fixed:
        def resolve(self, ref):
            return value

    inv = load_inventory(SAMPLE)
    with pytest.raises(SecretError) as err:
        render_device(inv, "fw-1", secrets=Fixed())
    assert value not in str(err.value) and "env:NETOPS_ADMIN_PASSWORD" in str(err.value)


def test_secret_text_never_shows_in_repr():
    assert "hunter2" not in repr(SecretText("hunter2"))
    assert SecretValues()(None) is None


def test_check_of_a_secrets_directory_compares_without_showing_secrets(secrets_env, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["render", "-i", str(SAMPLE), "-o", str(out), "--with-secrets"]).exit_code == 0
    same = runner.invoke(app, ["render", "-i", str(SAMPLE), "--check", str(out)])
    assert same.exit_code == 0, same.output
    cfg = out / "fw-1.cfg"
    cfg.write_text(cfg.read_text().replace("level 15", "level 3"))
    os.chmod(cfg, 0o600)
    differs = runner.invoke(app, ["render", "-i", str(SAMPLE), "--check", str(out)])
    assert differs.exit_code == 1 and "diff withheld" in differs.stdout
    for value in ALL_VALUES:
        assert value not in differs.output


def test_check_masks_secret_lines_even_in_a_world_readable_file(secrets_env, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["render", "-i", str(SAMPLE), "-o", str(out), "-d", "fw-1", "--with-secrets"]).exit_code == 0
    cfg = out / "fw-1.cfg"
    cfg.write_text(cfg.read_text().replace("sysname fw-1", "sysname fw-old"))
    os.chmod(cfg, 0o644)  # someone widened it: the diff is shown, the secrets in it are not
    result = runner.invoke(app, ["render", "-i", str(SAMPLE), "--check", str(out), "-d", "fw-1"])
    assert result.exit_code == 1
    assert "-sysname fw-old" in result.stdout and "+sysname fw-1" in result.stdout
    for value in ALL_VALUES:
        assert value not in result.output


def _git(repo: Path, *args: str) -> str:
    import subprocess

    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost"}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env=env).stdout


def test_rendered_secrets_never_reach_git(secrets_env, tmp_path):
    """A hostile workflow: render with secrets inside a repository, then `git add -A` and commit."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    out = repo / "configs"
    result = runner.invoke(app, ["render", "-i", str(SAMPLE), "-o", str(out), "--with-secrets", "--site", "admin-centre"])
    assert result.exit_code == 0, result.output
    assert "Ex-Auth-K3y" in (out / "fw-1.cfg").read_text()  # the USG's simple-form key, resolved
    _git(repo, "add", "-A")
    assert _git(repo, "status", "--porcelain", "--ignored") == "!! configs/\n"  # nothing staged, all ignored
    # placeholders may be committed; secrets may not then be written over the tracked files
    plain = repo / "plain"
    assert runner.invoke(app, ["render", "-i", str(SAMPLE), "-o", str(plain), "-d", "fw-1"]).exit_code == 0
    _git(repo, "add", "plain")
    _git(repo, "commit", "-qm", "placeholders")
    before = (plain / "fw-1.cfg").read_bytes()
    refused = runner.invoke(app, ["render", "-i", str(SAMPLE), "-o", str(plain), "-d", "fw-1", "--with-secrets"])
    assert refused.exit_code == 2 and "tracked by git" in refused.output
    assert (plain / "fw-1.cfg").read_bytes() == before and not (plain / ".gitignore").exists()
    for value in ALL_VALUES:
        assert value not in refused.output
