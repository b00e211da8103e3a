"""Cables as a graph of devices: zones touched, neighbours, and paths between zones.

Validation and the isolation audit both ask "what is connected to what"; the answer lives
next to the model so neither has to rebuild it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable

from netops.inventory.model import Device, Inventory


@dataclass(frozen=True)
class Hop:
    """One cable traversed: from a device's interface to the next device's interface."""

    device: str
    interface: str
    peer: str
    peer_interface: str
    link_index: int


class CableGraph:
    def __init__(self, inventory: Inventory):
        self.inventory = inventory
        self.adjacent: dict[str, list[Hop]] = {name: [] for name in inventory.devices}
        for i, link in enumerate(inventory.links):
            a, b = link.a, link.b
            if a.device in self.adjacent and b.device in self.adjacent:
                self.adjacent[a.device].append(Hop(a.device, a.interface, b.device, b.interface, i))
                self.adjacent[b.device].append(Hop(b.device, b.interface, a.device, a.interface, i))

    def neighbours(self, device: str) -> list[Hop]:
        return self.adjacent.get(device, [])

    def shortest_path(
        self,
        sources: Iterable[str],
        is_target: Callable[[Device], bool],
        may_cross: Callable[[Device], bool] = lambda d: True,
    ) -> list[Hop] | None:
        """Breadth-first from any source to the first device satisfying is_target.

        `may_cross` decides whether a path may continue *through* a device (e.g. not through
        a firewall when looking for a firewall bypass). Returns the hops, or None.
        """
        devices = self.inventory.devices
        parent: dict[str, Hop | None] = {}
        queue: deque[str] = deque()
        for s in sources:
            if s in devices and s not in parent:
                parent[s] = None
                queue.append(s)
        while queue:
            current = queue.popleft()
            for hop in self.adjacent[current]:
                if hop.peer in parent:
                    continue
                parent[hop.peer] = hop
                peer = devices[hop.peer]
                if is_target(peer):
                    path = [hop]
                    while (back := parent[path[0].device]) is not None:
                        path.insert(0, back)
                    return path
                if may_cross(peer):
                    queue.append(hop.peer)
        return None
