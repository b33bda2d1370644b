"""The resume ledger in the real SQLite database: a `.part` is continued only by the very object
that started it, and only with bytes that can belong to it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from airnef_tui.rename.pathsafe import MAX_NAME_BYTES
from airnef_tui.state.db import open_database
from airnef_tui.transfer.landing import part_path
from airnef_tui.transfer.resume import ObjectIdentity, ResumeLedger

IDENTITY = ObjectIdentity("D7200#3555", "DCIM/100NIKON/DSC_0001.NEF", 1000,
                          "2024-05-01T14:30:05")


@pytest.fixture
def ledger(conn):
    return ResumeLedger(conn)


@pytest.fixture
def target(tmp_path):
    return tmp_path / "DSC_0001.NEF"


def started_with(ledger, target, have: int, identity: ObjectIdentity = IDENTITY):
    """A run that began `identity` at `target` and left `have` bytes in its .part."""
    ledger.started(target, identity)
    part_path(target).write_bytes(b"\x5a" * have)


def test_the_same_object_continues_from_the_bytes_in_its_part(ledger, target):
    started_with(ledger, target, 400)
    assert ledger.resumable_offset(target, IDENTITY) == 400


def test_a_complete_part_resumes_at_its_end(ledger, target):
    """A run killed between the last byte and the rename: nothing left to fetch."""
    started_with(ledger, target, IDENTITY.size)
    assert ledger.resumable_offset(target, IDENTITY) == IDENTITY.size


@pytest.mark.parametrize("field, value", [
    ("camera", "D7200#9999"),  # another body of the same model
    ("camera_path", "DCIM/101NIKON/DSC_0001.NEF"),
    ("size", 1001),
    ("captured", "2024-05-01T14:30:06"),  # a reformatted card reusing the name
])
def test_another_object_at_the_same_target_starts_over(ledger, target, field, value):
    started_with(ledger, target, 400)
    assert ledger.resumable_offset(target, replace(IDENTITY, **{field: value})) == 0


def test_a_part_nobody_recorded_is_not_trusted(ledger, target):
    part_path(target).write_bytes(b"x" * 400)
    assert ledger.resumable_offset(target, IDENTITY) == 0


def test_a_recorded_download_without_its_part_starts_over(ledger, target):
    ledger.started(target, IDENTITY)
    assert ledger.resumable_offset(target, IDENTITY) == 0


def test_an_empty_part_starts_over(ledger, target):
    started_with(ledger, target, 0)
    assert ledger.resumable_offset(target, IDENTITY) == 0


def test_a_part_larger_than_the_object_starts_over(ledger, target):
    started_with(ledger, target, IDENTITY.size + 1)
    assert ledger.resumable_offset(target, IDENTITY) == 0


def test_the_ledger_is_keyed_by_target(ledger, target, tmp_path):
    started_with(ledger, target, 400)
    other = tmp_path / "elsewhere" / target.name
    other.parent.mkdir()
    part_path(other).write_bytes(b"x" * 400)
    assert ledger.resumable_offset(other, IDENTITY) == 0


def test_starting_again_records_the_new_object(ledger, target):
    """The target was restarted for another object: the old identity no longer matches."""
    newer = replace(IDENTITY, size=2000)
    started_with(ledger, target, 400)
    ledger.started(target, newer)
    assert ledger.resumable_offset(target, IDENTITY) == 0
    assert ledger.resumable_offset(target, newer) == 400


def test_a_finished_download_is_forgotten(ledger, target):
    started_with(ledger, target, 400)
    ledger.finished(target)
    assert ledger.resumable_offset(target, IDENTITY) == 0
    assert ledger.conn.execute("SELECT count(*) FROM partial_downloads").fetchone()[0] == 0


def test_a_later_run_with_its_own_connection_continues(ledger, target):
    """The point of the ledger: a killed run's record is read by the next process."""
    started_with(ledger, target, 400)
    later = open_database()
    try:
        assert ResumeLedger(later).resumable_offset(target, IDENTITY) == 400
    finally:
        later.close()


def test_a_longest_target_name_is_found_through_its_digest_part(ledger, tmp_path):
    target = tmp_path / ("x" * (MAX_NAME_BYTES - 4) + ".NEF")
    started_with(ledger, target, 300)
    assert part_path(target).name != target.name + ".part"
    assert ledger.resumable_offset(target, IDENTITY) == 300


def test_a_part_that_cannot_be_looked_at_raises(ledger, tmp_path):
    """A folder on the path is a regular file: the engine turns this into a LocalWriteError,
    so it must not be mistaken for 'no .part'."""
    (tmp_path / "blocked").write_bytes(b"a file, not a folder")
    target = tmp_path / "blocked" / "DSC_0001.NEF"
    with pytest.raises(NotADirectoryError):
        ledger.resumable_offset(target, IDENTITY)
