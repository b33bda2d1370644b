"""`airnef-tui` without a subcommand: pick the camera (or the demo's), run the app, clean up.

Textual is imported only after the environment is settled (its frame rate is read at import), and
only here and below, so the headless commands never pay for it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from airnef_tui.exitcodes import ExitCode
from airnef_tui.camera.address import parse_address

FRAMES_PER_SECOND = "30"  # textual's 60 doubles the bytes sent over SSH for nothing a person sees


def run_tui(args: argparse.Namespace) -> int:
    demo: bool = bool(getattr(args, "demo", False))
    camera: str | None = getattr(args, "camera", None)
    if demo and camera:
        print("airnef-tui: choose either --demo or --camera, not both", file=sys.stderr)
        return ExitCode.BAD_ARGUMENTS
    address = None
    if camera:
        try:
            address = parse_address(camera)
        except ValueError as error:
            print(f"airnef-tui: {error}", file=sys.stderr)
            return ExitCode.BAD_ARGUMENTS
    os.environ.setdefault("TEXTUAL_FPS", FRAMES_PER_SECOND)

    from airnef_tui.tui.app import AirnefApp
    from airnef_tui.app.camera_access import CameraAccess
    from airnef_tui.tui.demo import DEMO_NOTE, DemoCamera

    if demo:
        with DemoCamera() as simulated:
            assert simulated.output_dir is not None
            access = CameraAccess(simulated.address)
            code = _run(AirnefApp(access, simulated.output_dir, note=DEMO_NOTE),
                        access)
        _mention_demo_downloads(simulated.output_dir)
        return code
    if address is not None:
        access = CameraAccess(address)
        return _run(AirnefApp(access, Path.cwd()), access)
    return _run(AirnefApp(), None)


def _run(app, access) -> int:
    """Run the app; afterwards stop any download and close the camera session."""
    try:
        app.run()
    finally:
        if access is not None:
            access.shutdown()
    return app.return_code or ExitCode.OK


def _mention_demo_downloads(output_dir: Path) -> None:
    if any(output_dir.iterdir()):
        print(f"airnef-tui demo: the downloaded photos are in {output_dir}")
    else:
        try:
            output_dir.rmdir()
        except OSError:
            pass
