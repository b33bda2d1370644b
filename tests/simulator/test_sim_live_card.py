"""The live card over real sockets: files copied into a `--dir` folder while the simulator runs,
and `--shoot-every` photos, become objects announced with ObjectAdded and served byte for byte."""

from __future__ import annotations

import argparse
import os
import time

import pytest

from airnef_tui.ptpip.codes import EventCode, OpCode, ResponseCode
from airnef_tui.ptpip.datasets import ObjectInfo
from airnef_tui.ptpip.packets import Event
from airnef_tui.simulator.cli import add_arguments, config_from_args
from sim_raw_client import RawClient

POLL = 0.1


def object_info(client: RawClient, handle: int) -> ObjectInfo:
    result = client.transact(OpCode.GET_OBJECT_INFO, handle)
    assert result.code == ResponseCode.OK, hex(result.code)
    return ObjectInfo.decode(result.data)


def next_added(client: RawClient, code: int = EventCode.OBJECT_ADDED) -> int:
    """The handle of the next ObjectAdded on the event connection (5 s at most)."""
    event = client.event.receive()
    assert isinstance(event, Event) and event.code == code, event
    return event.params[0]


def wait_until(condition, timeout: float = 5.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


# -- files copied into a --dir folder -------------------------------------------------------------

def test_a_file_copied_into_the_folder_is_announced_and_served(start_sim, tree):
    root, _ = tree
    sim = start_sim(profile="generic", dirs=[root], dir_poll=POLL)
    before = len(sim.card.files())
    with RawClient(sim.port).connect() as client:
        data = os.urandom(250_000)
        (root / "DCIM/100TEST/A003.JPG").write_bytes(data)
        handle = next_added(client)
        info = object_info(client, handle)
        assert info.filename == "A003.JPG" and info.compressed_size == len(data)
        assert info.parent_object == sim.card.find("DCIM/100TEST").handle
        assert client.transact(OpCode.GET_OBJECT, handle).data == data
        assert handle in client.handles()
    assert len(sim.card.files()) == before + 1


def test_a_new_sub_folder_and_a_file_at_the_root_come_with_their_folders(start_sim, tree):
    root, _ = tree
    sim = start_sim(profile="nikon", dirs=[root], dir_poll=POLL)
    with RawClient(sim.port).connect() as client:
        (root / "DCIM/102NEW/deeper").mkdir(parents=True)
        (root / "DCIM/102NEW/deeper/C001.JPG").write_bytes(b"\xff\xd8deep\xff\xd9")
        deep = next_added(client)
        (root / "LOOSE.JPG").write_bytes(b"\xff\xd8root\xff\xd9")
        loose = next_added(client)
        assert object_info(client, deep).parent_object == \
            sim.card.find("DCIM/102NEW/deeper").handle
        assert sim.card.find("DCIM/102NEW").is_folder
        assert object_info(client, loose).parent_object == 0  # the card's root, as on disk
        assert client.transact(OpCode.GET_OBJECT, loose).data == b"\xff\xd8root\xff\xd9"


def test_a_file_still_growing_is_served_only_once_it_holds_still(start_sim, tree):
    root, _ = tree
    sim = start_sim(profile="generic", dirs=[root], dir_poll=POLL)
    target = root / "DCIM/100TEST/GROWING.MOV"
    chunks = [os.urandom(10_000) for _ in range(12)]
    with target.open("wb") as out:
        for chunk in chunks:  # a copy slower than the looks: a new size every half poll
            out.write(chunk)
            out.flush()
            time.sleep(POLL / 2)
            assert sim.card.find("DCIM/100TEST/GROWING.MOV") is None
    wait_until(lambda: sim.card.find("DCIM/100TEST/GROWING.MOV") is not None, what="the file")
    assert sim.card.find("DCIM/100TEST/GROWING.MOV").content() == b"".join(chunks)


def test_hidden_files_and_a_folder_poll_of_zero_add_nothing(start_sim, tree, tmp_path):
    root, _ = tree
    sim = start_sim(profile="generic", dirs=[root], dir_poll=POLL)
    (root / "DCIM/100TEST/.A003.JPG.tmp").write_bytes(b"an rsync temporary file")
    (root / "DCIM/.trash").mkdir()
    (root / "DCIM/.trash/OLD.JPG").write_bytes(b"in a hidden folder")
    still = tmp_path / "still"
    still.mkdir()
    quiet = start_sim(profile="generic", dirs=[still], dir_poll=0)
    (still / "NEW.JPG").write_bytes(b"never looked at")
    time.sleep(POLL * 6)
    assert len(sim.card.files()) == 4  # the tree's own files
    assert quiet.card.files() == []
    assert quiet._live_card is None  # nothing to do: no thread


def test_removed_files_stay_on_the_card(start_sim, tree):
    root, _ = tree
    sim = start_sim(profile="generic", dirs=[root], dir_poll=POLL)
    (root / "DCIM/101TEST/B001.JPG").unlink()
    time.sleep(POLL * 4)
    assert sim.card.find("DCIM/101TEST/B001.JPG") is not None  # deleted only when asked


# -- --shoot-every ---------------------------------------------------------------------------------

@pytest.mark.parametrize("profile, code, name", [
    ("nikon", EventCode.OBJECT_ADDED, "DSC_0003.JPG"),  # after DSC_0001.JPG/.NEF, DSC_0002.JPG
    ("sony", EventCode.SONY_OBJECT_ADDED, "DSC00003.JPG"),
])
def test_shoot_every_takes_numbered_photos_announced_and_served(start_sim, profile, code, name):
    sim = start_sim(profile=profile, files=3, shoot_every=0.2, sony_single_session=False)
    with RawClient(sim.port).connect() as client:
        first = next_added(client, code)
        second = next_added(client, code)
        info = object_info(client, first)
        assert info.filename == name
        assert object_info(client, second).filename == name.replace("3.", "4.")
        assert info.parent_object == sim.card.files()[0].parent  # the folder in use
        data = client.transact(OpCode.GET_OBJECT, first).data
        assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
        assert len(data) == info.compressed_size >= 400_000
        assert sim.model.encode() in data[:2000]  # EXIF says which camera took it
        assert info.capture_date.startswith(sim.device_props.now().strftime("%Y%m%d"))
        assert data == sim.card.get(first).content()


def test_shots_land_in_the_last_folder_of_an_empty_card_and_stop_with_the_simulator(start_sim):
    sim = start_sim(profile="nikon", files=0, shoot_every=0.05)
    wait_until(lambda: len(sim.card.files()) >= 2, what="two shots")
    shot = sim.card.files()[0]
    assert shot.camera_path.startswith("DCIM/") and shot.name == "DSC_0001.JPG"
    started = time.monotonic()
    sim.stop()
    assert time.monotonic() - started < 1.0
    count = len(sim.card.files())
    time.sleep(0.2)
    assert len(sim.card.files()) == count  # no more shots once stopped


# -- the command line ------------------------------------------------------------------------------

def parse(*argv: str):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return config_from_args(parser.parse_args(list(argv)))


def test_the_options_reach_the_config_and_bad_values_are_refused():
    config = parse("--shoot-every", "2.5", "--dir-poll", "0")
    assert (config.shoot_every, config.dir_poll) == (2.5, 0)
    defaults = parse()
    assert (defaults.shoot_every, defaults.dir_poll) == (None, 0.5)
    for argv in (["--shoot-every", "0"], ["--shoot-every", "soon"], ["--dir-poll", "-1"],
                 ["--shoot-every", "inf"]):
        with pytest.raises(ValueError):
            parse(*argv)
