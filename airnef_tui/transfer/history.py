"""What has been downloaded from which camera: the memory that lets a second `get` skip files.

airnef kept this as a text file keyed by name, capture-date string and size, and deleted it whole
over one malformed line. Here it is a table in the shared SQLite database (WAL: the TUI and a cron
`get` can use it at once), one row per finished download, per camera (model + serial).

When is a camera file one we already have? Candidates share the camera, the name and the size,
found through one index; among them, in this order of preference:

1. the same capture time (to the microsecond), preferring a row with the same camera path: the
   file may have moved folder or been copied to the other card, it is still the same shot;
2. when the capture time is unknown: the same path as well, since name + size alone are too weak;
3. a capture time moved by a whole number of minutes, at most 24 hours either way: the camera's
   clock or time zone was changed (DST, travel) and the camera now reports its files' times
   shifted; Rapid Photo Downloader tolerates the same. Whole minutes keep this from matching a
   different shot that happens to share name and size (file numbers wrap every 10,000 shots, and
   uncompressed RAW files all have one size): two distinct shots an exact number of minutes apart,
   to the second, on the same day and under the same name are rare. The nearest shift wins.

Times compare as instants when the camera gave a zone, and as wall-clock readings when it did not.

Also here, because they share the camera key and the database: the lifetime download counter
(airnef's `@dlnum_lifetime@`) and the count of downloads in the photographer's day, which starts
at 03:00 local time so that a night's shooting counts as one day (Rapid Photo Downloader's rule).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import NamedTuple, TypeVar

from airnef_tui.transfer.filters import CameraFileLike

CLOCK_SHIFT_LIMIT = timedelta(hours=24)
DAY_STARTS_AT = time(3, 0)
_MICROSECOND = timedelta(microseconds=1)
_MINUTE_US = 60_000_000
_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = _EPOCH.replace(tzinfo=timezone.utc)
_BATCH = 500  # files per query: 3 variables each, far below SQLite's limit

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS download_history (
    id INTEGER PRIMARY KEY,
    camera_model TEXT NOT NULL,
    camera_serial TEXT NOT NULL,
    camera_path TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    captured_text TEXT,             -- as the camera gave it, e.g. 20240501T143005.0
    captured TEXT,                  -- parsed, ISO 8601, with an offset only if the camera gave one
    captured_key INTEGER,           -- µs since 1970: the instant if zoned, else the wall clock
    target TEXT NOT NULL,
    downloaded_at INTEGER NOT NULL  -- microseconds since 1970-01-01 UTC
    )""",
    """CREATE INDEX IF NOT EXISTS download_history_by_file
    ON download_history (camera_model, camera_serial, name, size, captured_key)""",
    """CREATE INDEX IF NOT EXISTS download_history_by_time
    ON download_history (camera_model, camera_serial, downloaded_at)""",
    """CREATE TABLE IF NOT EXISTS download_counters (
    camera_model TEXT NOT NULL,
    camera_serial TEXT NOT NULL,
    lifetime INTEGER NOT NULL,
    PRIMARY KEY (camera_model, camera_serial)
    )""",
)


@dataclass(frozen=True, slots=True)
class CameraKey:
    """Which camera: model + serial number, as airnef keyed its history and lifetime counter."""

    model: str
    serial: str

    def __str__(self) -> str:
        return f"{self.model} (serial {self.serial})" if self.serial else self.model


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    camera_key: CameraKey
    path: str
    name: str
    size: int
    captured_text: str | None
    captured: datetime | None
    target: str
    downloaded_at: datetime  # aware, UTC


F = TypeVar("F", bound=CameraFileLike)


