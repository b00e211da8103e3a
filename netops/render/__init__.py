"""Render each device's intended configuration from the inventory through Jinja2 templates.

Public API: `render_device(inventory, name, *, secrets=None) -> str`, `render_devices(...)`
(one `RenderResult` per device) and `Renderer` for callers rendering many devices repeatedly.
"""

from netops.render.errors import NoTemplate, NotRendered, RenderError, RouteOutsideZone, UnsafeValue
from netops.render.run import RenderResult, Renderer, render_device, render_devices, select_devices

__all__ = [
    "NoTemplate", "NotRendered", "RenderError", "RenderResult", "Renderer", "RouteOutsideZone", "UnsafeValue",
    "render_device", "render_devices", "select_devices",
]
