"""The `airnef-tui` command: the TUI by default, subcommands for headless use.

Subcommand modules are imported only when chosen, and none of them imports textual, so `list` and
`get` from cron on a Raspberry Pi start fast. Every user error ends as one line on stderr and an
exit code from `exitcodes.py`, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from airnef_tui import __version__
from airnef_tui.exitcodes import ExitCode

Runner = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors mapped to our documented exit code for bad arguments."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(ExitCode.BAD_ARGUMENTS, f"{self.prog}: error: {message}\n")


def _add_simulate(sub: argparse._SubParsersAction) -> None:
    from airnef_tui.simulator import cli as simulator_cli

    parser = sub.add_parser(
        "simulate", help="run a simulated Wi-Fi camera (PTP/IP responder) on this machine",
        description="Serve a simulated camera over PTP/IP, for demos, tests and benchmarks.")
    simulator_cli.add_arguments(parser)
    parser.set_defaults(run=simulator_cli.run)


def _add_list(sub: argparse._SubParsersAction) -> None:
    from airnef_tui.headless import list_command

    parser = sub.add_parser(
        "list", help="list the camera's files and where `get` would put them",
        description="List the files on a camera's card(s), with the local target `get` would "
                    "write for each (a dry run of `get` with the same options).")
    list_command.add_arguments(parser)
    parser.set_defaults(run=list_command.run)


def _add_get(sub: argparse._SubParsersAction) -> None:
    from airnef_tui.headless import get_command

    parser = sub.add_parser(
        "get", help="download files from a camera",
        description="Download files from a camera into a folder: resumable, atomic, and "
                    "remembered so the next run skips what it already has.")
    get_command.add_arguments(parser)
    parser.set_defaults(run=get_command.run)


SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_list, _add_get, _add_simulate,
]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="airnef-tui",
        description="Download photos from Wi-Fi cameras over PTP/IP. "
                    "Without a subcommand, starts the terminal UI.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="start the UI connected to a built-in simulated camera")
    parser.add_argument("--camera", metavar="HOST[:PORT]",
                        help="start the UI straight on this camera's files")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Runner | None = getattr(args, "run", None)
    try:
        if run is not None:
            return int(run(args))
        from airnef_tui.tui.launch import run_tui

        return int(run_tui(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
