"""`--json` output of `list` and `get`, field by field (issue 3, "What to build" point 3)."""

from __future__ import annotations

from datetime import datetime

import pytest
from e2e_support import BASE_TIME, TREE, address, basename, write_card

from airnef_tui.ptpip.codes import storage_slot

CAMERA_FIELDS = {"type", "manufacturer", "model", "serial", "name", "guid"}
LIST_FILE_FIELDS = {"type", "path", "name", "folder", "size", "captured", "storage", "handle",
                    "downloaded", "target"}
GET_FILE_FIELDS = {"type", "path", "status", "reason", "target", "bytes", "seconds"}
SUMMARY_FIELDS = {"type", "downloaded", "skipped", "failed", "bytes", "seconds"}


def handles(sim) -> dict[str, int]:
    return {o.camera_path: o.handle for o in sim.card.files()}


@pytest.mark.parametrize("profile", ["nikon", "canon"])
def test_list_json(profile, start_sim, card_tree, cli, tmp_path):
    root, _ = card_tree
    sim = start_sim(profile=profile, dirs=[root])
    out = tmp_path / "out"

    result = cli("list", address(sim), "-o", out, "--json")

    assert result.code == 0, result.err
    assert result.err == ""
    camera, *files = result.records
    assert CAMERA_FIELDS <= camera.keys()
    assert camera["type"] == "camera"
    assert camera["manufacturer"] == sim.profile.manufacturer
    assert camera["model"] == sim.model
    assert camera["serial"] == sim.serial
    assert camera["name"] == sim.model  # the friendly name of the Init Command Ack
    assert camera["guid"] == sim.camera_guid.hex()
    assert len(files) == len(TREE)
    by_handle = handles(sim)
    for record in files:
        assert LIST_FILE_FIELDS <= record.keys(), record
        path = record["path"]
        assert record["type"] == "file"
        assert path in TREE  # camera path, '/'-separated, from the card root
        assert record["name"] == basename(path)
        assert record["folder"] == path.split("/")[-2]
        assert record["size"] == TREE[path][0]
        # ISO 8601 local time without a zone (the camera gave none), to the second
        assert record["captured"] == datetime.fromtimestamp(TREE[path][1]).isoformat()
        assert storage_slot(record["storage"]) == 1
        assert record["handle"] == by_handle[path]
        assert record["downloaded"] is False
        assert record["target"] == str(out / basename(path))


def test_list_json_after_get(start_sim, card_tree, cli, tmp_path):
    root, _ = card_tree
    sim = start_sim(dirs=[root])
    first = tmp_path / "first"
    assert cli("get", address(sim), "-o", first, "--ext", "NEF").code == 0

    result = cli("list", address(sim), "-o", tmp_path / "elsewhere", "--json")

    downloaded = {r["path"]: r["downloaded"] for r in result.files}
    assert downloaded == {path: path.endswith(".NEF") for path in TREE}
    # the NEF is where it was put; get with these options would write nothing for it
    assert result.by_path()["DCIM/100TEST/A002.NEF"]["target"] == str(first / "A002.NEF")


def test_get_json(start_sim, cli, tmp_path):
    """One run with each status: downloaded, skipped (history; target exists) and failed."""
    card = tmp_path / "card"
    sizes = {"KEEP0001.JPG": 50_000, "HIST0002.NEF": 20_000, "EXIS0003.JPG": 30_000,
             "XY.JPG": 10_000}
    write_card(card, {f"DCIM/100TEST/{name}": (size, BASE_TIME + index)
                      for index, (name, size) in enumerate(sizes.items())})
    sim = start_sim(dirs=[card])
    before, out = tmp_path / "before", tmp_path / "out"
    assert cli("get", address(sim), "-o", before, "--ext", "NEF").code == 0
    out.mkdir()
    (out / "0003").write_bytes(b"mine")
    # "@filename_root:4:@": KEEP0001 -> 0001 ...; XY -> "" (an empty name: that file fails)
    spec = ["--name", "@filename_root:4:@", "--if-exists", "skip"]

    result = cli("get", address(sim), "-o", out, "--json", *spec)

    assert result.code == 1  # one file failed
    *files, summary = result.records
    assert [r["path"] for r in files] == [f"DCIM/100TEST/{name}" for name in sizes]
    for record in files:
        assert GET_FILE_FIELDS <= record.keys(), record
        assert record["type"] == "file"
        assert isinstance(record["seconds"], float) and record["seconds"] >= 0
    done, history, exists, failed = files

    assert done["status"] == "downloaded" and done["reason"] is None
    assert done["target"] == str(out / "0001")
    assert done["bytes"] == sizes["KEEP0001.JPG"] == (out / "0001").stat().st_size

    assert history["status"] == "skipped" and history["reason"] == "already downloaded"
    assert history["target"] == str(before / "HIST0002.NEF")  # where it went the first time
    assert history["bytes"] == 0 and history["seconds"] == 0

    assert exists["status"] == "skipped" and exists["reason"] == "target exists"
    assert exists["target"] == str(out / "0003") and exists["bytes"] == 0
    assert (out / "0003").read_bytes() == b"mine"

    assert failed["status"] == "failed" and failed["reason"] and failed["target"] is None
    assert failed["bytes"] == 0

    assert SUMMARY_FIELDS <= summary.keys()
    assert summary["type"] == "summary"
    assert (summary["downloaded"], summary["skipped"], summary["failed"]) == (1, 2, 1)
    assert summary["bytes"] == sizes["KEEP0001.JPG"]
    assert isinstance(summary["seconds"], float)
    assert summary["seconds"] >= done["seconds"]


def test_get_json_skipped_existing(start_sim, card_tree, cli, tmp_path):
    root, _ = card_tree
    sim = start_sim(dirs=[root])
    out = tmp_path / "out"
    out.mkdir()
    (out / "B001.JPG").write_bytes(b"mine")

    result = cli("get", address(sim), "-o", out, "--json", "--if-exists", "skip")

    assert result.code == 0
    record = result.by_path()["DCIM/101TEST/B001.JPG"]
    assert record == {**record, "status": "skipped", "reason": "target exists",
                      "target": str(out / "B001.JPG"), "bytes": 0}
    assert result.summary["skipped"] == 1
    assert result.summary["downloaded"] == len(TREE) - 1


def test_get_json_stdout_is_only_json(start_sim, card_tree, cli, tmp_path):
    """Reconnections and warnings never interleave with the records a script parses."""
    root, _ = card_tree
    sim = start_sim(dirs=[root], drop_after_bytes=100_000)
    result = cli("get", address(sim), "-o", tmp_path / "out", "--json", "--retry-delay", "0")
    assert result.code == 0, result.err
    assert len(result.records) == len(TREE) + 1  # every line parses
    assert sim.faults.fired
