"""The `airnef-tui` command: the TUI by default, subcommands for headless use.

Subcommand modules are imported only when chosen, and none of them imports textual, so `list` and
`get` from cron on a Raspberry Pi start fast. Every user error ends as one line on stderr and an
exit code from `exitcodes.py`, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from airnef_tui import __version__
from airnef_tui.exitcodes import ExitCode

Runner = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors mapped to our documented exit code for bad arguments."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(ExitCode.BAD_ARGUMENTS, f"{self.prog}: error: {message}\n")


@dataclass(frozen=True)
class Subcommand:
    """A subcommand whose module is imported only when it is the one being run."""

    name: str
    module: str  # provides add_arguments(parser) and run(args) -> int
    help: str
    description: str


SUBCOMMANDS = (
    Subcommand("list", "airnef_tui.headless.list_command",
               "list the camera's files and where `get` would put them",
               "List the files on a camera's card(s), with the local target `get` would write "
               "for each (a dry run of `get` with the same options)."),
    Subcommand("get", "airnef_tui.headless.get_command", "download files from a camera",
               "Download files from a camera into a folder: resumable, atomic, and remembered "
               "so the next run skips what it already has."),
    Subcommand("discover", "airnef_tui.headless.discover_command",
               "find cameras on the network (mDNS, SSDP, hotspot leases, seen before)",
               "Look for Wi-Fi cameras on the network and print each one as it is found: "
               "make, model, address and how it was found."),
    Subcommand("pair", "airnef_tui.headless.pair_command",
               "pair with a Canon in 'Connect to computer' mode (answers its UPnP search)",
               "Be the computer a Canon PowerShot/IXUS looks for in 'Connect to computer' mode: "
               "answer its search, wait for it to pick this computer, then check the "
               "connection. Needed once per camera."),
    Subcommand("simulate", "airnef_tui.simulator.cli",
               "run a simulated Wi-Fi camera (PTP/IP responder) on this machine",
               "Serve a simulated camera over PTP/IP, for demos, tests and benchmarks."),
)


def _chosen(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if any (the first word that is one)."""
    names = {sub.name for sub in SUBCOMMANDS}
    return next((word for word in argv if word in names), None)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the chosen subcommand's options are loaded (all of them when argv is
    None), which keeps `get` from cron from importing the simulator and the rest."""
    parser = _Parser(
        prog="airnef-tui",
        description="Download photos from Wi-Fi cameras over PTP/IP. "
                    "Without a subcommand, starts the terminal UI.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="start the UI connected to a built-in simulated camera")
    parser.add_argument("--demo-shoot-every", metavar="SECONDS", dest="demo_shoot_every",
                        help="with --demo: the simulated camera takes a new photo every "
                             "SECONDS, for watch mode (`w`) to download (default: 30; "
                             "0: never)")
    parser.add_argument("--camera", metavar="HOST[:PORT]",
                        help="start the UI straight on this camera's files (default: the "
                             "discovery screen, which finds cameras on the network)")
    parser.add_argument("-o", "--output", metavar="DIR", dest="tui_output",
                        help="the UI's download folder (default: the current folder; the "
                             "demo's: a new temporary folder)")
    parser.add_argument("--interface", action="append", metavar="ADDR", dest="tui_interfaces",
                        default=[],
                        help="the discovery screen looks only on the network of this "
                             "machine's address ADDR (repeatable)")
    parser.add_argument("--name", metavar="SPEC", dest="tui_name_spec",
                        help="the UI's file name spec to start with (default: config.toml's "
                             "[tui], else the camera's names)")
    parser.add_argument("--dir-spec", metavar="SPEC", dest="tui_dir_spec",
                        help="the UI's folder spec to start with (default: config.toml's "
                             "[tui], else none)")
    parser.add_argument("--preset", metavar="NAME", dest="tui_preset",
                        help="start the UI with this preset's specs (--name and --dir-spec "
                             "override one of them)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = None if argv is None else _chosen(argv)
    for spec in SUBCOMMANDS:
        sub_parser = sub.add_parser(spec.name, help=spec.help, description=spec.description)
        if argv is None or spec.name == chosen:
            module = importlib.import_module(spec.module)
            module.add_arguments(sub_parser)
            sub_parser.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
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
