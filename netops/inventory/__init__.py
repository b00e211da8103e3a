"""The inventory: the one typed model of the network that every part of netops reads."""

from netops.inventory.load import check_inventory, load_inventory
from netops.inventory.model import Device, Inventory, Link, Role, Zone

__all__ = ["Device", "Inventory", "Link", "Role", "Zone", "check_inventory", "load_inventory"]