class History:
    """The download history in an open database (see `airnef_tui.state.db.open_database`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        for statement in _SCHEMA:  # not executescript: it would commit a caller's transaction
            conn.execute(statement)

    def record(self, camera_key: CameraKey, file: CameraFileLike, target: str | os.PathLike[str],
               downloaded_at: datetime | None = None, *, captured_text: str | None = None) -> None:
        """Remember a finished download. `captured_text` is the camera's own date string, kept
        for diagnosis; a naive `downloaded_at` is this machine's local time; default now."""
        captured = file.captured
        self._conn.execute(
            "INSERT INTO download_history (camera_model, camera_serial, camera_path, name, size,"
            " captured_text, captured, captured_key, target, downloaded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (camera_key.model, camera_key.serial, file.path, file.name, file.size, captured_text,
             None if captured is None else captured.isoformat(), _capture_key(captured),
             os.fspath(target), _utc_key(downloaded_at or datetime.now(timezone.utc))),
        )

    def find(self, camera_key: CameraKey, file: CameraFileLike) -> HistoryEntry | None:
        """The download this file matches (rules in the module doc), or None."""
        return self.lookup(camera_key, [file])[0]

    def find_many(self, camera_key: CameraKey, files: Iterable[F]) -> dict[F, HistoryEntry]:
        """{file: entry} for the files already downloaded; files must be hashable (a frozen
        dataclass is). Checking a whole card costs one indexed query per 500 files."""
        files = list(files)
        return {f: e for f, e in zip(files, self.lookup(camera_key, files)) if e is not None}

    def lookup(self, camera_key: CameraKey,
               files: Sequence[CameraFileLike]) -> list[HistoryEntry | None]:
        """Like `find_many`, for any files: one answer per file, in order."""
        found: list[HistoryEntry | None] = []
        for start in range(0, len(files), _BATCH):
            batch = files[start:start + _BATCH]
            candidates = self._candidates(camera_key, batch)
            for index, file in enumerate(batch):
                best = _best_match(file, candidates.get(index, ()))
                found.append(None if best is None else _entry(camera_key, best))
        return found

    def clear(self, camera_key: CameraKey) -> int:
        """Forget every download from this camera (`--history clear`); returns how many.

        The lifetime counter is kept: it numbers files ever downloaded, and a renamed file must
        not reuse a number that already names one on disk."""
        cursor = self._conn.execute(
            "DELETE FROM download_history WHERE camera_model = ? AND camera_serial = ?",
            (camera_key.model, camera_key.serial),
        )
        return cursor.rowcount

    def next_lifetime_number(self, camera_key: CameraKey) -> int:
        """1 for the first file ever downloaded from this camera, then 2, 3…; one atomic
        statement, so two processes never get the same number."""
        rows = self._conn.execute(
            "INSERT INTO download_counters (camera_model, camera_serial, lifetime) VALUES (?, ?, 1)"
            " ON CONFLICT (camera_model, camera_serial) DO UPDATE SET lifetime = lifetime + 1"
            " RETURNING lifetime",
            (camera_key.model, camera_key.serial),
        ).fetchall()  # fetch all: the statement, and so its write lock, ends only when drained
        return int(rows[0][0])

    def lifetime_count(self, camera_key: CameraKey) -> int:
        """How many files were ever downloaded from this camera (the counter, unincremented):
        planning a run numbers its files from here."""
        row = self._conn.execute(
            "SELECT lifetime FROM download_counters WHERE camera_model = ? AND camera_serial = ?",
            (camera_key.model, camera_key.serial),
        ).fetchone()
        return int(row[0]) if row else 0

    def downloads_today(self, camera_key: CameraKey, now: datetime) -> int:
        """Downloads from this camera since the photographer's day began (03:00 local time)."""
        start, end = photographers_day(now)
        row = self._conn.execute(
            "SELECT count(*) FROM download_history WHERE camera_model = ? AND camera_serial = ?"
            " AND downloaded_at >= ? AND downloaded_at < ?",
            (camera_key.model, camera_key.serial, _utc_key(start), _utc_key(end)),
        ).fetchone()
        return int(row[0])

    def _candidates(self, camera_key: CameraKey,
                    files: Sequence[CameraFileLike]) -> dict[int, list[_Row]]:
        """Rows sharing camera, name and size with each file, by the file's index in `files`."""
        wanted = ", ".join(["(?, ?, ?)"] * len(files))
        params: list[object] = []
        for index, file in enumerate(files):
            params += (index, file.name, file.size)
        params += (camera_key.model, camera_key.serial)
        cursor = self._conn.cursor()
        cursor.row_factory = None  # plain tuples: thousands of rows, and any connection will do
        rows = cursor.execute(
            f"WITH wanted (idx, name, size) AS (VALUES {wanted})"
            " SELECT wanted.idx, h.camera_path, h.name, h.size, h.captured_text, h.captured,"
            " h.captured_key, h.target, h.downloaded_at"
            " FROM wanted JOIN download_history AS h"
            " ON h.camera_model = ? AND h.camera_serial = ?"
            " AND h.name = wanted.name AND h.size = wanted.size",
            params,
        ).fetchall()
        by_index: dict[int, list[_Row]] = {}
        for index, *fields in rows:
            by_index.setdefault(index, []).append(_Row(*fields))
        return by_index


