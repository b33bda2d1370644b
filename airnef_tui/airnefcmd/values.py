"""The value syntaxes of airnef's options, checked as airnef checked them and put in our form.

Each checker is an argparse `type`: it returns the value normalised (as airnef normalised it: choice
values and `<NOEXT>`/`<ROOT>` are case-insensitive) or raises `argparse.ArgumentTypeError`, which
argparse turns into a one-line error naming the option. Dates and rename specs are not checked
here: they pass through unchanged and the engine checks them, so that one place decides what a date
or a spec means.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

from airnef_tui.camera.address import AUTO, format_address, split_address

NOEXT = "<NOEXT>"
ROOT = "<ROOT>"
EXEC_OPTIONS = ("wait", "exitonfailcode", "delay", "ignorelauncherror", "notildereplacement")
CLOCK_SYNC_WORDS = {"disablesync": "never", "alwayssync": "always"}

_HEX64 = re.compile(r"(?:0x)?([0-9a-f]{1,16})")
_MAC = re.compile(r"[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5}")


def integer(minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    """A decimal integer (as airnef's `type=int`) within bounds airnef left unchecked."""

    def check(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid integer {text!r}") from None
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum of {minimum}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{value} is above the maximum of {maximum}")
        return value

    check.__name__ = "integer"
    return check


def any_radix_integer(text: str) -> int:
    """airnef read some hidden options with `int(text, 0)`: `0x10`, `0o20` and `16` alike."""
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer {text!r}") from None


def extension(text: str) -> str:
    """An extension as given (we match case-insensitively); airnef's `<NOEXT>` in any case."""
    return NOEXT if text.upper() == NOEXT else text


def folder(text: str) -> str:
    """A camera folder name as given; airnef's `<ROOT>` (the card's top level) in any case."""
    return ROOT if text.upper() == ROOT else text


def exec_option(text: str) -> str:
    lowered = text.lower()
    if lowered not in EXEC_OPTIONS:
        raise argparse.ArgumentTypeError(
            f"unknown option {text!r} (choose from {', '.join(EXEC_OPTIONS)})")
    return lowered


def clock_sync(text: str) -> str:
    """airnef's `N` (seconds of drift tolerated), `disablesync` or `alwayssync`, in our words."""
    lowered = text.lower()
    if lowered in CLOCK_SYNC_WORDS:
        return CLOCK_SYNC_WORDS[lowered]
    return str(integer(minimum=0)(text))


def guid(text: str) -> str:
    """airnef's GUID forms in the two our `--guid` takes: `0xHIGH-0xLOW` and a Sony MAC.

    airnef also took one hex number alone as the low 64 bits (high half zero) and hex halves
    without `0x`; both are written out in full here.
    """
    lowered = text.strip().lower()
    if _MAC.fullmatch(lowered):
        return lowered
    halves = lowered.split("-")
    matches = [_HEX64.fullmatch(half) for half in halves]
    if len(halves) > 2 or not all(matches):
        raise argparse.ArgumentTypeError(
            f"bad GUID {text!r} (expected 0xHIGH-0xLOW, one hex number, or aa:bb:cc:dd:ee:ff)")
    numbers = [int(match.group(1), 16) for match in matches if match]
    high, low = numbers if len(numbers) == 2 else (0, numbers[0])
    return f"0x{high:016x}-0x{low:016x}"


def port(text: str) -> int:
    return integer(minimum=1, maximum=65535)(text)


def camera_host(address: str, extra_port: int | None) -> str:
    """airnef's `--ipaddress` (optionally `HOST:PORT` or `[IPv6]:PORT`) plus our `--port`, as the
    `HOST[:PORT]` our commands take. Raises ValueError with a one-line message."""
    host, own_port = split_address(address)
    if own_port is not None and extra_port is not None and own_port != extra_port:
        raise ValueError(f"--port {extra_port} contradicts the port in --ipaddress {address}")
    chosen = own_port if own_port is not None else extra_port
    if host.lower() == AUTO:
        if chosen is not None:
            raise ValueError("a port cannot be given with --ipaddress auto")
        return AUTO
    shown = f"[{host}]" if ":" in host else host
    return shown if chosen is None else format_address(host, chosen)
