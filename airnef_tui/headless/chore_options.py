"""`get`'s options for the camera itself (`--clock-sync`, `--camera-sleep-when-done`)."""

from __future__ import annotations

import argparse

from airnef_tui.app.camera_chores import ClockSync


def clock_sync(text: str) -> ClockSync:
    """argparse type for `--clock-sync SECONDS|never|always`."""
    word = text.strip().lower()
    if word in ("never", "always"):
        return ClockSync(word)
    try:
        seconds = float(word)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds, 'never' or 'always', not {text!r}") from None
    if not seconds >= 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"seconds must be 0 or more, not {text!r}")
    return ClockSync("beyond", seconds)


def add_chore_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the camera itself")
    group.add_argument("--clock-sync", type=clock_sync, default=ClockSync("never"),
                       metavar="SECONDS|never|always",
                       help="set the camera's clock to this computer's when it is off by more "
                            "than SECONDS, or always (default never)")
    group.add_argument("--camera-sleep-when-done", choices=("yes", "no"), default="no",
                       help="Sony: put the camera to sleep at the end (default no)")
