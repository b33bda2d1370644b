"""How a download lands: `<target>.part` first, then the capture time, then one atomic move that
never overwrites a file unless told to. Real files in tmp_path."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

import pytest

from airnef_tui.rename.pathsafe import MAX_NAME_BYTES
from airnef_tui.transfer.landing import (
    capture_timestamp, discard, land, open_part, part_path,
)

SHOT = datetime(2024, 5, 1, 14, 30, 5)  # naive, as most cameras report it
# SHOT read as local time in the zone `away_from_utc` sets (UTC+05:30, no DST).
SHOT_IN_KOLKATA = datetime(2024, 5, 1, 9, 0, 5, tzinfo=timezone.utc).timestamp()
OLD_STAMP = 1_000_000_000.0  # 2001-09-09: any mtime no test would produce by accident


@pytest.fixture
def away_from_utc(monkeypatch):
    """Local time 5 h 30 ahead of UTC, so that "naive means local time" is told apart from
    "naive means UTC" even on a machine (or CI runner) that runs in UTC."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def long_name(tail: str, extension: str = ".NEF") -> str:
    """A name of exactly MAX_NAME_BYTES bytes (the longest a target may be) ending in `tail`."""
    return "x" * (MAX_NAME_BYTES - len(tail) - len(extension)) + tail + extension


def write_part(target, data: bytes):
    part = part_path(target)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(data)
    return part


def landed(tmp_path, data: bytes, *, name: str = "DSC_0001.JPG", captured=SHOT,
           replace: bool = False):
    """Write `data` through open_part and land it at tmp_path/out/name; return the final path."""
    target = tmp_path / "out" / name
    sink = open_part(target)
    sink.write(data)
    return land(sink, target, captured, replace=replace)


# -- part_path ---------------------------------------------------------------------------------


def test_part_path_is_the_target_name_plus_part(tmp_path):
    assert part_path(tmp_path / "DSC_0001.NEF") == tmp_path / "DSC_0001.NEF.part"


def test_part_path_of_a_longest_name_fits_and_is_the_same_every_time(tmp_path):
    """A 255-byte target cannot take `.part` on: the name is shortened and a digest of the full
    name keeps it unique, identical on the next run (or resume would never find it)."""
    target = tmp_path / long_name("-A")
    first = part_path(target)
    assert first == part_path(tmp_path / long_name("-A"))
    assert first.parent == tmp_path
    assert len(os.fsencode(first.name)) <= MAX_NAME_BYTES
    assert first.name.endswith(".part") and "~" in first.name


def test_long_names_differing_only_in_their_cut_tail_get_different_parts(tmp_path):
    """The shortening cuts the end of the name, so only the digest tells these two apart."""
    one, other = part_path(tmp_path / long_name("-A")), part_path(tmp_path / long_name("-B"))
    assert one != other
    assert one.name.split("~")[0] == other.name.split("~")[0]


def test_part_path_of_a_long_multibyte_name_stays_within_the_byte_limit(tmp_path):
    target = tmp_path / ("é" * 125 + ".JPG")  # 254 bytes of UTF-8 in 129 characters
    name = part_path(target).name
    assert len(os.fsencode(name)) <= MAX_NAME_BYTES
    name.encode("utf-8")  # not cut in the middle of a character


# -- open_part ---------------------------------------------------------------------------------


def test_open_part_from_zero_creates_the_folders_and_truncates_an_old_part(tmp_path):
    target = tmp_path / "out" / "2024" / "DSC_0001.JPG"
    write_part(target, b"old bytes of something else")
    with open_part(target) as sink:
        sink.write(b"new")
    assert part_path(target).read_bytes() == b"new"
    assert not target.exists()


def test_open_part_resuming_keeps_what_lies_before_the_offset_and_drops_the_rest(tmp_path):
    """A .part may hold a torn last piece past the offset known good: it must not survive."""
    target = tmp_path / "DSC_0001.JPG"
    write_part(target, b"0123456789")
    with open_part(target, 6) as sink:
        assert sink.tell() == 6
        sink.write(b"ab")
    assert part_path(target).read_bytes() == b"012345ab"


# -- land --------------------------------------------------------------------------------------


