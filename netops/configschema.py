"""The configuration file's schema: every key optional, unknown keys refused (typos)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field


class BackupSettings(BaseModel):
    """How `netops backup` records and replicates configs (Oxidized users' expectations)."""

    model_config = ConfigDict(extra="forbid")
    author: Optional[str] = None  # "Name <email>"; default "netops backup <netops@HOSTNAME>"
    commit: Literal["per-run", "per-device"] = "per-run"
    remotes: list[str] = Field(default_factory=list)  # git URLs or paths, pushed after every run


class Config(BaseModel):
    """Every key is optional; each one's flag and environment variable are in docs/configuration.md."""

    model_config = ConfigDict(extra="forbid")
    inventory: Optional[Path] = None
    templates: Optional[Path] = None
    profiles: Optional[Path] = None
    state_dir: Optional[Path] = None
    backup_dir: Optional[Path] = None
    audit_state: Optional[Path] = None
    secrets_file: Optional[Path] = None
    exporter_listen: Optional[str] = None
    log_level: Optional[Literal["debug", "info", "warning", "error"]] = None
    log_format: Optional[Literal["text", "json"]] = None
    backup: BackupSettings = Field(default_factory=BackupSettings)
    source: Optional[Path] = Field(default=None, exclude=True)  # the file it came from
