"""HTTP basic auth against bcrypt hashes, without stalling the event loop.

bcrypt is slow on purpose (~0.1-0.3 s per check), so checks run in a thread and a
successful (user, password) pair is remembered by its SHA-256 for the process lifetime,
as exporter-toolkit does; Prometheus sends the same pair every scrape. Unknown users are
checked against a dummy hash too, so timing does not reveal which users exist.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac

import bcrypt

_DUMMY = bcrypt.hashpw(b"netops-dummy-password", bcrypt.gensalt(rounds=10))


def parse_basic(header: str | None) -> tuple[str, str] | None:
    """(user, password) from an `Authorization: Basic ...` header, or None."""
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        user, sep, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (user, password) if sep else None


class BasicAuth:
    def __init__(self, users: dict[str, str]) -> None:
        self._users = {user: hashed.encode() for user, hashed in users.items()}
        self._good: set[bytes] = set()

    @property
    def enabled(self) -> bool:
        return bool(self._users)

    def _key(self, user: str, password: str) -> bytes:
        return hashlib.sha256(user.encode() + b"\0" + password.encode() + b"\0" + self._users.get(user, b"")).digest()

    async def check(self, header: str | None) -> bool:
        creds = parse_basic(header)
        if creds is None:
            return False
        user, password = creds
        key = self._key(user, password)
        if any(hmac.compare_digest(key, good) for good in self._good):
            return True
        hashed = self._users.get(user, _DUMMY)
        ok = await asyncio.to_thread(bcrypt.checkpw, password.encode()[:72], hashed)
        if ok and user in self._users:
            if len(self._good) > 1000:
                self._good.clear()
            self._good.add(key)
            return True
        return False
