"""A device as device operations need it: where to connect, how to log in, how to select it.

Built from the inventory (see netops.devices.from_inventory) or directly by tests and the
bench; drivers, selectors and runners read only this, never the inventory itself.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class DeviceTarget(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    platform: str
    host: str
    port: int = 22
    username: str
    password: SecretStr
    enable: SecretStr | None = None
    known_hosts: Path | None = None  # None: ~/.ssh/known_hosts
    check_host_key: bool = True
    timeout: float = 15.0
    driver: str | None = None  # "backend:type" override, e.g. "napalm:huawei_vrp"
    # selector fields
    role: str | None = None
    site: str | None = None
    town: str | None = None
    zones: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    intended: str | None = Field(default=None, repr=False)  # the rendered config, when known
