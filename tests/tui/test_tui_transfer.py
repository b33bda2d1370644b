"""Downloading from the browser: bytes on disk, the transfer screen's report (header, time left,
summary counts, the log's end, a reconnection countdown), cancel, download again, `b` back."""

from __future__ import annotations

from textual.widgets import Input, ProgressBar, RichLog

from airnef_tui.app.camera_access import CameraAccess
from airnef_tui.app.connect import ConnectionOptions
from airnef_tui.camera.address import CameraAddress
from airnef_tui.tui.app import AirnefApp
from airnef_tui.tui.messages import TransferOutcome, TransferStatus
from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.screens.transfer import TransferScreen, running_transfer
from tui_pilot import (
    SIZE, browser_with_files, file_list, finished_transfer, preview_pane, static_text,
    type_spec, wait_until,
)


def log_lines(screen: TransferScreen) -> list[str]:
    return [line.text for line in screen.query_one(RichLog).lines]


async def test_d_downloads_the_selection_byte_for_byte(start_camera, make_app, output_dir):
    sim = start_camera(files=6)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        chosen = [browser.catalogue.files[i] for i in (0, 1, 3)]
        await pilot.press("space", "down", "space", "down", "down", "space", "d")
        transfer = await finished_transfer(pilot)

        assert sorted(p.name for p in output_dir.iterdir()) == sorted(f.name for f in chosen)
        for file in chosen:
            assert (output_dir / file.name).read_bytes() == sim.card.find(file.path).content()
        summary = static_text(pilot, "#summary")
        assert summary.startswith("Done: 3 downloaded, 0 failed, 0 skipped, 0 not attempted; ")
        assert "Press Enter or Escape to go back" in summary
        lines = log_lines(transfer)
        assert [line.split()[1] for line in lines] == [f.path for f in chosen]
        assert all(line.startswith("✓ ") for line in lines)
        assert transfer.query_one("#overall", ProgressBar).percentage == 1.0
        assert transfer.ended.outcome is TransferOutcome.COMPLETED
        overall = static_text(pilot, "#overall-label")
        assert overall.startswith("Overall: 3.2 MB in ") and overall.endswith(" · finished")
        assert static_text(pilot, "#transfer-title").startswith("Done: 3 of 3 files downloaded\n")


async def test_a_renamed_download_lands_where_the_preview_said(start_camera, make_app,
                                                               output_dir):
    sim = start_camera(files=4)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("a")
        await type_spec(pilot, "name-spec", "@dlnum@-@filename@")
        await type_spec(pilot, "dir-spec", "@capturedate_iso@")
        promised = [str(output_dir / target) for target in preview_pane(pilot).model.targets]
        file_list(pilot).focus()
        await pilot.press("d")
        await finished_transfer(pilot)

        written = sorted(str(path) for path in output_dir.rglob("*") if path.is_file())
        assert written == sorted(promised)
        assert promised[0].endswith("/0001-" + browser.catalogue.files[0].name)


async def test_back_in_the_browser_downloaded_files_are_ticked_and_skipped_next_time(
        start_camera, make_app, output_dir):
    sim = start_camera(files=4)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("space", "down", "space", "d")
        await finished_transfer(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen)
                         and browser.catalogue.earlier[1] is not None, "the ✓ marks")
        rows = [file_list(pilot).row_text(i) for i in range(4)]
        assert [row[2:4] == "✓ " for row in rows] == [True, True, False, False]
        assert file_list(pilot).selected_indexes == []  # done files leave the selection
        assert "2 ✓ already downloaded" in static_text(pilot, "#camera-line")

        await pilot.press("a")
        await pilot.pause(0.3)
        assert static_text(pilot, "#preview-status") == \
            "2 to download, 2 already downloaded (skipped)"
        await pilot.press("d")
        transfer = await finished_transfer(pilot)
        lines = log_lines(transfer)
        assert sum(line.startswith("– ") and "already downloaded" in line
                   for line in lines) == 2
        assert static_text(pilot, "#summary").startswith(
            "Done: 2 downloaded, 0 failed, 2 skipped (already downloaded), 0 not attempted")
        assert len(list(output_dir.iterdir())) == 4


