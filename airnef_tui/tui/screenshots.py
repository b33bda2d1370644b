"""Make the README's screenshots: `python -m airnef_tui.tui.screenshots [OUTPUT_DIR]`.

Why a script: pictures taken by hand go stale with the first change to a screen. This drives the
real app against the demo's simulated camera, as a person would with the keyboard, at 80×24 (the
smallest terminal the UI promises to keep legible) and 120×40: the discovery screen once mDNS has
found the camera; the browser after a first small download (so it shows ✓ marks) with more files
picked, a preset chosen and a name spec pasted (at 80 columns also with the rename panel, `p`);
the help screen (`?`); and a download caught half-way. Files are named `SCREEN-WxH.svg` (default
folder: the checkout's `screenshots/`). Everything happens on 127.0.0.1, in temporary folders;
the camera listens on PTP/IP's port 15740 when it is free, as a real camera does.

The steps are public because the snapshot tests (tests/tui/test_tui_snapshots.py) replay them,
so the pictures in the README and the screens under test are the same screens.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import OptionList, ProgressBar, Static

from airnef_tui.config import TuiSettings
from airnef_tui.discovery.scope import Scope
from airnef_tui.ptpip import DEFAULT_PORT
from airnef_tui.tui.app import AirnefApp
from airnef_tui.tui.demo import DEMO_FILES, DEMO_NOTE, DEMO_RATE, HOME_VARIABLE, DemoCamera
from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.screens.discovery import DiscoveryScreen
from airnef_tui.tui.screens.help import HelpScreen
from airnef_tui.tui.screens.transfer import TransferScreen
from airnef_tui.tui.widgets.file_list import FileList
from airnef_tui.tui.widgets.preview_pane import PreviewPane
from airnef_tui.tui.widgets.spec_field import SpecField
from airnef_tui.tui.widgets.thumbnail import HALF_BLOCK, ThumbnailPane

SIZES = ((80, 24), (120, 40))
NAME_SPEC = "@capturedate@-@capturetime@-@filename@"
PRESET = "date-folders"  # @capturedate_y@/@capturedate_iso@
FIRST_DOWNLOAD = 3  # files downloaded first, so that the browser shows ✓ marks
PICKED = 9  # files then picked for the rename preview and the download
DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "screenshots"
LOOPBACK = "127.0.0.1"


def shot_name(screen: str, size: tuple[int, int]) -> str:
    return f"{screen}-{size[0]}x{size[1]}.svg"


def demo_camera(*, files: int = DEMO_FILES, rate: float | None = DEMO_RATE,
                port: int = DEFAULT_PORT) -> DemoCamera:
    """The demo's camera, not started, without new shots (a card that stays as it is), on
    `port`: PTP/IP's own port by default, where a real camera listens, so the screens show
    `127.0.0.1` as they would a camera's address, with no port that changes every run."""
    return DemoCamera(files=files, rate=rate, shoot_every=None, port=port)


def port_if_free(port: int) -> int:
    """`port` if nothing listens on it on loopback, else 0 (any free port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return 0
    return port


def demo_app(demo: DemoCamera, output_dir: Path) -> AirnefApp:
    """The app as `airnef-tui --demo` opens it: on discovery, looking on loopback only, with
    the demo's camera already listed; with the thumbnail, as a local terminal shows it, even
    when this runs over SSH (where it starts hidden)."""
    sighting = demo.sighting
    return AirnefApp(None, output_dir, scope=Scope((LOOPBACK,)), seeds=[sighting],
                     notes={sighting.key: DEMO_NOTE}, settings=TuiSettings(thumbnails=True))


async def until(pilot: Pilot, condition: Callable[[], object], what: str,
                timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"screenshots: gave up waiting for {what}")
        await pilot.pause(0.02)


# -- the steps: each leaves the screen in a state that no longer changes on its own ---------------

async def found_over_mdns(pilot: Pilot) -> None:
    """The discovery screen once mDNS has found the demo camera too (the app's first seed)."""
    app = pilot.app
    assert isinstance(app, AirnefApp) and app.seeds, "an app made by demo_app()"
    key = app.seeds[0].key

    def found() -> bool:
        return "mdns" in _demo_sources(app, key)

    await until(pilot, found, "the demo camera to be found over mDNS")
    await pilot.pause()


async def open_camera(pilot: Pilot) -> BrowserScreen:
    """Enter on the demo camera (listed from the start; the cursor put on it, whatever else
    this machine advertises), and wait for its card's files."""
    app = pilot.app
    assert isinstance(app, AirnefApp) and app.seeds, "an app made by demo_app()"
    key = app.seeds[0].key
    await until(pilot, lambda: _demo_sources(app, key), "the demo camera in the list")
    screen = app.screen
    assert isinstance(screen, DiscoveryScreen)
    screen.query_one("#cameras", OptionList).highlighted = [
        sighting.key for sighting in screen.shown].index(key)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, BrowserScreen)
                and app.screen.catalogue is not None, "the card to be listed")
    assert isinstance(app.screen, BrowserScreen)
    return app.screen


def _demo_sources(app: AirnefApp, key: tuple[str, int]) -> frozenset[str]:
    """How the discovery screen says it found the camera at `key` (empty: not listed)."""
    screen = app.screen
    shown = screen.shown if isinstance(screen, DiscoveryScreen) else []
    return next((sighting.sources for sighting in shown if sighting.key == key), frozenset())


