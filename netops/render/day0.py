"""Day-0 bootstrap: what an engineer types at the console of a factory-fresh device, prompts included.

A configuration file cannot create the SSH host key: the command asks for the key size (and,
when a key exists, whether to replace it), so it lives here as a procedure with each prompt
and its answer, followed by pasting the rendered configuration and saving it. One procedure
per platform, with the key size the release expects (docs/render.md, "Day 0").
"""

from __future__ import annotations

from dataclasses import dataclass

from netops.inventory.model import Device
from netops.render.releases import Release


@dataclass(frozen=True)
class Step:
    what: str
    command: str | None = None
    prompt: str | None = None  # what the device asks
    answer: str | None = None  # what to type


def _key_bits(release: Release | None) -> int:
    """Newer Huawei releases refuse SSH host keys under 3072 bits by default."""
    if release is not None and (release.family == "VRP" and release.at_least(20) or release.family == "AR"):
        return 3072
    return 2048


def day0_steps(device: Device, release: Release | None) -> list[Step]:
    platform = device.platform.value
    cfg = f"{device.name}.cfg"
    if platform == "huawei_vrp":
        bits = _key_bits(release)
        return [
            Step("Log in on the console (factory account) and enter the system view", "system-view"),
            Step("Create the SSH host key", "rsa local-key-pair create",
                 "Input the bits in the modulus[default = 2048]:", str(bits)),
            Step("If a key exists already the device first asks to replace it", None,
                 "Confirm to replace them? [y/n]:", "y"),
            Step(f"Paste {cfg} (each [Y/N] prompt is answered by the line after its command)"),
            Step("Leave the system view and save", "return"),
            Step("Save the configuration", "save", "Are you sure to continue?[Y/N]", "Y"),
            Step("Check: display rsa local-key-pair public; display ssh server status", None),
        ]
    if platform == "hp_comware":
        return [
            Step("Log in on the console and enter the system view", "system-view"),
            Step("Create the SSH host key", "public-key local create rsa",
                 "Input the modulus length [default = 1024]:", "2048"),
            Step("If a key exists already the device first asks to replace it", None,
                 "Confirm to replace them? [Y/N]:", "Y"),
            Step(f"Paste {cfg}"),
            Step("Save the configuration", "save force"),
            Step("Check: display public-key local rsa public; display ssh server status", None),
        ]
    if platform == "cisco_ios":
        return [
            Step("Log in on the console and enter configuration mode", "configure terminal"),
            Step(f"Paste {cfg} (it sets the hostname and domain the key is named after)"),
            Step("Create the SSH host key (no prompt: the size is given)",
                 "crypto key generate rsa general-keys modulus 2048"),
            Step("Leave configuration mode", "end"),
            Step("Save the configuration", "copy running-config startup-config",
                 "Destination filename [startup-config]?", ""),
            Step("Check: show ip ssh", None),
        ]
    if platform == "frr":
        return [
            Step("On the host (FRR owns routing only): create the SSH host keys", "ssh-keygen -A"),
            Step(f"Load {cfg}", f"vtysh -f {cfg}"),
            Step("Save", "vtysh -c 'write memory'"),
        ]
    return []


def day0_text(device: Device, release: Release | None) -> str:
    """The procedure as a text file: numbered steps, commands to type, prompts with their answers."""
    mark = "#" if device.platform.value == "frr" else "!"
    lines = [f"{mark} netops day-0 procedure for {device.name} ({device.model or device.platform.value}, "
             f"{release or 'release not declared'}): type at the console, answer prompts as shown"]
    for n, step in enumerate(day0_steps(device, release), start=1):
        lines.append(f"{mark} {n}. {step.what}")
        if step.command:
            lines.append(step.command)
        if step.prompt is not None:
            lines.append(f"{mark}    the device asks: {step.prompt}  ->  type: {step.answer or '(Enter)'}")
    return "\n".join(lines) + "\n"
