"""Download history in a real SQLite file: matching, shifted clocks, counters, concurrency."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transfer_shots import Shot

from airnef_tui import paths
from airnef_tui.state.db import open_database
from airnef_tui.transfer.history import CameraKey, History, photographers_day

D750 = CameraKey("Nikon D750", "3012345")
Z6 = CameraKey("Nikon Z 6", "6000001")
SHOT_AT = datetime(2024, 5, 1, 14, 30, 5)
DOWNLOADED_AT = datetime(2024, 5, 2, 9, 0, tzinfo=timezone.utc)


def shot(path: str = "DCIM/100NIKON/DSC_0001.NEF", captured: datetime | None = SHOT_AT,
         size: int = 24_000_000, slot: int = 1) -> Shot:
    parts = path.split("/")
    return Shot(handle=1, storage_id=0x10001 * slot, slot=slot, path=path, name=parts[-1],
                folder=parts[-2] if len(parts) > 1 else "", size=size, captured=captured)


@pytest.fixture
def history(conn):
    return History(conn)


def test_camera_key_reads_well():
    assert str(D750) == "Nikon D750 (serial 3012345)"
    assert str(CameraKey("Canon EOS R5", "")) == "Canon EOS R5"


def test_nothing_is_found_in_an_empty_history(history):
    assert history.find(D750, shot()) is None
    assert history.find_many(D750, [shot()]) == {}


def test_a_recorded_file_is_found_with_what_was_recorded(history, tmp_path):
    history.record(D750, shot(), tmp_path / "DSC_0001.NEF", DOWNLOADED_AT,
                   captured_text="20240501T143005")
    entry = history.find(D750, shot())
    assert entry is not None
    assert entry.camera_key == D750
    assert (entry.path, entry.name, entry.size) == ("DCIM/100NIKON/DSC_0001.NEF", "DSC_0001.NEF",
                                                    24_000_000)
    assert entry.captured_text == "20240501T143005"
    assert entry.captured == SHOT_AT
    assert entry.target == str(tmp_path / "DSC_0001.NEF")
    assert entry.downloaded_at == DOWNLOADED_AT


def test_history_survives_closing_and_reopening_the_database(tmp_path):
    first = open_database()
    History(first).record(D750, shot(), tmp_path / "a.NEF", DOWNLOADED_AT)
    first.close()
    assert paths.database_path().is_file()
    second = open_database()
    try:
        entry = History(second).find(D750, shot())
        assert entry is not None and entry.target == str(tmp_path / "a.NEF")
    finally:
        second.close()


def test_history_is_kept_per_camera(history):
    history.record(D750, shot(), "/x/DSC_0001.NEF", DOWNLOADED_AT)
    assert history.find(Z6, shot()) is None
    assert history.find(CameraKey("Nikon D750", "9999999"), shot()) is None


@pytest.mark.parametrize("changed", [
    {"size": 24_000_001},
    {"path": "DCIM/100NIKON/DSC_0002.NEF"},
    {"captured": SHOT_AT + timedelta(seconds=1)},
    {"captured": SHOT_AT + timedelta(days=3)},
    {"captured": SHOT_AT - timedelta(days=3)},
    {"captured": None},
])
def test_a_different_file_is_not_found(history, changed):
    history.record(D750, shot(), "/x/DSC_0001.NEF", DOWNLOADED_AT)
    path = changed.get("path", shot().path)
    assert history.find(D750, replace(shot(), **changed, name=path.split("/")[-1])) is None


def test_the_same_shot_in_another_folder_or_slot_is_found(history):
    history.record(D750, shot("DCIM/100NIKON/DSC_0001.NEF"), "/x/a", DOWNLOADED_AT)
    assert history.find(D750, shot("DCIM/105NIKON/DSC_0001.NEF")) is not None
    assert history.find(D750, shot("DCIM/100NIKON/DSC_0001.NEF", slot=2)) is not None


def test_an_unknown_capture_time_needs_the_same_path(history):
    history.record(D750, shot("DCIM/100NIKON/DSC_0001.NEF", None), "/x/a", DOWNLOADED_AT)
    assert history.find(D750, shot("DCIM/100NIKON/DSC_0001.NEF", None)) is not None
    assert history.find(D750, shot("DCIM/101NIKON/DSC_0001.NEF", None)) is None
    assert history.find(D750, shot("DCIM/100NIKON/DSC_0001.NEF", SHOT_AT)) is None


@pytest.mark.parametrize("shift", [
    timedelta(hours=1), timedelta(hours=-1),  # DST
    timedelta(hours=9), timedelta(hours=-14),  # travel
    timedelta(minutes=30), timedelta(hours=5, minutes=45),  # half- and quarter-hour zones
    timedelta(hours=24), timedelta(hours=-24),  # the edges
    timedelta(minutes=1),  # a clock set by hand, a minute off
])
def test_a_clock_moved_by_whole_minutes_within_a_day_still_matches(history, shift):
    history.record(D750, shot(), "/x/DSC_0001.NEF", DOWNLOADED_AT)
    entry = history.find(D750, shot(captured=SHOT_AT + shift))
    assert entry is not None and entry.captured == SHOT_AT


@pytest.mark.parametrize("shift", [
    timedelta(hours=24, minutes=1), timedelta(hours=-24, minutes=-1),
    timedelta(days=2), timedelta(days=-5), timedelta(days=365),
    timedelta(hours=1, seconds=5),  # not a clock change: another shot an hour later
    timedelta(seconds=30), timedelta(milliseconds=100),
])
def test_same_name_and_size_at_another_time_is_another_shot(history, shift):
    history.record(D750, shot(), "/x/DSC_0001.NEF", DOWNLOADED_AT)
    assert history.find(D750, shot(captured=SHOT_AT + shift)) is None


def test_zoned_capture_times_compare_as_instants():
    """A camera that reports zones: the same shot after a DST change has a new offset and a new
    wall-clock reading, but the same instant: an exact match, not a shifted one."""
    winter = datetime(2024, 3, 30, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    summer = winter.astimezone(timezone(timedelta(hours=2)))
    conn = open_database()
    history = History(conn)
    history.record(D750, shot(captured=winter), "/x/old", DOWNLOADED_AT)
    history.record(D750, shot(captured=winter + timedelta(hours=1)), "/x/shifted", DOWNLOADED_AT)
    entry = history.find(D750, shot(captured=summer))
    conn.close()
    assert entry is not None and entry.target == "/x/old"
    assert entry.captured == winter and entry.captured.utcoffset() == timedelta(hours=1)


def test_exact_beats_shifted_and_the_nearest_shift_wins(history):
    history.record(D750, shot(captured=SHOT_AT + timedelta(hours=2)), "/x/two-hours", DOWNLOADED_AT)
    history.record(D750, shot(captured=SHOT_AT - timedelta(hours=1)), "/x/one-hour", DOWNLOADED_AT)
    assert history.find(D750, shot()).target == "/x/one-hour"
    history.record(D750, shot(captured=SHOT_AT), "/x/exact", DOWNLOADED_AT - timedelta(days=30))
    assert history.find(D750, shot()).target == "/x/exact"


def test_same_path_beats_another_path_and_the_latest_download_wins(history):
    history.record(D750, shot("DCIM/100NIKON/DSC_0001.NEF", slot=2), "/x/other-slot", DOWNLOADED_AT)
    history.record(D750, shot("DCIM/101NIKON/DSC_0001.NEF"), "/x/other-folder", DOWNLOADED_AT)
    history.record(D750, shot(), "/x/first", DOWNLOADED_AT)
    history.record(D750, shot(), "/x/again", DOWNLOADED_AT + timedelta(hours=1))
    history.record(D750, shot(), "/x/earlier", DOWNLOADED_AT - timedelta(hours=1))
    assert history.find(D750, shot()).target == "/x/again"


def test_find_many_answers_for_exactly_the_downloaded_files(history):
    card = [shot(f"DCIM/100NIKON/DSC_{i:04d}.NEF", SHOT_AT + timedelta(seconds=i), size=1000 + i)
            for i in range(1, 1201)]
    downloaded = card[::3]
    for file in downloaded:
        history.record(D750, file, f"/x/{file.name}", DOWNLOADED_AT)
    found = history.find_many(D750, iter(card))
    assert set(found) == set(downloaded)
    assert all(found[f].target == f"/x/{f.name}" for f in downloaded)
    assert [e is not None for e in history.lookup(D750, card)] == [i % 3 == 0 for i in range(1200)]


def test_clear_forgets_one_camera_and_keeps_its_lifetime_counter(history):
    history.record(D750, shot(), "/x/a", DOWNLOADED_AT)
    history.record(D750, shot("DSC_0002.NEF"), "/x/b", DOWNLOADED_AT)
    history.record(Z6, shot(), "/x/c", DOWNLOADED_AT)
    assert history.next_lifetime_number(D750) == 1
    assert history.clear(D750) == 2
    assert history.find(D750, shot()) is None
    assert history.find(Z6, shot()) is not None
    assert history.next_lifetime_number(D750) == 2


def test_the_schema_is_created_idempotently(conn):
    History(conn).record(D750, shot(), "/x/a", DOWNLOADED_AT)
    assert History(conn).find(D750, shot()) is not None


def test_creating_the_tables_keeps_a_callers_transaction_open(conn):
    conn.execute("BEGIN")
    conn.execute("INSERT INTO meta (key, value) VALUES ('probe', x'00')")
    History(conn)
    assert conn.in_transaction
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM meta WHERE key = 'probe'").fetchone()[0] == 0


# --- lifetime counter ---------------------------------------------------------------------------

def test_lifetime_numbers_count_up_per_camera_and_survive_a_reopen(history):
    assert history.lifetime_count(D750) == 0
    assert [history.next_lifetime_number(D750) for _ in range(3)] == [1, 2, 3]
    assert history.lifetime_count(D750) == 3
    assert history.next_lifetime_number(Z6) == 1
    reopened = open_database()
    try:
        assert History(reopened).next_lifetime_number(D750) == 4
    finally:
        reopened.close()


def test_lifetime_numbers_are_unique_across_threads_with_their_own_connections():
    numbers: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4, timeout=30)  # a thread that died must not hang the others

    def draw() -> None:
        try:
            conn = open_database()
        except BaseException as exc:
            errors.append(exc)
            start.abort()
            return
        try:
            history = History(conn)
            start.wait()
            for _ in range(150):
                numbers.append(history.next_lifetime_number(D750))
        except BaseException as exc:  # report in the main thread
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 601))


def test_a_new_database_opened_by_many_at_once_opens_for_all(tmp_path):
    """SQLite refuses the switch to WAL at once ("database is locked", no busy wait) while
    another connection is making the same new file; open_database waits as for any lock."""
    for attempt in range(200):
        path = tmp_path / f"fresh-{attempt}.sqlite3"
        start = threading.Barrier(16, timeout=30)
        errors: list[BaseException] = []

        def open_together() -> None:
            start.wait()
            try:
                open_database(path).close()
            except BaseException as exc:  # report in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=open_together) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [], f"attempt {attempt}"


def test_lifetime_numbers_are_unique_across_processes():
    draw = textwrap.dedent("""
        import sys, time
        from airnef_tui.state.db import open_database
        from airnef_tui.transfer.history import CameraKey, History
        history = History(open_database())
        key = CameraKey("Nikon D750", "3012345")
        while time.time() < float(sys.argv[1]):
            pass
        print(" ".join(str(history.next_lifetime_number(key)) for _ in range(200)))
    """)
    History(open_database())  # create the tables first, so no one races to make them
    go = f"{time.time() + 1.0}"
    racers = [subprocess.Popen([sys.executable, "-c", draw, go], stdout=subprocess.PIPE, text=True)
              for _ in range(3)]
    numbers = []
    for racer in racers:
        out, _ = racer.communicate(timeout=60)
        assert racer.returncode == 0
        numbers += map(int, out.split())
    assert sorted(numbers) == list(range(1, 601))


# --- downloads today ----------------------------------------------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")


def test_the_photographers_day_starts_at_three(history):
    def at(hour: int, day: int = 1) -> datetime:
        return datetime(2024, 5, day, hour, 0, tzinfo=BERLIN)

    for moment in (at(2), at(3), at(12), at(23), at(2, day=2), at(3, day=2)):
        history.record(D750, shot(), "/x", moment)
    history.record(Z6, shot(), "/x", at(12))
    assert history.downloads_today(D750, at(12)) == 4  # 03:00 on the 1st up to 02:00 on the 2nd
    assert history.downloads_today(D750, at(2, day=2)) == 4  # still the 1st, for a photographer
    assert history.downloads_today(D750, at(1)) == 1  # the 30th's night: only 02:00
    assert history.downloads_today(D750, at(4, day=2)) == 1
    assert history.downloads_today(D750, at(12, day=3)) == 0


def test_a_naive_now_is_this_machines_local_time(history):
    now = datetime(2024, 5, 1, 12, 0)
    history.record(D750, shot(), "/x", now)  # naive: local, like now
    history.record(D750, shot(), "/x", now - timedelta(hours=9, minutes=1))  # 02:59 the same date
    assert history.downloads_today(D750, now) == 1


def test_a_day_across_a_dst_change_follows_the_wall_clock():
    start, end = photographers_day(datetime(2024, 3, 31, 1, 0, tzinfo=BERLIN))  # still the 30th
    assert (start.day, start.hour, end.day, end.hour) == (30, 3, 31, 3)
    assert end - start == timedelta(hours=24)  # zoneinfo: aware arithmetic is wall-clock
    assert end.astimezone(timezone.utc) - start.astimezone(timezone.utc) == timedelta(hours=23)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1)))
def test_every_moment_lies_in_its_photographers_day(moment):
    aware = moment.replace(tzinfo=timezone.utc)
    start, end = photographers_day(aware)
    assert start <= aware < end
    assert start.time().hour == 3 and start.minute == 0 and end - start == timedelta(days=1)
