"""Remembering unfinished downloads across runs, so a killed run is continued, not restarted.

A `.part` file alone cannot say which camera object it belongs to: a reformatted card reuses
names. Each started download records, before its first byte, the camera (model + serial) and the
object's identity (camera path, size, capture date) against the target path. The next run continues
the `.part` only when all of these match; otherwise it starts the file again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from airnef_tui.transfer.landing import part_path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS partial_downloads (
    target TEXT PRIMARY KEY,
    camera TEXT NOT NULL,
    camera_path TEXT NOT NULL,
    size INTEGER NOT NULL,
    captured TEXT NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class ObjectIdentity:
    camera: str  # model + serial
    camera_path: str
    size: int
    captured: str  # ISO text or "" when unknown


class ResumeLedger:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute(_SCHEMA)

    def resumable_offset(self, target: Path, identity: ObjectIdentity) -> int:
        """Bytes already in target's .part that belong to this very object; 0 means start over."""
        row = self.conn.execute(
            "SELECT camera, camera_path, size, captured FROM partial_downloads WHERE target = ?",
            (str(target),)).fetchone()
        try:
            have = part_path(target).stat().st_size
        except FileNotFoundError:
            return 0
        if row is None or ObjectIdentity(*row) != identity:
            return 0
        return have if 0 < have <= identity.size else 0

    def started(self, target: Path, identity: ObjectIdentity) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO partial_downloads (target, camera, camera_path, size, captured)"
            " VALUES (?, ?, ?, ?, ?)",
            (str(target), identity.camera, identity.camera_path, identity.size, identity.captured))

    def finished(self, target: Path) -> None:
        self.conn.execute("DELETE FROM partial_downloads WHERE target = ?", (str(target),))
