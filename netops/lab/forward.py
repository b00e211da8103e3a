"""The lab's loopback forwarder: host 127.x.y.z:port -> sshd inside a router's namespace.

Each lab router's sshd listens on 127.0.0.1:2222 inside its own namespace, which the host
cannot route to (and must not: 127/8 never leaves a namespace). This small process listens
on one host loopback address per router and, for every connection, opens a socket inside
the router's namespace and copies bytes both ways. Any SSH client (netops, Nornir, ssh)
then reaches router N at its own loopback endpoint.

Run as: python -m netops.lab.forward ROUTES.json READY_FILE
ROUTES.json: [{"listen": ["127.0.2.1", 2222], "namespace": "...", "target": ["127.0.0.1", 2222]}]
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from netops.lab import netns
from netops.stop_signal import stop_on_signals


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


def _handler(namespace: str, target: tuple[str, int]):
    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        try:
            sock = netns.socket_in(namespace)
            sock.setblocking(False)
            await asyncio.wait_for(loop.sock_connect(sock, target), timeout=10)
            up_r, up_w = await asyncio.open_connection(sock=sock)
        except (OSError, asyncio.TimeoutError, netns.NetnsError) as exc:
            print(f"forward {namespace}: {exc}", file=sys.stderr, flush=True)
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, up_w), _pipe(up_r, client_w))

    return handle


async def serve(routes: list[dict], ready_file: Path) -> None:
    servers = []
    for route in routes:
        host, port = route["listen"]
        target = tuple(route["target"])
        servers.append(await asyncio.start_server(_handler(route["namespace"], target), host, port,
                                                  reuse_address=True, backlog=256))
    ready_file.write_text("ready\n")
    await stop_on_signals().wait()
    for server in servers:
        server.close()


def main(argv: list[str]) -> int:
    routes = json.loads(Path(argv[0]).read_text())
    asyncio.run(serve(routes, Path(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
