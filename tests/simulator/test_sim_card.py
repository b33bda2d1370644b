"""The served cards: generated in each vendor's style, from disk (odd names included), hostile."""

from __future__ import annotations

import hashlib
import os
import struct
from datetime import datetime
from pathlib import Path

import pytest

from airnef_tui.ptpip.codes import OpCode
from airnef_tui.ptpip.datasets import ObjectInfo
from airnef_tui.simulator import Simulator, SimulatorConfig
from airnef_tui.simulator.hostile import HOSTILE_FILE_NAMES, HOSTILE_FOLDER_NAMES
from sim_raw_client import RawClient


def build(**options) -> Simulator:
    return Simulator(SimulatorConfig(port=0, **options))  # never started: the card is built


def digest(obj) -> str:
    return hashlib.sha256(obj.content()).hexdigest()


@pytest.mark.parametrize(("profile", "first", "raw"), [
    ("generic", "DCIM/100MEDIA/IMG_0001.JPG", None),
    ("nikon", "DCIM/100NCD72/DSC_0001.JPG", "DCIM/100NCD72/DSC_0001.NEF"),
    ("canon", "DCIM/100CANON/IMG_0001.JPG", "DCIM/100CANON/IMG_0001.CR2"),
    ("sony", "DCIM/2024-05-01/DSC00001.JPG", "DCIM/2024-05-01/DSC00001.ARW"),
])
def test_generated_card_has_n_files_three_levels_deep_in_vendor_style(profile, first, raw):
    card = build(profile=profile, files=20).card
    files = card.files()
    assert len(files) == 20
    assert files[0].camera_path == first
    assert (card.find(raw) is not None) == (raw is not None)
    assert all(len(f.camera_path.split("/")) == 3 for f in files)
    assert len({f.parent for f in files}) >= 2  # more than one folder
    assert len({f.size for f in files}) == 20 and any(f.size > 1 << 20 for f in files)
    times = [f.captured for f in files]
    assert times == sorted(times) and all(t.year == 2024 for t in times)


def test_generated_cards_are_deterministic_and_files_really_differ():
    one, two = build(profile="nikon", files=6).card, build(profile="nikon", files=6).card
    assert [(f.camera_path, f.size, f.captured) for f in one.files()] == \
        [(f.camera_path, f.size, f.captured) for f in two.files()]
    digests = [digest(f) for f in one.files()]
    assert digests == [digest(f) for f in two.files()]
    assert len(set(digests)) == 6


def test_generated_photos_are_exif_jpegs_of_the_promised_size():
    card = build(profile="canon", files=4, model="Canon EOS 90D").card
    photo = card.find("DCIM/100CANON/IMG_0002.JPG")
    data = photo.content()
    assert len(data) == photo.size
    assert data[:4] == b"\xff\xd8\xff\xe1" and data[-2:] == b"\xff\xd9"
    assert b"Canon EOS 90D\x00" in data[:400]
    assert photo.captured.strftime("%Y:%m:%d %H:%M:%S").encode() in data[:400]


@pytest.mark.parametrize(("profile", "signature"), [("canon", b"CR\x02\x00"), ("nikon", None)])
def test_raw_files_are_tiff_structured_with_an_embedded_preview(profile, signature):
    card = build(profile=profile, files=2).card
    raw = card.files()[1]
    data = raw.content()
    assert len(data) == raw.size and data[:4] == b"II*\x00"
    if signature:
        assert data[8:12] == signature
    ifd = struct.unpack_from("<I", data, 4)[0]
    entries = {}
    for index in range(struct.unpack_from("<H", data, ifd)[0]):
        tag, _, _, value = struct.unpack_from("<HHII", data, ifd + 2 + 12 * index)
        entries[tag] = value
    start, length = entries[0x0201], entries[0x0202]
    preview = data[start:start + length]
    assert preview[:2] == b"\xff\xd8" and preview[-2:] == b"\xff\xd9"


