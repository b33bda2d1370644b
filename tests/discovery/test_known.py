"""Cameras connected before: the table in the history file, and the "seen before" source.

The history file is the isolated one under AIRNEF_TUI_HOME (tests/conftest.py); nothing here
touches the network.
"""

from __future__ import annotations

import sqlite3

from airnef_tui.discovery.known import KnownSource
from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.sighting import HISTORY, CameraSighting
from airnef_tui.discovery.sightings import Sightings
from airnef_tui.state.db import open_database
from airnef_tui.state.known_cameras import KnownCamera, known_cameras, remember_camera


def test_known_cameras_round_trip_newest_first():
    conn = open_database()
    assert known_cameras(conn) == []
    remember_camera(conn, "192.168.1.1", 15740, make="Nikon", model="D7200", serial="3001234",
                    name="D7200", when=1000.0)
    remember_camera(conn, "10.0.0.7", 15740, make="canon", model="Canon EOS 80D", when=2000.0)
    conn.close()
    conn = open_database()  # another process (a cron `get`) sees the same rows
    assert known_cameras(conn) == [
        KnownCamera("10.0.0.7", 15740, "canon", "Canon EOS 80D", "", "", 2000.0),
        KnownCamera("192.168.1.1", 15740, "nikon", "D7200", "3001234", "D7200", 1000.0),
    ]


def test_connecting_again_refreshes_the_time_and_keeps_what_it_did_not_learn():
    conn = open_database()
    remember_camera(conn, "192.168.1.1", 15740, make="nikon", model="D7200", serial="3001234",
                    name="D7200", when=1000.0)
    remember_camera(conn, "192.168.1.1", 15740, name="D7200-renamed", when=3000.0)
    remember_camera(conn, "192.168.1.1", 15741, make="nikon", when=500.0)  # another port
    assert known_cameras(conn) == [
        KnownCamera("192.168.1.1", 15740, "nikon", "D7200", "3001234", "D7200-renamed", 3000.0),
        KnownCamera("192.168.1.1", 15741, "nikon", "", "", "", 500.0),
    ]


def test_the_table_lives_in_the_history_file_keyed_by_address_and_port():
    conn = open_database()
    remember_camera(conn, "127.0.0.2", 15740)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(known_cameras)")]
    assert columns == ["address", "port", "make", "model", "serial", "name", "last_connected"]
    remember_camera(conn, "127.0.0.2", 15740)
    assert conn.execute("SELECT COUNT(*) FROM known_cameras").fetchone()[0] == 1


def test_known_source_reports_each_known_camera_unconfirmed():
    conn = open_database()
    remember_camera(conn, "192.168.1.1", 15740, make="nikon", model="D7200", name="D7200",
                    when=1000.0)
    remember_camera(conn, "127.0.0.2", 15740, make="sony", model="ILCE-7RM2", when=2000.0)
    conn.close()
    changes: list[tuple[str, CameraSighting]] = []
    sightings = Sightings(lambda what, sighting: changes.append((what, sighting)))
    source = KnownSource()
    assert source.name == HISTORY == "seen before"
    source.start(sightings, Scope(("127.0.0.1",)))
    assert sightings.current() == [
        CameraSighting("127.0.0.2", 15740, make="sony", model="ILCE-7RM2",
                       sources=frozenset({HISTORY}), last_seen=2000.0, confirmed=False),
        CameraSighting("192.168.1.1", 15740, make="nikon", model="D7200", name="D7200",
                       sources=frozenset({HISTORY}), last_seen=1000.0, confirmed=False),
    ]
    assert len(changes) == 2
    source.rescan()  # nothing new: nothing changes, nothing is reported twice
    assert len(changes) == 2 and len(sightings.current()) == 2
    source.stop()


def test_known_source_picks_up_a_camera_remembered_since_start_on_rescan():
    sightings = Sightings()
    source = KnownSource()
    source.start(sightings, Scope())
    assert sightings.current() == []
    conn = open_database()
    remember_camera(conn, "127.0.0.3", 15740, make="canon", when=5.0)
    conn.close()
    source.rescan()
    [camera] = sightings.current()
    assert (camera.address, camera.make, camera.confirmed) == ("127.0.0.3", "canon", False)
    source.stop()


def test_an_unreadable_history_file_reports_nothing_and_does_not_raise(tmp_path):
    def broken() -> sqlite3.Connection:
        raise sqlite3.OperationalError("unable to open database file")

    sightings = Sightings()
    source = KnownSource(open_db=broken)
    source.start(sightings, Scope())
    source.rescan()
    source.stop()
    assert sightings.current() == []
