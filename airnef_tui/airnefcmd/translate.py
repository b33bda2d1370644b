"""airnef 1.1's command line → the `airnef-tui get …` or `airnef-tui list …` that does the same.

A pure function of the arguments (its only I/O is reading `!file` argument files), so every option
and value can be tested by comparing argument lists, and `airnefcmd` and `airnef-tui` share one
engine. What each option becomes is in `options.OPTIONS`; the rules applied here:

- The command comes first, then HOST, then `-o DIR` for `get`, so that no multi-value option can
  swallow them; then the options in airnef's order; `--exec` last, its arguments running to the end.
- airnef's selection defaults are pinned (see `AirnefOption.pinned`); its other defaults are left to
  ours on purpose: airnef retried forever, set the camera clock on every connection and put Sony
  cameras to sleep, all of which we decided against.
- With `--action listfiles`, options that only mean something for a download are dropped with a
  warning (airnef ignored them silently), as is a date window with `--realtimedownload only`,
  which airnef ignored too.
- A single value starting with `-` is written `--opt=VALUE`, so that our parser cannot take it for
  an option.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from airnef_tui.airnefcmd.argfiles import expand_argument_files
from airnef_tui.airnefcmd.errors import UsageError
from airnef_tui.airnefcmd.options import OPTIONS, Kind, help_text, parse
from airnef_tui.airnefcmd.values import camera_host

DEFAULT_ADDRESS = "192.168.1.1"   # airnef's default: the address Nikon cameras give themselves
DEFAULT_OUTPUT_DIR = "."
THUMBNAIL_ACTIONS = {"getsmallthumbs": "small", "getlargethumbs": "large"}
EXEC = "downloadexec"
DATE_WINDOW = ("startdate", "enddate")


@dataclass(frozen=True)
class Translation:
    """What to run, and what to tell the user first. `help_text` is set instead when `--help` was
    asked for; `argv` is then empty."""

    argv: list[str]
    warnings: list[str] = field(default_factory=list)
    help_text: str | None = None


def translate(argv: Sequence[str]) -> Translation:
    """Translate airnef's arguments (without the program name) for `airnef_tui.cli.main`.

    Raises UsageError, one line for the user, for anything airnef would have refused and for the
    few things we refuse on top (a port that contradicts itself, a port with `auto`).
    """
    given = parse(expand_argument_files(argv))
    if given is None:
        return Translation(argv=[], help_text=help_text())
    warnings: list[str] = []
    action = given.get("action", "getfiles")
    listing = action == "listfiles"
    try:
        host = camera_host(given.get("ipaddress", DEFAULT_ADDRESS), given.get("port"))
    except ValueError as error:
        raise UsageError(str(error)) from None

    translated = ["list", host] if listing else ["get", host]
    if listing:
        if "outputdir" in given:
            warnings.append(_not_for_listing("outputdir"))
    else:
        translated += _flag("-o", [given.get("outputdir", DEFAULT_OUTPUT_DIR)])
        if action in THUMBNAIL_ACTIONS:
            translated += ["--thumbnails", THUMBNAIL_ACTIONS[action]]
        if given.get("realtimedownload") == "only":
            for name in DATE_WINDOW:
                if given.pop(name, None) is not None:
                    warnings.append(f"--{name} is ignored with --realtimedownload only "
                                    "(as airnef did): only new shots are downloaded")

    exec_part: list[str] = []
    for option in OPTIONS:
        if option.kind is Kind.STRUCTURAL:
            continue
        parsed: Any = given.get(option.name)
        if option.kind is Kind.IGNORED:
            if parsed is not None:
                warnings.append(f"{option.flag} has no counterpart in airnef-tui; ignored")
            continue
        if listing and not option.in_list:
            if parsed is not None:
                warnings.append(_not_for_listing(option.name))
            continue
        if parsed is None:
            if option.pinned is None:
                continue
            parsed = option.pinned
        elif isinstance(parsed, str) and parsed in option.value_warnings:
            warnings.append(option.value_warnings[parsed])
        part = _flag(option.ours, option.our_values(parsed))
        if option.name == EXEC:
            exec_part = part
        else:
            translated += part
    return Translation(argv=translated + exec_part, warnings=warnings)


def _flag(flag: str, our_values: list[str]) -> list[str]:
    if len(our_values) == 1 and our_values[0].startswith("-"):
        joiner = "=" if flag.startswith("--") else ""
        return [f"{flag}{joiner}{our_values[0]}"]
    return [flag, *our_values]


def _not_for_listing(name: str) -> str:
    return f"--{name} does not apply to --action listfiles; ignored"
