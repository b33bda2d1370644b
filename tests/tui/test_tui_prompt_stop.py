"""Cancel and quit in the TUI are as prompt as Ctrl-C on the command line, even while the camera
dribbles a byte every few seconds (each read gets its byte in time, so no timeout helps)."""

from __future__ import annotations

import time

from airnef_tui.tui.messages import TransferOutcome
from airnef_tui.tui.screens.transfer import TransferScreen
from tui_pilot import SIZE, browser_with_files, finished_transfer, wait_until

PROMPT = 2.0


def dribbling_camera(start_camera):
    return start_camera(files=2, drip_after_bytes=100_000, drip_interval=0.5)


async def start_the_download(pilot, sim) -> None:
    await browser_with_files(pilot)
    await pilot.press("a", "d")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TransferScreen)
                     and sim.faults.fired, "the camera to start dribbling")
    await pilot.pause(0.6)  # a byte or two has dribbled in


async def test_cancel_stops_a_dribbling_download_at_once(start_camera, make_app, output_dir):
    sim = dribbling_camera(start_camera)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await start_the_download(pilot, sim)
        pressed = time.monotonic()
        await pilot.press("c")
        transfer = await finished_transfer(pilot, timeout=10)
        took = time.monotonic() - pressed
        assert transfer.ended.outcome is TransferOutcome.CANCELLED
    assert took < PROMPT, f"the cancel took {took:.2f} s"
    assert list(output_dir.rglob("*.part"))  # kept for the next run


async def test_quit_while_the_camera_dribbles_closes_the_app_at_once(start_camera, make_app):
    sim = dribbling_camera(start_camera)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await start_the_download(pilot, sim)
        pressed = time.monotonic()
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running, "the app to close", timeout=10)
    access = app.access
    access.shutdown()  # what launch does after the app returns: the worker lets go at once
    took = time.monotonic() - pressed
    assert took < PROMPT, f"quitting took {took:.2f} s"
