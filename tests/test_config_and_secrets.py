"""The config file (precedence flag > env > file > default) and secrets hygiene: a secrets
file others can read is refused, {file: PATH} references (systemd credentials) resolve."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from netops import configfile
from netops.errors import SecretError
from netops.inventory.model import SecretRef
from netops.secrets import SecretResolver, load_secrets_file

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def config(tmp_path, monkeypatch):
    """Write a config file and point NETOPS_CONFIG at it; no other NETOPS_* leaks in."""
    for key in list(os.environ):
        if key.startswith("NETOPS_"):
            monkeypatch.delenv(key)
    path = tmp_path / "etc" / "netops.yaml"
    path.parent.mkdir()
    monkeypatch.setenv("NETOPS_CONFIG", str(path))
    monkeypatch.setenv("HOME", str(tmp_path))

    def write(text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        configfile._cached.cache_clear()
        return path

    yield write
    configfile._cached.cache_clear()


def _summary_inventory(result) -> str:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["name"]


def _copy_inventory(dest: Path, name: str) -> Path:
    import shutil

    shutil.copytree(ROOT / "inventory", dest)
    network = dest / "network.yaml"
    text = network.read_text(encoding="utf-8")
    first = text.splitlines()[1]  # "  name: ..." under "network:"
    network.write_text(text.replace(first, f"  name: {name}", 1), encoding="utf-8")
    return dest


def test_precedence_flag_over_env_over_file_over_default(config, tmp_path, monkeypatch):
    from_file = _copy_inventory(tmp_path / "from-file", "FROM-FILE")
    from_env = _copy_inventory(tmp_path / "from-env", "FROM-ENV")
    from_flag = _copy_inventory(tmp_path / "from-flag", "FROM-FLAG")
    config(f"inventory: {from_file.name}\n".replace(from_file.name, str(Path('..') / from_file.name)))
    runner = CliRunner()
    assert _summary_inventory(runner.invoke(cli.app, ["inventory", "summary", "--json"])) == "FROM-FILE"
    monkeypatch.setenv("NETOPS_INVENTORY", str(from_env))
    assert _summary_inventory(runner.invoke(cli.app, ["inventory", "summary", "--json"])) == "FROM-ENV"
    assert _summary_inventory(runner.invoke(cli.app, ["inventory", "summary", "--json", "-i", str(from_flag)])) \
        == "FROM-FLAG"


def test_relative_paths_are_relative_to_the_config_file(config, tmp_path):
    path = config("state_dir: ../state\n")
    assert configfile.state_dir() == path.parent / "../state"
    assert configfile.audit_state_path() == path.parent / "../state/audit/last-audit.json"
    assert configfile.backup_dir() == path.parent / "../state/backups"


def test_state_dir_env_beats_the_file_and_systemd(config, tmp_path, monkeypatch):
    config("state_dir: /from/file\n")
    monkeypatch.setenv("STATE_DIRECTORY", "/var/lib/netops")
    assert configfile.state_dir() == Path("/from/file")
    monkeypatch.setenv("NETOPS_STATE_DIR", str(tmp_path))
    assert configfile.state_dir() == tmp_path


def test_systemd_state_directory_when_nothing_else(config, monkeypatch):
    config("{}\n")
    monkeypatch.setenv("STATE_DIRECTORY", "/var/lib/netops")
    assert configfile.state_dir() == Path("/var/lib/netops")


@pytest.mark.parametrize("text, message", [
    ("inventroy: x\n", "inventroy: Extra inputs are not permitted"),
    ("backup:\n  commit: sometimes\n", "backup.commit"),
    ("inventory: [\n", "not valid YAML"),
    ("- a list\n", "expected a mapping"),
])
def test_bad_config_is_a_clear_usage_error(config, text, message):
    path = config(text)
    result = CliRunner().invoke(cli.app, ["inventory", "summary", "--json"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    error = json.loads(result.stderr)["error"]
    assert str(path) in error and message in error


def test_missing_netops_config_is_an_error(config, tmp_path, monkeypatch):
    monkeypatch.setenv("NETOPS_CONFIG", str(tmp_path / "nope.yaml"))
    configfile._cached.cache_clear()
    result = CliRunner().invoke(cli.app, ["inventory", "summary"])
    assert result.exit_code == 2 and "nope.yaml" in result.output


# --- secrets ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o666])
def test_secrets_file_readable_by_others_is_refused(tmp_path, mode):
    path = tmp_path / "secrets.yaml"
    path.write_text("k: v\n")
    path.chmod(mode)
    with pytest.raises(SecretError, match="readable by group or others"):
        load_secrets_file(path)
    assert "v" not in str(pytest.raises(SecretError, load_secrets_file, path).value).split("mode")[0][-3:]


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_private_secrets_file_is_read(tmp_path, mode):
    path = tmp_path / "secrets.yaml"
    path.write_text("k: v\n")
    path.chmod(mode)
    assert load_secrets_file(path) == {"k": "v"}


def test_symlink_to_a_readable_file_is_judged_by_the_target(tmp_path):
    target = tmp_path / "real.yaml"
    target.write_text("k: v\n")
    target.chmod(0o644)
    link = tmp_path / "secrets.yaml"
    link.symlink_to(target)
    with pytest.raises(SecretError, match="readable by group or others"):
        load_secrets_file(link)


def test_file_reference_reads_one_secret_and_checks_its_mode(tmp_path):
    secret = tmp_path / "admin-password"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
    resolver = SecretResolver(env={})
    assert resolver.resolve(SecretRef(file=str(secret))) == "s3cret"
    secret.chmod(0o644)
    with pytest.raises(SecretError, match="readable by group or others"):
        resolver.resolve(SecretRef(file=str(secret)))
    with pytest.raises(SecretError, match="does not exist"):
        resolver.resolve(SecretRef(file=str(tmp_path / "missing")))


def test_relative_file_reference_uses_systemd_credentials(tmp_path):
    (tmp_path / "admin").write_text("from-systemd")
    (tmp_path / "admin").chmod(0o400)
    resolver = SecretResolver(env={"CREDENTIALS_DIRECTORY": str(tmp_path)})
    assert resolver.resolve(SecretRef.model_validate("file:admin")) == "from-systemd"


@pytest.mark.parametrize("value", [{"file": "a\nb"}, {"file": ""}, {"env": "A", "file": "/x"}])
def test_bad_file_references_are_refused(value):
    with pytest.raises(ValueError):
        SecretRef.model_validate(value)


def test_secrets_file_env_over_config_over_inventory(config, tmp_path, monkeypatch):
    from netops.secrets import secrets_file_path

    config("secrets_file: /etc/netops/secrets.yaml\n")
    assert secrets_file_path("~/from-inventory.yaml") == Path("/etc/netops/secrets.yaml")
    monkeypatch.setenv("NETOPS_SECRETS_FILE", str(tmp_path / "env.yaml"))
    assert secrets_file_path("~/from-inventory.yaml") == tmp_path / "env.yaml"
    monkeypatch.delenv("NETOPS_SECRETS_FILE")
    config("{}\n")
    assert secrets_file_path("/srv/inventory-secrets.yaml") == Path("/srv/inventory-secrets.yaml")
