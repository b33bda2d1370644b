"""`--log-level normal|verbose|debug` (and `-v`): how much `get` tells about what it does.

`verbose` is the line printer's per-file detail. `debug` adds, on stderr, every PTP operation and
response (`airnef_tui.camera.ptp`) and what the realtime watcher notices (`airnef_tui.app.*`),
through Python's `logging`, so a bug report can carry the whole conversation with the camera.
The handler exists only for the length of the run: `get` may run in-process (airnefcmd, tests),
and must leave logging as it found it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

LEVELS = ("normal", "verbose", "debug")
ROOT_LOGGER = "airnef_tui"
_FORMAT = "%(asctime)s.%(msecs)03d %(name)s: %(message)s"


def add_log_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("logging")
    group.add_argument("--log-level", choices=LEVELS, default="normal",
                       help="normal (default); verbose: a line as each file starts; debug: also "
                            "every PTP operation and response, on stderr")
    group.add_argument("-v", "--verbose", action="store_true",
                       help="the same as --log-level verbose")


def chosen_level(args: argparse.Namespace) -> str:
    """The level asked for; `-v` raises `normal` to `verbose` and never lowers `debug`."""
    if args.verbose and args.log_level == "normal":
        return "verbose"
    return args.log_level


@contextmanager
def debug_logging(enabled: bool, stream: TextIO | None = None) -> Iterator[None]:
    """While inside, DEBUG records of `airnef_tui.*` go to `stream` (stderr by default)."""
    if not enabled:
        yield
        return
    logger = logging.getLogger(ROOT_LOGGER)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT, "%H:%M:%S"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
