"""The SNMP lab: snmpsim agents on loopback for every device of `lab.snmp` in the inventory.

`up` writes one recording per device (from `snmp_recordings`), then runs
snmpsim-command-responder with one SNMP engine per device, each bound to the device's
loopback endpoint and reading its own data directory (with pysnmp 7.1, snmpsim's
per-endpoint data subdirectories do not work; separate engines in one process do). Each
agent answers:

* SNMP v2c with the lab community (`NETOPS_LAB_COMMUNITY`, default `netops-lab`), for
  people poking at the lab with `snmpwalk`;
* the device's own inventory credential - its v2c community, or its SNMPv3 authPriv user -
  resolved from the environment or the secrets file, so the exporter talks to the lab
  exactly as it talks to the real network. Keys reach snmpsim in a 0600 arguments file
  (never on a command line), deleted as soon as the agents answer.

`set` rewrites the affected recordings (snmpsim re-reads a data file whose mtime changed);
a device that is `down` has no data file at all, so its agent stays silent and its peers'
ports go down. `status` and `down` work from the state file in the lab directory, and
`down` stops only the PIDs this lab started (checked against their command lines).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from pydantic import BaseModel, Field

from netops.errors import NetopsError, SecretError
from netops.inventory.model import Device, Inventory
from netops.lab import procs
from netops.lab.snmp_recordings import (
    LabNetwork,
    affected_by,
    device_recording,
    normalise_state,
    render_snmprec,
    states_for,
)
from netops.secrets import SecretResolver, secrets_file_path
from netops.snmp import ber

DEFAULT_LAB_DIR = Path("out/lab")
LAB_DIR_ENV = "NETOPS_LAB_DIR"
LAB_COMMUNITY_ENV = "NETOPS_LAB_COMMUNITY"
DEFAULT_LAB_COMMUNITY = "netops-lab"
V3_DATA_NAME = "self"  # snmpsim serves SNMPv3 requests with an empty context from `self.snmprec`
_COMMUNITY = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
_KEY = re.compile(r"^\S{8,64}$")


class LabError(NetopsError):
    """The lab could not be started, reached or stopped (exit 3: could not run)."""

    exit_code = 3


class LabInputError(LabError):
    """The request names something the lab does not have (exit 2: input error)."""

    exit_code = 2


class AgentInfo(BaseModel):
    """One simulated agent, as `lab status` shows it (no secret values)."""

    endpoint: str
    process: int = 0
    auth: str = "v2c"  # what the inventory credential made it speak: v2c | v3 | lab-only
    credential: str | None = None
    data_dir: str


class SnmpLabState(BaseModel):
    inventory: str
    lab_dir: str
    started_at: float
    pids: list[int] = []
    logs: list[str] = []
    community: str = DEFAULT_LAB_COMMUNITY
    agents: dict[str, AgentInfo] = Field(default_factory=dict)
    states: dict[str, str] = Field(default_factory=dict)
    warnings: list[str] = []


def lab_dir(value: Path | None = None) -> Path:
    """Absolute: snmpsim runs in its own working directory and is handed paths under it."""
    if value is None:
        value = Path(os.environ.get(LAB_DIR_ENV, str(DEFAULT_LAB_DIR)))
    return value.absolute()


def snmp_dir(root: Path) -> Path:
    return root / "snmp"


def state_path(root: Path) -> Path:
    return snmp_dir(root) / "state.json"


def load_state(root: Path) -> SnmpLabState | None:
    path = state_path(root)
    if not path.exists():
        return None
    try:
        return SnmpLabState.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LabError(f"{path}: unreadable lab state ({exc}); remove it after checking no agents run") from None


def save_state(root: Path, state: SnmpLabState) -> None:
    path = state_path(root)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(state.model_dump_json(indent=2), encoding="utf-8")
    os.replace(tmp, path)


# --- processes ------------------------------------------------------------------------------


def pid_alive(pid: int) -> bool:
    return procs.alive(pid)


def ours(pid: int, root: Path) -> bool:
    """The PID still runs *our* snmpsim (a PID from a stale state file may have been reused)."""
    return procs.alive(pid) and str(snmp_dir(root.resolve())) in procs.cmdline(pid)


def stop_pid(pid: int, root: Path, timeout: float = 5.0) -> bool:
    """Stop our snmpsim only: a PID from a stale state file may have been reused."""
    return procs.stop(pid, str(snmp_dir(root.resolve())), timeout)


def responder_command() -> str:
    local = Path(sys.executable).with_name("snmpsim-command-responder")
    if local.exists():
        return str(local)
    found = shutil.which("snmpsim-command-responder")
    if found is None:
        raise LabError("snmpsim-command-responder not found: install the lab extra (pip install -e '.[lab]')")
    return found


# --- SNMP probe (readiness) -----------------------------------------------------------------


def _get_request(community: str, request_id: int) -> bytes:
    """SNMPv2c GetRequest for sysUpTime.0: enough to know an agent answers."""
    return ber.encode_request(ber.GET_REQUEST, community.encode(), request_id, [(1, 3, 6, 1, 2, 1, 1, 3, 0)])


def probe(endpoint: str, community: str, timeout: float = 1.0) -> bool:
    """True when the agent at the loopback endpoint answers a v2c GET."""
    host, _, port = endpoint.rpartition(":")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.sendto(_get_request(community, 0x4E4F5053), (host, int(port)))
            data, _ = sock.recvfrom(65535)
        except OSError:
            return False
    return data[:1] == b"\x30" and b"\xa2" in data


# --- plan -------------------------------------------------------------------------------------


class AgentPlan(BaseModel):
    device: str
    endpoint: str
    data_dir: Path
    files: list[str]
    auth: str
    credential: str | None = None
    v3_args: list[str] = []  # contain keys: written only to the 0600 arguments file


def lab_community() -> str:
    community = os.environ.get(LAB_COMMUNITY_ENV, DEFAULT_LAB_COMMUNITY)
    if not _COMMUNITY.match(community):
        raise LabInputError(f"{LAB_COMMUNITY_ENV}: a lab community is 1-32 letters, digits, '.', '_' or '-'")
    return community


def plan_agent(inv: Inventory, device: Device, endpoint: str, data_root: Path,
               secrets: SecretResolver, community: str) -> tuple[AgentPlan, str | None]:
    """What one agent serves; a credential that cannot be resolved leaves it lab-only (warning)."""
    files = [community]
    auth, v3_args, warning = "lab-only", [], None
    cred = inv.snmp_credentials.get(device.snmp) if device.snmp else None
    try:
        if cred is None:
            warning = f"{device.name}: no SNMP credential in the inventory; lab community only"
        elif cred.version == "2c":
            value = secrets.resolve(cred.community)
            if not _COMMUNITY.match(value):
                warning = (f"{device.name}: community of {cred.name!r} is not 1-32 letters, digits, '.', '_'"
                           " or '-'; lab community only")
            else:
                files.append(value)
                auth = "v2c"
        else:
            auth_key = secrets.resolve(cred.auth_key)
            priv_key = secrets.resolve(cred.priv_key)
            if not (_KEY.match(auth_key) and _KEY.match(priv_key)):
                warning = f"{device.name}: SNMPv3 keys of {cred.name!r} must be 8-64 characters without spaces"
            else:
                v3_args = [
                    f"--v3-user={cred.username}",
                    f"--v3-auth-key={auth_key}",
                    f"--v3-auth-proto={cred.auth_protocol.upper()}",
                    f"--v3-priv-key={priv_key}",
                    f"--v3-priv-proto={cred.priv_protocol.upper()}",
                ]
                files.append(V3_DATA_NAME)
                auth = "v3"
    except SecretError as exc:
        warning = f"{device.name}: {exc}; lab community only"
    plan = AgentPlan(device=device.name, endpoint=endpoint, data_dir=data_root / device.name,
                     files=sorted(set(files)), auth=auth, credential=cred.name if cred else None,
                     v3_args=v3_args)
    return plan, warning


def engine_args(plan: AgentPlan) -> list[str]:
    return [
        "--v3-engine-id=auto",
        *plan.v3_args,
        f"--data-dir={plan.data_dir}",
        f"--agent-udpv4-endpoint={plan.endpoint}",
    ]


# --- recordings on disk -------------------------------------------------------------------------


def write_recording(names: list[str], data_dir: Path, text: str | None) -> None:
    """Write the agent's data files, or - for a device that is down - set them aside.

    A file set aside (`NAME.snmprec.off`) leaves snmpsim nothing to read, so the agent stays
    silent; writing it again brings the agent back. The mtime is pushed at least one second
    past the previous one: snmpsim notices a changed data file by its whole-second mtime.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = data_dir / f"{name}.snmprec"
        off = data_dir / f"{name}.snmprec.off"
        previous = max((p.stat().st_mtime for p in (path, off) if p.exists()), default=0.0)
        if text is None:
            if path.exists():
                os.replace(path, off)
            continue
        tmp = data_dir / f".{name}.snmprec.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        if off.exists():
            off.unlink()
        stamp = max(time.time(), previous + 1.0)
        os.utime(path, (stamp, stamp))


