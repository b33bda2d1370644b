"""Downloading chosen files as `get` does: history, numbering, resume and landing, in one call.

The TUI calls `download_files` with the files a person picked and `get` with the files its filters
chose, so a download started from either makes the same decisions with the same specs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from airnef_tui.app.records import DownloadRecords
from airnef_tui.transfer.engine import Engine, EngineOptions
from airnef_tui.transfer.events import Observer, Summary
from airnef_tui.transfer.filters import CameraFileLike
from airnef_tui.transfer.link import CameraLink
from airnef_tui.transfer.plan import (
    Action, CameraIdentity, Counters, Naming, PlannedFile, plan_transfer,
)
from airnef_tui.transfer.resume import ResumeLedger


def run_timestamp() -> datetime:
    """One download time for the whole run, as the @dl…@ specifiers promise."""
    return datetime.now().replace(microsecond=0)


@dataclass
class RunNumbering:
    """The @dl…@ facts of one run: its download time, the history's counters when it started,
    and the @dlnum@ the next new file gets. A watching run plans batch after batch of new shots
    with one of these, so that numbering goes on across batches as within one plan."""

    downloaded_at: datetime
    counters: Counters
    next_number: int = 1

    @classmethod
    def starting_now(cls, records: DownloadRecords) -> RunNumbering:
        downloaded_at = run_timestamp()
        return cls(downloaded_at, records.counters(downloaded_at))


def download_files(link: CameraLink, conn: sqlite3.Connection, camera: CameraIdentity,
                   files: Sequence[CameraFileLike], naming: Naming, observer: Observer, *,
                   use_history: bool = True,
                   after_each: Callable[[PlannedFile, Path], None] | None = None,
                   numbering: RunNumbering | None = None) -> Summary:
    """Plan `files` and download them; raises what `Engine.run` raises.

    `after_each(planned, final)` runs once a file is on disk and recorded (e.g. `get`'s --exec
    hook). `numbering` continues an earlier plan's (a new one starts now by default).
    """
    records = DownloadRecords(conn, camera)
    numbering = numbering or RunNumbering.starting_now(records)
    downloaded_at = numbering.downloaded_at
    plan = plan_transfer(
        files, camera, naming, downloaded_at=downloaded_at, counters=numbering.counters,
        already_downloaded=records.lookup(files) if use_history else lambda file: None,
        first_number=numbering.next_number)
    numbering.next_number += sum(1 for planned in plan if planned.action is not Action.SKIP_HISTORY)

    def on_downloaded(planned: PlannedFile, final: Path) -> None:
        if naming.thumbnails is None:  # a thumbnail is not the file: not history
            records.remember(planned, final, downloaded_at)
        if after_each is not None:
            after_each(planned, final)

    engine = Engine(link, ResumeLedger(conn),
                    EngineOptions(str(camera), camera.key, naming.thumbnails),
                    observer, on_downloaded=on_downloaded)
    return engine.run(plan)
