"""The transfer screen's progress block: the overall line and bar, the file in hand and its bar.

Why paced: the engine reports progress up to ten times a second and a card of small files
begins several files a second; redrawing both bars for each costs ~1 KB over SSH and shows
nothing a person can read that fast. The block keeps the newest report and redraws at most every
`PROGRESS_EVERY` seconds, and draws a report it held back once that time is up, so the block
never rests on a stale state (a shot downloaded while watching, then nothing for minutes).
`show_latest()` draws at once (the run's end).
"""

from __future__ import annotations

import time

import humanize
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import ProgressBar, Static

from airnef_tui.app.units import rate, size
from airnef_tui.transfer.events import FileProgress, FileStarted
from airnef_tui.tui.widgets.text_line import show_text

PROGRESS_EVERY = 0.25  # seconds between redraws of the bars and the overall line


class RunProgress(Vertical):
    DEFAULT_CSS = "RunProgress { height: auto; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.line = ""  # the overall line as last set (the browser's status repeats it)
        self._shown_at = 0.0  # monotonic seconds of the last redraw
        self._began: tuple[FileStarted, Text] | None = None  # a file begun, not yet shown
        self._advanced: FileProgress | None = None  # the newest report, shown or not
        self._current_index = 0  # the file the current-file line shows
        self._held: Timer | None = None  # draws what was held back, once it is time

    def compose(self) -> ComposeResult:
        yield Static("Connecting…", id="overall-label")
        yield ProgressBar(total=1, show_eta=False, id="overall")
        yield Static("", id="current-label")
        yield ProgressBar(total=1, show_eta=False, id="current")

    def set_overall(self, line: str) -> None:
        """The screen's own words for the overall line ("watching…", the end). A report held
        back is drawn first, bars only: drawn later, it would put its line over these."""
        if self._held is not None:
            self._held.stop()
            self._held = None
            self._draw_bars()
        self._set_line(line)

    def _set_line(self, line: str) -> None:
        self.line = line
        show_text(self.query_one("#overall-label", Static), line)

    def restart(self, total_bytes: int, line: str) -> None:
        """A new run (or a new batch of shots) of `total_bytes`: the overall bar from zero."""
        self.query_one("#overall", ProgressBar).update(total=max(total_bytes, 1), progress=0)
        self.set_overall(line)

    def began(self, event: FileStarted, label: Text) -> None:
        """A file began; `label` names it. Shown now, or with the next redraw."""
        self._began = (event, label)
        if self._due():
            self._show_current()
        else:
            self._hold()

    def advanced(self, event: FileProgress) -> bool:
        """A progress report; whether the block was redrawn for it."""
        self._advanced = event
        if not self._due():
            self._hold()
            return False
        self.show_latest()
        return True

    def show_latest(self) -> None:
        if self._held is not None:
            self._held.stop()
            self._held = None
        event = self._draw_bars()
        if event is None:
            return
        line = f"Overall: {size(event.run_done)} of {size(event.run_total)} · {rate(event.rate)}"
        if event.eta is not None:
            line += f" · {humanize.naturaldelta(event.eta)} left"
        self._set_line(line)

    def _draw_bars(self) -> FileProgress | None:
        """The file in hand and both bars as the newest report has them; that report."""
        self._shown_at = time.monotonic()
        self._show_current()
        event = self._advanced
        if event is None:
            return None
        if event.index == self._current_index:  # not the file before the one shown
            self.query_one("#current", ProgressBar).update(total=max(event.size, 1),
                                                           progress=event.done)
        self.query_one("#overall", ProgressBar).update(total=max(event.run_total, 1),
                                                       progress=event.run_done)
        return event

    def _due(self) -> bool:
        return time.monotonic() - self._shown_at >= PROGRESS_EVERY

    def _hold(self) -> None:
        if self._held is None:
            wait = max(PROGRESS_EVERY - (time.monotonic() - self._shown_at), 0.0)
            self._held = self.set_timer(wait, self.show_latest)

    def _show_current(self) -> None:
        began, self._began = self._began, None
        if began is None:
            return
        event, label = began
        self._current_index = event.index
        show_text(self.query_one("#current-label", Static), label)
        self.query_one("#current", ProgressBar).update(total=max(event.size, 1),
                                                       progress=event.resume_from)