def test_land_moves_the_part_to_the_target_with_the_capture_time_as_mtime(tmp_path,
                                                                          away_from_utc):
    final = landed(tmp_path, b"photo")
    assert final == tmp_path / "out" / "DSC_0001.JPG"
    assert final.read_bytes() == b"photo"
    assert final.stat().st_mtime == SHOT_IN_KOLKATA  # naive: local time
    assert not part_path(final).exists()


def test_land_closes_the_sink(tmp_path):
    target = tmp_path / "DSC_0001.JPG"
    sink = open_part(target)
    sink.write(b"photo")
    land(sink, target, SHOT, replace=False)
    assert sink.closed


def test_land_without_a_capture_time_leaves_the_mtime_alone(tmp_path):
    target = tmp_path / "DSC_0001.JPG"
    sink = open_part(target)
    sink.write(b"photo")
    sink.flush()
    os.utime(part_path(target), (OLD_STAMP, OLD_STAMP))
    final = land(sink, target, None, replace=False)
    assert final.stat().st_mtime == OLD_STAMP


def test_land_never_overwrites_an_existing_file(tmp_path):
    """A file that appeared after the run was planned keeps its bytes; the download takes the
    next free -new-N name."""
    existing = tmp_path / "out" / "DSC_0001.JPG"
    existing.parent.mkdir()
    existing.write_bytes(b"the user's file")
    (tmp_path / "out" / "DSC_0001-new-1.JPG").write_bytes(b"an earlier rename")

    final = landed(tmp_path, b"download")

    assert final == tmp_path / "out" / "DSC_0001-new-2.JPG"
    assert final.read_bytes() == b"download"
    assert existing.read_bytes() == b"the user's file"
    assert (tmp_path / "out" / "DSC_0001-new-1.JPG").read_bytes() == b"an earlier rename"
    assert not part_path(existing).exists()


def test_land_treats_a_dangling_symlink_as_taken(tmp_path):
    """Replacing a symlink would follow nobody's wishes; it is a name in use."""
    link = tmp_path / "out" / "DSC_0001.JPG"
    link.parent.mkdir()
    link.symlink_to(tmp_path / "nowhere")
    final = landed(tmp_path, b"download")
    assert final.name == "DSC_0001-new-1.JPG"
    assert link.is_symlink()


def test_land_with_replace_overwrites_the_target(tmp_path):
    existing = tmp_path / "out" / "DSC_0001.JPG"
    existing.parent.mkdir()
    existing.write_bytes(b"the old file")
    final = landed(tmp_path, b"download", replace=True)
    assert final == existing
    assert existing.read_bytes() == b"download"
    assert sorted(p.name for p in existing.parent.iterdir()) == ["DSC_0001.JPG"]


def test_a_longest_name_lands_through_its_digest_part(tmp_path):
    name = long_name("-A")
    final = landed(tmp_path, b"long", name=name)
    assert final.name == name and final.read_bytes() == b"long"
    assert [p.name for p in final.parent.iterdir()] == [name]


# -- capture_timestamp -------------------------------------------------------------------------


def test_a_naive_capture_time_is_local_time(away_from_utc):
    assert capture_timestamp(SHOT) == SHOT_IN_KOLKATA


def test_an_aware_capture_time_is_its_instant():
    aware = datetime(2024, 5, 1, 14, 30, 5, tzinfo=timezone(timedelta(hours=2)))
    assert capture_timestamp(aware) == datetime(2024, 5, 1, 12, 30, 5,
                                                tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize("captured", [None, datetime.min])
def test_no_usable_capture_time_gives_none(captured):
    """Unknown, or a naive year-1 time that has no local-time equivalent (a clock never set)."""
    assert capture_timestamp(captured) is None


# -- discard -----------------------------------------------------------------------------------


def test_discard_closes_the_sink_and_removes_the_part(tmp_path):
    target = tmp_path / "DSC_0001.JPG"
    sink = open_part(target)
    sink.write(b"half")
    discard(sink, target)
    assert sink.closed
    assert not part_path(target).exists()


def test_discard_without_a_part_or_a_sink_is_harmless(tmp_path):
    target = tmp_path / "DSC_0001.JPG"
    discard(None, target)
    assert list(tmp_path.iterdir()) == []
