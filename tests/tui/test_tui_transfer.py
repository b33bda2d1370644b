"""Downloading from the browser: bytes on disk, the transfer screen's report, cancel, back."""

from __future__ import annotations

from textual.widgets import Input, ProgressBar, RichLog

from airnef_tui.tui.messages import TransferOutcome
from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.screens.transfer import TransferScreen
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
        assert summary.startswith("Done: 3 downloaded, 0 failed; ")
        assert "Press Enter or Escape to go back" in summary
        lines = log_lines(transfer)
        assert [line.split()[1] for line in lines] == [f.path for f in chosen]
        assert all(line.startswith("✓ ") for line in lines)
        assert transfer.query_one("#overall", ProgressBar).percentage == 1.0
        assert transfer.ended.outcome is TransferOutcome.COMPLETED


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
            "Done: 2 downloaded, 2 skipped as already downloaded, 0 failed")
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
        assert static_text(pilot, "#summary").startswith("Done: 2 downloaded, 0 failed")
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
        assert summary.startswith("Stopped: 0 downloaded")
        assert f"cannot create {blocker / 'photos'}" in summary


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
