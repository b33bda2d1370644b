"""Typed messages that thread workers post to the screens.

Workers never touch widgets: they post one of these (thread-safe, ~0.2 ms each) and the screen's
handler updates the display on the UI loop. Download events are wrapped one-to-one from
`transfer.events`, so the transfer screen reports exactly what the headless `get` reports.
"""

from __future__ import annotations

import enum

from textual.message import Message

from airnef_tui.transfer.events import (
    Event, FileFinished, FileProgress, FileStarted, Reconnecting, RunFinished, RunStarted, Summary,
)
from airnef_tui.app.camera_access import Catalogue, HistoryView


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


_WRAPPERS: dict[type, type[Message]] = {
    RunStarted: TransferBegan, FileStarted: FileBegan, FileProgress: FileAdvanced,
    FileFinished: FileEnded, Reconnecting: LinkReconnecting,
}


def message_for(event: Event) -> Message | None:
    """The message announcing an engine event; None for `RunFinished`, whose summary arrives
    in `TransferEnded` together with how the run ended."""
    if isinstance(event, RunFinished):
        return None
    return _WRAPPERS[type(event)](event)  # type: ignore[call-arg]