def recording_names(data_dir: Path) -> list[str]:
    """The data file names of an agent (its communities), found on disk, not kept in the state."""
    names = {p.name.split(".snmprec")[0] for p in data_dir.glob("*.snmprec*") if not p.name.startswith(".")}
    return sorted(names)


def _recording_text(device: Device, net: LabNetwork) -> str | None:
    return None if net.is_down(device.name) else render_snmprec(device_recording(device, net))


# --- up / down / status / set ---------------------------------------------------------------


def endpoints_in_use(endpoints: list[str]) -> list[str]:
    """Endpoints another process already binds (an agent answering there would fool `up`)."""
    busy = []
    for endpoint in endpoints:
        host, _, port = endpoint.rpartition(":")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            try:
                sock.bind((host, int(port)))
            except OSError:
                busy.append(endpoint)
    return busy


def select_devices(inv: Inventory, only: list[str] | None) -> list[str]:
    names = [n for n in inv.lab.snmp if n in inv.devices]
    if only:
        unknown = [n for n in only if n not in inv.lab.snmp]
        if unknown:
            raise LabInputError(f"not in the inventory's lab.snmp: {', '.join(unknown)}")
        names = [n for n in names if n in set(only)]
    if not names:
        raise LabInputError("no device has a lab SNMP endpoint (lab.snmp in the inventory's lab.yaml)")
    return names