def photographers_day(now: datetime) -> tuple[datetime, datetime]:
    """The [start, end) of the day `now` falls in, days starting at 03:00 local time.

    A naive `now` is this machine's local time; an aware one is taken in its own zone. The bounds
    are aware, and a day across a DST change is 23 or 25 hours long, as the clock on the wall says.
    """
    wall = now.replace(tzinfo=None) if now.tzinfo is not None else now
    day = wall.date() - timedelta(days=1 if wall.time() < DAY_STARTS_AT else 0)
    start_wall = datetime.combine(day, DAY_STARTS_AT)
    end_wall = start_wall + timedelta(days=1)
    if now.tzinfo is None:
        return start_wall.astimezone(), end_wall.astimezone()
    return start_wall.replace(tzinfo=now.tzinfo), end_wall.replace(tzinfo=now.tzinfo)


class _Row(NamedTuple):
    camera_path: str
    name: str
    size: int
    captured_text: str | None
    captured: str | None
    captured_key: int | None
    target: str
    downloaded_at: int


def _best_match(file: CameraFileLike, rows: Iterable[_Row]) -> _Row | None:
    key = _capture_key(file.captured)
    best: tuple[tuple[int, int, int], _Row] | None = None
    for row in rows:
        rank = _rank(file, key, row)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, row)
    return None if best is None else best[1]


def _rank(file: CameraFileLike, key: int | None, row: _Row) -> tuple[int, int, int] | None:
    """Lower is better: (kind of match, shift in µs, newest download first); None: no match."""
    other = row.captured_key
    same_path = row.camera_path == file.path
    newest_first = -row.downloaded_at
    if key is None or other is None:
        if key is None and other is None and same_path:
            return (0, 0, newest_first)
        return None
    shift = abs(key - other)
    if shift == 0:
        return (0 if same_path else 1, 0, newest_first)
    if shift % _MINUTE_US == 0 and shift <= CLOCK_SHIFT_LIMIT // _MICROSECOND:
        return (2, shift, newest_first)
    return None


def _entry(camera_key: CameraKey, row: _Row) -> HistoryEntry:
    return HistoryEntry(
        camera_key=camera_key,
        path=row.camera_path,
        name=row.name,
        size=row.size,
        captured_text=row.captured_text,
        captured=None if row.captured is None else datetime.fromisoformat(row.captured),
        target=row.target,
        downloaded_at=_EPOCH_UTC + row.downloaded_at * _MICROSECOND,
    )


def _capture_key(captured: datetime | None) -> int | None:
    """Comparable microseconds: the instant when the camera gave a zone, else the wall clock."""
    if captured is None:
        return None
    if captured.tzinfo is None:
        return (captured - _EPOCH) // _MICROSECOND
    return (captured - _EPOCH_UTC) // _MICROSECOND


def _utc_key(moment: datetime) -> int:
    """Microseconds since the epoch; a naive moment is this machine's local time."""
    return (moment.astimezone(timezone.utc) - _EPOCH_UTC) // _MICROSECOND
