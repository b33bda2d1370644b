"""The transfer screen over a slow link: progress redrawn a few times a second whatever the
engine reports, and log lines of fast files written together, yet nothing shown late or lost."""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import ProgressBar

from airnef_tui.transfer.events import FileProgress, FileStarted
from airnef_tui.tui.following_log import GATHER_SECONDS, FollowingLog
from airnef_tui.tui.messages import FileAdvanced
from airnef_tui.tui.screens.transfer import TransferScreen
from airnef_tui.tui.widgets.run_progress import PROGRESS_EVERY, RunProgress
from tui_pilot import SIZE, browser_with_files, finished_transfer, wait_until


async def test_progress_is_redrawn_a_few_times_a_second_and_ends_where_the_run_did(
        start_camera, make_app, monkeypatch):
    redraws: list[float] = []
    reports: list[float] = []
    show, advanced = RunProgress.show_latest, TransferScreen.on_file_advanced

    def counted_show(self):
        redraws.append(time.monotonic())
        show(self)

    def counted_advance(self, message: FileAdvanced):
        reports.append(time.monotonic())
        advanced(self, message)

    monkeypatch.setattr(RunProgress, "show_latest", counted_show)
    monkeypatch.setattr(TransferScreen, "on_file_advanced", counted_advance)
    sim = start_camera(files=10, rate=8 * 1024 * 1024)  # ~2 s of small files
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a", "d")
        transfer = await finished_transfer(pilot, timeout=30)
        assert len(reports) > len(redraws) > 2  # the engine reports more often
        gaps = [later - earlier for earlier, later in zip(redraws, redraws[1:-1])]
        assert min(gaps) >= PROGRESS_EVERY * 0.9  # (the last one is the run's end)
        assert transfer.query_one("#overall", ProgressBar).percentage == 1.0
        assert len(transfer.query_one(FollowingLog).lines) == len(transfer.catalogue.files)


class OneLog(App):
    def compose(self) -> ComposeResult:
        yield FollowingLog(wrap=False, markup=False)


async def test_lines_that_come_fast_are_written_together_in_order():
    app = OneLog()
    async with app.run_test(size=(40, 8)) as pilot:
        log = app.query_one(FollowingLog)
        await pilot.pause()
        log.write_soon("one")
        log.write_soon("two")
        assert [line.text for line in log.lines] == []  # gathered, not yet written
        log.write("now")  # written at once, after what was gathered
        assert [line.text.rstrip() for line in log.lines] == ["one", "two", "now"]
        log.write_soon("three")
        await wait_until(pilot, lambda: len(log.lines) == 4, "the gathered line",
                         timeout=GATHER_SECONDS * 4)
        for number in range(20):
            log.write_soon(f"line {number}")
        log.flush()  # the run's end: everything, at once, scrolled to the newest
        await pilot.pause()
        assert log.lines[-1].text.rstrip() == "line 19"
        assert log.scroll_y == log.max_scroll_y > 0


class OneBlock(App):
    def compose(self) -> ComposeResult:
        yield RunProgress()


def report(done: int, size: int = 1000) -> FileProgress:
    return FileProgress(index=1, done=done, size=size, run_done=done, run_total=size,
                        rate=1e6, eta=None)


async def test_a_report_held_back_is_drawn_once_its_time_comes():
    """Watching: a shot lands just after a redraw, then nothing happens for minutes; the bars
    must not rest on the state before it."""
    app = OneBlock()
    async with app.run_test(size=(60, 6)) as pilot:
        block = app.query_one(RunProgress)
        bar = block.query_one("#overall", ProgressBar)
        block.began(FileStarted(index=1, path="DCIM/DSC_0001.JPG", target=Path("x"), size=1000),
                    Text("DSC_0001.JPG"))
        assert block.advanced(report(100))  # drawn
        assert not block.advanced(report(1000))  # too soon: held back
        assert bar.percentage == 0.1
        await pilot.pause(PROGRESS_EVERY * 2)
        assert bar.percentage == 1.0
        assert block.query_one("#current", ProgressBar).percentage == 1.0


async def test_the_screens_own_line_is_not_overwritten_by_a_report_held_back():
    app = OneBlock()
    async with app.run_test(size=(60, 6)) as pilot:
        block = app.query_one(RunProgress)
        assert block.advanced(report(100))
        assert not block.advanced(report(1000))  # held back
        block.set_overall("Watching for new shots · 1 new so far")  # the screen, meanwhile
        assert block.query_one("#overall", ProgressBar).percentage == 1.0  # bars caught up
        await pilot.pause(PROGRESS_EVERY * 2)
        assert block.line == "Watching for new shots · 1 new so far"