def test_a_card_from_disk_keeps_tree_times_and_slots(tmp_path, tree):
    root, contents = tree
    os.utime(root / "DCIM" / "100TEST", (1_700_000_000, 1_700_000_000))
    card = build(dirs=[root]).card
    assert {f.camera_path: f.content() for f in card.files()} == contents
    folder = card.find("DCIM/100TEST")
    assert folder.is_folder and folder.captured == datetime.fromtimestamp(1_700_000_000)
    nef = card.find("DCIM/100TEST/A002.NEF")
    assert nef.source == root / "DCIM/100TEST/A002.NEF"
    assert nef.captured == datetime.fromtimestamp((root / "DCIM/100TEST/A002.NEF").stat().st_mtime)
    assert card.get(nef.parent) is folder and card.get(folder.parent).name == "DCIM"
    assert {s.storage_id for s in card.storages} == {0x00010001}


def test_odd_entries_on_disk_neither_crash_nor_loop(start_sim, tmp_path):
    root = tmp_path / "card"
    (root / "DCIM").mkdir(parents=True)
    weird = os.fsencode(root / "DCIM") + b"/caf\xe9\xff.JPG"  # not UTF-8
    with open(weird, "wb") as f:
        f.write(b"latin-1 name")
    (root / "DCIM" / "loop").symlink_to(root, target_is_directory=True)
    os.mkfifo(root / "DCIM" / "pipe")
    (root / "DCIM" / ("N" * 255)).write_bytes(b"longest name a disk allows")
    sim = start_sim(dirs=[root])
    names = {f.name for f in sim.card.files()}
    assert "caf\udce9\udcff.JPG" in names and "pipe" not in names
    assert all(not f.camera_path.startswith("DCIM/loop") for f in sim.card)
    with RawClient(sim.port).connect() as client:
        for served in sim.card.files():
            info = ObjectInfo.decode(client.transact(OpCode.GET_OBJECT_INFO, served.handle).data)
            assert client.transact(OpCode.GET_OBJECT, served.handle).data == served.content()
            if served.name.startswith("caf"):
                assert info.filename == "caf\ufffd\ufffd.JPG"
            if served.name.startswith("N"):
                assert info.filename == "N" * 254  # clipped to what a PTP string holds


def test_hostile_names_reach_the_wire_as_far_as_ptp_strings_allow(start_sim):
    sim = start_sim(profile="nikon", files=2, hostile_names=True)
    expected = [name.split("\x00")[0].replace("\udcff", "\ufffd") for name in HOSTILE_FILE_NAMES]
    with RawClient(sim.port).connect() as client:
        names = [ObjectInfo.decode(client.transact(OpCode.GET_OBJECT_INFO, h).data).filename
                 for h in client.handles()]
        for name in expected:
            assert name in names, repr(name)
        assert names.count("DUP.JPG") == 2
        roots = [ObjectInfo.decode(client.transact(OpCode.GET_OBJECT_INFO, h).data).filename
                 for h in client.handles(0xFFFFFFFF, 0, 0xFFFFFFFF)]
        assert set(HOSTILE_FOLDER_NAMES) <= set(roots)
        traversal = sim.card.find("DCIM/999HOSTL/../x.JPG")
        assert client.transact(OpCode.GET_OBJECT, traversal.handle).data == traversal.content()
    assert any(len(n) == 254 for n in names)
    assert any(len(n.encode()) > 255 for n in names)


def test_add_object_goes_to_the_current_folder_or_a_named_one(tmp_path):
    sim = build(profile="nikon", files=3)
    added = sim.add_object("DSC_0004.JPG", b"shot")
    assert added.camera_path == "DCIM/100NCD72/DSC_0004.JPG"
    source = tmp_path / "clip.MOV"
    source.write_bytes(b"movie")
    clip = sim.add_object("CLIP.MOV", source, folder="DCIM")
    assert clip.camera_path == "DCIM/CLIP.MOV" and clip.size == 5 and clip.content() == b"movie"
    with pytest.raises(ValueError):
        sim.add_object("X.JPG", b"", folder="NOPE")
    assert len(sim.add_object("Y" * 400, b"long").name) == 254  # what a PTP string can carry


def test_config_errors_are_value_errors_with_a_clear_message(tmp_path):
    for options, words in [({"profile": "olympus"}, "unknown profile"),
                           ({"paired_guid": b"short"}, "16 bytes"),
                           ({"dirs": [tmp_path / "missing"]}, "not a folder"),
                           ({"rate": 0}, "rate"), ({"model": "M" * 300}, "254")]:
        with pytest.raises(ValueError, match=words):
            build(**options)
    assert Path(build(dirs=[str(tmp_path)]).config.dirs[0]) == tmp_path
