"""`--web.config.file`: TLS and basic auth in the Prometheus exporter-toolkit format.

    tls_server_config:
      cert_file: server.crt          # both, or neither
      key_file: server.key
      client_auth_type: RequireAndVerifyClientCert   # optional, with client_ca_file
      client_ca_file: clients.pem
      min_version: TLS12             # TLS10..TLS13
      max_version: TLS13
    http_server_config:
      headers: {Strict-Transport-Security: max-age=31536000}
    basic_auth_users:
      prometheus: $2b$12$...         # bcrypt hash (htpasswd -nBC 12 "" | tr -d ':\n')

Relative file names are taken from the config file's directory, as exporter-toolkit does.
The same file works for Prometheus's own exporters, so one set of habits covers them all.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from netops.errors import NetopsError
from netops.yamlfile import load_yaml_model

TlsVersion = Literal["TLS10", "TLS11", "TLS12", "TLS13"]
_VERSIONS = {"TLS10": ssl.TLSVersion.TLSv1, "TLS11": ssl.TLSVersion.TLSv1_1,
             "TLS12": ssl.TLSVersion.TLSv1_2, "TLS13": ssl.TLSVersion.TLSv1_3}
ClientAuth = Literal["NoClientCert", "RequestClientCert", "RequireAnyClientCert",
                     "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"]


class WebConfigError(NetopsError):
    """The web config file is unreadable or invalid (file and field named)."""

    exit_code = 2


class TlsServerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cert_file: str
    key_file: str
    client_auth_type: ClientAuth = "NoClientCert"
    client_ca_file: str | None = None
    min_version: TlsVersion = "TLS12"
    max_version: TlsVersion = "TLS13"


class HttpServerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    headers: dict[str, str] = Field(default_factory=dict)
    http2: bool = False  # accepted for compatibility; aiohttp serves HTTP/1.1


class WebConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tls_server_config: TlsServerConfig | None = None
    http_server_config: HttpServerConfig = Field(default_factory=HttpServerConfig)
    basic_auth_users: dict[str, str] = Field(default_factory=dict)

    @field_validator("basic_auth_users")
    @classmethod
    def _bcrypt(cls, users: dict[str, str]) -> dict[str, str]:
        for user, hashed in users.items():
            if not user or ":" in user:
                raise ValueError(f"user name {user!r} must be non-empty and without ':'")
            if not str(hashed).startswith(("$2a$", "$2b$", "$2y$")) or len(str(hashed)) != 60:
                raise ValueError(f"user {user!r}: the password must be a bcrypt hash ($2b$..., 60 characters)")
        return users

    def ssl_context(self, base: Path) -> ssl.SSLContext | None:
        """The server's TLS context, or None for plain HTTP. Raises WebConfigError."""
        tls = self.tls_server_config
        if tls is None:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = _VERSIONS[tls.min_version]
        context.maximum_version = _VERSIONS[tls.max_version]
        try:
            context.load_cert_chain(base / tls.cert_file, base / tls.key_file)
            if tls.client_ca_file:
                context.load_verify_locations(base / tls.client_ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise WebConfigError(f"tls_server_config: cannot load certificate or key: {exc}") from None
        if tls.client_auth_type in ("RequireAndVerifyClientCert", "RequireAnyClientCert"):
            if not tls.client_ca_file:
                raise WebConfigError(f"tls_server_config: client_auth_type {tls.client_auth_type} needs client_ca_file")
            context.verify_mode = ssl.CERT_REQUIRED
        elif tls.client_auth_type in ("VerifyClientCertIfGiven", "RequestClientCert") and tls.client_ca_file:
            context.verify_mode = ssl.CERT_OPTIONAL
        return context


def load_web_config(path: Path | None) -> tuple[WebConfig, ssl.SSLContext | None]:
    """The parsed file and its TLS context (no file: plain HTTP, no auth)."""
    if path is None:
        return WebConfig(), None
    config = load_yaml_model(path, WebConfig, WebConfigError)
    try:
        return config, config.ssl_context(path.parent)
    except WebConfigError as exc:
        raise WebConfigError(f"{path}: {exc}") from None
