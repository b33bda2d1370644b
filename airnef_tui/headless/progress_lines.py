"""Human progress output for `get`, without rich or textual.

On a terminal one status line is redrawn in place (carriage return + erase) and finished files
scroll above it; when stdout is a pipe or a log file (cron, systemd), only whole lines are written
so the log stays readable. Redraws are limited to a few per second: over a slow SSH link every
byte of terminal output competes with the photos.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

from airnef_tui.app.continued_run import NewFiles
from airnef_tui.app.units import duration, rate, size, summary_line
from airnef_tui.transfer.events import (
    Event, FileFinished, FileProgress, FileStarted, FileStatus, Reconnecting, RunFinished,
    RunStarted,
)

REDRAW_INTERVAL = 0.25


class LinePrinter:
    """An Observer that writes progress for people."""

    def __init__(self, stream: TextIO | None = None, *, interactive: bool | None = None,
                 verbose: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.verbose = verbose
        self._files = 0
        self._status_shown = False
        self._last_draw = 0.0
        self._current: FileStarted | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self._files = event.files
            self._write_line(f"{event.camera}: {event.files} file(s) to consider, "
                             f"{size(event.bytes)}")
        elif isinstance(event, FileStarted):
            self._current = event
            if self.verbose:
                resumed = f", resuming at {size(event.resume_from)}" if event.resume_from else ""
                self._write_line(f"fetching {event.path} → {event.target}{resumed}")
        elif isinstance(event, FileProgress):
            self._draw_status(event)
        elif isinstance(event, FileFinished):
            self._write_line(self._finished_line(event))
        elif isinstance(event, Reconnecting):
            self._write_line(f"connection lost ({event.cause}); reconnecting in "
                             f"{duration(event.delay)} (try {event.attempt} of {event.of})")
        elif isinstance(event, RunFinished):
            self._write_line(summary_line(event.summary))
        elif isinstance(event, NewFiles):
            self._files = event.total
            self._write_line(f"{event.files} new file(s) on the camera, {size(event.bytes)}")

    def note(self, text: str) -> None:
        """A line about the run rather than a file (clock set, watching, Sony's reminder)."""
        self._write_line(text)

    def _finished_line(self, event: FileFinished) -> str:
        counter = f"[{event.index}/{self._files}]"
        if event.status is FileStatus.DOWNLOADED:
            speed = f", {rate(event.bytes / event.seconds)}" if event.seconds > 0 else ""
            return (f"{counter} downloaded {event.path} → {event.target} "
                    f"({size(event.bytes)}{speed})")
        if event.status is FileStatus.SKIPPED:
            return f"{counter} skipped {event.path} ({event.reason})"
        return f"{counter} FAILED {event.path}: {event.reason}"

    def _draw_status(self, event: FileProgress) -> None:
        if not self.interactive:
            return
        now = time.monotonic()
        if now - self._last_draw < REDRAW_INTERVAL and event.done < event.size:
            return
        self._last_draw = now
        name = self._current.path.rsplit("/", 1)[-1] if self._current else ""
        percent = 100 * event.done // event.size if event.size else 100
        eta = f", ETA {duration(event.eta)}" if event.eta is not None else ""
        text = (f"[{event.index}/{self._files}] {name} {percent}% · "
                f"{size(event.run_done)} of {size(event.run_total)} · {rate(event.rate)}{eta}")
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.stream.write("\r\x1b[K" + text[:width])
        self.stream.flush()
        self._status_shown = True

    def _write_line(self, text: str) -> None:
        if self._status_shown:
            self.stream.write("\r\x1b[K")
            self._status_shown = False
        self.stream.write(text + "\n")
        self.stream.flush()
