"""Console accounts: a YAML users file with bcrypt hashes, a role each, and a viewer's scope.

    users:
      - name: duty
        role: engineer            # engineer | auditor | viewer
        password: $2b$12$...      # `netops web hash-password`
      - name: wangtai
        role: viewer
        towns: [wangtai]          # sees its town's sites, devices and villages only
        sites: [dept-stats]

Engineers and auditors see everything; a viewer sees the devices of its towns and sites.
"""

from __future__ import annotations

import asyncio
from enum import Enum
from pathlib import Path

import bcrypt
from pydantic import BaseModel, ConfigDict, Field, field_validator

from netops.errors import NetopsError
from netops.inventory.model import Device, Inventory, Name
from netops.yamlfile import load_yaml_model

_DUMMY = bcrypt.hashpw(b"netops-console-dummy", bcrypt.gensalt(rounds=10))


class UsersFileError(NetopsError):
    """The users file is unreadable or invalid (exit 2)."""

    exit_code = 2


class Role(str, Enum):
    engineer = "engineer"
    auditor = "auditor"
    viewer = "viewer"


class User(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    role: Role
    password: str
    label: str | None = None
    towns: list[Name] = Field(default_factory=list)
    sites: list[Name] = Field(default_factory=list)

    @field_validator("password")
    @classmethod
    def _bcrypt(cls, value: str) -> str:
        if not value.startswith(("$2a$", "$2b$", "$2y$")) or len(value) != 60:
            raise ValueError("must be a bcrypt hash ($2b$..., 60 characters): `netops web hash-password`")
        return value

    @property
    def scoped(self) -> bool:
        return self.role is Role.viewer


class UsersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    users: list[User] = Field(default_factory=list)

    @field_validator("users")
    @classmethod
    def _unique(cls, users: list[User]) -> list[User]:
        seen: set[str] = set()
        for user in users:
            if user.name in seen:
                raise ValueError(f"user {user.name!r} is listed twice")
            seen.add(user.name)
        return users


def load_users(path: Path) -> dict[str, User]:
    doc = load_yaml_model(path, UsersFile, UsersFileError)
    return {u.name: u for u in doc.users}


def hash_password(password: str, rounds: int = 12) -> str:
    if not password or len(password.encode()) > 72:
        raise UsersFileError("a password must be 1 to 72 bytes (bcrypt's limit)")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


async def authenticate(users: dict[str, User], name: str, password: str) -> User | None:
    """The user for a correct name and password, else None. Unknown names cost a bcrypt check too,
    so timing does not tell which accounts exist; the check runs off the event loop."""
    user = users.get(name)
    hashed = user.password.encode() if user else _DUMMY
    ok = await asyncio.to_thread(bcrypt.checkpw, password.encode()[:72], hashed)
    return user if ok and user is not None else None


def device_town(inv: Inventory, device: Device) -> str | None:
    """The town a device belongs to: its own (villages), its site's, or its site when a town."""
    if device.town:
        return device.town
    site = inv.sites.get(device.site)
    if site is None:
        return None
    if site.town:
        return site.town
    return site.name if site.kind.value == "town" else None


def may_see(user: User, inv: Inventory, device: Device) -> bool:
    if not user.scoped:
        return True
    return device.site in user.sites or (device_town(inv, device) or "\0") in user.towns


def may_see_town(user: User, town: str) -> bool:
    return not user.scoped or town in user.towns


def visible_devices(user: User, inv: Inventory) -> dict[str, Device]:
    return {n: d for n, d in inv.devices.items() if may_see(user, inv, d)}
