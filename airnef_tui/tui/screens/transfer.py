"""The transfer screen: one download (and, if asked, the watching after it), shown as it happens.

The engine runs in a thread worker and reports through typed messages (progress at most ~10 a
second, throttled by the engine itself), so over a slow link the screen redraws a few lines ten
times a second at most; the one timer, a reconnection countdown, ticks only while a reconnection
is pending. Cancelling sets the link's cancel event, which the engine and the watcher check
between pieces: the file in flight keeps its `.part`, and the next download continues it.

Keys: `c` cancels, `b` goes back to the files while the download goes on (the screen stays
installed and tells the browser how it is doing with `TransferStatus`), `w` turns watching for new
shots on or off (through the same watcher as `get --watch`), `e` changes what happens when a
file exists, `g` (once ended) downloads again the files the history skipped, Enter goes back.
"""

from __future__ import annotations

import dataclasses
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, RichLog, Static
from textual.worker import Worker, WorkerState

from airnef_tui.app.camera_access import CameraAccess, Catalogue
from airnef_tui.app.picked_run import RunControls
from airnef_tui.app.units import size
from airnef_tui.camera.catalogue import CameraFile
from airnef_tui.camera.errors import CameraError, Interrupted
from airnef_tui.transfer.engine import LocalWriteError, RunStopped
from airnef_tui.transfer.events import Event, FileStatus, RunFinished, Summary
from airnef_tui.tui import transfer_report as report
from airnef_tui.tui.messages import (
    FileAdvanced, FileBegan, FileEnded, LinkReconnecting, LinkRestored, NewShots, TransferBegan,
    TransferEnded, TransferOutcome, TransferStatus, WatchingBegan, message_for,
)
from airnef_tui.tui.following_log import FollowingLog
from airnef_tui.tui.transfer_report import RunKind, RunTally, shown_target
from airnef_tui.tui.widgets.preview_pane import DownloadRequest
from airnef_tui.tui.widgets.run_progress import RunProgress

LOG_LINES = 5000  # a whole card's worth of lines; older ones scroll away
COUNTDOWN_TICK = 0.25  # seconds; the notice is rewritten only when its whole second changes
STATUS_EVERY = 1.0  # seconds between progress reports to the browser while in the background
ENDINGS = {TransferOutcome.COMPLETED: "finished", TransferOutcome.CANCELLED: "cancelled",
           TransferOutcome.STOPPED: "stopped"}


_SCREENS: weakref.WeakSet[TransferScreen] = weakref.WeakSet()


def running_transfer(access: CameraAccess, *,
                     besides: TransferScreen | None = None) -> TransferScreen | None:
    """The transfer screen whose run is going on with this camera, if any (shown or behind the
    files after `b`): while there is one, the session is taken, and a listing or a download
    started meanwhile would wait for it (for as long as it watches)."""
    for screen in list(_SCREENS):
        if screen is not besides and screen.access is access and screen.running:
            return screen
    return None


@dataclass(frozen=True)
class TransferResult:
    """What the browser needs back: how many files landed (their ✓ marks come from history)."""

    downloaded: int
    outcome: TransferOutcome


