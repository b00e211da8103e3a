"""The exporter's HTTP side for real on loopback: TLS and basic auth from --web.config.file
(Prometheus exporter-toolkit format), and which targets a caller may name."""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import ssl
import time

import bcrypt
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from netops.snmp.exporter import state_loader
from netops.snmp.targets import ExporterConfig, TargetError, TargetMap, raw_address
from netops.web.config import WebConfigError, load_web_config
from tests.snmp.agents import MiniAgent, UdpResponder
from tests.snmp.conftest import PROFILES, ExporterThread, parse_metrics

PASSWORD = "s3cret-scraper"


def _self_signed(directory):  # noqa: ANN001, ANN202
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    import ipaddress

    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    (directory / "server.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                             serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))
    return directory / "server.crt"


@pytest.fixture
def secured(tmp_path, monkeypatch):
    """An exporter with TLS and one bcrypt user, and a live mini agent as a static target."""
    monkeypatch.setenv("NETOPS_WEB_TEST_COMMUNITY", "public")
    agent = UdpResponder(MiniAgent({(1, 3, 6, 1, 2, 1, 1, 3, 0): (0x43, 100)}).answer)
    cert = _self_signed(tmp_path)
    web = tmp_path / "web.yml"
    web.write_text(yaml.safe_dump({
        "tls_server_config": {"cert_file": "server.crt", "key_file": "server.key"},  # relative to web.yml
        "basic_auth_users": {"prometheus": bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()},
        "http_server_config": {"headers": {"X-Content-Type-Options": "nosniff"}},
    }))
    config = tmp_path / "exporter.yml"
    config.write_text(yaml.safe_dump({
        "auths": {"v2": {"version": "2c", "community": {"env": "NETOPS_WEB_TEST_COMMUNITY"}}},
        "targets": {"mini": {"address": f"{agent.host}:{agent.port}", "auth": "v2"}},
    }))
    server = ExporterThread(state_loader(PROFILES, None, config, lab=False), web_config=web)
    context = ssl.create_default_context(cafile=str(cert))
    yield server, context
    server.stop()
    agent.stop()


def _get(server, context, path, user=None, password=None):  # noqa: ANN001, ANN202
    conn = http.client.HTTPSConnection(server.host, server.port, context=context, timeout=20)
    headers = {}
    if user is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode()


def test_tls_and_basic_auth_for_real(secured):
    server, context = secured
    status, headers, body = _get(server, context, "/snmp?target=mini&module=system", "prometheus", PASSWORD)
    assert status == 200 and parse_metrics(body)["snmp_up"][0][1] == 1
    assert headers["X-Content-Type-Options"] == "nosniff"
    for user, password in ((None, None), ("prometheus", "wrong"), ("nobody", PASSWORD), ("prometheus", "")):
        status, headers, _ = _get(server, context, "/metrics", user, password)
        assert status == 401 and headers["WWW-Authenticate"].startswith("Basic")
    # the cached good pair answers quickly (bcrypt runs once, off the event loop)
    started = time.perf_counter()
    for _ in range(5):
        assert _get(server, context, "/-/healthy", "prometheus", PASSWORD)[0] == 200
    assert time.perf_counter() - started < 5


def test_plain_http_is_refused_by_the_tls_listener(secured):
    server, _ = secured
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
        conn.request("GET", "/-/healthy")
        response = conn.getresponse()
        assert response.status != 200  # pragma: no cover - a TLS server never answers plain HTTP with 200
        raise ConnectionError


def test_a_wrong_certificate_is_refused_by_the_client(secured, tmp_path):
    server, _ = secured
    other = tmp_path / "other"
    other.mkdir()
    context = ssl.create_default_context(cafile=str(_self_signed(other)))
    with pytest.raises(ssl.SSLError):
        _get(server, context, "/-/healthy")


@pytest.mark.parametrize("text, message", [
    ("basic_auth_users: {admin: plaintext}\n", "bcrypt hash"),
    ("tls_server_config: {cert_file: nope.crt, key_file: nope.key}\n", "cannot load certificate"),
    ("tls_server_config: {cert_file: a}\n", "key_file"),
    ("tls_config: {}\n", "tls_config"),
    ("basic_auth_users: [oops\n", "not valid YAML"),
])
def test_bad_web_config_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "web.yml"
    path.write_text(text)
    with pytest.raises(WebConfigError, match=message) as info:
        load_web_config(path)
    assert str(path) in str(info.value)


# --- which targets a caller may name ---------------------------------------------------------

CONFIG = ExporterConfig.model_validate({
    "auths": {"lab": {"version": "2c", "community": {"env": "X"}}},
    "targets": {"ups-static": {"address": "127.0.0.1:1161", "auth": "lab"}},
})


@pytest.mark.parametrize("name", ["127.0.9.9:22161", "localhost:161", "[::1]:161", "ups-static:161"])
def test_raw_targets_are_refused_without_allow_any_target(name):
    with pytest.raises(TargetError, match="--allow-any-target"):
        TargetMap(None, CONFIG).resolve(name, "lab")


@pytest.mark.parametrize("name, auth, message", [
    ("127.0.9.9:22161", None, "needs auth="),
    ("127.0.9.9:22161", "snmp-ex", "not an auth of the config"),  # an inventory credential's name
    ("localhost:22161", "lab", "names are not accepted"),
    ("127.1:22161", "lab", "names are not accepted"),  # inet_aton shorthand is not an IP literal here
    ("2130706433:161", "lab", "names are not accepted"),
    ("0x7f.0.0.1:161", "lab", "names are not accepted"),
])
def test_raw_targets_get_only_the_auth_the_caller_names(name, auth, message):
    with pytest.raises(TargetError, match=message):
        TargetMap(None, CONFIG, allow_any_target=True).resolve(name, auth)


def test_raw_target_addresses_have_one_spelling():
    assert raw_address("[::ffff:127.0.0.1]:1161") == ("127.0.0.1", 1161)
    target = TargetMap(None, CONFIG, allow_any_target=True, env={"X": "c"}).resolve("127.0.9.9:22161", "lab")
    assert (target.host, target.port, target.auth.community.get_secret_value()) == ("127.0.9.9", 22161, "c")


def test_default_auth_is_refused_with_a_reason(tmp_path):
    from netops.snmp.targets import load_exporter_config

    path = tmp_path / "exporter.yml"
    path.write_text("auths: {v2: {version: '2c', community: {env: X}}}\ndefault_auth: v2\n")
    with pytest.raises(TargetError, match="default_auth is not supported"):
        load_exporter_config(path)