async def test_c_cancels_and_keeps_the_partial_file(start_camera, make_app, output_dir):
    sim = start_camera(files=4, rate=1_000_000)  # slow enough to cancel mid-file
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a", "d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TransferScreen)
                         and (pilot.app.screen.query_one("#overall", ProgressBar).percentage
                              or 0) > 0.1, "the download to be under way")
        await pilot.press("c")
        transfer = await finished_transfer(pilot)

        assert transfer.ended.outcome is TransferOutcome.CANCELLED
        summary = static_text(pilot, "#summary")
        assert summary.startswith("Cancelled: ")
        assert "The partial file is kept" in summary
        parts = list(output_dir.glob("*.part"))
        assert len(parts) == 1
        finished = [p for p in output_dir.iterdir() if p.suffix != ".part"]
        assert len(finished) < 4
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert isinstance(pilot.app.screen, BrowserScreen)


async def test_escape_cancels_a_running_transfer_and_a_second_run_resumes(
        start_camera, make_app, output_dir):
    sim = start_camera(files=2, rate=1_000_000)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        big = max(range(2), key=lambda i: browser.catalogue.files[i].size)
        for _ in range(big):
            await pilot.press("down")
        await pilot.press("space", "d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TransferScreen)
                         and (pilot.app.screen.query_one("#current", ProgressBar).percentage
                              or 0) > 0.2, "the file to be under way")
        await pilot.press("escape")
        await finished_transfer(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen),
                         "the browser")
        await pilot.press("d")  # the file is still selected: download it again
        transfer = await finished_transfer(pilot)

        file = browser.catalogue.files[big]
        assert (output_dir / file.name).read_bytes() == sim.card.find(file.path).content()
        assert "continuing at" in static_text(pilot, "#current-label")
        assert transfer.ended.outcome is TransferOutcome.COMPLETED


async def test_a_dropped_connection_is_shown_and_the_file_continues(start_camera, make_app,
                                                                   output_dir):
    sim = start_camera(files=2, drop_after_bytes=1_500_000)  # once, inside the second file
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("a", "d")
        transfer = await finished_transfer(pilot)

        lines = log_lines(transfer)
        assert any(line.startswith("↻ Connection lost") and "attempt 1 of 3" in line
                   for line in lines)
        assert static_text(pilot, "#summary").startswith("Done: 2 downloaded, 0 failed, 0 skipped")
        for file in browser.catalogue.files:
            assert (output_dir / file.name).read_bytes() == sim.card.find(file.path).content()


async def test_an_output_folder_that_cannot_be_made_stops_with_the_reason(
        start_camera, make_app, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    sim = start_camera(files=2)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        browser.query_one("#output", Input).value = str(blocker / "photos")
        await pilot.press("a", "d")
        transfer = await finished_transfer(pilot)

        assert transfer.ended.outcome is TransferOutcome.STOPPED
        summary = static_text(pilot, "#summary")
        assert summary.startswith("Stopped: 0 downloaded, 0 failed, 0 skipped, 2 not attempted")
        assert f"cannot create {blocker / 'photos'}" in summary
        assert static_text(pilot, "#overall-label") == "Overall: nothing fetched · stopped"
        assert static_text(pilot, "#transfer-title").startswith("Stopped: 0 of 2 files")


async def test_ctrl_q_during_a_download_quits_at_once(start_camera, make_app, output_dir):
    sim = start_camera(files=4, rate=500_000)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, TransferScreen)
                         and app.screen.query_one("#overall", ProgressBar).percentage,
                         "the download to start")
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    assert app.access.cancel.is_set()


# -- the screen's words after the run: header, time left, summary, the log's end -----------------

def title(pilot) -> str:
    return static_text(pilot, "#transfer-title")


async def test_after_a_cancel_the_header_and_overall_line_say_so_with_no_time_left(
        start_camera, make_app, output_dir):
    sim = start_camera(files=4, rate=1_500_000)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a", "d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TransferScreen)
                         and " left" in static_text(pilot, "#overall-label"),
                         "a time left on the overall line")
        assert title(pilot).startswith("Downloading 4 selected file(s), ")
        await pilot.press("c")
        transfer = await finished_transfer(pilot)

        overall = static_text(pilot, "#overall-label")
        assert " left" not in overall and overall.endswith("· cancelled"), overall
        assert title(pilot).startswith(f"Cancelled: {transfer.tally.downloaded} of 4 files "
                                       "downloaded\nfrom ")
        assert not transfer.query_one("#notice").display