class TransferScreen(Screen[TransferResult]):
    BINDINGS = [
        Binding("c", "cancel", "Cancel"),
        Binding("escape", "cancel_or_back", "Cancel / back", show=False),
        Binding("enter", "back", "Back to files"),
        Binding("b", "files", "Files (runs on)"),
        Binding("w", "watch(True)", "Watch new shots"),
        Binding("w", "watch(False)", "Stop watching"),
        Binding("e", "if_exists", "If exists"),
        Binding("g", "again", "Download again"),
    ]
    DEFAULT_CSS = """
    TransferScreen #options { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, access: CameraAccess, catalogue: Catalogue, request: DownloadRequest, *,
                 use_history: bool = True, watch: bool = False) -> None:
        """`use_history` False downloads files the history knows too; `watch` starts with
        watching on (the browser may offer both before the run; `w` and `g` do it here)."""
        super().__init__()
        self.access = access
        self.catalogue = catalogue
        self.request = request
        self.controls = RunControls(request.naming, use_history=use_history)
        self.controls.known(catalogue.files)
        self.controls.set_watch(watch)
        self.running = False
        self.cancelling = False
        self.watching = False  # the watcher has taken its first look in this run
        self.ended: TransferEnded | None = None
        self.ended_as = ""  # the headline of the last run's end
        self.downloaded = 0  # files landed by every run of this screen
        self.in_background = False
        self.tally = RunTally(RunKind.PICKED, 0, 0)
        self._run_files: list[CameraFile] = []
        self._reconnect: tuple[int, int, str, float] | None = None
        self._countdown: Timer | None = None
        self._status_to: Screen | None = None
        self._last_status = 0.0

    @property
    def output_dir(self) -> Path:
        return self.controls.naming.output_dir

    def compose(self) -> ComposeResult:
        yield Static("", id="transfer-title")
        yield Static("", id="options")
        yield RunProgress()
        yield Static("", id="notice")
        # No minimum width: RichLog's default, 78 columns, is wider than an 80-column terminal
        # leaves the log, and it drew a horizontal scrollbar, a cell at a time (~1.6 KB for
        # each line written). A line longer than the log is cut at its edge.
        yield FollowingLog(max_lines=LOG_LINES, wrap=False, min_width=1, markup=False,
                           auto_scroll=True, id="log")
        yield Static("", id="summary")
        yield Footer()

    def on_mount(self) -> None:
        _SCREENS.add(self)
        kind = RunKind.PICKED if self.controls.use_history else RunKind.AGAIN
        self._start_run(kind, list(self.request.files))

    # -- runs ------------------------------------------------------------------------------------

    def _start_run(self, kind: RunKind, files: list[CameraFile]) -> None:
        """A new run of this screen: counts start over, the log goes on."""
        self.controls.use_history = kind is not RunKind.AGAIN
        self.tally = self._tally_for(kind, files)
        self._run_files = files
        self.running, self.cancelling, self.watching, self.ended = True, False, False, None
        if running_transfer(self.access, besides=self) is not None:
            # That run holds the session (maybe watching): refuse, and leave its cancel alone.
            self.post_message(TransferEnded(Summary(), TransferOutcome.STOPPED, (
                "A download from this camera is still going on behind the files; it has to end "
                "(or be cancelled there) before another one can start.")))
            return
        self.access.cancel.clear()  # on the UI thread, so a cancel pressed at once still counts
        self.query_one("#summary").display = False
        self._end_countdown()
        self.query_one("#notice").display = False
        self.query_one("#transfer-title", Static).update(self._header())
        self._set_overall("Watching for new shots: looking at the camera…"
                          if kind is RunKind.WATCH else "Connecting…")
        self._show_options()
        self.refresh_bindings()
        self.download(files)

    def _tally_for(self, kind: RunKind, files: list[CameraFile]) -> RunTally:
        if kind is not RunKind.PICKED:
            return RunTally(kind, len(files), sum(f.size for f in files))
        earlier = {(f.storage_id, f.handle): e
                   for f, e in zip(self.catalogue.files, self.catalogue.earlier)}
        before = [f for f in files if earlier.get((f.storage_id, f.handle)) is not None]
        return RunTally(kind, len(files), sum(f.size for f in files) - sum(f.size for f in before),
                        len(before))

    @work(thread=True, exclusive=True, group="transfer", exit_on_error=False)
    def download(self, files: list[CameraFile]) -> None:
        summary = Summary()

        def observe(event: Event) -> None:
            nonlocal summary
            if isinstance(event, RunFinished):
                summary = event.summary
            message = message_for(event)
            if message is not None:
                self.post_message(message)

        outcome, reason = TransferOutcome.COMPLETED, ""
        try:
            self.access.download_and_watch(self.catalogue.camera, files, self.controls, observe)
        except Interrupted:
            outcome = TransferOutcome.CANCELLED
        except (LocalWriteError, RunStopped, CameraError) as error:
            outcome, reason = TransferOutcome.STOPPED, str(error)
        except OSError as error:  # the output folder could not be created
            outcome = TransferOutcome.STOPPED
            reason = f"cannot create {self.output_dir}: {error.strerror or error}"
        self.post_message(TransferEnded(summary, outcome, reason))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug in the run still ends it visibly, with the error, and lets the user go back."""
        if event.state is WorkerState.ERROR and self.running:
            self.post_message(TransferEnded(Summary(), TransferOutcome.STOPPED,
                                            f"unexpected error: {event.worker.error!r}"))

    # -- engine events ---------------------------------------------------------------------------

    def on_transfer_began(self, message: TransferBegan) -> None:
        event = message.event
        self.tally.fetch_bytes = event.bytes
        self.query_one("#transfer-title", Static).update(self._header())
        self.query_one(RunProgress).restart(event.bytes, f"Overall: 0 B of {size(event.bytes)} "
                                                          "to fetch")

    def on_new_shots(self, message: NewShots) -> None:
        event = message.event
        self.tally.shots_found(event.total)
        self.query_one(FollowingLog).write_soon(Text(  # with its files' lines: one scroll
            f"★ {report.files(event.files)} new on the camera ({size(event.bytes)})",
            style="bold cyan"))
        self.query_one(RunProgress).restart(event.bytes, f"New shots: 0 B of {size(event.bytes)} "
                                                          "to fetch")
        self._post_status(force=True)

    def on_watching_began(self, message: WatchingBegan) -> None:
        self.watching = True
        self.query_one("#transfer-title", Static).update(self._header())
        self.query_one(RichLog).write(Text(
            f"Watching for new shots: every {message.event.poll:g} s, and when the camera "
            "announces one", style="cyan"))  # short enough for an 80-column log
        self._show_options()
        self._show_watching_if_idle()
        self._post_status(force=True)

    def on_file_began(self, message: FileBegan) -> None:
        event = message.event
        self._clear_notice()
        resumed = f", continuing at {size(event.resume_from)}" if event.resume_from else ""
        self.query_one(RunProgress).began(event, Text(
            f"[{event.index}/{self.tally.total}] {event.path} → "
            f"{shown_target(event.target, self.output_dir)} ({size(event.size)}{resumed})"))

    def on_file_advanced(self, message: FileAdvanced) -> None:
        self._clear_notice()
        if self.query_one(RunProgress).advanced(message.event):
            self._post_status()

    def on_file_ended(self, message: FileEnded) -> None:
        event = message.event
        self.tally.count(event)
        if event.status is FileStatus.DOWNLOADED:
            self.downloaded += 1
        self.query_one(FollowingLog).write_soon(report.file_line(event, self.output_dir))
        self._show_watching_if_idle()
        self._post_status(force=True)

    def on_link_reconnecting(self, message: LinkReconnecting) -> None:
        event = message.event
        self.query_one(RichLog).write(Text(
            f"↻ Connection lost ({event.cause}); reconnecting, attempt {event.attempt} of "
            f"{event.of} in {event.delay:g} s", style="yellow"))
        self._reconnect = (event.attempt, event.of, event.cause, time.monotonic() + event.delay)
        self._tick_countdown()
        if self._countdown is None:
            self._countdown = self.set_interval(COUNTDOWN_TICK, self._tick_countdown)
        self._post_status(force=True)

    def on_link_restored(self, message: LinkRestored) -> None:
        if self._reconnect is not None:
            self.query_one(RichLog).write(Text("↻ Reconnected", style="green"))
        self._clear_notice()
        self._show_watching_if_idle()

    def _tick_countdown(self) -> None:
        if self._reconnect is None or self.cancelling:
            return
        attempt, of, cause, deadline = self._reconnect
        self._set_notice(report.countdown(attempt, of, cause, deadline - time.monotonic()))

    def _end_countdown(self) -> None:
        self._reconnect = None
        if self._countdown is not None:
            self._countdown.stop()
            self._countdown = None

    def _set_notice(self, text: str) -> None:
        notice = self.query_one("#notice", Static)
        if not notice.display or str(notice.content) != text:  # unchanged: no bytes on the wire
            notice.update(text)
            notice.display = True

    def _clear_notice(self) -> None:
        self._end_countdown()
        notice = self.query_one("#notice", Static)
        if notice.display and not self.cancelling:
            notice.display = False

    def _show_watching_if_idle(self) -> None:
        if self.watching and self.running and self.tally.handled >= self.tally.total:
            self._set_overall(report.watching_line(self.tally, self.controls.poll))

    def _set_overall(self, text: str) -> None:
        self.query_one(RunProgress).set_overall(text)

    def _header(self) -> Text:
        return report.header(self.tally, str(self.catalogue.camera), self.output_dir,
                             ended_as=self.ended_as if self.ended is not None else None,
                             watching=self.watching)

    def _show_options(self) -> None:
        self.query_one("#options", Static).update(report.options_line(
            watch=self.controls.watch, watching=self.watching and self.running,
            if_exists=self.controls.naming.if_exists))

    # -- the end ---------------------------------------------------------------------------------

    def on_transfer_ended(self, message: TransferEnded) -> None:
        if not self.running:
            return
        idle = self.tally.handled >= self.tally.total  # no file was in flight
        self.running, self.ended = False, message
        self.query_one(FollowingLog).flush()  # every file's line before the summary
        self.query_one(RunProgress).show_latest()  # where the run got to, at last
        self.ended_as = report.headline(self.tally, message, watched=self.watching, idle=idle)
        self.controls.set_watch(False)  # `w` from here starts watching afresh
        self._end_countdown()
        self.query_one("#notice").display = False
        self.query_one("#transfer-title", Static).update(self._header())
        ending = ENDINGS[message.outcome]
        if self.watching and message.outcome is not TransferOutcome.STOPPED:
            ending = "watching ended"
        self._set_overall(report.overall_end(self.tally, message.summary, ending))
        summary = self.query_one("#summary", Static)
        summary.update(report.summary_text(
            self.tally, message, self.ended_as,
            partial_kept=message.outcome is TransferOutcome.CANCELLED and not idle,
            if_exists=self.controls.naming.if_exists))
        summary.display = True
        summary.set_class(message.outcome is not TransferOutcome.COMPLETED
                          or self.tally.failed > 0, "-problem")
        self.watching = False
        self._show_options()
        self.refresh_bindings()
        self.call_after_refresh(self._follow_log)
        self._post_status(force=True)
        if self.in_background:
            self.app.notify(f"Download {self.ended_as.lower()}: {report.counts(self.tally)}",
                            severity="information" if message.outcome is
                            TransferOutcome.COMPLETED else "warning")

    def _follow_log(self) -> None:
        self.query_one(RichLog).scroll_end(animate=False, immediate=False, x_axis=False)

    # -- the browser, behind ---------------------------------------------------------------------

    def on_unmount(self) -> None:
        """The screen is going (the app is closing): its run must not watch on without it."""
        if self.running:
            self.controls.set_watch(False)
            self.access.cancel.set()

    def on_screen_resume(self) -> None:
        self.in_background = False
        self.call_after_refresh(self._follow_log)

    def _post_status(self, *, force: bool = False) -> None:
        """Tell the screen that `b` went back to (the browser) how the run is doing."""
        target = self._status_to
        if not self.in_background or target is None:
            return
        now = time.monotonic()
        if not force and now - self._last_status < STATUS_EVERY:
            return
        self._last_status = now
        text = report.status_line(self.tally, self.query_one(RunProgress).line, running=self.running,
                                  title=self.ended_as if self.ended is not None else None)
        target.post_message(TransferStatus(
            self, text, running=self.running, watching=self.watching and self.running,
            downloaded=self.downloaded, outcome=self.ended.outcome if self.ended else None))

    # -- keys ------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.running and not self.cancelling
        if action == "back":
            return not self.running
        if action == "files":
            return self.running
        if action == "watch":
            wanted = bool(parameters and parameters[0])
            return wanted != self.controls.watch and not self.cancelling
        if action == "again":
            return not self.running and bool(self.tally.in_history)
        return True

    def action_cancel(self) -> None:
        if not self.running or self.cancelling:
            return
        self.cancelling = True
        self.controls.set_watch(False)
        self.access.cancel.set()
        self._end_countdown()
        self._set_notice("Cancelling after the current piece; the partial file is kept…"
                         if self.tally.handled < self.tally.total else "Stopping…")
        self.refresh_bindings()

    def action_cancel_or_back(self) -> None:
        if self.running:
            self.action_cancel()
        else:
            self.action_back()

    def action_back(self) -> None:
        if self.running or self.ended is None:
            return
        self.dismiss(TransferResult(self.downloaded, self.ended.outcome))
        if self.app.is_screen_installed(self):  # off the stack now: let Textual remove it
            self.app.uninstall_screen(self)

    def action_files(self) -> None:
        """Back to the browser while the run goes on: the screen is kept (installed) so that
        its worker and messages live on, and the browser can push it again."""
        if not self.running:
            self.action_back()
            return
        app = self.app
        if not app.is_screen_installed(self):
            app.install_screen(self, f"transfer-{id(self)}")
        stack = app.screen_stack
        self._status_to = stack[-2] if len(stack) > 1 and stack[-1] is self else None
        app.pop_screen()
        self.in_background = True
        self._post_status(force=True)

    def action_watch(self, on: bool) -> None:
        if self.cancelling:
            return
        self.controls.set_watch(on)
        if self.running:
            if not on and self.watching:
                self._set_overall("Watching ends once the file in hand is done…"
                                  if self.tally.handled < self.tally.total
                                  else "Watching ends…")
        elif on:
            self.query_one(RichLog).write(Text("— watching for new shots —", style="dim"))
            self._start_run(RunKind.WATCH, [])
            return
        self._show_options()
        self.refresh_bindings()

    def action_if_exists(self) -> None:
        rule = report.next_rule(self.controls.naming.if_exists)
        self.controls.naming = dataclasses.replace(self.controls.naming, if_exists=rule)
        self._show_options()
        if self.running and not self.watching:
            self.notify("The new rule applies to files planned from now on: new shots, and "
                        "downloads started again here (g).")

    def action_again(self) -> None:
        if self.running or not self.tally.in_history:
            return
        paths = set(self.tally.in_history)
        again = [file for file in self._run_files if file.path in paths]
        self.query_one(RichLog).write(Text(
            f"— downloading again {report.files(len(again))} downloaded before —", style="dim"))
        self._start_run(RunKind.AGAIN, again)
