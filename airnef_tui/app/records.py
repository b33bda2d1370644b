"""The download history as `list` and `get` use it: lookups, counters, and recording a file.

A thin adapter over `transfer.history.History`, bound to one camera, so the commands speak in
camera files and planned downloads rather than keys and rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from airnef_tui.transfer.filters import CameraFileLike
from airnef_tui.transfer.history import CameraKey, History
from airnef_tui.transfer.plan import CameraIdentity, Counters, PlannedFile


class DownloadRecords:
    def __init__(self, conn: sqlite3.Connection, camera: CameraIdentity) -> None:
        self.history = History(conn)
        self.key = CameraKey(camera.model, camera.serial)

    def clear(self) -> int:
        return self.history.clear(self.key)

    def counters(self, now: datetime) -> Counters:
        return Counters(lifetime_before=self.history.lifetime_count(self.key),
                        today_before=self.history.downloads_today(self.key, now))

    def lookup(self, files: Sequence[CameraFileLike]
               ) -> Callable[[CameraFileLike], Path | None]:
        """A function telling, for each of `files`, where it was downloaded before (or None)."""
        entries = self.history.lookup(self.key, files)
        earlier = {id(file): Path(entry.target) for file, entry in zip(files, entries)
                   if entry is not None}
        return lambda file: earlier.get(id(file))

    def remember(self, planned: PlannedFile, final: Path, downloaded_at: datetime) -> None:
        """Called only once the file is safely on disk: history records only finished files."""
        self.history.record(self.key, planned.file, final.resolve(), downloaded_at.astimezone())
        self.history.next_lifetime_number(self.key)
