"""`airnef-tui` without a subcommand: the discovery screen, a camera's files, or the demo.

Textual is imported only after the environment is settled (its frame rate is read at import), and
only here and below, so the headless commands never pay for it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from airnef_tui.camera.address import parse_address
from airnef_tui.discovery.scope import scope_from
from airnef_tui.exitcodes import ExitCode

FRAMES_PER_SECOND = "30"  # textual's 60 doubles the bytes sent over SSH for nothing a person sees


def _fail(message: str) -> int:
    print(f"airnef-tui: {message}", file=sys.stderr)
    return ExitCode.BAD_ARGUMENTS


def run_tui(args: argparse.Namespace) -> int:
    demo: bool = bool(getattr(args, "demo", False))
    camera: str | None = getattr(args, "camera", None)
    output: str | None = getattr(args, "tui_output", None)
    if demo and camera:
        return _fail("choose either --demo or --camera, not both")
    try:
        address = parse_address(camera) if camera else None
        scope = scope_from(getattr(args, "tui_interfaces", None))
    except ValueError as error:
        return _fail(str(error))
    output_dir = Path(output).expanduser().absolute() if output else None
    if output_dir is not None and output_dir.exists() and not output_dir.is_dir():
        return _fail(f"-o {output}: not a folder")
    os.environ.setdefault("TEXTUAL_FPS", FRAMES_PER_SECOND)

    from airnef_tui.app.camera_access import CameraAccess
    from airnef_tui.tui.app import AirnefApp

    if demo:
        return _run_demo(output_dir)
    if address is not None:
        access = CameraAccess(address)
        return _run(AirnefApp(access, output_dir or Path.cwd()))
    return _run(AirnefApp(None, output_dir or Path.cwd(), scope=scope))


def _run_demo(output_dir: Path | None) -> int:
    """The demo camera advertises itself on loopback and discovery looks only there, so the
    first screen shows it within a second, as a real camera would appear."""
    from airnef_tui.discovery.scope import Scope
    from airnef_tui.tui.app import AirnefApp
    from airnef_tui.tui.demo import DEMO_NOTE, DemoCamera

    with DemoCamera(output_dir=output_dir) as simulated:
        assert simulated.output_dir is not None
        sighting = simulated.sighting
        app = AirnefApp(None, simulated.output_dir, scope=Scope(("127.0.0.1",)),
                        seeds=[sighting], notes={sighting.key: DEMO_NOTE})
        code = _run(app)
    _mention_demo_downloads(simulated.output_dir, kept=output_dir is not None)
    return code


def _run(app) -> int:
    """Run the app; afterwards stop any download and close the camera session."""
    try:
        app.run()
    finally:
        if app.access is not None:
            app.access.shutdown()
    return app.return_code or ExitCode.OK


def _mention_demo_downloads(output_dir: Path, *, kept: bool) -> None:
    if any(output_dir.iterdir()):
        print(f"airnef-tui demo: the downloaded photos are in {output_dir}")
    elif not kept:
        try:
            output_dir.rmdir()
        except OSError:
            pass
