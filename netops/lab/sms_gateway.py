"""The lab's stand-in for a centre's SMS platform (a mock, named as such): an HTTP endpoint
that accepts whatever a zone's relay posts and records it, one JSON line per request.

A real platform would send the text to the phone; here the test or demo reads the file
to see exactly what the duty engineer would have received, and when.

    python -m netops.lab.sms_gateway --listen 10.10.0.250:8080 --out received.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from netops.stop_signal import stop_on_signals


def main(argv: list[str] | None = None) -> int:
    from aiohttp import web

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, help="HOST:PORT")
    parser.add_argument("--out", required=True, type=Path, help="JSON lines file to append to")
    args = parser.parse_args(argv)
    host, _, port = args.listen.rpartition(":")

    async def record(request: web.Request) -> web.Response:
        body = await request.read()
        entry = {"time": time.time(), "path": request.path_qs, "content_type": request.content_type,
                 "body": body.decode("utf-8", "replace")}
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return web.json_response({"code": 0, "msg": "ok"})

    async def run() -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", record)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, int(port)).start()
        print(f"lab SMS gateway (stand-in) on http://{args.listen}/, recording to {args.out}", flush=True)
        await stop_on_signals().wait()
        await runner.cleanup()

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
