"""What a secret reference becomes in a rendered configuration: a placeholder, or the value itself.

By default a configuration names its secrets (`<secret:env:NETOPS_ADMIN_PASSWORD>`) so it can be
reviewed, diffed and committed. Only an explicit request (`--with-secrets`) resolves them; the
values then live in `SecretText` strings, which error messages never print.
"""

from __future__ import annotations

import re
from typing import Protocol

from netops.errors import SecretError
from netops.inventory.model import SecretRef

# a secret is written as one word on a configuration line: no blanks, no control characters
_UNSAFE_SECRET = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]")


class SecretText(str):
    """A resolved secret: a str the renderer writes but never quotes in a message."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SecretText(***)"


class Resolver(Protocol):
    def resolve(self, ref: SecretRef) -> str: ...


def placeholder(ref: SecretRef) -> str:
    return f"<secret:{ref}>"


class SecretValues:
    """Turns references into what the template writes; caches so each secret is looked up once."""

    def __init__(self, resolver: Resolver | None = None):
        self._resolver = resolver
        self._cache: dict[str, str] = {}

    @property
    def resolved(self) -> bool:
        return self._resolver is not None

    def __call__(self, ref: SecretRef | None) -> str | None:
        if ref is None:
            return None
        key = str(ref)  # env:NAME, secret:KEY or file:PATH
        value = self._cache.get(key)
        if value is None:
            value = placeholder(ref) if self._resolver is None else self._resolve(ref)
            self._cache[key] = value
        return value

    def _resolve(self, ref: SecretRef) -> SecretText:
        assert self._resolver is not None
        raw = self._resolver.resolve(ref)
        if not raw:
            raise SecretError(f"secret {ref} is empty")
        if raw.startswith("<secret"):
            raise SecretError(f"secret {ref} reads like a netops placeholder: masking would take it for one "
                              "(its value is not shown)")
        if _UNSAFE_SECRET.search(raw):
            raise SecretError(f"secret {ref} contains blanks or control characters: it cannot be written "
                              "safely on one configuration line (its value is not shown)")
        return SecretText(raw)
