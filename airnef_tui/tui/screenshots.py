"""Make the README's screenshots: `python -m airnef_tui.tui.screenshots [OUTPUT_DIR]`.

Drives the real app against the demo's simulated camera, as a person would with the keyboard:
download a few files (so the browser shows ✓ marks), pick more, choose a preset and type a name
spec, then start a download and capture it half-way. Writes `browser.svg` and `transfer.svg` (default: the
checkout's `screenshots/` folder). Everything happens on 127.0.0.1 in temporary folders.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import ProgressBar

from airnef_tui.tui.app import AirnefApp
from airnef_tui.discovery.scope import Scope
from airnef_tui.tui.demo import DEMO_NOTE, DemoCamera
from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.screens.discovery import DiscoveryScreen
from airnef_tui.tui.screens.transfer import TransferScreen
from airnef_tui.tui.widgets.preview_pane import PreviewPane
from airnef_tui.tui.widgets.spec_field import SpecField

SIZE = (120, 36)
NAME_SPEC = "@capturedate@-@capturetime@-@filename@"
PRESET = "date-folders"  # @capturedate_y@/@capturedate_iso@
DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "screenshots"


async def _until(pilot: Pilot, condition: Callable[[], bool], what: str,
                 timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"screenshots: gave up waiting for {what}")
        await pilot.pause(0.05)


async def take_screenshots(folder: Path, *, files: int = 40,
                           rate: float | None = 8 * 1024 * 1024) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    with DemoCamera(files=files, rate=rate, shoot_every=None) as demo:
        assert demo.output_dir is not None
        sighting = demo.sighting
        app = AirnefApp(None, demo.output_dir, scope=Scope(("127.0.0.1",)), seeds=[sighting],
                        notes={sighting.key: DEMO_NOTE})
        try:
            async with app.run_test(size=SIZE) as pilot:
                written = [await _discovery(app, pilot, folder)]
                written += await _drive(app, pilot, folder)
        finally:
            if app.access is not None:
                app.access.shutdown()
            shutil.rmtree(demo.output_dir, ignore_errors=True)
    return written


async def _discovery(app: AirnefApp, pilot: Pilot, folder: Path) -> Path:
    """The first screen once mDNS has found the demo camera too; then Enter opens it."""
    def listed() -> bool:
        screen = app.screen
        return isinstance(screen, DiscoveryScreen) and any(
            "mdns" in sighting.sources for sighting in screen.shown)

    await _until(pilot, listed, "the demo camera to be found over mDNS")
    await pilot.pause(0.2)
    discovery_svg = folder / "discovery.svg"
    app.save_screenshot(str(discovery_svg))
    await pilot.press("enter")
    return discovery_svg


async def _drive(app: AirnefApp, pilot: Pilot, folder: Path) -> list[Path]:
    def browser() -> BrowserScreen | None:
        return app.screen if isinstance(app.screen, BrowserScreen) else None

    await _until(pilot, lambda: browser() is not None and browser().catalogue is not None,
                 "the card to be listed")
    # A first, small download, so that the browser shows files already downloaded.
    await pilot.press("space", "down", "space", "down", "space", "d")
    await _until(pilot, lambda: isinstance(app.screen, TransferScreen)
                 and not app.screen.running, "the first download")
    await pilot.press("enter")
    await _until(pilot, lambda: browser() is not None
                 and not browser().query_one("#files").selected, "the ✓ marks")
    # Pick the next files and rename them into dated folders.
    await pilot.press("down", *["space", "down"] * 9)
    pane = app.screen.query_one(PreviewPane)
    pane.apply_preset(PRESET)  # fills the folder spec
    await pilot.pause()
    pane.query_one("#name-spec", SpecField).input.focus()
    await pilot.press(*NAME_SPEC)
    pane.apply_now()
    app.screen.query_one("#files").focus()  # the footer then lists the browser's keys
    await pilot.pause(0.2)
    browser_svg = folder / "browser.svg"
    app.save_screenshot(str(browser_svg))
    # Start the download and catch it half-way.
    await pilot.press("d")

    def halfway() -> bool:
        screen = app.screen
        if not isinstance(screen, TransferScreen):
            return False
        done = screen.query_one("#overall", ProgressBar).percentage
        return not screen.running or (done is not None and done >= 0.4)

    await _until(pilot, halfway, "the download to get half-way")
    transfer_svg = folder / "transfer.svg"
    app.save_screenshot(str(transfer_svg))
    await pilot.press("c")
    await _until(pilot, lambda: not app.screen.running, "the download to stop")
    return [browser_svg, transfer_svg]


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT_FOLDER
    with tempfile.TemporaryDirectory(prefix="airnef-screenshots-home-") as home:
        os.environ["AIRNEF_TUI_HOME"] = home  # never the user's own history
        for path in asyncio.run(take_screenshots(folder)):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
