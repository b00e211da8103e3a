"""The Jinja2 environment every template renders in, and the choice of template for a device.

Defence in depth against injection: the model already refuses control characters in free
text, and here every `{{ value }}` passes `finalize`, which refuses anything that could end the
line it is written on. Macro and block output is trusted because each value inside it was
checked when it was written (see `_Environment.concat`).
"""

from __future__ import annotations

import os
import re
import traceback
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from netops.inventory.model import Device, Platform, Role
from netops.render.errors import NoTemplate, NotRendered, RenderError, UnsafeValue
from netops.render.secret_values import SecretText

TEMPLATES_ENV = "NETOPS_TEMPLATES"
PROJECT_ROOT = Path(__file__).resolve().parents[2]

# characters that end a configuration line or steer a terminal: never inside one value
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u0085]")

NOT_RENDERED: dict[Platform, str] = {
    Platform.linux: "Linux host: configured by its own tooling, not by netops templates",
    Platform.appliance: "appliance (UPS, EPS, sensor, IDS, gatekeeper): SNMP only, no configuration netops manages",
}

# the template tried for each role, in order: a role without its own template borrows a close one
ROLE_TEMPLATES: dict[Role, tuple[str, ...]] = {
    Role.core_switch: ("core_switch", "switch"),
    Role.aggregation_switch: ("aggregation_switch", "access_switch", "core_switch", "switch"),
    Role.access_switch: ("access_switch", "switch"),
    Role.router: ("router",),
    Role.firewall: ("firewall",),
    Role.village_ap: ("village_ap", "router"),
    Role.wireless_ap: ("wireless_ap", "village_ap"),
}


class RenderedBlock(str):
    """Output of a macro, block or whole template: built only from already-checked values."""

    __slots__ = ()


def _checked(value: Any) -> str:
    """Jinja's finalize: every value written into a configuration goes through here."""
    kind = type(value)
    if kind is RenderedBlock:
        return value
    if kind is str and _LINE_BREAKING.search(value) is None:
        return value
    if kind is int:
        return str(value)
    if value is None:
        raise RenderError("a template wrote None: a value the template expected is missing")
    text = value if isinstance(value, str) else str(value)
    match = _LINE_BREAKING.search(text)
    if match is not None:
        shown = "(a secret: not shown)" if isinstance(value, SecretText) else repr(text[:60])
        raise UnsafeValue(f"value {shown} contains {match.group()!r}, which would end the configuration "
                          "line and start a new command: refused")
    return text


def vlan_ranges(ids: Iterable[int], to: str = " to ", sep: str = " ") -> str:
    """[101, 102, 103, 200] -> '101 to 103 200' (Huawei/H3C) or with to='-', sep=',' (Cisco)."""
    out: list[str] = []
    run: list[int] = []
    for vid in sorted(set(int(v) for v in ids)):
        if run and vid == run[-1] + 1:
            run.append(vid)
            continue
        if run:
            out.append(str(run[0]) if len(run) == 1 else f"{run[0]}{to}{run[-1]}")
        run = [vid]
    if run:
        out.append(str(run[0]) if len(run) == 1 else f"{run[0]}{to}{run[-1]}")
    return sep.join(out)


def word(text: str | None, limit: int = 32) -> str:
    """Free text as one token (route names, rule descriptions on platforms without spaces)."""
    if not text:
        return ""
    return "_".join(str(text).split())[:limit]


def refuse(message: str) -> str:
    """Called by a template for intent it cannot express safely: the device fails, nothing is guessed."""
    raise RenderError(message)


class _Environment(Environment):
    # Jinja joins macro, block and template output with `concat`: marking the result trusted
    # lets `finalize` accept `{{ m.interface(i) }}` while still checking every raw value.
    @staticmethod
    def concat(parts: Iterable[str]) -> str:  # type: ignore[override]
        return RenderedBlock("".join(parts))

    def getattr(self, obj: Any, attribute: str) -> Any:
        # contexts are plain dicts: look the key up first instead of failing getattr() on every
        # `c.zone.ntp` (a third of the render time on 10,000 devices); methods still resolve after
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return Environment.getattr(self, obj, attribute)


@lru_cache(maxsize=8)
def load_environment(directory: str) -> Environment:
    """One compiled environment per templates directory: templates compile once per process."""
    env = _Environment(
        loader=FileSystemLoader(directory, encoding="utf-8"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        auto_reload=False,
        cache_size=-1,
        finalize=_checked,
    )
    env.filters["vlan_ranges"] = vlan_ranges
    env.filters["word"] = word
    env.globals["refuse"] = refuse
    return env


def find_templates_dir(explicit: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """Templates are data: an explicit path, then $NETOPS_TEMPLATES, ./templates, the project's own."""
    environ = os.environ if environ is None else environ
    candidates: list[tuple[str, Path]] = []
    if explicit is not None:
        candidates.append(("--templates", Path(explicit)))
    elif environ.get(TEMPLATES_ENV):
        candidates.append((f"${TEMPLATES_ENV}", Path(environ[TEMPLATES_ENV])))
    else:
        from netops import configfile
        from netops.resources import data_root

        configured = configfile.current().templates if configfile.config_path() else None
        if configured is not None:
            candidates.append(("config file `templates`", configured))
        else:
            candidates += [("./templates", Path.cwd() / "templates"), ("packaged", data_root() / "templates")]
    for _, path in candidates:
        if path.is_dir():
            return path.resolve()
    looked = ", ".join(f"{how} ({path})" for how, path in candidates)
    raise RenderError(f"no templates directory found; looked at {looked}")


def template_names(env: Environment) -> frozenset[str]:
    return frozenset(env.list_templates(extensions=["j2"]))


def choose_template(device: Device, available: frozenset[str]) -> str:
    """`<platform>/<role>.j2`, or the role's fallbacks; platforms netops does not configure are skipped."""
    reason = NOT_RENDERED.get(device.platform)
    if reason is not None:
        raise NotRendered(reason, device=device.name)
    platform = device.platform.value
    tried = [f"{platform}/{role}.j2" for role in ROLE_TEMPLATES.get(device.role, (device.role.value,))]
    for name in tried:
        if name in available:
            return name
    raise NoTemplate(f"no template for platform {platform} role {device.role.value}: looked for "
                     f"{', '.join(tried)} (add one to the templates directory)", device=device.name)


def template_location(exc: BaseException) -> str | None:
    """'huawei_vrp/_macros.j2:12': where in a template an error happened (Jinja rewrites tracebacks)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            parts = Path(frame.filename).parts
            return f"{'/'.join(parts[-2:])}:{frame.lineno}"
    return None
