"""Watch mode on the transfer screen (`w`): after the picked files the session stays open and new
shots from the simulator's live card (`shoot_every`, `add_object`) appear as rows while they come
down, through the watcher `get --watch` uses; turning it off, cancelling and quitting stay
prompt."""

from __future__ import annotations

import time

from textual.widgets import RichLog

from airnef_tui.tui.messages import TransferOutcome
from airnef_tui.tui.screens.transfer import TransferScreen
from tui_pilot import SIZE, browser_with_files, finished_transfer, static_text, wait_until


def log_lines(screen: TransferScreen) -> list[str]:
    return [line.text for line in screen.query_one(RichLog).lines]


def downloaded_paths(screen: TransferScreen) -> list[str]:
    return [line.split()[1] for line in log_lines(screen) if line.startswith("✓ ")]


async def test_w_keeps_watching_after_the_picked_files_and_new_shots_appear_live(
        start_camera, make_app, output_dir):
    sim = start_camera(files=3, shoot_every=0.7)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        listed = {file.path for file in browser.catalogue.files}
        await pilot.press("space", "d", "w")  # w: on the transfer screen, before its run ends
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TransferScreen),
                         "the transfer screen")
        transfer = pilot.app.screen
        options = static_text(pilot, "#options")
        assert ("Watch new shots (w): after these files" in options
                or "Watch new shots (w): watching" in options), options

        def new_rows() -> list[str]:
            return [path for path in downloaded_paths(transfer) if path not in listed]

        await wait_until(pilot, lambda: len(new_rows()) >= 2, "two new shots, live", 15)
        assert transfer.running and transfer.watching  # rows arrived while it goes on watching
        assert "Watch new shots (w): watching" in static_text(pilot, "#options")
        assert downloaded_paths(transfer)[0] == browser.catalogue.files[0].path
        assert any(line.startswith("★ 1 file new on the camera") for line in log_lines(transfer))
        for path in new_rows()[:2]:
            shot = sim.card.find(path)
            assert (output_dir / shot.name).read_bytes() == shot.content()

        await pilot.press("w")  # off: ends once the shot in hand (if any) is done
        await finished_transfer(pilot)
        assert transfer.ended.outcome is TransferOutcome.COMPLETED
        tally = transfer.tally
        assert tally.new_shots >= 2 and tally.not_attempted == 0
        assert static_text(pilot, "#summary").startswith(
            f"Done watching: {tally.downloaded} downloaded, 0 failed, 0 skipped, 0 not attempted")
        assert static_text(pilot, "#transfer-title").startswith(
            f"Done watching: {tally.downloaded} of {tally.total} files ({tally.new_shots} new "
            "shot(s)) downloaded")
        assert static_text(pilot, "#overall-label").endswith("· watching ended")


async def test_w_after_the_end_watches_for_new_shots_only_and_c_stops_at_once(
        start_camera, make_app, output_dir):
    sim = start_camera(files=2)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a", "d")
        transfer = await finished_transfer(pilot)
        await pilot.press("w")
        await wait_until(pilot, lambda: transfer.watching, "watching to begin")
        assert static_text(pilot, "#transfer-title").startswith("Watching for new shots\n")
        assert static_text(pilot, "#overall-label").startswith("Watching for new shots ·")

        shot = sim.add_object("NEW_0001.JPG", b"\xff\xd8" + bytes(range(256)) * 40 + b"\xff\xd9")
        await wait_until(pilot, lambda: shot.camera_path in downloaded_paths(transfer),
                         "the new shot's row")
        assert (output_dir / "NEW_0001.JPG").read_bytes() == shot.content()
        await wait_until(pilot, lambda: "0 of" not in static_text(pilot, "#overall-label")
                         and static_text(pilot, "#overall-label").startswith(
                             "Watching for new shots · 1 new so far"), "idle again")

        started = time.monotonic()
        await pilot.press("c")
        await finished_transfer(pilot, timeout=2)
        assert time.monotonic() - started < 1.0
        assert transfer.ended.outcome is TransferOutcome.CANCELLED
        summary = static_text(pilot, "#summary")
        assert summary.startswith("Stopped watching: 1 downloaded, 0 failed, 0 skipped, "
                                  "0 not attempted")
        assert "partial file" not in summary  # nothing was in flight
        assert sorted(p.name for p in output_dir.iterdir()) == sorted(
            [f.name for f in sim.card.files()])


async def test_w_on_and_off_again_before_the_end_does_not_watch(start_camera, make_app):
    sim = start_camera(files=2, rate=2_000_000)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a", "d", "w", "w")
        transfer = await finished_transfer(pilot)
        assert not any(line.startswith("Watching") for line in log_lines(transfer))
        assert static_text(pilot, "#summary").startswith("Done: 2 downloaded")
        assert "Watch new shots (w): off" in static_text(pilot, "#options")


async def test_quitting_while_watching_is_prompt(start_camera, make_app):
    sim = start_camera(files=2)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a", "d", "w")
        await wait_until(pilot, lambda: isinstance(app.screen, TransferScreen)
                         and app.screen.watching, "watching")
        await pilot.press("ctrl+q")
    started = time.monotonic()
    app.access.shutdown()  # waits for the watcher to let go of the session
    assert time.monotonic() - started < 1.0
    assert app.return_code == 0