async def prepare_browser(pilot: Pilot) -> BrowserScreen:
    """From the discovery screen: a first small download (✓ marks), then more files picked,
    renamed into dated folders, the cursor in the list and the thumbnail drawn."""
    app = pilot.app
    browser = await open_camera(pilot)
    files = browser.query_one(FileList)
    await burst(pilot, *["space", "down"] * FIRST_DOWNLOAD, "d")
    await until(pilot, lambda: isinstance(app.screen, TransferScreen)
                and not app.screen.running, "the first download")
    await pilot.press("enter")
    await until(pilot, lambda: app.screen is browser and not files.selected
                and f"{FIRST_DOWNLOAD} ✓" in _text(browser.query_one("#camera-line", Static)),
                "the ✓ marks")
    await burst(pilot, *["space", "down"] * PICKED)
    pane = browser.query_one(PreviewPane)
    pane.apply_preset(PRESET)  # fills the folder spec
    spec = pane.query_one("#name-spec", SpecField).input
    spec.focus()
    spec.post_message(events.Paste(NAME_SPEC))  # pasted, as a spec from a note would be
    await pilot.pause()
    pane.apply_now()
    files.focus()  # the footer then lists the browser's keys
    await until(pilot, lambda: f"{PICKED} to download" in _text(
        pane.query_one("#preview-status", Static)) and NAME_SPEC in spec.value,
        "the rename preview")
    await thumbnail_drawn(pilot, browser)
    return browser


async def thumbnail_drawn(pilot: Pilot, browser: BrowserScreen) -> None:
    """Where the terminal is wide enough for it, the highlighted file's picture is drawn (it
    is fetched in a worker once the cursor rests)."""
    pane = browser.query_one(ThumbnailPane)

    def drawn() -> bool:
        return not pane.display or (pane.file is not None and pane.showing is pane.file
                                    and any(HALF_BLOCK in line for line in pane.lines()))

    await until(pilot, drawn, "the thumbnail")
    await pilot.pause()


async def show_rename_panel(pilot: Pilot) -> None:
    """`p`: on a narrow terminal the rename pane takes the list's place."""
    await pilot.press("p")
    await until(pilot, lambda: pilot.app.screen.has_class("-pane-only"), "the rename panel")
    await pilot.pause()


async def show_help(pilot: Pilot) -> None:
    await pilot.press("question_mark")
    await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help screen")
    await pilot.pause()


async def download_picked(pilot: Pilot, *, halfway: bool) -> TransferScreen:
    """`d` in the browser; wait until the download is `halfway` (or over), else until it ends
    (its summary then stays as it is)."""
    app = pilot.app
    await pilot.press("d")

    def reached() -> bool:
        screen = app.screen
        if not isinstance(screen, TransferScreen):
            return False
        done = screen.query_one("#overall", ProgressBar).percentage
        return not screen.running or (halfway and done is not None and done >= 0.4)

    await until(pilot, reached, "the download")
    await pilot.pause()
    assert isinstance(app.screen, TransferScreen)
    return app.screen


async def burst(pilot: Pilot, *keys: str) -> None:
    """Every key at once, as one read from the terminal brings them over SSH (the browser acts
    on each as if it came alone); far quicker than a pause after each key."""
    for key in keys:
        pilot.app.post_message(events.Key(key, " " if key == "space" else None))
    await pilot.pause()


def _text(widget: Static) -> str:
    content = widget.content
    return getattr(content, "plain", str(content))


# -- the script -----------------------------------------------------------------------------------

async def take_screenshots(folder: Path, *, sizes: tuple[tuple[int, int], ...] = SIZES,
                           files: int = DEMO_FILES,
                           rate: float | None = DEMO_RATE) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with demo_camera(files=files, rate=rate, port=port_if_free(DEFAULT_PORT)) as demo:
        if demo.output_dir is not None:
            shutil.rmtree(demo.output_dir, ignore_errors=True)  # each size gets its own
        for size in sizes:
            with _fresh_home(), _demo_folder() as output_dir:
                written += await _screens_at(demo, output_dir, size, folder)
    return written


async def _screens_at(demo: DemoCamera, output_dir: Path, size: tuple[int, int],
                      folder: Path) -> list[Path]:
    """Every screen at one terminal size, in one session, as a person would go through them."""
    app = demo_app(demo, output_dir)
    written: list[Path] = []

    def save(screen: str) -> None:
        written.append(folder / shot_name(screen, size))
        app.save_screenshot(str(written[-1]))

    try:
        async with app.run_test(size=size) as pilot:
            await found_over_mdns(pilot)
            save("discovery")
            browser = await prepare_browser(pilot)
            save("browser")
            if browser.narrow:
                await show_rename_panel(pilot)
                save("browser-rename")
                await pilot.press("escape")  # back to the list
            await show_help(pilot)
            save("help")
            await pilot.press("question_mark")
            await until(pilot, lambda: app.screen is browser, "the help to close")
            transfer = await download_picked(pilot, halfway=True)
            save("transfer")
            await pilot.press("c")
            await until(pilot, lambda: not transfer.running, "the download to stop")
    finally:
        if app.access is not None:
            app.access.shutdown()
    return written


@contextlib.contextmanager
def _fresh_home() -> Iterator[None]:
    """A history of its own for each size: the same first download gives the same ✓ marks."""
    saved = os.environ.get(HOME_VARIABLE)
    with tempfile.TemporaryDirectory(prefix="airnef-screenshots-home-") as home:
        os.environ[HOME_VARIABLE] = home  # never the user's own history
        try:
            yield
        finally:
            if saved is None:
                os.environ.pop(HOME_VARIABLE, None)
            else:
                os.environ[HOME_VARIABLE] = saved


@contextlib.contextmanager
def _demo_folder() -> Iterator[Path]:
    """A download folder as the demo makes one (its name is on screen)."""
    folder = Path(tempfile.mkdtemp(prefix="airnef-demo-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT_FOLDER
    for path in asyncio.run(take_screenshots(folder)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
