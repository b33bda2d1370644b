"""The browser's companions: the thumbnail of the file under the cursor, and what the camera
says while its session opens."""

from __future__ import annotations

import asyncio

from airnef_tui.tui.widgets.thumbnail import ThumbnailPane, shown_at_start
from tui_pilot import browser_with_files, wait_until

WIDE = (120, 40)


async def test_the_file_under_the_cursor_shows_its_thumbnail(start_camera, make_app):
    sim = start_camera(files=4)
    app = make_app(sim)
    async with app.run_test(size=WIDE) as pilot:
        browser = await browser_with_files(pilot)
        pane = browser.query_one(ThumbnailPane)
        await pilot.press("down")
        second = browser.catalogue.files[1]
        await wait_until(pilot, lambda: pane.showing == second
                         and any("▀" in line for line in pane.lines()),
                         "the second file's thumbnail")
        await pilot.press("ctrl+t")  # off: the list gets the room back
        await pilot.pause(0.1)
        assert not pane.display


async def test_over_ssh_the_thumbnail_waits_for_ctrl_t(start_camera, make_app, monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 50022 192.0.2.8 22")
    sim = start_camera(files=4)
    app = make_app(sim)
    async with app.run_test(size=WIDE) as pilot:
        browser = await browser_with_files(pilot)
        pane = browser.query_one(ThumbnailPane)
        await pilot.press("down")
        await pilot.pause(0.3)  # twice the pane's rest: it would have drawn by now
        assert not pane.display and pane.showing is None
        await pilot.press("ctrl+t")
        second = browser.catalogue.files[1]
        await wait_until(pilot, lambda: pane.showing == second
                         and any("▀" in line for line in pane.lines()),
                         "the thumbnail asked for")


def test_thumbnails_auto_means_not_over_ssh():
    over_ssh = {"SSH_TTY": "/dev/pts/3"}
    assert shown_at_start(None, {}) and not shown_at_start(None, over_ssh)
    assert shown_at_start(True, over_ssh) and not shown_at_start(False, {})


async def test_a_note_from_the_camera_is_shown(start_camera, make_app):
    sim = start_camera(files=2)
    app = make_app(sim)
    async with app.run_test(size=WIDE) as pilot:
        await browser_with_files(pilot)
        # as a session opening in a worker thread says it
        await asyncio.to_thread(app.access.options.note,
                                "Press OK on the camera to let this computer in")
        await wait_until(pilot, lambda: any("Press OK on the camera" in str(n.message)
                                            for n in app._notifications), "the note")
