"""Commands that stop and ask, per platform, and how a rendered file answers them.

Pasted line by line, a command that asks `[Y/N]` takes the next line as its answer; if that
line is a command, the command is lost (e.g. `local-user netops service-type ssh` after
`privilege level 15`). So a rendered file either never holds such a command or holds its
answer on the very next line, at the same indentation: a paste answers the prompt with it.
The push driver uses `push_steps()` to send the answer only when the prompt really appears.

`forbidden` prompts have no answer a file can carry (an interactive password, a key size on a
device that may already hold a key): they belong to a day-0 procedure, never to a config.
Sources: the vendors' command references and captured sessions; see docs/render.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Prompt:
    command: re.Pattern[str]  # matched against the stripped line
    expect: str  # regex of the question the device prints
    answer: str | None  # the line that answers it; None: must never be rendered
    why: str


def _p(command: str, expect: str, answer: str | None, why: str) -> Prompt:
    return Prompt(re.compile(command), expect, answer, why)


YN = r"\[Y/N\]"

PROMPTS: dict[str, tuple[Prompt, ...]] = {
    "huawei_vrp": (
        _p(r"^undo http server enable$", YN, "Y", "Warning: The operation will stop HTTP service. Continue? [Y/N]"),
        _p(r"^undo http secure-server enable$", YN, "Y",
           "Warning: The operation will stop HTTP secure service. Continue? [Y/N]"),
        _p(r"^local-user \S+ privilege level \d+$", YN, "Y",
           "Warning: This operation may affect online users, are you sure to change the user privilege level ?[Y/N]"),
        _p(r"^snmp-agent usm-user v3 \S+ (authentication|privacy)-mode \S+$", r"(?i)password", None,
           "without a key the command asks for it interactively"),
        _p(r"^(rsa|dsa|ecc) local-key-pair create\b", r"(?i)(\[y/n\]|bits|modulus)", None,
           "asks the key size, and whether to replace an existing key: day-0 procedure only"),
        _p(r"^(save|reboot|reset saved-configuration)\b", YN, None, "operational commands, not configuration"),
        _p(r"^undo (stelnet|ssh) server enable$", YN, None, "would cut the session netops manages the device over"),
    ),
    "hp_comware": (
        _p(r"^public-key local create\b", r"(?i)(modulus|\[y/n\])", None,
           "asks the key size (and to replace an existing key): day-0 procedure only"),
        _p(r"^(save|reboot|reset saved-configuration)\b", YN, None, "operational commands, not configuration"),
        _p(r"^undo ssh server enable$", YN, None, "would cut the session netops manages the device over"),
    ),
    "cisco_ios": (
        _p(r"^crypto key generate rsa(?!.*\bmodulus \d+)", r"(?i)(how many bits|\[yes/no\])", None,
           "without `modulus N` it asks the key size: day-0 procedure only"),
        _p(r"^(write|copy|reload|erase)\b", r"(?i)\[confirm\]", None, "operational commands, not configuration"),
        _p(r"^no username \S+$", r"(?i)\[confirm\]", None, "asks to confirm removing a user"),
    ),
    "frr": (),
}


def prompt_for(platform: str, line: str) -> Prompt | None:
    stripped = line.strip()
    for prompt in PROMPTS.get(platform, ()):
        if prompt.command.search(stripped):
            return prompt
    return None


def check_lines(platform: str, lines: list[str]) -> list[str]:
    """Every place a rendered file would break a paste or a push; empty when it is safe."""
    problems = []
    answered: set[int] = set()
    for n, line in enumerate(lines):
        prompt = prompt_for(platform, line)
        if prompt is None:
            continue
        if prompt.answer is None:
            problems.append(f"line {n + 1}: '{line.strip()}' prompts ({prompt.why}) and has no safe answer")
            continue
        following = lines[n + 1] if n + 1 < len(lines) else None
        indent = line[:len(line) - len(line.lstrip())]
        if following != f"{indent}{prompt.answer}":
            problems.append(f"line {n + 1}: '{line.strip()}' prompts ({prompt.why}); the next line must be "
                            f"'{indent}{prompt.answer}', not {following!r}")
        answered.add(n + 1)
    answers = {p.answer for p in PROMPTS.get(platform, ()) if p.answer}
    for n, line in enumerate(lines):
        if line.strip() in answers and n not in answered:
            problems.append(f"line {n + 1}: answer '{line.strip()}' follows no prompting command")
    return problems


@dataclass(frozen=True)
class Step:
    """One line to send; when `expect` is set the device may ask, and `answer` is sent if it does."""

    command: str
    expect: str | None = None
    answer: str | None = None


def push_steps(platform: str, lines: list[str]) -> list[Step]:
    """Lines to send as push steps: a command that may ask gets its answer attached.

    The push driver sends `command`; if `expect` matches what the device prints back, it sends
    `answer`, else goes on. An answer line right after its command (as rendered files carry
    it) folds into the step; remediation drops answer lines as noise, so a prompting command
    without one still gets the answer its rendered file would have given.
    """
    steps: list[Step] = []
    skip = False
    for n, line in enumerate(lines):
        if skip:
            skip = False
            continue
        prompt = prompt_for(platform, line)
        if prompt is not None and prompt.answer is not None:
            steps.append(Step(line, prompt.expect, prompt.answer))
            skip = n + 1 < len(lines) and lines[n + 1].strip() == prompt.answer
        else:
            steps.append(Step(line))
    return steps


def answer_lines(platform: str, text: str) -> set[int]:
    """0-based numbers of the lines that answer a prompt (not configuration: drop them before a diff)."""
    lines = text.splitlines()
    out = set()
    for n, line in enumerate(lines[:-1]):
        prompt = prompt_for(platform, line)
        if prompt is not None and prompt.answer is not None and lines[n + 1].strip() == prompt.answer:
            out.add(n + 1)
    return out
