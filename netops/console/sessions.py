"""Server-side sessions and CSRF tokens.

A session is a random 256-bit id in an HttpOnly, SameSite=Strict cookie, mapped in memory to
(user, CSRF token, expiry): logging out or restarting the console ends it, and nothing about
the user rides in the cookie. The login form, which has no session yet, carries a token bound
to a pre-login cookie by HMAC (double submit), so another site cannot post a login.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field

SESSION_COOKIE = "netops_session"
LOGIN_COOKIE = "netops_login"


@dataclass
class Session:
    user: str
    csrf: str
    expires: float


@dataclass
class SessionStore:
    lifetime_s: float = 8 * 3600
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _sessions: dict[str, Session] = field(default_factory=dict)

    def create(self, user: str) -> str:
        self._expire()
        sid = secrets.token_urlsafe(32)
        self._sessions[sid] = Session(user, secrets.token_urlsafe(32), time.monotonic() + self.lifetime_s)
        return sid

    def get(self, sid: str | None) -> Session | None:
        session = self._sessions.get(sid or "")
        if session is None or session.expires < time.monotonic():
            self._sessions.pop(sid or "", None)
            return None
        return session

    def end(self, sid: str | None) -> None:
        self._sessions.pop(sid or "", None)

    def _expire(self) -> None:
        now = time.monotonic()
        for sid in [s for s, v in self._sessions.items() if v.expires < now]:
            del self._sessions[sid]

    # --- the login form's CSRF token, before any session exists
    def login_token(self, nonce: str) -> str:
        return hmac.new(self.key, b"login\0" + nonce.encode(), hashlib.sha256).hexdigest()

    def login_token_ok(self, nonce: str | None, token: str | None) -> bool:
        return bool(nonce and token) and hmac.compare_digest(self.login_token(nonce or ""), token or "")


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def same_token(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given or "")
