"""How the headless commands end when something goes wrong: one line on stderr, one exit code.

Both `list` and `get` map camera errors the same way, so the mapping lives here once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from airnef_tui.app.listing import NoTransferList
from airnef_tui.camera.address import CameraAddress
from airnef_tui.camera.errors import CameraError, CameraRefused, Interrupted
from airnef_tui.discovery.advice import nothing_found_lines
from airnef_tui.discovery.search import NoCameraFound, SeveralCameras
from airnef_tui.exitcodes import ExitCode


def fail(message: str, code: ExitCode) -> int:
    print(f"airnef-tui: {message}", file=sys.stderr)
    return code


def address_or_exit_code(find: Callable[[], CameraAddress]) -> CameraAddress | int:
    """`find()` (the typed address, or for `auto` the camera discovery finds), or the exit code
    of why there is none, its one line already printed."""
    try:
        return find()
    except (NoCameraFound, SeveralCameras) as exc:
        return discovery_failure(exc)
    except Interrupted:
        return fail("interrupted", ExitCode.INTERRUPTED)


def discovery_failure(exc: NoCameraFound | SeveralCameras) -> int:
    """`auto` found several cameras (2: say which) or none (3, with what to try)."""
    if isinstance(exc, SeveralCameras):
        return fail(str(exc), ExitCode.BAD_ARGUMENTS)
    code = fail(f"{exc}. On the camera:", ExitCode.UNREACHABLE)
    for line in nothing_found_lines():
        print(f"  {line}", file=sys.stderr)
    return code


def camera_failure(exc: CameraError) -> int:
    """Refused: 4 (the user must act on the camera); no transfer list: 1; anything else about
    reaching or talking to the camera: 3."""
    if isinstance(exc, CameraRefused):
        return fail(str(exc), ExitCode.REFUSED)
    if isinstance(exc, NoTransferList):
        return fail(str(exc), ExitCode.SOME_FAILED)
    return fail(str(exc), ExitCode.UNREACHABLE)
