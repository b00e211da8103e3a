"""The SSH lab: FRR routers in network namespaces, each with its own sshd, reached over loopback.

`up` builds every router (namespace, zebra + staticd, sshd with per-router host key), writes
a known_hosts file, starts the loopback forwarder and records everything in a state file, so
`status` and `down` work from any later process. `down` stops only what the state file names,
by PID (checked against the command line) and namespace name, and is safe to run twice.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

from netops.lab import frr, netns, procs, sshd

STATE_FILE = "ssh-lab.json"
DEFAULT_LAB_DIR = Path("/run/netops-lab")
LAB_DIR_ENV = "NETOPS_LAB_DIR"
DEFAULT_PORT = 2222
DEFAULT_BASE = "127.0.2.1"


class LabError(RuntimeError):
    """The lab could not be built, or no lab is up where one was expected."""


class RouterSpec(BaseModel):
    """One lab router: the device it plays and the loopback endpoint it answers on."""

    name: str
    host: str
    port: int = DEFAULT_PORT
    namespace: str | None = None
    config: str | None = None  # initial frr.conf; a small default when None


class LabSpec(BaseModel):
    name: str = "default"
    username: str = "netops"
    password: SecretStr
    routers: list[RouterSpec]


class RouterState(BaseModel):
    name: str
    namespace: str
    host: str
    port: int
    dir: str
    pids: dict[str, int] = {}


class LabState(BaseModel):
    name: str
    dir: str
    username: str
    known_hosts: str
    forwarder_pid: int | None = None
    routers: list[RouterState] = []
    started: float = Field(default_factory=time.time)

    def router(self, name: str) -> RouterState:
        for router in self.routers:
            if router.name == name:
                return router
        raise LabError(f"the lab {self.name} has no router {name}")

    def endpoints(self) -> dict[str, tuple[str, int]]:
        return {r.name: (r.host, r.port) for r in self.routers}


def lab_dir(name: str = "default", root: Path | None = None) -> Path:
    """Where a lab keeps its state: $NETOPS_LAB_DIR or /run/netops-lab, then the lab's name.

    Not under $XDG_RUNTIME_DIR or a pytest tmp dir: those are mode 0700, and the FRR daemons
    (running as frr) must reach their sockets in the router directories.
    """
    base = root or Path(os.environ.get(LAB_DIR_ENV) or DEFAULT_LAB_DIR)
    return base / name


def sequential_endpoints(names: list[str], base: str = DEFAULT_BASE, port: int = DEFAULT_PORT) -> list[RouterSpec]:
    """Router specs on 127.x addresses counting up from `base`, one per device name."""
    first = ipaddress.IPv4Address(base)
    specs = []
    for i, name in enumerate(names):
        host = first + i
        if not host.is_loopback:
            raise LabError(f"{host} is not a loopback address: choose a lower base than {base}")
        specs.append(RouterSpec(name=name, host=str(host), port=port))
    return specs


def missing_requirements() -> list[str]:
    """Why the lab cannot run here (empty when it can)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (network namespaces and per-router daemons need it)")
    missing += frr.missing_software() + sshd.missing_software()
    for tool in ("ip", "unshare"):
        if not any(Path(d, tool).exists() for d in ("/usr/sbin", "/usr/bin", "/sbin", "/bin")):
            missing.append(tool)
    return missing


def load_state(directory: Path) -> LabState | None:
    path = directory / STATE_FILE
    if not path.exists():
        return None
    return LabState.model_validate_json(path.read_text())


def _save(state: LabState) -> None:
    path = Path(state.dir) / STATE_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(state.model_dump_json(indent=2))
    tmp.replace(path)


def _router_up(spec: RouterSpec, lab: LabSpec, directory: Path, pw_hash: str) -> tuple[RouterState, str]:
    namespace = spec.namespace or f"netops-{lab.name}-{spec.name}"[:60]
    rdir = directory / "routers" / spec.name
    state = RouterState(name=spec.name, namespace=namespace, host=spec.host, port=spec.port, dir=str(rdir))
    netns.create(namespace)
    try:
        frr.prepare(rdir, spec.config or frr.initial_config(spec.name))
        state.pids.update(frr.start(namespace, rdir, spec.name))
        ssh_dir = rdir / "ssh"
        public = sshd.host_key(ssh_dir, spec.name)
        sshd.account_files(ssh_dir, lab.username, pw_hash, rdir)
        sshd.config(ssh_dir, lab.username, frr.vtysh_argv(rdir))
        state.pids["sshd"] = sshd.start(namespace, ssh_dir, spec.name)
    except Exception as exc:
        _router_down(state)
        raise LabError(f"router {spec.name}: {exc}") from exc
    return state, sshd.known_hosts_line(spec.host, spec.port, public)