def up(inv: Inventory, root: Path, only: list[str] | None = None, processes: int = 1,
       timeout: float = 60.0, env: dict[str, str] | None = None) -> SnmpLabState:
    """Generate recordings and start snmpsim; returns when every agent answers (or raises)."""
    existing = load_state(root)
    if existing is not None and any(ours(pid, root) for pid in existing.pids):
        raise LabError(f"the SNMP lab in {root} is already running (pids {existing.pids}); "
                       "run `netops lab down` first")
    names = select_devices(inv, only)
    busy = endpoints_in_use([inv.lab.snmp[n] for n in names])
    if busy:
        raise LabError(f"{len(busy)} lab endpoint(s) are already in use (e.g. {busy[0]}): another lab or agent "
                       "runs there; stop it or give these devices other endpoints in lab.yaml")
    processes = max(1, min(processes, len(names)))
    base = snmp_dir(root)
    if base.exists():
        for stale in ("data", "cache"):
            shutil.rmtree(base / stale, ignore_errors=True)
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o700)
    (base / "cache").mkdir(exist_ok=True)
    community = lab_community()
    secrets = SecretResolver(secrets_file_path(inv.settings.secrets_file))

    net = LabNetwork(inv)
    plans: list[AgentPlan] = []
    warnings: list[str] = []
    for name in names:
        plan, warning = plan_agent(inv, inv.devices[name], inv.lab.snmp[name], base / "data", secrets, community)
        plans.append(plan)
        if warning:
            warnings.append(warning)
        write_recording(plan.files, plan.data_dir, _recording_text(inv.devices[name], net))

    command = responder_command()
    run_env = dict(os.environ if env is None else env)
    if os.geteuid() == 0:
        run_env["SNMPSIM_ALLOW_ROOT"] = "true"
    pids, logs = [], []
    state = SnmpLabState(inventory=str(Path(inv.root).resolve()) if inv.root else "", lab_dir=str(root.resolve()),
                         started_at=time.time(), community=community, warnings=warnings)
    try:
        for k in range(processes):
            chunk = plans[k::processes]
            args_file = base / f"agents-{k}.args"
            fd = os.open(args_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write("\n".join(a for plan in chunk for a in engine_args(plan)) + "\n")
            log = base / f"snmpsim-{k}.log"
            logs.append(str(log))
            with open(log, "ab") as out:
                proc = subprocess.Popen(
                    [command, f"--cache-dir={base / 'cache'}", "--log-level=error",
                     f"--logging-method=file:{log}", f"--args-from-file={args_file}"],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                    env=run_env, start_new_session=True, cwd=str(base),
                )
            pids.append(proc.pid)
            for plan in chunk:
                state.agents[plan.device] = AgentInfo(endpoint=plan.endpoint, process=proc.pid, auth=plan.auth,
                                                      credential=plan.credential, data_dir=str(plan.data_dir))
        state.pids = pids
        state.logs = logs
        save_state(root, state)
        wait_ready(state, root, timeout)
        # snmpsim has read its arguments (with the v3 keys): they need not stay on disk
        for args_file in base.glob("agents-*.args"):
            args_file.unlink()
    except BaseException:
        for pid in pids:
            stop_pid(pid, root)
        raise
    return state


def wait_ready(state: SnmpLabState, root: Path, timeout: float) -> None:
    """Every agent answers a GET before `up` returns; a dead snmpsim fails with its log's tail."""
    pending = dict((name, info.endpoint) for name, info in state.agents.items())
    deadline = time.monotonic() + timeout
    while pending:
        for pid, log in zip(state.pids, state.logs):
            if not pid_alive(pid):
                tail = Path(log).read_text(errors="replace")[-800:] if Path(log).exists() else ""
                raise LabError(f"snmpsim (pid {pid}) exited during start-up; last log lines:\n{tail}")
        for name, endpoint in list(pending.items()):
            if state.states.get(name) == "down" or probe(endpoint, state.community, timeout=0.3):
                del pending[name]
        if pending and time.monotonic() > deadline:
            raise LabError(f"{len(pending)} lab agents did not answer within {timeout:.0f} s "
                           f"(e.g. {next(iter(pending))}); see {', '.join(state.logs)}")
        if pending:
            time.sleep(0.2)


def down(root: Path) -> list[int]:
    """Stop this lab's snmpsim processes; returns the PIDs that were stopped."""
    state = load_state(root)
    if state is None:
        return []
    stopped = []
    for pid in state.pids:
        was_ours = ours(pid, root)
        if not stop_pid(pid, root):
            raise LabError(f"snmpsim pid {pid} did not stop")
        if was_ours:
            stopped.append(pid)
    base = snmp_dir(root)
    for args_file in base.glob("agents-*.args"):
        args_file.unlink()
    state_path(root).unlink()
    return stopped


def status(root: Path) -> dict:
    state = load_state(root)
    if state is None:
        return {"running": False, "lab_dir": str(root), "agents": 0}
    alive = {pid: ours(pid, root) for pid in state.pids}
    return {
        "running": any(alive.values()),
        "lab_dir": state.lab_dir,
        "inventory": state.inventory,
        "pids": {str(pid): ("running" if ok else "gone") for pid, ok in alive.items()},
        "started_at": state.started_at,
        "community": state.community,
        "agents": len(state.agents),
        "endpoints": {name: info.endpoint for name, info in state.agents.items()},
        "auth": {name: info.auth for name, info in state.agents.items()},
        "states": {name: s for name, s in state.states.items() if s != "normal"},
        "logs": state.logs,
        "warnings": state.warnings,
    }


def set_state(inv: Inventory, root: Path, device: str, new_state: str) -> list[str]:
    """Flip a simulated state and rewrite every recording it changes; returns those devices."""
    state = load_state(root)
    if state is None or not any(ours(pid, root) for pid in state.pids):
        raise LabError(f"the SNMP lab in {root} is not running: start it with `netops lab up`")
    if device not in state.agents:
        raise LabInputError(f"{device!r} is not a device of the running lab")
    allowed = states_for(inv.devices[device])
    if new_state not in allowed:
        raise LabInputError(f"{device} ({inv.devices[device].role.value}) accepts states: {', '.join(allowed)}")
    was_down = state.states.get(device) == "down"
    state.states[device] = normalise_state(new_state)
    net = LabNetwork(inv, states=dict(state.states))
    flipped = was_down != (state.states[device] == "down")
    changed = [name for name in affected_by(device, net, flipped) if name in state.agents]
    for name in changed:
        info = state.agents[name]
        write_recording(recording_names(Path(info.data_dir)), Path(info.data_dir),
                        _recording_text(inv.devices[name], net))
    save_state(root, state)
    return changed
