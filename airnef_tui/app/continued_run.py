"""Several engine runs shown as one: how a realtime `get` reports batch after batch of new shots.

The engine reports each plan as a run of its own (RunStarted, files numbered from 1, RunFinished).
A realtime session downloads many small plans over hours, and a person or a script wants one run:
file numbers that go on counting, one summary at the end (on Ctrl-C or SIGTERM too). This wraps
the printer: the first run's start passes through (the normal pass of `--realtime afternormal`),
later starts become `NewFiles`, indices are shifted, and the summaries are added up until `finish`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from airnef_tui.transfer.events import (
    FileFinished, FileProgress, FileStarted, FileStatus, Observer, RunFinished, RunStarted,
    Summary,
)


@dataclass(frozen=True, slots=True)
class NewFiles:
    """New files turned up on the camera while watching; `total` counts the whole run's files."""

    files: int
    bytes: int
    total: int


class ContinuedRun:
    """An Observer in front of the printer, for the life of one realtime `get`."""

    def __init__(self, observer: Observer) -> None:
        self.observer = observer
        self.total = Summary()
        self.files = 0  # files reported so far, every batch included
        self.batch_failures: list[str] = []  # camera paths that failed in the latest batch
        self._offset = 0
        self._watching = False
        self._finished = False

    def watching(self) -> None:
        """From now on each run is a batch of new files, not the normal pass."""
        self._watching = True

    def __call__(self, event) -> None:
        if isinstance(event, RunStarted):
            self._offset = self.files
            self.files += event.files
            self.batch_failures = []
            if self._watching:
                self.observer(NewFiles(event.files, event.bytes, self.files))
            else:
                self.observer(event)
        elif isinstance(event, RunFinished):
            _add(self.total, event.summary)
        elif isinstance(event, (FileStarted, FileProgress, FileFinished)):
            if isinstance(event, FileFinished) and event.status is FileStatus.FAILED:
                self.batch_failures.append(event.path)
            self.observer(dataclasses.replace(event, index=event.index + self._offset))
        else:
            self.observer(event)

    def finish(self) -> Summary:
        """Report the whole run's summary (once); returns it."""
        if not self._finished:
            self._finished = True
            self.observer(RunFinished(self.total))
        return self.total


def _add(total: Summary, batch: Summary) -> None:
    total.downloaded += batch.downloaded
    total.skipped_history += batch.skipped_history
    total.skipped_existing += batch.skipped_existing
    total.failed += batch.failed
    total.bytes += batch.bytes
    total.seconds += batch.seconds  # time spent transferring: the average rate stays a rate
    total.failures.extend(batch.failures)
