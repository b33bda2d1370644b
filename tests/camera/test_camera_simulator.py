"""The client session against the simulator over real sockets on 127.0.0.1: every profile, a
sparse file beyond 4 GiB, refusals, and the injected faults."""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path

import pytest

from airnef_tui.camera import CameraRefused, ConnectionLost, list_files
from airnef_tui.ptpip import EventCode, OpCode
from airnef_tui.simulator import Simulator, SimulatorConfig

FOUR_GIB = 1 << 32
TREE = {
    "DCIM/100TEST/a.JPG": 150_000,
    "DCIM/100TEST/sub/b.NEF": 2_500_000,  # several pieces, and several Canon data packets
    "DCIM/100TEST/sub/deeper/c.MOV": 1_048_576,  # exactly one piece
    "DCIM/101TEST/d.JPG": 1,
    "MISC/e.TXT": 0,
}


def make_tree(root: Path, files: dict[str, int] = TREE) -> dict[str, bytes]:
    contents = {}
    for index, (relative, size) in enumerate(files.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = hashlib.shake_256(relative.encode()).digest(size) if size else b""
        path.write_bytes(data)
        os.utime(path, (1_700_000_000 + index, 1_700_000_000 + index))
        contents[relative] = data
    return contents


def simulator(**options) -> Simulator:
    options.setdefault("port", 0)
    return Simulator(SimulatorConfig(**options))


@pytest.mark.parametrize("profile", ["generic", "nikon", "canon", "sony"])
def test_every_profile_lists_and_downloads_a_tree_byte_identically(session_to, tmp_path, profile):
    contents = make_tree(tmp_path / "card")
    with simulator(profile=profile, dirs=[tmp_path / "card"]) as sim:
        with session_to(sim.port, chunk_size=1 << 20) as session:
            assert session.make == profile
            files = list_files(session)
            assert {f.path: f.size for f in files} == {p: len(c) for p, c in contents.items()}
            for camera_file in files:
                sink = io.BytesIO()
                assert session.download(camera_file.handle, sink,
                                        size=camera_file.size) == camera_file.size
                assert sink.getvalue() == contents[camera_file.path], camera_file.path
        assert sim.stats.sessions == 1
    by_path = {f.path: f for f in files}
    assert by_path["DCIM/100TEST/sub/deeper/c.MOV"].folder == "deeper"
    assert by_path["DCIM/100TEST/a.JPG"].slot == 1
    assert by_path["DCIM/100TEST/a.JPG"].captured is not None
    assert sim.stats.operations[0] == OpCode.OPEN_SESSION
    assert sim.stats.operations[-1] == OpCode.CLOSE_SESSION


def test_two_card_slots(session_to, tmp_path):
    first = make_tree(tmp_path / "one", {"DCIM/100A/x.JPG": 10})
    second = make_tree(tmp_path / "two", {"DCIM/100B/y.JPG": 20})
    with simulator(dirs=[tmp_path / "one", tmp_path / "two"]) as sim:
        with session_to(sim.port) as session:
            files = list_files(session)
    assert [(f.slot, f.path, f.size) for f in files] == [
        (1, "DCIM/100A/x.JPG", len(first["DCIM/100A/x.JPG"])),
        (2, "DCIM/100B/y.JPG", len(second["DCIM/100B/y.JPG"]))]


def test_generated_cards_list_with_vendor_names_and_dates(session_to):
    for profile in ("nikon", "sony"):
        with simulator(profile=profile, files=6) as sim:
            with session_to(sim.port) as session:
                files = list_files(session)
        assert len(files) >= 6
        assert all(f.captured is not None for f in files)
        if profile == "sony":
            assert all(f.folder[:4].isdigit() and f.folder[4] == "-" for f in files)


@pytest.mark.parametrize(("profile", "op64"), [
    ("generic", OpCode.MTP_GET_PARTIAL_OBJECT_64),
    ("nikon", OpCode.NIKON_GET_PARTIAL_OBJECT_EX),
])
def test_a_sparse_file_beyond_4_gib_resumes_through_the_64_bit_read(session_to, tmp_path, profile,
                                                                      op64):
    size = FOUR_GIB + 6 * (1 << 20) + 123
    card = tmp_path / "card" / "DCIM" / "100TEST"
    card.mkdir(parents=True)
    source = card / "HUGE.MOV"
    marks = {FOUR_GIB - 4096: b"below", FOUR_GIB + 10: b"past", size - 4096: b"end"}
    with open(source, "wb") as f:
        f.truncate(size)
        for at, word in marks.items():
            f.seek(at)
            f.write((word * 1024)[:4096])
    start = FOUR_GIB - 300_000
    target = tmp_path / "resumed.MOV"
    with simulator(profile=profile, dirs=[tmp_path / "card"]) as sim:
        with session_to(sim.port) as session:
            (huge,) = list_files(session)
            assert huge.size == size
            with open(target, "wb") as sink:  # a partial download resumed in place
                sink.truncate(size)
                sink.seek(start)
                started = time.monotonic()
                assert session.download(huge.handle, sink, size=size, offset=start) == size - start
                assert time.monotonic() - started < 10
    with open(source, "rb") as expected, open(target, "rb") as got:
        expected.seek(start)
        got.seek(start)
        assert got.read() == expected.read()
        for at, word in marks.items():
            got.seek(at)
            assert got.read(len(word)) == word
    wide = [r for r in sim.stats.reads if r.opcode == op64]
    assert wide and wide[0].offset == FOUR_GIB and all(r.offset >= FOUR_GIB for r in wide)
    narrow = [r for r in sim.stats.reads if r.opcode == OpCode.GET_PARTIAL_OBJECT]
    assert narrow[0].offset == start and narrow[-1].offset + narrow[-1].length == FOUR_GIB


def test_a_canon_paired_with_another_guid_refuses_with_advice(session_to):
    with simulator(profile="canon", paired_guid=bytes(range(16))) as sim:
        with pytest.raises(CameraRefused) as caught:
            session_to(sim.port).open()
        assert sim.stats.refused == 1
    assert "paired with another computer's GUID" in str(caught.value)
    assert "Connect to smartphone" in str(caught.value)


def test_a_canon_that_never_answers_the_probe_still_connects_quickly(session_to):
    with simulator(profile="canon", no_probe_reply=True) as sim:
        started = time.monotonic()
        with session_to(sim.port) as session:
            opened = time.monotonic() - started
            assert session.make == "canon"
            assert list_files(session)
    assert opened < 1.5


def test_a_drop_mid_packet_raises_at_once_and_the_download_resumes(session_to, tmp_path):
    contents = make_tree(tmp_path / "card", {"DCIM/100TEST/big.NEF": 3_000_000})
    drop_at = 1_700_000
    with simulator(profile="nikon", dirs=[tmp_path / "card"], drop_after_bytes=drop_at) as sim:
        sink = io.BytesIO()
        with session_to(sim.port, io_timeout=1.0) as session:
            (big,) = list_files(session)
            cpu, wall = time.process_time(), time.monotonic()
            with pytest.raises(ConnectionLost) as caught:
                session.download(big.handle, sink, size=big.size)
            wall, cpu = time.monotonic() - wall, time.process_time() - cpu
        lost = caught.value
        assert lost.mid_packet and 0 < lost.offset <= drop_at
        assert lost.offset == len(sink.getvalue())
        assert wall < 1.0 and cpu < 0.5
        with session_to(sim.port) as again:  # what the transfer layer does next
            again.download(big.handle, sink, size=big.size, offset=lost.offset)
    assert sink.getvalue() == contents["DCIM/100TEST/big.NEF"]


def test_a_stall_mid_packet_raises_after_the_read_timeout(session_to, tmp_path):
    make_tree(tmp_path / "card", {"DCIM/100TEST/big.NEF": 3_000_000})
    with simulator(dirs=[tmp_path / "card"], stall_after_bytes=1_200_000) as sim:
        with session_to(sim.port, io_timeout=1.0) as session:
            (big,) = list_files(session)
            cpu, wall = time.process_time(), time.monotonic()
            with pytest.raises(ConnectionLost) as caught:
                session.download(big.handle, io.BytesIO(), size=big.size)
            wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    assert caught.value.timed_out and 0 < caught.value.offset <= 1_200_000
    assert 0.9 < wall < 2.0 and cpu < 0.5


def test_object_added_arrives_on_the_event_queue(session_to):
    with simulator(files=2) as sim:
        with session_to(sim.port) as session:
            added = sim.add_object("NEW.JPG", b"\xff\xd8fresh\xff\xd9")
            event = session.events.get(timeout=3)
            assert event.code == EventCode.OBJECT_ADDED and event.params == (added.handle,)
            assert session.get_object(added.handle) == b"\xff\xd8fresh\xff\xd9"


def test_nikon_transfer_list(session_to):
    with simulator(profile="nikon", files=4) as sim:
        chosen = sim.card.files()[1]
    with simulator(profile="nikon", files=4, transfer_list=[chosen.name]) as sim:
        with session_to(sim.port) as session:
            assert session.transfer_list() == (chosen.handle,)
    with simulator(profile="nikon", files=4) as sim:
        with session_to(sim.port) as session:
            assert session.transfer_list() == ()


def test_hostile_names_are_listed_raw_and_the_walk_ends(session_to):
    with simulator(files=2, hostile_names=True) as sim:
        with session_to(sim.port) as session:
            files = list_files(session)
    names = {f.name for f in files}
    assert "../x.JPG" in names and "/abs.JPG" in names


def test_thumbnails_properties_counts_and_the_sony_keep_alive(session_to):
    with simulator(profile="sony", files=3) as sim:
        with session_to(sim.port) as session:
            first = next(f for f in list_files(session) if f.name.endswith(".JPG"))
            assert session.thumb(first.handle)[:2] == b"\xff\xd8"
            assert session.num_objects(first.storage_id) >= 3
            assert session.get_partial(first.handle, 0, 2) == b"\xff\xd8"
            assert len(session.get_device_prop(0x5001)) >= 1
            before = sim.stats.operations.count(OpCode.GET_DEVICE_INFO)
            session.keep_alive()
            assert sim.stats.operations.count(OpCode.GET_DEVICE_INFO) == before + 1
