"""CLI devices driven over SSH with netmiko: FRR's vtysh, Cisco IOS, Huawei VRP, H3C Comware.

These CLIs have no candidate datastore, so the driver keeps one: loading a candidate reads
the running config once and computes the commands (confdiff.remediation) that bring it to
the candidate; commit sends them with the dialect's error pattern, stops at the first
rejected line, leaves config mode and saves; rollback computes and sends the commands back
to the running config read before the commit.
"""

from __future__ import annotations

import logging
import re
import socket

from netops.devices import confdiff
from netops.devices.dialects import Dialect
from netops.devices.drivers.base import CommitError, ConnectError, DeviceError, Driver, HostKeyError, Interrupted
from netops.devices.target import DeviceTarget
from netops.inventory.validate import keystroke_lines
from netops.render.prompts import Step, push_steps


# paramiko's transport thread logs connection failures with a traceback; netops reports them
# as results instead, so keep them off the terminal.
logging.getLogger("paramiko").addHandler(logging.NullHandler())


def _is_host_key_problem(exc: BaseException) -> bool:
    import paramiko

    if isinstance(exc, paramiko.BadHostKeyException):
        return True
    text = str(exc).lower()
    return "known_hosts" in text or "host key" in text


class NetmikoDriver(Driver):
    def __init__(self, target: DeviceTarget, device_type: str, dialect: Dialect):
        super().__init__(target)
        self.device_type = device_type
        self.dialect = dialect
        self._conn = None
        self._running: str | None = None  # read when a candidate is loaded: the rollback point
        self._candidate: list[str] | None = None
        self._rollback_to: str | None = None
        self._last_read: str | None = None  # the latest get_config, reused until something is sent

    # --- session -----------------------------------------------------------------------
    def connect_args(self) -> dict:
        t = self.target
        args = dict(
            device_type=self.device_type, host=t.host, port=t.port, username=t.username,
            password=t.password.get_secret_value(), secret=t.enable.get_secret_value() if t.enable else "",
            timeout=t.timeout, conn_timeout=t.timeout, auth_timeout=t.timeout, banner_timeout=t.timeout,
            allow_agent=False, use_keys=False, fast_cli=True, ssh_strict=t.check_host_key,
        )
        if t.known_hosts is not None:
            args.update(system_host_keys=False, alt_host_keys=True, alt_key_file=str(t.known_hosts))
        else:
            args.update(system_host_keys=True)
        return args

    def open(self) -> None:
        from netmiko import ConnectHandler
        from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException

        from netops.devices.drivers.vtysh import SESSIONS

        connect = SESSIONS.get((self.dialect.name, self.device_type), ConnectHandler)
        try:
            self._conn = connect(**self.connect_args())
        except NetmikoAuthenticationException:
            raise ConnectError(f"{self.target.name}: login refused for user {self.target.username}") from None
        except NetmikoTimeoutException as exc:
            if _is_host_key_problem(exc):
                raise self._host_key_error(exc) from None
            raise ConnectError(f"{self.target.name}: unreachable at {self.target.host}:{self.target.port}"
                               f" ({_first_line(exc)})") from None
        except (socket.error, EOFError) as exc:
            raise ConnectError(f"{self.target.name}: connection failed ({_first_line(exc)})") from None
        except Exception as exc:
            if _is_host_key_problem(exc):
                raise self._host_key_error(exc) from None
            raise ConnectError(f"{self.target.name}: {type(exc).__name__}: {_first_line(exc)}") from None

    def _host_key_error(self, exc: BaseException) -> HostKeyError:
        known = self.target.known_hosts or "~/.ssh/known_hosts"
        what = "does not match the key" if "does not match" in str(exc) else "is not"
        return HostKeyError(f"{self.target.name}: SSH host key of {self.target.host}:{self.target.port} {what}"
                            f" in {known}: refused")

    def close(self) -> None:
        """Log out and drop the session (netmiko's disconnect() first probes for config mode
        with a 2 s timed read on some platforms; a plain logout is enough here)."""
        if self._conn is not None:
            try:
                self._conn.write_channel(self.dialect.logout + self._conn.RETURN)
            except Exception:
                pass
            try:
                self._conn.paramiko_cleanup()
            except Exception:
                pass
            self._conn = None

    @property
    def conn(self):
        if self._conn is None:
            raise DeviceError(f"{self.target.name}: not connected")
        return self._conn

    # --- reading -----------------------------------------------------------------------
    def get_config(self) -> str:
        """Read until this device's own prompt ends the output. (netmiko's default first probes
        the prompt with blank lines; a late answer to one was then taken as the end of the
        next command's output: an empty or half config.)"""
        prompt = re.escape(self.conn.base_prompt) + r"\S*[>#\]]\s*$"
        self._last_read = self.conn.send_command(self.dialect.show_running, expect_string=prompt,
                                                 auto_find_prompt=False, read_timeout=60)
        return self._last_read

    # --- candidate ---------------------------------------------------------------------
    def _load(self, config: str, replace: bool) -> None:
        self._running = self._last_read if self._last_read is not None else self.get_config()
        lines = confdiff.remediation(self._running, config, self.dialect, replace=replace)
        self._candidate = confdiff.as_commands(lines)

    def load_replace_candidate(self, config: str) -> None:
        self._load(config, replace=True)

    def load_merge_candidate(self, config: str) -> None:
        self._load(config, replace=False)

    def compare_config(self) -> list[str]:
        return list(self._candidate or [])

    def discard_config(self) -> None:
        self._candidate = None

    BATCH = 25  # lines sent between two looks at should_stop

    def send_commands(self, commands: list[str]) -> str:
        """Send a config set; stop at the first line the device rejects, or when asked to stop
        between batches; never stay in config mode."""
        self._last_read = None
        refused = keystroke_lines(self.target.platform, commands)
        if refused:
            raise CommitError(f"{self.target.name}: not sent: {refused[0]}")  # nothing was applied
        output = self.conn.send_command(self.dialect.config_command, expect_string=self.dialect.config_prompt,
                                        strip_prompt=False, read_timeout=30)
        try:
            for start in range(0, len(commands), self.BATCH):
                if self.should_stop():
                    raise Interrupted(f"{self.target.name}: stopped after {start} of {len(commands)} lines")
                output += self._send_lines(commands[start:start + self.BATCH], sent_before=commands[:start])
        except (CommitError, Interrupted):
            self._leave_config_mode()
            raise
        self._leave_config_mode()
        return output

    def _send_lines(self, lines: list[str], sent_before: list[str]) -> str:
        """The one place config lines go to the device: each line's echo and the prompt after it
        are awaited (netmiko cmd_verify) and the output matched against the dialect's errors.

        A command that may stop and ask (`[Y/N]`, netops.render.prompts) is sent alone and its
        answer only when the question really appears, so no later line is eaten as the answer.
        """
        output = ""
        plain: list[str] = []
        for step in push_steps(self.target.platform, lines):
            if step.expect is None:
                plain.append(step.command)
                continue
            output += self._send_plain(plain, sent_before)
            sent_before = sent_before + plain
            plain = []
            output += self._send_answered(step, sent_before)
            sent_before = sent_before + [step.command]
        return output + self._send_plain(plain, sent_before)

    def _send_plain(self, lines: list[str], sent_before: list[str]) -> str:
        from netmiko.exceptions import ConfigInvalidException

        if not lines:
            return ""
        try:
            return self.conn.send_config_set(lines, error_pattern=self.dialect.error_pattern,
                                             enter_config_mode=False, exit_config_mode=False,
                                             read_timeout=self.target.timeout)
        except ConfigInvalidException as exc:
            applied = sent_before + _applied_before_error(lines, str(exc))
            raise CommitError(f"{self.target.name}: device rejected the change: {_first_line(exc)}",
                              applied) from None

    def _send_answered(self, step: Step, sent_before: list[str]) -> str:
        """Send a command that may ask a question; answer it only if it is asked."""
        assert step.expect is not None and step.answer is not None
        prompt = self.dialect.config_prompt
        out = self.conn.send_command(step.command, expect_string=f"(?:{step.expect})|(?:{prompt})",
                                     strip_prompt=False, strip_command=False, read_timeout=self.target.timeout)
        if re.search(step.expect, out):
            out += self.conn.send_command(step.answer, expect_string=prompt, strip_prompt=False,
                                          strip_command=False, read_timeout=self.target.timeout)
        if re.search(self.dialect.error_pattern, out, flags=re.M):
            raise CommitError(f"{self.target.name}: device rejected the change: {step.command}: "
                              f"{out.strip().splitlines()[-1] if out.strip() else ''}", sent_before)
        return out

    def _leave_config_mode(self) -> None:
        """Back to the top level, whatever view an error left the session in.

        One exit command matched against the prompt pattern; netmiko's check_config_mode and
        find_prompt would cost a fixed sleep (0.25-2 s) per call, per device.
        """
        out = self.conn.send_command(self.dialect.exit_config, expect_string=self.dialect.user_prompt,
                                     strip_prompt=False, read_timeout=30)
        lines = out.strip().splitlines()
        if lines and re.search(self.dialect.config_prompt, lines[-1]):
            raise DeviceError(f"{self.target.name}: could not leave config mode (prompt {lines[-1]!r})")

    def save(self) -> str:
        """Save running to startup from the top level, answering the dialect's confirmation."""
        d = self.dialect
        expect = f"{d.save_question}|{d.user_prompt}" if d.save_question else d.user_prompt
        out = self.conn.send_command(d.save_command, expect_string=expect, strip_prompt=False, read_timeout=120)
        if d.save_question and re.search(d.save_question, out):
            out += self.conn.send_command(d.save_answer, expect_string=d.user_prompt, strip_prompt=False,
                                          read_timeout=120)
        if re.search(d.error_pattern, out, flags=re.M):
            raise DeviceError(f"{self.target.name}: saving the config failed: {out.strip().splitlines()[-2:]}")
        return out

    def commit_config(self) -> None:
        if self._candidate is None:
            raise DeviceError(f"{self.target.name}: no candidate loaded")
        self._rollback_to = self._running
        if self._candidate:
            self.send_commands(self._candidate)
            self.save()
        self._candidate = None

    def rollback(self) -> None:
        if self._rollback_to is None:
            raise DeviceError(f"{self.target.name}: nothing to roll back to")
        current = self.get_config()
        commands = confdiff.as_commands(confdiff.remediation(current, self._rollback_to, self.dialect))
        if commands:
            try:
                self.send_commands(commands)
            except CommitError as exc:
                raise DeviceError(f"{self.target.name}: rollback rejected: {exc}") from None
            self.save()

    @property
    def rollback_point(self) -> str | None:
        return self._rollback_to


def _first_line(exc: BaseException) -> str:
    """The informative line of an exception message (netmiko wraps paramiko's under a header)."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith("A paramiko SSHException occurred")] or lines
    return lines[0] if lines else type(exc).__name__


def _applied_before_error(commands: list[str], message: str) -> list[str]:
    for i, command in enumerate(commands):
        if f"command: {command}," in message or message.endswith(f"command: {command}"):
            return commands[:i]
    return []
