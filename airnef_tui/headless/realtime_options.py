"""`get`'s options for watching the camera (`--realtime`, `--watch`, `--realtime-poll`)."""

from __future__ import annotations

import argparse

MODES = ("disabled", "afternormal", "only")
DEFAULT_POLL = 3.0


def poll_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0.05 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is outside 0.05 to 3600 seconds")
    return value


def add_realtime_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("realtime (new shots while the camera stays connected)")
    group.add_argument("--realtime", choices=MODES, default="disabled",
                       help="afternormal: after the download, stay connected and fetch new shots "
                            "as they are taken; only: fetch only shots taken from now on "
                            "(default disabled). Ctrl-C or SIGTERM stops, exit code 130")
    group.add_argument("--watch", dest="realtime", action="store_const", const="afternormal",
                       help="short for --realtime afternormal")
    group.add_argument("--realtime-poll", type=poll_seconds, default=DEFAULT_POLL,
                       metavar="SECONDS",
                       help="seconds between keep-alives and looks for cameras that announce "
                            f"nothing (default {DEFAULT_POLL:g})")
