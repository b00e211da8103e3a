"""Where netops' own data lives: templates, SNMP profiles, rules, dashboards, the sample inventory.

An installed wheel carries them as package data under `netops/_data/` (found with
importlib.resources); a source checkout has them at the repository root. Commands override
them by flag, environment variable or config file key before falling back to these.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# kind -> path relative to the data root (the repository layout, mirrored in the wheel)
DATA = {
    "templates": "templates",
    "profiles": "monitors/profiles",
    "rules": "monitors/rules",
    "dashboards": "monitors/dashboards",
    "prometheus": "monitors/prometheus",
    "inventory": "inventory",
}


class DataNotFound(LookupError):
    pass


def data_root() -> Path:
    """`netops/_data` in an installed wheel, else the checkout the package was imported from."""
    packaged = Path(str(resources.files("netops").joinpath("_data")))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1]


def data_path(kind: str) -> Path:
    """The packaged (or checkout) directory for one kind of data; raises if it is missing."""
    if kind not in DATA:
        raise DataNotFound(f"unknown data kind {kind!r}; known: {', '.join(DATA)}")
    path = data_root() / DATA[kind]
    if not path.is_dir():
        raise DataNotFound(f"netops' {kind} are missing from {path} (a broken installation?)")
    return path
