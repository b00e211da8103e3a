"""Platforms NAPALM drives: ios, eos, junos, and the community huawei_vrp and h3c_comware drivers.

A thin adapter from NAPALM's NetworkDriver to netops' Driver. NAPALM is imported only when
such a device is opened: importing it pulls in ncclient, which breaks when a folder named
`ssh/` sits on sys.path, so netops reports that as a clear error instead of a traceback.
"""

from __future__ import annotations

from netops.devices.dialects import Dialect
from netops.devices.drivers.base import CommitError, ConnectError, DeviceError, Driver, UnsupportedPlatform
from netops.devices.target import DeviceTarget

# what each NAPALM driver can do here
GETTERS_ONLY = {"h3c_comware"}


def load_napalm_driver(name: str):
    try:
        from napalm import get_network_driver
    except ImportError as exc:
        raise DeviceError(f"cannot import napalm ({exc}); a folder named 'ssh' on sys.path "
                          "(e.g. the current directory) shadows the ssh module ncclient needs") from None
    try:
        return get_network_driver(name)
    except Exception as exc:
        raise UnsupportedPlatform(f"NAPALM has no driver {name!r} installed ({exc})") from None


class NapalmDriver(Driver):
    def __init__(self, target: DeviceTarget, napalm_name: str, dialect: Dialect):
        super().__init__(target)
        self.napalm_name = napalm_name
        self.dialect = dialect
        self._device = None
        self._diff: list[str] = []

    def optional_args(self) -> dict:
        t = self.target
        args = {"port": t.port, "ssh_strict": t.check_host_key, "allow_agent": False}
        if t.known_hosts is not None:
            args.update(alt_host_keys=True, alt_key_file=str(t.known_hosts), system_host_keys=False)
        if t.enable is not None:
            args["secret"] = t.enable.get_secret_value()
        return args

    def build(self):
        cls = load_napalm_driver(self.napalm_name)
        return cls(hostname=self.target.host, username=self.target.username,
                   password=self.target.password.get_secret_value(), timeout=int(self.target.timeout),
                   optional_args=self.optional_args())

    def open(self) -> None:
        self._device = self.build()
        try:
            self._device.open()
        except Exception as exc:
            self._device = None
            raise ConnectError(f"{self.target.name}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None

    def close(self) -> None:
        if self._device is not None:
            try:
                self._device.close()
            except Exception:
                pass
            self._device = None

    @property
    def device(self):
        if self._device is None:
            raise DeviceError(f"{self.target.name}: not connected")
        return self._device

    def get_config(self) -> str:
        return self.device.get_config(retrieve="running")["running"]

    def _writable(self) -> None:
        if self.napalm_name in GETTERS_ONLY:
            raise UnsupportedPlatform(f"{self.target.name}: NAPALM {self.napalm_name} only reads; "
                                      "use the netmiko driver to change its config")

    def load_replace_candidate(self, config: str) -> None:
        self._writable()
        self.device.load_replace_candidate(config=config)

    def load_merge_candidate(self, config: str) -> None:
        self._writable()
        self.device.load_merge_candidate(config=config)

    def compare_config(self) -> list[str]:
        return [line for line in (self.device.compare_config() or "").splitlines() if line.strip()]

    def discard_config(self) -> None:
        self.device.discard_config()

    CONFIRM_SECONDS = 300  # the device reverts by itself if netops never confirms

    def commit_config(self) -> None:
        """Commit with commit-confirm where the NAPALM driver has it, plainly otherwise."""
        try:
            try:
                self.device.commit_config(revert_in=self.CONFIRM_SECONDS)
                self._pending = True
            except NotImplementedError:
                self.device.commit_config()
                self._pending = False
        except Exception as exc:
            raise CommitError(f"{self.target.name}: commit failed: {exc}") from None

    def confirm(self) -> None:
        if getattr(self, "_pending", False):
            try:
                self.device.confirm_commit()
            except Exception as exc:
                raise DeviceError(f"{self.target.name}: confirming the commit failed: {exc}") from None
            self._pending = False

    def rollback(self) -> None:
        try:
            self.device.rollback()
        except Exception as exc:
            raise DeviceError(f"{self.target.name}: rollback failed: {exc}") from None
