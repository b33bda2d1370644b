"""The cameras this machine has connected to: one row per address and port, in the history file.

The connect code records a camera once its session is open (`remember_camera`); discovery's
"seen before" source lists them (`known_cameras`), so a camera that is on but not announcing
itself (a Nikon on its own Wi-Fi, a Canon in smartphone mode) still shows up as somewhere to try.
The table is created here, idempotently, the first time either function runs (see `db.py`).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

_SCHEMA = """
CREATE TABLE IF NOT EXISTS known_cameras (
    address TEXT NOT NULL,
    port INTEGER NOT NULL,
    make TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    serial TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    last_connected REAL NOT NULL,
    PRIMARY KEY (address, port)
)
"""

# A later connection that could not learn a fact (say the make, before DeviceInfo) keeps the
# one an earlier connection stored; the time is always the latest.
_UPSERT = """
INSERT INTO known_cameras (address, port, make, model, serial, name, last_connected)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (address, port) DO UPDATE SET
    make = COALESCE(NULLIF(excluded.make, ''), make),
    model = COALESCE(NULLIF(excluded.model, ''), model),
    serial = COALESCE(NULLIF(excluded.serial, ''), serial),
    name = COALESCE(NULLIF(excluded.name, ''), name),
    last_connected = MAX(excluded.last_connected, last_connected)
"""


@dataclass(frozen=True, slots=True)
class KnownCamera:
    """A camera we had a session with. `make` is lower case ("nikon"), or "" when unknown;
    `name` is what its Init Ack called it; `last_connected` is a `time.time()` value."""

    address: str
    port: int
    make: str
    model: str
    serial: str
    name: str
    last_connected: float


def _ensure_table(conn: sqlite3.Connection) -> None:
    conn.execute(_SCHEMA)


def remember_camera(conn: sqlite3.Connection, address: str, port: int, *, make: str = "",
                    model: str = "", serial: str = "", name: str = "",
                    when: float | None = None) -> None:
    """Record (or refresh) that we connected to the camera at `address`:`port` at `when`
    (now by default). Empty facts leave what an earlier connection stored."""
    _ensure_table(conn)
    conn.execute(_UPSERT, (address, int(port), (make or "").lower(), model or "", serial or "",
                           name or "", time.time() if when is None else float(when)))


def known_cameras(conn: sqlite3.Connection) -> list[KnownCamera]:
    """Every camera we connected to, the most recent first."""
    _ensure_table(conn)
    rows = conn.execute(
        "SELECT address, port, make, model, serial, name, last_connected FROM known_cameras "
        "ORDER BY last_connected DESC, address, port").fetchall()
    return [KnownCamera(row[0], int(row[1]), row[2], row[3], row[4], row[5],
                        float(row[6])) for row in rows]
