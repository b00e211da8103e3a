"""FAKE Huawei VRP (and H3C Comware) device: a small paramiko SSH server on loopback, for tests only.

No Huawei or H3C software exists on this machine, so those drivers are tested against this
stand-in (FakeHuaweiDevice; FakeH3cDevice speaks the Comware variant: `screen-length
disable`, `save force`, "% Unrecognized command" errors). It speaks just enough VRP for netmiko's `huawei` driver: the <name> / [name]
prompts, `screen-length 0 temporary`, `display current-configuration`, `system-view`,
interface views, `undo`, `quit`, `return`, `save` with its Y/N question, and the system-view
commands that ask `[Y/N]` before they act (`ASKS`: the next line is taken as the answer, as
on the real CLI, whatever it is). Commands it
does not know are rejected with VRP's "Error: Unrecognized command" message. Every line
received is recorded in `commands`, so tests can check the exact sequence a driver sends.
It is not a Huawei device and proves nothing about real VRP beyond this dialogue.
"""

from __future__ import annotations

import re
import socket
import threading

import paramiko

KNOWN_TOP = (r"sysname \S+", r"interface \S+", r"ip route-static [\d.]+ [\d.]+ [\d.]+( description .+)?",
             r"snmp-agent community (read|write) cipher \S+", r"snmp-agent sys-info location .+",
             r"local-user \S+ password irreversible-cipher \S+", r"info-center loghost [\d.]+",
             r"ntp-service unicast-server [\d.]+", r"local-user \S+ privilege level \d+",
             r"local-user \S+ service-type \S+", r"undo .+", r"quit", r"return")
# system-view commands that ask before acting: VRP's questions (command reference wording)
ASKS = {
    r"undo http server enable": "Warning: The operation will stop HTTP service. Continue? [Y/N]:",
    r"undo http secure-server enable": "Warning: The operation will stop HTTP secure service. Continue? [Y/N]:",
    r"local-user \S+ privilege level \d+": "Warning: This operation may affect online users, are you sure to "
                                           "change the user privilege level ?[Y/N]",
}
KNOWN_IF = (r"description .+", r"ip address [\d.]+ [\d.]+", r"shutdown", r"port link-type (access|trunk)",
            r"port default vlan \d+", r"undo .+", r"quit", r"return")


class FakeVrpConfig:
    """The fake device's configuration: top-level lines and interface blocks, in order."""

    header = ["!Software Version V200R021C00SPC100", "!Last configuration was updated at 2024-01-01 00:00:00"]

    def __init__(self, sysname: str, lines: list[str], interfaces: dict[str, list[str]]):
        self.sysname = sysname
        self.lines = lines
        self.interfaces = interfaces

    def render(self) -> str:
        out = [*self.header, "#", f"sysname {self.sysname}", "#"]
        for name, body in self.interfaces.items():
            out += [f"interface {name}", *(" " + b for b in body), "#"]
        for line in self.lines:
            out += [line, "#"]
        out.append("return")
        return "\n".join(out)


class _Server(paramiko.ServerInterface):
    def __init__(self, username: str, password: str):
        self.username, self.password = username, password
        self.shell = threading.Event()

    def check_auth_password(self, username, password):
        ok = username == self.username and password == self.password
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def get_allowed_auths(self, username):
        return "password"

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_pty_request(self, *args):
        return True

    def check_channel_shell_request(self, channel):
        self.shell.set()
        return True


