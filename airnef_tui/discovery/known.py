"""The "seen before" source: cameras this machine connected to in earlier runs.

It sends nothing on the network: it reads the history file and reports each remembered camera as
an unconfirmed sighting (source `HISTORY`), with what we learnt of it then (make, model, the name
its Init Ack gave) and the time of that last connection as `last_seen`. Another source (or a
connection) confirms that it is here now; `search.present` does not count a camera that only
this source saw. It reads the table once at `start` and again at each `rescan`; the read is a
few rows of a local SQLite file, so it happens in the caller's thread.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.sighting import HISTORY, CameraSighting
from airnef_tui.discovery.sightings import Sightings
from airnef_tui.state.db import open_database
from airnef_tui.state.known_cameras import KnownCamera, known_cameras

_log = logging.getLogger("airnef_tui.discovery.known")


def sighting_of(camera: KnownCamera) -> CameraSighting:
    return CameraSighting(camera.address, camera.port, make=camera.make, model=camera.model,
                          name=camera.name, sources=frozenset({HISTORY}),
                          last_seen=camera.last_connected, confirmed=False)


class KnownSource:
    """`open_db`: how to open the history file (the default one unless a test says otherwise)."""

    name = HISTORY

    def __init__(self, open_db: Callable[[], sqlite3.Connection] = open_database) -> None:
        self._open_db = open_db
        self._sightings: Sightings | None = None

    def start(self, sightings: Sightings, scope: Scope) -> None:
        # The scope limits what goes on the network; this source sends nothing, so it reports
        # every remembered camera.
        self._sightings = sightings
        self._report()

    def rescan(self) -> None:
        self._report()

    def stop(self) -> None:
        self._sightings = None

    def _report(self) -> None:
        sightings = self._sightings
        if sightings is None:
            return
        try:
            conn = self._open_db()
            try:
                cameras = known_cameras(conn)
            finally:
                conn.close()
        except (sqlite3.Error, OSError) as error:
            _log.warning("cameras connected before: cannot read the history file: %s", error)
            return
        for camera in cameras:
            sightings.seen(sighting_of(camera))
