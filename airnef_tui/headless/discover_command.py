"""`airnef-tui discover`: the cameras on the network, printed as they are found.

Every source runs at once (mDNS, SSDP, the hotspot sweep, the cameras connected before) for
`--timeout` seconds; each camera is printed when it is first seen and again when a source adds
something (its model, a confirmation), and when it leaves. Exit 0 when a camera was seen, 3 when
none was (with what to try on the camera), 130 on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import sys
import threading

from airnef_tui.discovery.advice import nothing_found_lines
from airnef_tui.discovery.scope import scope_from
from airnef_tui.discovery.search import Discovery, present
from airnef_tui.discovery.sighting import CameraSighting
from airnef_tui.exitcodes import ExitCode
from airnef_tui.headless.failures import fail
from airnef_tui.headless.interrupts import stop_on_signals
from airnef_tui.headless.json_lines import emit
from airnef_tui.headless.options import positive_float

DEFAULT_TIMEOUT = 10.0


def add_interface_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--interface", action="append", metavar="ADDR", default=[],
                        help="look only on the network of this machine's address ADDR "
                             "(repeatable; default: every interface, or "
                             "$AIRNEF_TUI_INTERFACES)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=positive_float, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"seconds to look (default {DEFAULT_TIMEOUT:g})")
    add_interface_option(parser)
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per line: {\"type\": \"camera\", \"address\", "
                             "\"port\", \"make\", \"model\", \"name\", \"sources\", "
                             "\"confirmed\"} (\"gone\" when one leaves)")


class _Printer:
    """Turns the merger's changes into lines; called from the sources' threads."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.lock = threading.Lock()
        self.found = 0

    def __call__(self, what: str, sighting: CameraSighting) -> None:
        with self.lock:
            if what == "seen" and present(sighting):
                self.found += 1
            if self.as_json:
                record = sighting.as_json()
                if what == "gone":
                    record["type"] = "gone"
                emit(record)
            else:
                print(f"{'gone:  ' if what == 'gone' else 'camera:'} {sighting.describe()}",
                      flush=True)


def run(args: argparse.Namespace) -> int:
    try:
        scope = scope_from(args.interface)
    except ValueError as exc:
        return fail(str(exc), ExitCode.BAD_ARGUMENTS)
    printer = _Printer(args.json)
    if not args.json:
        where = "every network" if scope.everywhere else ", ".join(scope.interfaces)
        print(f"looking for cameras on {where} for {args.timeout:g} s…", file=sys.stderr)
    with stop_on_signals(threading.Event()) as cancel:
        with Discovery(scope, listener=printer):
            if cancel.wait(args.timeout):
                return fail("interrupted", ExitCode.INTERRUPTED)
    if printer.found:
        return ExitCode.OK
    print("airnef-tui: no camera found. On the camera:", file=sys.stderr)
    for line in nothing_found_lines():
        print(f"  {line}", file=sys.stderr)
    return ExitCode.UNREACHABLE