class FakeHuaweiDevice:
    """Run with `with FakeHuaweiDevice(...) as dev:`; connect to dev.host:dev.port."""

    paging_off = "screen-length 0 temporary"
    error = "Error: Unrecognized command found at '^' position."

    def __init__(self, sysname: str = "HUAWEI", username: str = "admin", password: str = "fake-pass",
                 host: str = "127.0.0.1", reject: tuple[str, ...] = ()):
        self.host, self.username, self.password = host, username, password
        self.key = paramiko.RSAKey.generate(2048)
        self.config = FakeVrpConfig(
            sysname,
            ["ip route-static 0.0.0.0 0.0.0.0 10.20.1.254",
             "snmp-agent community read cipher %^%#fake-community%^%#",
             "local-user admin password irreversible-cipher $1a$fakehash$"],
            {"GigabitEthernet0/0/1": ["description uplink", "ip address 10.20.1.1 255.255.255.0"]},
        )
        self.reject = reject  # extra commands the fake refuses even if known
        self.commands: list[str] = []
        self.saves = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def public_key_line(self) -> str:
        return f"[{self.host}]:{self.port} {self.key.get_name()} {self.key.get_base64()}"

    def __enter__(self) -> "FakeHuaweiDevice":
        self._sock.listen(8)
        self._sock.settimeout(0.2)
        t = threading.Thread(target=self._accept_loop, daemon=True, name="fake-huawei")
        t.start()
        self._threads.append(t)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._sock.close()
        for t in self._threads:
            t.join(timeout=5)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._session, args=(client,), daemon=True)
            t.start()
            self._threads.append(t)

    def _session(self, client: socket.socket) -> None:
        transport = paramiko.Transport(client)
        transport.add_server_key(self.key)
        server = _Server(self.username, self.password)
        try:
            transport.start_server(server=server)
            chan = transport.accept(10)
            if chan is None or not server.shell.wait(10):
                return
            self._shell(chan)
        except (EOFError, OSError, paramiko.SSHException):
            pass
        finally:
            transport.close()

    # --- the VRP dialogue --------------------------------------------------------------
    def _prompt(self, view: str | None, iface: str | None) -> str:
        if view is None:
            return f"<{self.config.sysname}>"
        if iface:
            return f"[{self.config.sysname}-{iface}]"
        return f"[{self.config.sysname}]"

    def _shell(self, chan) -> None:
        view, iface, pending_save = None, None, False
        asked: str | None = None  # a system-view command waiting for its Y/N answer
        chan.send(f"\r\nInfo: The max number of VTY users is 10.\r\n{self._prompt(view, iface)}")
        buf = ""
        while not self._stop.is_set():
            data = chan.recv(4096)
            if not data:
                return
            text = data.decode(errors="replace")
            chan.send(text.replace("\r\n", "\n").replace("\n", "\r\n"))  # terminal echo
            buf += text.replace("\r\n", "\n").replace("\r", "\n")
            while "\n" in buf:
                line, buf = buf.split("\n", 1)
                line = line.strip()
                if line:
                    self.commands.append(line)
                if asked is not None:  # the line is the answer, whatever it is (as on VRP)
                    if line.lower() == "y":
                        self._apply(asked)
                    asked = None
                    chan.send(self._prompt(view, iface))
                    continue
                if view == "system" and not iface and any(re.fullmatch(p, line) for p in ASKS):
                    asked = line
                    chan.send(next(q for p, q in ASKS.items() if re.fullmatch(p, line)))
                    continue
                if pending_save:
                    pending_save = False
                    if line.lower() == "y":
                        self.saves += 1
                        chan.send("Now saving the current configuration to the slot 0.\r\n"
                                  "Info: Save the configuration successfully.\r\n")
                    chan.send(self._prompt(view, iface))
                    continue
                out, view, iface, pending_save, close = self._command(line, view, iface)
                if out:
                    chan.send(out.replace("\n", "\r\n") + "\r\n")
                if close:
                    chan.close()
                    return
                if not pending_save:
                    chan.send(self._prompt(view, iface))

    def _command(self, line: str, view, iface):
        """-> (output, view, iface, asks_save_question, close_session)"""
        error = self.error
        if not line:
            return "", view, iface, False, False
        if view is None:
            if line == self.paging_off:
                return "Info: The configuration takes effect on the current user terminal interface only.", view, iface, False, False
            if line == "save force" and type(self).paging_off == "screen-length disable":
                self.saves += 1
                return "Validating file. Please wait...\nSaved the current configuration to mainboard device successfully.", view, iface, False, False
            if line.startswith("display current-configuration"):
                return self.config.render(), view, iface, False, False
            if line == "system-view":
                return "Enter system view, return user view with return command.", "system", None, False, False
            if line == "save":
                return ("Warning: The current configuration will be written to the device. Continue? [Y/N]:",
                        view, iface, True, False)
            if line == "quit":
                return "", view, iface, False, True
            return error, view, iface, False, False
        if line == "return":
            return "", None, None, False, False
        if line == "quit":
            return "", ("system" if iface else None), None, False, False
        if line in self.reject:
            return error, view, iface, False, False
        if iface:
            if not any(re.fullmatch(p, line) for p in KNOWN_IF):
                return error, view, iface, False, False
            body = self.config.interfaces.setdefault(iface, [])
            if line.startswith("undo "):
                key = line[5:]
                body[:] = [b for b in body if not (b == key or b.startswith(key + " "))]
            else:
                key = line.split()[0]
                if key == "description":
                    body[:] = [b for b in body if not b.startswith("description ")]
                body.append(line)
            return "", view, iface, False, False
        if not any(re.fullmatch(p, line) for p in KNOWN_TOP):
            return error, view, iface, False, False
        if line.startswith("interface "):
            name = line.split(None, 1)[1]
            self.config.interfaces.setdefault(name, [])
            return "", view, name, False, False
        if line.startswith("sysname "):
            self.config.sysname = line.split()[1]
            return "", view, iface, False, False
        self._apply(line)
        return "", view, iface, False, False

    def _apply(self, line: str) -> None:
        """A top-level line of system view takes effect."""
        if line.startswith("undo "):
            key = line[5:]
            if key.startswith("interface "):
                self.config.interfaces.pop(key.split(None, 1)[1], None)
            else:
                self.config.lines[:] = [ln for ln in self.config.lines if not (ln == key or ln.startswith(key + " "))]
            return
        self.config.lines.append(line)


class FakeH3cDevice(FakeHuaweiDevice):
    """FAKE H3C Comware device: the same dialogue with Comware's paging, save and error text."""

    paging_off = "screen-length disable"
    error = "              ^\n % Unrecognized command found at '^' position."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.config.header = ["#", " version 7.1.070, Release 6555P01"]