async def test_the_summary_counts_skipped_downloaded_and_not_attempted_files(
        start_camera, make_app, output_dir):
    sim = start_camera(files=4, rate=1_500_000)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("space", "d")  # the first file, into the history
        await finished_transfer(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen)
                         and browser.catalogue.earlier[0] is not None, "the ✓ mark")
        await pilot.press("a", "d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TransferScreen)
                         and pilot.app.screen.tally.downloaded >= 1, "one new file landed")
        await pilot.press("c")
        transfer = await finished_transfer(pilot)

        tally = transfer.tally
        assert tally.skipped_history == 1 and tally.not_attempted >= 1
        assert tally.downloaded + tally.skipped + tally.failed + tally.not_attempted == 4
        assert static_text(pilot, "#summary").startswith(
            f"Cancelled: {tally.downloaded} downloaded, 0 failed, 1 skipped (already downloaded), "
            f"{tally.not_attempted} not attempted; ")


async def test_with_every_file_downloaded_before_nothing_claims_to_download_and_g_fetches_again(
        start_camera, make_app, output_dir):
    sim = start_camera(files=3)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("a", "d")
        await finished_transfer(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen)
                         and None not in browser.catalogue.earlier, "the ✓ marks")
        await pilot.press("a", "d")
        transfer = await finished_transfer(pilot)

        assert not title(pilot).startswith("Downloading")
        assert title(pilot).startswith("Nothing downloaded: the 3 files selected were all "
                                       "downloaded before")
        summary = static_text(pilot, "#summary")
        assert summary.startswith("Nothing downloaded: 0 downloaded, 0 failed, 3 skipped (already "
                                  "downloaded), 0 not attempted")
        assert "Press g to download the 3 files downloaded before again" in summary

        await pilot.press("g")  # if a file exists: unique name, the default
        await finished_transfer(pilot)
        assert transfer.tally.downloaded == 3
        assert len(list(output_dir.iterdir())) == 6  # the first copies are never overwritten
        assert static_text(pilot, "#summary").startswith("Done: 3 downloaded, 0 failed, 0 skipped")


async def test_e_chooses_skip_and_g_fetches_only_what_is_gone_from_the_folder(
        start_camera, make_app, output_dir):
    sim = start_camera(files=3)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("a", "d")
        await finished_transfer(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen)
                         and None not in browser.catalogue.earlier, "the ✓ marks")
        gone = browser.catalogue.files[1]
        (output_dir / gone.name).unlink()
        await pilot.press("a", "d")
        transfer = await finished_transfer(pilot)
        assert "If a file exists (e): keep both" in static_text(pilot, "#options")
        await pilot.press("e")
        assert "If a file exists (e): skip" in static_text(pilot, "#options")
        await pilot.press("g")
        await finished_transfer(pilot)

        assert transfer.tally.downloaded == 1 and transfer.tally.skipped_existing == 2
        assert static_text(pilot, "#summary").startswith(
            "Done: 1 downloaded, 0 failed, 2 skipped (already in the folder), 0 not attempted")
        assert (output_dir / gone.name).read_bytes() == sim.card.find(gone.path).content()
        assert len(list(output_dir.iterdir())) == 3


async def test_the_log_shows_its_newest_line_once_the_summary_appears(start_camera, make_app):
    sim = start_camera(files=30)
    async with make_app(sim).run_test(size=(80, 24)) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a", "d")
        transfer = await finished_transfer(pilot)
        await pilot.pause(0.2)
        log = transfer.query_one(RichLog)
        assert log.max_scroll_y > 0  # more lines than fit
        assert log.scroll_y == log.max_scroll_y
        assert log.lines[-1].text.startswith("✓ ")

        # Watching, then stopped a while after the last line: the summary box that appears then
        # shrinks the log under its newest lines, which must stay in view.
        await pilot.press("w")
        await wait_until(pilot, lambda: transfer.watching, "watching")
        await pilot.pause(0.3)
        await pilot.press("w")
        await finished_transfer(pilot)
        await pilot.pause(0.2)
        assert log.scroll_y == log.max_scroll_y
        assert log.lines[-1].text.startswith("Watching for new shots")


