"""Errors of the SNMP layer: a target that cannot be read is a value to report, not a crash."""

from __future__ import annotations


class SnmpError(Exception):
    """Base of every error raised while talking SNMP to one target."""

    reason = "error"


class SnmpTimeout(SnmpError):
    """No valid response within the timeout after every retry."""

    reason = "timeout"


class SnmpDeadlineError(SnmpTimeout):
    """The scrape's deadline passed: the whole scrape is over, no request is worth retrying."""


class SnmpProtocolError(SnmpError):
    """The agent answered, but with an error status or an unusable response."""

    reason = "protocol"

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class SnmpAuthError(SnmpError):
    """SNMPv3 authentication, privacy or engine discovery failed."""

    reason = "auth"


class SnmpConfigError(SnmpError):
    """The target or credential cannot be used as given (bad address, missing secret)."""

    reason = "config"


class SnmpBudgetError(SnmpError):
    """The agent sent more than one scrape may accept (OID length, bytes, varbinds) or led a
    walk backwards (OIDs not increasing). Ends the scrape: retrying in pieces would only
    multiply what the agent makes it cost."""

    reason = "budget"
