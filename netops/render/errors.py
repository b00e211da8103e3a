"""Why a device's configuration could not be rendered, in words the engineer can act on."""

from __future__ import annotations

from netops.errors import NetopsError


class RenderError(NetopsError):
    """A device's configuration could not be rendered (bad data, missing template, template bug)."""

    exit_code = 2

    def __init__(self, message: str, *, device: str | None = None, template: str | None = None):
        self.device = device
        self.template = template
        self.reason = message
        where = ": ".join(part for part in (device, template) if part)
        super().__init__(f"{where}: {message}" if where else message)


class NotRendered(RenderError):
    """The device is deliberately not configured by netops (a server, a UPS): skipped, not failed."""


class NoTemplate(RenderError):
    """No template exists for the device's platform and role (nor any fallback role)."""


class UnsafeValue(RenderError):
    """A value would break out of its configuration line (newline, carriage return, control character)."""


class RouteOutsideZone(RenderError):
    """A route would lead out of a physically isolated zone (the intranet): refused, never rendered."""
