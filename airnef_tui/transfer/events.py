"""What the download engine tells its observers: typed events, no formatting.

The headless line printer, the JSON-lines printer and the TUI's transfer screen all consume the
same events, so every front end reports the same facts. Progress events are throttled by the
engine (about ten a second), never by the observers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol


class FileStatus(str, Enum):
    DOWNLOADED = "downloaded"
    SKIPPED = "skipped"
    FAILED = "failed"


class SkipReason(str, Enum):
    IN_HISTORY = "already downloaded"
    EXISTS = "target exists"


@dataclass(frozen=True, slots=True)
class RunStarted:
    files: int
    bytes: int
    camera: str


@dataclass(frozen=True, slots=True)
class FileStarted:
    index: int  # 1-based position in this run
    path: str  # camera path
    target: Path
    size: int
    resume_from: int = 0


@dataclass(frozen=True, slots=True)
class FileProgress:
    index: int
    done: int
    size: int
    run_done: int  # bytes of the whole run finished so far, this file's included
    run_total: int
    rate: float  # bytes per second over the recent past
    eta: float | None  # seconds left for the whole run, None when unknown


@dataclass(frozen=True, slots=True)
class FileFinished:
    index: int
    path: str
    status: FileStatus
    target: Path | None
    bytes: int = 0
    seconds: float = 0.0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Reconnecting:
    attempt: int
    of: int
    delay: float
    cause: str


@dataclass(slots=True)
class Summary:
    downloaded: int = 0
    skipped_history: int = 0
    skipped_existing: int = 0
    failed: int = 0
    bytes: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return self.skipped_history + self.skipped_existing

    @property
    def rate(self) -> float:
        return self.bytes / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class RunFinished:
    summary: Summary


Event = RunStarted | FileStarted | FileProgress | FileFinished | Reconnecting | RunFinished


class Observer(Protocol):
    def __call__(self, event: Event) -> None: ...
