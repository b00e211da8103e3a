"""The errors a user can act on: each names the file, line and field, and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as the source allows."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        """One line, whatever the values hold: control characters are shown escaped."""
        from netops.printable import printable

        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return printable(text)


class NetopsError(Exception):
    """Base of every error netops reports to the user as a message, not a traceback.

    Exit codes (docs/cli.md): 2 by default, as most are input errors; subclasses that mean
    "could not run" (a tool, a service, a lock) use 3. Findings (1) are results, not errors.
    """

    exit_code = 2


class InventoryError(NetopsError):
    """The inventory could not be loaded or is invalid; carries every problem found."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class SecretError(NetopsError):
    """A secret reference could not be resolved (the value itself is never shown)."""

    exit_code = 3
