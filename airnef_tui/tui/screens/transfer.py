"""The transfer screen: one run of the download engine, shown as it happens.

The engine runs in a thread worker and reports through typed messages (progress at most ~10 a
second, throttled by the engine itself), so over a slow link the screen redraws a few lines ten
times a second at most. Cancelling sets the link's cancel event, which the engine checks between
pieces: the file in flight keeps its `.part`, and the next download continues it. The screen
stays until the run has ended, then shows the summary and goes back to the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import humanize
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, RichLog, Static
from textual.worker import Worker, WorkerState

from airnef_tui.camera.errors import CameraError, Interrupted
from airnef_tui.app.units import rate, size, summary_line
from airnef_tui.transfer.engine import LocalWriteError, RunStopped
from airnef_tui.transfer.events import Event, FileStatus, RunFinished, Summary
from airnef_tui.app.camera_access import CameraAccess, Catalogue
from airnef_tui.tui.messages import (
    FileAdvanced, FileBegan, FileEnded, LinkReconnecting, TransferBegan, TransferEnded,
    TransferOutcome, message_for,
)
from airnef_tui.tui.widgets.preview_pane import DownloadRequest

LOG_LINES = 5000  # a whole card's worth of lines; older ones scroll away


@dataclass(frozen=True)
class TransferResult:
    """What the browser needs back: how many files landed (their ✓ marks come from history)."""

    downloaded: int
    outcome: TransferOutcome


def shown_target(target: Path | None, output_dir: Path) -> str:
    """Targets relative to the output folder (named in the title), to keep log lines short."""
    if target is None:
        return ""
    try:
        return str(target.relative_to(output_dir))
    except ValueError:
        return str(target)


class TransferScreen(Screen[TransferResult]):
    BINDINGS = [
        Binding("c", "cancel", "Cancel (keeps partial file)"),
        Binding("escape", "cancel_or_back", "Cancel / back", show=False),
        Binding("enter", "back", "Back to files"),
    ]

    def __init__(self, access: CameraAccess, catalogue: Catalogue,
                 request: DownloadRequest) -> None:
        super().__init__()
        self.access = access
        self.catalogue = catalogue
        self.request = request
        self.running = True
        self.cancelling = False
        self.ended: TransferEnded | None = None
        self.downloaded = 0

    @property
    def output_dir(self) -> Path:
        return self.request.naming.output_dir

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="transfer-title")
        yield Static("Connecting…", id="overall-label")
        yield ProgressBar(total=1, show_eta=False, id="overall")
        yield Static("", id="current-label")
        yield ProgressBar(total=1, show_eta=False, id="current")
        yield Static("", id="notice")
        yield RichLog(max_lines=LOG_LINES, wrap=False, markup=False, auto_scroll=True, id="log")
        yield Static("", id="summary")
        yield Footer()

    def _title(self) -> Text:
        files = self.request.files
        title = Text()
        title.append(f"Downloading {len(files)} selected file(s), "
                     f"{size(sum(f.size for f in files))}", style="bold")
        title.append(f" from {self.catalogue.camera}\ninto {self.output_dir}")
        return title

    def on_mount(self) -> None:
        self.query_one("#summary").display = False
        self.query_one("#notice").display = False
        self.access.cancel.clear()  # on the UI thread, so a cancel pressed at once still counts
        self.download()

    # -- the worker ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="transfer", exit_on_error=False)
    def download(self) -> None:
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
            self.access.download(self.catalogue.camera, self.request.files, self.request.naming,
                                 observe)
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
        self.query_one("#overall", ProgressBar).update(total=max(event.bytes, 1), progress=0)
        self.query_one("#overall-label", Static).update(
            f"Overall: 0 B of {size(event.bytes)} to fetch")

    def on_file_began(self, message: FileBegan) -> None:
        event = message.event
        self._clear_notice()
        resumed = f", continuing at {size(event.resume_from)}" if event.resume_from else ""
        self.query_one("#current-label", Static).update(Text(
            f"[{event.index}/{len(self.request.files)}] {event.path} → "
            f"{shown_target(event.target, self.output_dir)} ({size(event.size)}{resumed})"))
        self.query_one("#current", ProgressBar).update(total=max(event.size, 1),
                                                       progress=event.resume_from)

    def on_file_advanced(self, message: FileAdvanced) -> None:
        event = message.event
        self._clear_notice()
        self.query_one("#current", ProgressBar).update(total=max(event.size, 1),
                                                       progress=event.done)
        self.query_one("#overall", ProgressBar).update(total=max(event.run_total, 1),
                                                       progress=event.run_done)
        label = f"Overall: {size(event.run_done)} of {size(event.run_total)} · {rate(event.rate)}"
        if event.eta is not None:
            label += f" · {humanize.naturaldelta(event.eta)} left"
        self.query_one("#overall-label", Static).update(label)

    def on_file_ended(self, message: FileEnded) -> None:
        event = message.event
        line = Text(no_wrap=True)
        target = shown_target(event.target, self.output_dir)
        if event.status is FileStatus.DOWNLOADED:
            self.downloaded += 1
            speed = f", {rate(event.bytes / event.seconds)}" if event.seconds > 0 else ""
            line.append("✓ ", style="bold green")
            line.append(f"{event.path} → {target} ({size(event.bytes)}{speed})")
        elif event.status is FileStatus.SKIPPED:
            line.append("– ", style="dim")
            line.append(f"{event.path}: skipped, {event.reason}"
                        + (f" ({target})" if target else ""), style="dim")
        else:
            line.append("✗ ", style="bold red")
            line.append(f"{event.path}: failed: {event.reason}", style="red")
        self.query_one(RichLog).write(line)

    def on_link_reconnecting(self, message: LinkReconnecting) -> None:
        event = message.event
        text = (f"↻ Connection lost ({event.cause}); reconnecting, attempt {event.attempt} of "
                f"{event.of} in {event.delay:g} s")
        notice = self.query_one("#notice", Static)
        notice.update(Text(text))
        notice.display = True
        self.query_one(RichLog).write(Text(text, style="yellow"))

    def _clear_notice(self) -> None:
        notice = self.query_one("#notice", Static)
        if notice.display and not self.cancelling:
            notice.display = False

    def on_transfer_ended(self, message: TransferEnded) -> None:
        if not self.running:
            return
        self.running = False
        self.ended = message
        summary = self.query_one("#summary", Static)
        summary.update(self._summary_text(message))
        summary.display = True
        summary.set_class(message.outcome is not TransferOutcome.COMPLETED
                          or message.summary.failed > 0, "-problem")
        self.query_one("#notice").display = False
        self.refresh_bindings()

    def _summary_text(self, message: TransferEnded) -> Text:
        text = Text()
        if message.outcome is TransferOutcome.COMPLETED:
            headline = "Done" if not message.summary.failed else "Done, with failures"
        elif message.outcome is TransferOutcome.CANCELLED:
            headline = "Cancelled"
        else:
            headline = "Stopped"
        text.append(f"{headline}: ", style="bold")
        text.append(summary_line(message.summary))
        if message.outcome is TransferOutcome.CANCELLED:
            text.append("\nThe partial file is kept; the next download of it continues there.")
        if message.reason:
            text.append(f"\n{message.reason}")
        text.append("\nPress Enter or Escape to go back to the files.", style="dim")
        return text

    # -- keys ------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.running and not self.cancelling
        if action == "back":
            return not self.running
        return True

    def action_cancel(self) -> None:
        if not self.running or self.cancelling:
            return
        self.cancelling = True
        self.access.cancel.set()
        notice = self.query_one("#notice", Static)
        notice.update("Cancelling after the current piece; the partial file is kept…")
        notice.display = True
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
