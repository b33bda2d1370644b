"""`airnef-tui pair canon`: be the computer a Canon looks for in "Connect to computer" mode.

PowerShot and IXUS bodies only open PTP/IP after finding a Windows-like computer over UPnP and
letting the user pick it. This answers the camera's search for as long as it runs (never in the
background), tells the user what to do on the camera, waits for the camera to fetch our
description and open its PTP/IP port, then connects once to check, and says how to download.
The UUID the camera remembers is stored and reused, so pairing is needed once per camera.
"""

from __future__ import annotations

import argparse
import sys
import threading

from airnef_tui.app.connect import camera_identity, open_session
from airnef_tui.camera.address import CameraAddress
from airnef_tui.camera.errors import CameraError, Interrupted
from airnef_tui.discovery.canon_pairing import (
    PairingCancelled, PairingError, PairingProgress, pair_canon,
)
from airnef_tui.discovery.scope import scope_from
from airnef_tui.exitcodes import ExitCode
from airnef_tui.headless.discover_command import add_interface_option
from airnef_tui.headless.failures import camera_failure, fail
from airnef_tui.headless.interrupts import stop_on_signals
from airnef_tui.headless.options import positive_float

DEFAULT_TIMEOUT = 180.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("make", choices=("canon",),
                        help="the camera's make (Canon PowerShot/IXUS 'Connect to computer')")
    parser.add_argument("--timeout", type=positive_float, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"seconds to wait for the camera (default {DEFAULT_TIMEOUT:g})")
    add_interface_option(parser)


def _say(progress: PairingProgress) -> None:
    print(progress.text, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    try:
        scope = scope_from(args.interface)
    except ValueError as exc:
        return fail(str(exc), ExitCode.BAD_ARGUMENTS)
    with stop_on_signals(threading.Event()) as cancel:
        try:
            address = pair_canon(args.timeout, progress=_say, cancel=cancel, scope=scope)
            session = open_session(CameraAddress(address), cancel=cancel)
        except (PairingCancelled, Interrupted, KeyboardInterrupt):
            return fail("interrupted", ExitCode.INTERRUPTED)
        except PairingError as exc:
            return fail(str(exc), ExitCode.UNREACHABLE)
        except CameraError as exc:
            return camera_failure(exc)
    try:
        print(f"paired with {camera_identity(session)} at {address}")
    finally:
        session.close()
    print(f"next: airnef-tui list {address}   or   airnef-tui get {address} -o DIR",
          file=sys.stderr)
    return ExitCode.OK