def _router_down(router: RouterState) -> list[str]:
    problems = []
    for daemon in ("sshd", "staticd", "zebra"):
        pid = router.pids.get(daemon)
        if pid and not procs.stop(pid, marker=router.dir):
            problems.append(f"{router.name}: {daemon} (pid {pid}) would not stop")
    if netns.exists(router.namespace):
        # whatever still lives in the lab's own namespace (ssh sessions, vtysh) is the lab's
        for pid in netns.pids_in(router.namespace):
            procs.stop(pid, marker="")
        try:
            netns.delete(router.namespace)
        except netns.NetnsError as exc:
            problems.append(str(exc))
    return problems


def up(spec: LabSpec, directory: Path | None = None, parallel: int = 4) -> LabState:
    """Start the lab; on any failure tear down what was started and raise LabError."""
    missing = missing_requirements()
    if missing:
        raise LabError("the SSH lab cannot run here: missing " + ", ".join(missing))
    names = [r.name for r in spec.routers]
    if len(set(names)) != len(names) or len({(r.host, r.port) for r in spec.routers}) != len(names):
        raise LabError("lab routers need unique names and unique endpoints")
    directory = directory or lab_dir(spec.name)
    existing = load_state(directory)
    if existing is not None:
        raise LabError(f"a lab is already up in {directory} (run `netops lab down` first)")
    directory.mkdir(parents=True, exist_ok=True)
    for parent in (directory, *directory.parents):
        if parent.stat().st_mode & 0o001 == 0:
            raise LabError(f"{parent} is not traversable by the frr user: choose another lab directory")
    directory.chmod(0o755)
    state = LabState(name=spec.name, dir=str(directory), username=spec.username,
                     known_hosts=str(directory / "known_hosts"))
    _save(state)
    pw_hash = sshd.password_hash(spec.password.get_secret_value())
    try:
        lines = []
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            futures = [pool.submit(_router_up, r, spec, directory, pw_hash) for r in spec.routers]
            errors = []
            for future in futures:
                try:
                    router, line = future.result()
                    state.routers.append(router)
                    lines.append(line)
                except LabError as exc:
                    errors.append(str(exc))
            _save(state)
            if errors:
                raise LabError("; ".join(errors))
        Path(state.known_hosts).write_text("\n".join(lines) + "\n")
        state.forwarder_pid = _start_forwarder(directory, state)
        _save(state)
    except BaseException:
        down(directory)
        raise
    return state


def _start_forwarder(directory: Path, state: LabState, timeout: float = 10.0) -> int:
    routes = [{"listen": [r.host, r.port], "namespace": r.namespace, "target": ["127.0.0.1", sshd.LISTEN_PORT]}
              for r in state.routers]
    routes_file = directory / "forward-routes.json"
    routes_file.write_text(json.dumps(routes, indent=1))
    ready = directory / "forward.ready"
    ready.unlink(missing_ok=True)
    log = open(directory / "forward.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "netops.lab.forward", str(routes_file), str(ready)],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    log.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready.exists():
            return proc.pid
        if proc.poll() is not None:
            tail = (directory / "forward.log").read_text(errors="replace").strip().splitlines()[-3:]
            raise LabError("the loopback forwarder stopped: " + " | ".join(tail))
        time.sleep(0.02)
    proc.terminate()
    raise LabError("the loopback forwarder did not start in time")


def down(directory: Path) -> list[str]:
    """Stop everything the state file names and remove the lab directory; return problems."""
    state = load_state(directory)
    if state is None:
        return []
    problems = []
    if state.forwarder_pid and not procs.stop(state.forwarder_pid, marker="netops.lab.forward"):
        problems.append(f"forwarder (pid {state.forwarder_pid}) would not stop")
    for router in state.routers:
        problems += _router_down(router)
    # routers that failed mid-start are not in the state file; their namespaces follow the name rule
    if not problems:
        subprocess.run(["rm", "-rf", "--one-file-system", str(directory)], check=False)
    return problems


def status(directory: Path) -> dict | None:
    """Per-router health of the lab in `directory` (None when no lab is up there)."""
    state = load_state(directory)
    if state is None:
        return None
    routers = []
    for r in state.routers:
        daemons = {name: procs.alive(pid) for name, pid in r.pids.items()}
        routers.append({"name": r.name, "endpoint": f"{r.host}:{r.port}", "namespace": r.namespace,
                        "namespace_exists": netns.exists(r.namespace), "daemons": daemons,
                        "healthy": netns.exists(r.namespace) and all(daemons.values())})
    forwarder = bool(state.forwarder_pid and procs.alive(state.forwarder_pid))
    return {"name": state.name, "dir": state.dir, "known_hosts": state.known_hosts, "username": state.username,
            "forwarder": forwarder, "routers": routers,
            "healthy": forwarder and all(r["healthy"] for r in routers)}


def running_config(state: LabState, name: str) -> str:
    """The router's running config read with vtysh directly, not over SSH: an independent view."""
    router = state.router(name)
    return frr.vtysh(router.namespace, Path(router.dir), router.name, "show running-config")
