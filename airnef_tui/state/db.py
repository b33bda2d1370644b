"""Opening the SQLite database that holds history, counters, caches and this host's identity.

Each store module owns its tables and creates them idempotently on first use, so no central schema
has to know every feature. WAL mode and a busy timeout let the TUI and a cron `get` share the file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from airnef_tui import paths


def open_database(path: Path | None = None) -> sqlite3.Connection:
    path = path or paths.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
    return conn


def get_meta(conn: sqlite3.Connection, key: str) -> bytes | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def set_meta_if_absent(conn: sqlite3.Connection, key: str, value: bytes) -> bytes:
    """Store value unless another process got there first; return whichever value won."""
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
    stored = get_meta(conn, key)
    assert stored is not None
    return stored
