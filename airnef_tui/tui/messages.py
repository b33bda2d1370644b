"""Typed messages that thread workers post to the screens.

Workers never touch widgets: they post one of these (thread-safe, ~0.2 ms each) and the screen's
handler updates the display on the UI loop. Download events are wrapped one-to-one from
`transfer.events`, so the transfer screen reports exactly what the headless `get` reports.
"""

from __future__ import annotations

import enum

from textual.message import Message
from textual.screen import Screen

from airnef_tui.transfer.events import (
    Event, FileFinished, FileProgress, FileStarted, Reconnecting, RunFinished, RunStarted, Summary,
)
from airnef_tui.app.camera_access import Catalogue, HistoryView, Reconnected
from airnef_tui.app.continued_run import NewFiles
from airnef_tui.app.picked_run import Watching


class CatalogueLoaded(Message):
    """The card was listed and looked up in the history."""

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue


class CatalogueFailed(Message):
    """The camera could not be reached or listed; `reason` is one line for people."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class HistoryRefreshed(Message):
    """The history was re-read after a download, so ✓ marks and counters are current."""

    def __init__(self, history: HistoryView) -> None:
        super().__init__()
        self.history = history


class TransferBegan(Message):
    def __init__(self, event: RunStarted) -> None:
        super().__init__()
        self.event = event


class FileBegan(Message):
    def __init__(self, event: FileStarted) -> None:
        super().__init__()
        self.event = event


class FileAdvanced(Message):
    def __init__(self, event: FileProgress) -> None:
        super().__init__()
        self.event = event


class FileEnded(Message):
    def __init__(self, event: FileFinished) -> None:
        super().__init__()
        self.event = event


class LinkReconnecting(Message):
    def __init__(self, event: Reconnecting) -> None:
        super().__init__()
        self.event = event


class LinkRestored(Message):
    """A reconnection succeeded: the countdown for it ends."""

    def __init__(self, event: Reconnected) -> None:
        super().__init__()
        self.event = event


class NewShots(Message):
    """Watching found new shots on the camera; they follow as files of the same run."""

    def __init__(self, event: NewFiles) -> None:
        super().__init__()
        self.event = event


class WatchingBegan(Message):
    """The picked files are done and the camera is being watched for new shots."""

    def __init__(self, event: Watching) -> None:
        super().__init__()
        self.event = event


class TransferOutcome(str, enum.Enum):
    COMPLETED = "completed"  # every planned file was handled (some may have failed)
    CANCELLED = "cancelled"  # the user stopped it; .part files are kept
    STOPPED = "stopped"  # the run could not go on (disk full, camera lost beyond retries, ...)


class TransferEnded(Message):
    """The download worker is done; `reason` says why it stopped early, if it did."""

    def __init__(self, summary: Summary, outcome: TransferOutcome, reason: str = "") -> None:
        super().__init__()
        self.summary = summary
        self.outcome = outcome
        self.reason = reason


class TransferStatus(Message):
    """A transfer that runs on behind the browser (`b` on the transfer screen) says how it is
    doing: posted to the screen it went back to, at most about once a second and on every change
    that matters (a file ended, a reconnection, watching began, the run ended).

    `text` is one line for a status bar; `screen` is the transfer screen, which the browser pushes
    again to show it (`app.push_screen(message.screen, callback)`): it stays installed until it is
    dismissed. `running` is False once the run has ended (`outcome` says how, `downloaded` how many
    files landed, so the browser can re-read the history). While `running`, the camera is busy:
    a listing or another download started meanwhile waits for this one.
    """

    def __init__(self, screen: Screen, text: str, *, running: bool, watching: bool,
                 downloaded: int, outcome: TransferOutcome | None = None) -> None:
        super().__init__()
        self.screen = screen
        self.text = text
        self.running = running
        self.watching = watching
        self.downloaded = downloaded
        self.outcome = outcome


_WRAPPERS: dict[type, type[Message]] = {
    RunStarted: TransferBegan, FileStarted: FileBegan, FileProgress: FileAdvanced,
    FileFinished: FileEnded, Reconnecting: LinkReconnecting, NewFiles: NewShots,
    Watching: WatchingBegan, Reconnected: LinkRestored,
}


def message_for(event: Event | NewFiles | Watching | Reconnected) -> Message | None:
    """The message announcing an engine event (or a watching run's: new shots, watching began,
    the link back after a reconnection); None for `RunFinished`, whose summary arrives in
    `TransferEnded` together with how the run ended."""
    if isinstance(event, RunFinished):
        return None
    return _WRAPPERS[type(event)](event)  # type: ignore[call-arg]
