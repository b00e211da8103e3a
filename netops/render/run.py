"""Render one device or many: choose the template, build the context, write the text in memory.

Like Nornir's results, every device gets a `RenderResult` (rendered, skipped or failed with the
reason), so one device's bad data never stops the others. Files are written elsewhere
(`files.py`); nothing here touches the disk except reading templates once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Literal

import jinja2

from netops.errors import NetopsError, SecretError
from netops.inventory.model import Device, Inventory, Role
from netops.render.context import ContextCache, build_context
from netops.render.environment import (
    choose_template,
    find_templates_dir,
    load_environment,
    template_location,
    template_names,
)
from netops.render.errors import NotRendered, RenderError
from netops.render.secret_values import Resolver, SecretValues

Status = Literal["rendered", "skipped", "failed"]


@dataclass
class RenderResult:
    """One device's outcome; `config` holds the text (with secrets only if they were resolved)."""

    device: str
    platform: str
    role: str
    status: Status
    template: str | None = None
    reason: str | None = None
    config: str | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


class Renderer:
    """Compiled templates plus the caches one inventory's devices share; render as many as you like."""

    def __init__(self, inventory: Inventory, *, secrets: Resolver | None = None,
                 templates_dir: str | Path | None = None):
        self.inventory = inventory
        self.templates_dir = find_templates_dir(templates_dir)
        self.env = load_environment(str(self.templates_dir))
        self._available = template_names(self.env)
        self._cache = ContextCache(inventory, SecretValues(secrets))
        self._templates: dict[str, jinja2.Template] = {}

    def device(self, name: str) -> Device:
        device = self.inventory.devices.get(name)
        if device is None:
            raise RenderError(f"no device named '{name}' in the inventory")
        return device

    def day0(self, name: str) -> str:
        """The device's day-0 bootstrap procedure (host key with its prompts, paste, save)."""
        from netops.render.context import release_context
        from netops.render.day0 import day0_text

        device = self.device(name)
        release, _ = release_context(device)
        return day0_text(device, release)

    def template_for(self, device: Device) -> str:
        return choose_template(device, self._available)

    def render(self, name: str) -> str:
        """The configuration text of one device; raises RenderError (NotRendered when skipped)."""
        device = self.device(name)
        return self._render(device, self.template_for(device))

    def _render(self, device: Device, template_name: str) -> str:
        try:
            template = self._templates.get(template_name)
            if template is None:
                template = self._templates[template_name] = self.env.get_template(template_name)
            context = build_context(self.inventory, device, self._cache)
            return str(template.render(c=context))
        except RenderError as exc:
            where = template_location(exc) or exc.template or template_name
            raise type(exc)(exc.reason, device=device.name, template=where) from None
        except SecretError:
            raise
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(f"template syntax error: {exc.message}", device=device.name,
                              template=f"{exc.name or template_name}:{exc.lineno}") from None
        except jinja2.TemplateError as exc:
            raise RenderError(f"template error: {exc.message or exc}", device=device.name,
                              template=template_location(exc) or template_name) from None

    def result(self, name: str) -> RenderResult:
        """Never raises: the device's outcome, with the reason when it was skipped or failed."""
        device = self.inventory.devices.get(name)
        if device is None:
            return RenderResult(name, "?", "?", "failed", reason=f"no device named '{name}' in the inventory")
        base = dict(device=name, platform=device.platform.value, role=device.role.value)
        try:
            template = self.template_for(device)
        except NotRendered as exc:
            return RenderResult(**base, status="skipped", reason=exc.reason)
        except RenderError as exc:
            return RenderResult(**base, status="failed", reason=exc.reason)
        try:
            return RenderResult(**base, status="rendered", template=template, config=self._render(device, template))
        except RenderError as exc:
            where = f"{exc.template}: " if exc.template else ""
            return RenderResult(**base, status="failed", template=template, reason=f"{where}{exc.reason}")
        except NetopsError as exc:  # a secret that could not be resolved: message never holds the value
            return RenderResult(**base, status="failed", template=template, reason=str(exc))
        except Exception as exc:  # a bug must not stop the other devices
            return RenderResult(**base, status="failed", template=template,
                                reason=f"internal error {type(exc).__name__}")

    def render_many(self, names: Iterable[str] | None = None,
                    on_result: Callable[[RenderResult], None] | None = None) -> list[RenderResult]:
        results = []
        for name in (self.inventory.devices if names is None else names):
            result = self.result(name)
            results.append(result)
            if on_result is not None:
                on_result(result)
        return results


def render_device(inventory: Inventory, device_name: str, *, secrets: Resolver | None = None,
                  templates_dir: str | Path | None = None) -> str:
    """The intended configuration of one device (placeholders for secrets unless a resolver is given).

    Raises NotRendered for devices netops does not configure, RenderError for anything else.
    """
    return Renderer(inventory, secrets=secrets, templates_dir=templates_dir).render(device_name)


def render_devices(inventory: Inventory, names: Iterable[str] | None = None, *, secrets: Resolver | None = None,
                   templates_dir: str | Path | None = None,
                   on_result: Callable[[RenderResult], None] | None = None) -> list[RenderResult]:
    """Render many devices (all by default); one result each, failures kept, never raised."""
    renderer = Renderer(inventory, secrets=secrets, templates_dir=templates_dir)
    return renderer.render_many(names, on_result)


def select_devices(inventory: Inventory, *, names: Iterable[str] = (), sites: Iterable[str] = (),
                   roles: Iterable[str] = ()) -> list[str]:
    """Devices matching every given filter (a town site also selects its villages), in inventory order."""
    names, sites, roles = list(names), list(sites), list(roles)
    unknown = [n for n in names if n not in inventory.devices]
    if unknown:
        raise RenderError(f"no device named {', '.join(repr(n) for n in unknown)} in the inventory")
    unknown = [s for s in sites if s not in inventory.sites]
    if unknown:
        raise RenderError(f"no site named {', '.join(repr(s) for s in unknown)} in the inventory")
    unknown = [r for r in roles if r not in Role.__members__]
    if unknown:
        raise RenderError(f"unknown role {', '.join(repr(r) for r in unknown)}; expected one of "
                          f"{', '.join(Role.__members__)}")
    out = []
    for device in inventory.devices.values():
        if names and device.name not in names:
            continue
        if sites and device.site not in sites and device.town not in sites:
            continue
        if roles and device.role.value not in roles:
            continue
        out.append(device.name)
    return out
