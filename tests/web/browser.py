"""Headless Chromium (Debian's `chromium`) driven over the DevTools protocol with aiohttp's
websocket client: the one HTTP client netops uses, so no WebDriver is needed.

Started with a fresh profile and no background traffic; ended by its PID.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--window-size=1400,1000"]


class Browser:
    """One tab. Synchronous methods for tests; the websocket lives on a private event loop."""

    def __init__(self, profile: Path) -> None:
        if CHROMIUM is None:
            raise RuntimeError("Debian package chromium is not installed")
        profile.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                                       "about:blank"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=open(profile / "chromium.log", "wb"), start_new_session=True)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"chromium did not start: {(profile / 'chromium.log').read_text(errors='replace')[-1500:]}")
            time.sleep(0.1)
        self.port = int(port_file.read_text().split()[0])
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._ids = itertools.count(1)
        self._run(self._connect())

    def _run(self, coro, timeout: float = 60.0):  # noqa: ANN001, ANN202
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _connect(self) -> None:
        self._session = aiohttp.ClientSession()
        async with self._session.get(f"http://127.0.0.1:{self.port}/json/list") as response:
            pages = [t for t in await response.json() if t["type"] == "page"]
        self._ws = await self._session.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0)

    async def _send(self, method: str, params: dict | None = None) -> dict:
        ident = next(self._ids)
        await self._ws.send_str(json.dumps({"id": ident, "method": method, "params": params or {}}))
        while True:
            message = json.loads((await self._ws.receive()).data)
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def send(self, method: str, params: dict | None = None) -> dict:
        return self._run(self._send(method, params))

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        return result["result"].get("value")

    def wait(self, expression: str, timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expression}; page: {self.url()}")
            time.sleep(0.1)

    def url(self) -> str:
        return self.evaluate("location.href")

    def open(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})
        self.wait(f"location.href.startsWith({json.dumps(url.split('#')[0].split('?')[0])}) && document.readyState === 'complete'")

    def click(self, selector: str) -> None:
        """Click a link or button and wait for the next page to load."""
        marker = f"m{time.monotonic_ns()}"
        self.evaluate(f"window.{marker} = 1")
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        self.wait(f"typeof window.{marker} === 'undefined' && document.readyState === 'complete'")

    def text(self, selector: str = "body") -> str:
        return self.evaluate(f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''")

    def fill(self, selector: str, value: str) -> None:
        self.evaluate(f"document.querySelector({json.dumps(selector)}).value = {json.dumps(value)}")

    def screenshot(self, path: Path) -> Path:
        height = self.evaluate("Math.min(4000, document.documentElement.scrollHeight)") or 1000
        self.send("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": int(height), "deviceScaleFactor": 1, "mobile": False})
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        self.send("Emulation.clearDeviceMetricsOverride")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        if hasattr(self, "_loop"):
            async def shut() -> None:
                await self._ws.close()
                await self._session.close()
            try:
                self._run(shut(), timeout=5)
            except Exception:  # noqa: BLE001 - closing a browser that already died
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
