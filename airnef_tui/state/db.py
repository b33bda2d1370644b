"""Opening the SQLite database that holds history, counters, caches and this host's identity.

Each store module owns its tables and creates them idempotently on first use, so no central schema
has to know every feature. WAL mode and a busy timeout let the TUI and a cron `get` share the file.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

from airnef_tui import paths


BUSY_SECONDS = 10.0  # how long a connection waits for another that holds the file


def open_database(path: Path | None = None) -> sqlite3.Connection:
    path = path or paths.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    _use_wal(conn)
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL, waiting for other openers as the busy timeout would.

    Why a loop: SQLite answers "database is locked" to the switch at once, without calling the
    busy handler, when another connection is opening the same new file at that moment (the
    TUI and a cron `get` started together, or the first run's threads). Seen as a hang in a
    test whose four threads opened a fresh database together."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))  # out of step with the other openers


def get_meta(conn: sqlite3.Connection, key: str) -> bytes | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def set_meta_if_absent(conn: sqlite3.Connection, key: str, value: bytes) -> bytes:
    """Store value unless another process got there first; return whichever value won."""
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
    stored = get_meta(conn, key)
    assert stored is not None
    return stored
