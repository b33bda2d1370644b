"""Snapshot tests: every screen at 80×24 and 120×40, compared with the SVGs in `__snapshots__/`.

The screens are reached by the same steps as the README's screenshots (airnef_tui.tui.screenshots),
by the real app against the demo's simulated camera on 127.0.0.1. After a change that is meant to
show, look at the report pytest writes (snapshot_report.html) and accept the new pictures with
`pytest tests/tui/test_tui_snapshots.py --snapshot-update`.

Why the pictures are the same on every run and machine:
- the camera listens on PTP/IP's port (15740), as a real one does, so no random port is shown;
- the download folder, named on the rename pane and the transfer screen, is one fixed path, held
  under a lock for the module (another run on the machine waits) and emptied for each test;
- each test has a history of its own (tests/conftest.py), so ✓ marks come from its own first
  download only; the card's capture times are fixed and no spec uses the download time;
- the download engine is given a clock that stands still (its own `clock` parameter): rates,
  durations and time left are what a run shows, and they differ on every run;
- each step waits for the state it shows (mDNS found, the listing, the preview, the thumbnail
  drawn, the run ended), after which nothing changes on its own: the UI has no clock or spinner.
The discovery screen lists every camera advertised over mDNS on loopback: a demo or simulator
running elsewhere on the same machine adds a row, and that test is then skipped, not failed.
"""

from __future__ import annotations

import fcntl
import functools
import shutil
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from airnef_tui.app import download
from airnef_tui.ptpip import DEFAULT_PORT
from airnef_tui.transfer.engine import Engine
from airnef_tui.tui.demo import DemoCamera
from airnef_tui.tui.screens.discovery import DiscoveryScreen
from airnef_tui.tui.screenshots import (
    SIZES, demo_app, demo_camera, download_picked, found_over_mdns, open_camera, port_if_free,
    prepare_browser, show_help, show_rename_panel,
)

FOLDER = Path("/tmp/airnef-tui-snapshots")  # shown on screen: the same path everywhere
LOCK = Path("/tmp/airnef-tui-snapshots.lock")
NARROW = SIZES[0]
BY_SIZE = pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])

Step = Callable[[Pilot], Awaitable[object]]


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoCamera]:
    """One demo camera for the module (a card that never changes, unthrottled), and the fixed
    download folder to itself."""
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if port_if_free(DEFAULT_PORT) != DEFAULT_PORT:
            pytest.fail(f"127.0.0.1:{DEFAULT_PORT} is taken (an airnef-sim running?): the "
                        "snapshots show the camera at PTP/IP's own port")
        with demo_camera(rate=None) as camera:
            if camera.output_dir is not None:
                shutil.rmtree(camera.output_dir, ignore_errors=True)  # FOLDER is used instead
            yield camera
        shutil.rmtree(FOLDER, ignore_errors=True)


@pytest.fixture
def shoot(demo, snap_compare, monkeypatch) -> Callable[..., bool]:
    """shoot(size, *steps): the app from its first screen, taken through `steps`, compared with
    this test's snapshot."""
    monkeypatch.setattr(download, "Engine", functools.partial(Engine, clock=lambda: 0.0))

    def shoot(size: tuple[int, int], *steps: Step) -> bool:
        shutil.rmtree(FOLDER, ignore_errors=True)
        app = demo_app(demo, FOLDER)

        async def run_before(pilot: Pilot) -> None:
            for step in steps:
                await step(pilot)

        try:
            return snap_compare(app, terminal_size=size, run_before=run_before)
        finally:
            if app.access is not None:
                app.access.shutdown()

    return shoot


@BY_SIZE
def test_discovery_lists_the_demo_camera_found_over_mdns(shoot, size):
    shown: list[DiscoveryScreen] = []

    async def found(pilot: Pilot) -> None:
        await found_over_mdns(pilot)
        assert isinstance(pilot.app.screen, DiscoveryScreen)
        shown.append(pilot.app.screen)

    matched = shoot(size, found)
    screen = shown[0]  # its list as last shown: a camera may turn up after the mDNS wait
    others = [s.target for s in screen.shown if s.key != screen.seeds[0].key]
    if not matched and others:
        pytest.skip(f"other cameras are advertised on this machine: {', '.join(others)}")
    assert matched


@BY_SIZE
def test_browser_after_a_first_download_with_files_picked_and_renamed(shoot, size):
    assert shoot(size, prepare_browser)


def test_browser_with_the_rename_panel_on_a_narrow_terminal(shoot):
    assert shoot(NARROW, prepare_browser, show_rename_panel)


@BY_SIZE
def test_help_lists_the_browsers_keys_first(shoot, size):
    assert shoot(size, open_camera, show_help)


@BY_SIZE
def test_transfer_of_the_picked_files_once_done(shoot, size):
    assert shoot(size, prepare_browser, functools.partial(download_picked, halfway=False))