# -- a reconnection's countdown ------------------------------------------------------------------

async def test_a_reconnection_counts_down_to_its_next_attempt(start_camera, output_dir):
    sim = start_camera(files=2, drop_after_bytes=1_500_000)
    access = CameraAccess(CameraAddress(sim.host, sim.port), ConnectionOptions(retry_delay=2.5))
    seen: list[str] = []
    try:
        async with AirnefApp(access, output_dir).run_test(size=SIZE) as pilot:
            await browser_with_files(pilot)
            await pilot.press("a", "d")

            def notice() -> str:
                screen = pilot.app.screen
                if isinstance(screen, TransferScreen) and screen.query_one("#notice").display:
                    text = static_text(pilot, "#notice")
                    if not seen or seen[-1] != text:
                        seen.append(text)
                    return text
                return ""

            await wait_until(pilot, lambda: "reconnecting in 1 s" in notice(), "the count at 1")
            transfer = await finished_transfer(pilot)

            counts = [text for text in seen if "reconnecting in" in text]
            assert counts[0].startswith("↻ Connection lost (")
            assert [text.split("reconnecting in ")[1][:3] for text in counts] == \
                ["3 s", "2 s", "1 s"]
            assert "(attempt 1 of 3) · c cancels" in counts[0]
            lines = log_lines(transfer)
            assert "↻ Reconnected" in lines and lines[-1].startswith("✓ ")
            assert transfer.ended.outcome is TransferOutcome.COMPLETED
            assert not transfer.query_one("#notice").display
    finally:
        access.shutdown()


# -- b: back to the files while the download goes on ----------------------------------------------

async def test_b_goes_back_to_the_files_while_the_download_goes_on_and_reports_to_the_browser(
        start_camera, make_app, output_dir):
    sim = start_camera(files=3, rate=1_000_000)
    statuses: list[TransferStatus] = []

    def hook(message) -> None:
        if isinstance(message, TransferStatus):
            statuses.append(message)

    app = make_app(sim)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("a", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, TransferScreen)
                         and app.screen.query_one("#overall", ProgressBar).percentage,
                         "the download to start")
        transfer = app.screen
        await pilot.press("b")
        await pilot.pause(0.1)
        assert app.screen is browser and transfer.running
        assert app.is_screen_installed(transfer)
        assert running_transfer(app.access) is transfer

        await pilot.press("d", "r")  # another download, a re-read: the camera is taken
        await pilot.pause(0.1)
        assert app.screen is browser and transfer.running and not app.access.cancel.is_set()
        refusals = [str(n.message) for n in app._notifications
                    if "busy with the download behind the files" in str(n.message)]
        assert len(refusals) == 2
        await wait_until(pilot, lambda: static_text(pilot, "#transfer-status").startswith(
            "Download: "), "the running download on the browser's status line")
        await pilot.press("T")  # shows it again
        await wait_until(pilot, lambda: app.screen is transfer, "the transfer screen again")
        await pilot.press("b")
        await pilot.pause(0.1)
        assert app.screen is browser

        await wait_until(pilot, lambda: not transfer.running, "the download to end behind")

        assert statuses[0].running and statuses[0].text.startswith("Download: ")
        assert all(isinstance(s.screen, TransferScreen) for s in statuses)
        last = statuses[-1]
        assert (last.running, last.downloaded, last.outcome) == (False, 3,
                                                                 TransferOutcome.COMPLETED)
        assert last.text.startswith("Download done: 3 downloaded, 0 failed, 0 skipped")
        assert len(list(output_dir.iterdir())) == 3
        assert any("Download done" in n.message for n in app._notifications)

        app.push_screen(transfer)  # what the browser does to show it again
        await pilot.pause(0.1)
        assert static_text(pilot, "#summary").startswith("Done: 3 downloaded")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is browser
        assert not app.is_screen_installed(transfer)
