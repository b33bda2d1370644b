"""Every filter and policy of `list` / `get`, end to end against the simulator.

Selections are checked with `list --json` (the same `select_files` as `get`) and, where it is the
point, with what `get` wrote. Card: e2e_support.TREE (capture order a003, B001, A001, A002, C001,
NOTES).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import pytest
from e2e_support import BASE_TIME, DAY, TREE, address, basename, content, tree_of, write_card

from airnef_tui.ptpip.codes import OpCode

OLDEST_FIRST = [
    "DCIM/100TEST/a003.jpg", "DCIM/101TEST/B001.JPG", "DCIM/100TEST/A001.JPG",
    "DCIM/100TEST/A002.NEF", "DCIM/101TEST/SUB/C001.JPG", "DCIM/101TEST/NOTES",
]


@pytest.fixture
def camera(start_sim, card_tree):
    root, contents = card_tree
    return start_sim(dirs=[root])


def listed(cli, sim, *options) -> list[str]:
    result = cli("list", address(sim), "--json", *options)
    assert result.code == 0, result.err
    return [r["path"] for r in result.files]


def in_order(paths) -> list[str]:
    return [p for p in OLDEST_FIRST if p in paths]


# -- which files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("exts, expected", [
    (["jpg"], ["a003.jpg", "B001.JPG", "A001.JPG", "C001.JPG"]),  # any case, both ways
    ([".NeF"], ["A002.NEF"]),
    (["<NOEXT>"], ["NOTES"]),
    (["<noext>", "NEF"], ["A002.NEF", "NOTES"]),
    (["TIF"], []),
])
def test_ext(exts, expected, cli, camera):
    assert [basename(p) for p in listed(cli, camera, "--ext", *exts)] == expected


@pytest.mark.parametrize("window, expected", [
    # end dates without a time include that whole day (B001 is at 23:59:59)
    (["--since", "2024-05-02", "--until", "2024-05-03"], ["B001.JPG", "A001.JPG", "A002.NEF"]),
    (["--until", "05/02/24"], ["a003.jpg", "B001.JPG"]),
    (["--until", "2024-05-02T23:59:58"], ["a003.jpg"]),
    (["--since", "05/03/24 10:00:01"], ["A002.NEF", "C001.JPG", "NOTES"]),
    (["--since", "2024-05-03T10:00:01"], ["A002.NEF", "C001.JPG", "NOTES"]),
    (["--since", "2024-05-03 10:00", "--until", "05/03/2024 10:00:00"], ["A001.JPG"]),
    (["--since", "2024-05-06"], []),
])
def test_since_until(window, expected, cli, camera):
    assert [basename(p) for p in listed(cli, camera, *window)] == expected


@pytest.mark.parametrize("folders, expected", [
    (["--folder", "101TEST"], ["B001.JPG", "C001.JPG", "NOTES"]),
    (["--folder", "sub"], ["C001.JPG"]),  # any level, any case
    (["--folder", "dcim"], [basename(p) for p in OLDEST_FIRST]),
    (["--folder", "100TEST", "SUB"], ["a003.jpg", "A001.JPG", "A002.NEF", "C001.JPG"]),
    (["--exclude-folder", "SUB"], ["a003.jpg", "B001.JPG", "A001.JPG", "A002.NEF", "NOTES"]),
    (["--folder", "101TEST", "--exclude-folder", "Sub"], ["B001.JPG", "NOTES"]),
    (["--exclude-folder", "DCIM"], []),
    (["--folder", "<ROOT>"], []),
])
def test_folder_and_exclude_folder(folders, expected, cli, camera):
    assert [basename(p) for p in listed(cli, camera, *folders)] == expected


def test_order(cli, camera):
    assert listed(cli, camera, "--order", "oldest") == OLDEST_FIRST
    assert listed(cli, camera) == OLDEST_FIRST  # the default
    assert listed(cli, camera, "--order", "newest") == OLDEST_FIRST[::-1]


def test_get_follows_the_filters_and_the_order(cli, camera, tmp_path):
    out = tmp_path / "out"
    result = cli("get", address(camera), "-o", out, "--json", "--ext", "JPG", "--folder",
                 "100TEST", "101TEST", "--exclude-folder", "SUB", "--since", "05/02/24",
                 "--order", "newest")
    assert result.code == 0, result.err
    assert [r["path"] for r in result.files] == ["DCIM/100TEST/A001.JPG", "DCIM/101TEST/B001.JPG"]
    assert sorted(tree_of(out)) == ["A001.JPG", "B001.JPG"]


@pytest.fixture
def two_slots(start_sim, tmp_path):
    def make(first_has_files: bool = True):
        first, second = tmp_path / "slot1", tmp_path / "slot2"
        first.mkdir()
        if first_has_files:
            write_card(first, {"DCIM/100ONE/ONE1.JPG": (20_000, BASE_TIME),
                               "DCIM/100ONE/ONE2.JPG": (20_000, BASE_TIME + 20)})
        write_card(second, {"DCIM/100TWO/TWO1.JPG": (20_000, BASE_TIME + 10)})
        return start_sim(dirs=[first, second])
    return make


def test_slot(cli, two_slots):
    sim = two_slots()
    names = lambda *o: [basename(p) for p in listed(cli, sim, *o)]  # noqa: E731
    assert names("--slot", "first") == ["ONE1.JPG", "ONE2.JPG"]
    assert names("--slot", "second") == ["TWO1.JPG"]
    assert names("--slot", "both") == ["ONE1.JPG", "TWO1.JPG", "ONE2.JPG"]  # by capture time
    assert names("--slot", "firstfound") == ["ONE1.JPG", "ONE2.JPG"]
    assert names() == ["ONE1.JPG", "ONE2.JPG"]


def test_slot_firstfound_takes_the_second_card_when_the_first_is_empty(cli, two_slots):
    sim = two_slots(first_has_files=False)
    assert [basename(p) for p in listed(cli, sim, "--slot", "firstfound")] == ["TWO1.JPG"]
    assert listed(cli, sim, "--slot", "first") == []


def test_slot_storage_in_json(cli, two_slots):
    sim = two_slots()
    result = cli("list", address(sim), "--json", "--slot", "both")
    storages = {r["name"]: r["storage"] for r in result.files}
    assert storages["ONE1.JPG"] >> 16 == 1 and storages["TWO1.JPG"] >> 16 == 2


# -- --if-exists -----------------------------------------------------------------------------------

LOCAL = b"a photo that was here before"


@pytest.fixture
def occupied(tmp_path):
    """An output folder already holding A001.JPG (other bytes) and A001-new-2.JPG."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "A001.JPG").write_bytes(LOCAL)
    (out / "A001-new-2.JPG").write_bytes(LOCAL)
    return out


def test_if_exists_uniquename_takes_the_smallest_free_number(cli, camera, occupied):
    listing = cli("list", address(camera), "-o", occupied, "--json", "--ext", "JPG")
    result = cli("get", address(camera), "-o", occupied, "--json", "--ext", "JPG")

    assert result.code == 0, result.err
    record = result.by_path()["DCIM/100TEST/A001.JPG"]
    assert record["status"] == "downloaded"
    assert record["target"] == str(occupied / "A001-new-1.JPG")
    assert listing.by_path()["DCIM/100TEST/A001.JPG"]["target"] == record["target"]
    assert (occupied / "A001.JPG").read_bytes() == LOCAL
    assert (occupied / "A001-new-2.JPG").read_bytes() == LOCAL
    assert (occupied / "A001-new-1.JPG").read_bytes() == content("DCIM/100TEST/A001.JPG",
                                                                 150_000)


def test_if_exists_skip(cli, camera, occupied):
    result = cli("get", address(camera), "-o", occupied, "--json", "--ext", "JPG",
                 "--if-exists", "skip")

    assert result.code == 0, result.err
    record = result.by_path()["DCIM/100TEST/A001.JPG"]
    assert record["status"] == "skipped" and record["reason"] == "target exists"
    assert (occupied / "A001.JPG").read_bytes() == LOCAL
    assert not (occupied / "A001-new-1.JPG").exists()
    assert result.summary["skipped"] == 1 and result.summary["downloaded"] == 3
    # a skipped file is not "downloaded": without the existing file the next run fetches it
    (occupied / "A001.JPG").unlink()
    again = cli("get", address(camera), "-o", occupied, "--json", "--ext", "JPG")
    assert again.by_path()["DCIM/100TEST/A001.JPG"]["status"] == "downloaded"


def test_if_exists_overwrite(cli, camera, occupied):
    result = cli("get", address(camera), "-o", occupied, "--json", "--ext", "JPG",
                 "--if-exists", "overwrite")

    assert result.code == 0, result.err
    assert result.by_path()["DCIM/100TEST/A001.JPG"]["target"] == str(occupied / "A001.JPG")
    assert (occupied / "A001.JPG").read_bytes() == content("DCIM/100TEST/A001.JPG", 150_000)
    assert not (occupied / "A001-new-1.JPG").exists()


def test_if_exists_exit_stops_the_run_there(cli, camera, occupied):
    result = cli("get", address(camera), "-o", occupied, "--json", "--ext", "JPG",
                 "--if-exists", "exit")

    assert result.code == 1
    assert "Traceback" not in result.err
    [line] = result.err.splitlines()
    assert line.startswith("airnef-tui: ") and "A001.JPG" in line and "exit" in line
    # files before A001 in transfer order were downloaded, none after
    assert (occupied / "a003.jpg").exists() and (occupied / "B001.JPG").exists()
    assert not (occupied / "C001.JPG").exists()
    assert (occupied / "A001.JPG").read_bytes() == LOCAL


# -- Nikon transfer list ---------------------------------------------------------------------------

@pytest.fixture
def nikon(start_sim, card_tree):
    def make(picked):
        return start_sim(profile="nikon", dirs=[card_tree[0]], transfer_list=picked)
    return make


def test_camera_transfer_list_use(cli, nikon):
    sim = nikon(["A001.JPG", "C001.JPG"])
    assert [basename(p) for p in listed(cli, sim, "--camera-transfer-list", "use")] == \
        ["A001.JPG", "C001.JPG"]
    assert [basename(p) for p in listed(cli, sim, "--camera-transfer-list", "require")] == \
        ["A001.JPG", "C001.JPG"]
    assert listed(cli, sim, "--camera-transfer-list", "ignore") == OLDEST_FIRST
    assert listed(cli, sim) == OLDEST_FIRST  # the default is ignore


def test_camera_transfer_list_without_picks(cli, nikon, tmp_path):
    sim = nikon([])
    assert listed(cli, sim, "--camera-transfer-list", "use") == OLDEST_FIRST  # falls back

    result = cli("get", address(sim), "-o", tmp_path / "out", "--camera-transfer-list",
                 "require")

    assert result.code == 1
    [line] = result.err.splitlines()
    assert line.startswith("airnef-tui: ") and "transfer list" in line
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_get_with_the_transfer_list(cli, nikon, tmp_path):
    sim = nikon(["A002.NEF"])
    out = tmp_path / "out"
    result = cli("get", address(sim), "-o", out, "--json", "--camera-transfer-list", "use")
    assert result.code == 0, result.err
    assert tree_of(out) == {"A002.NEF": content("DCIM/100TEST/A002.NEF", 1_300_000)}


# -- thumbnails ------------------------------------------------------------------------------------

def test_thumbnails(cli, camera, tmp_path):
    out = tmp_path / "out"
    result = cli("get", address(camera), "-o", out, "--json", "--thumbnails")

    assert result.code == 0, result.err
    written = tree_of(out)
    assert sorted(written) == sorted(
        basename(p).rpartition(".")[0] + ".thumb.jpg" if "." in basename(p)
        else basename(p) + ".thumb.jpg" for p in OLDEST_FIRST)
    for data in written.values():
        assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"  # SOI ... EOI: a JPEG
    assert {r.opcode for r in camera.stats.reads} == {OpCode.GET_THUMB}
    assert int((out / "A001.thumb.jpg").stat().st_mtime) == int(TREE["DCIM/100TEST/A001.JPG"][1])


def test_thumbnails_do_not_count_as_downloading_the_files(cli, camera, tmp_path):
    out = tmp_path / "out"
    assert cli("get", address(camera), "-o", out, "--thumbnails").code == 0

    result = cli("get", address(camera), "-o", out, "--json")

    assert result.code == 0, result.err
    assert result.summary["downloaded"] == len(TREE), result.out
    assert (out / "A002.NEF").read_bytes() == content("DCIM/100TEST/A002.NEF", 1_300_000)


# -- --exec ----------------------------------------------------------------------------------------

LOGGER = """\
import json, sys
with open(sys.argv[1], "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[2:]) + "\\n")
"""


def test_exec_runs_the_program_with_rendered_arguments_never_a_shell(start_sim, cli, tmp_path):
    card = tmp_path / "card"
    write_card(card, {"DCIM/100TEST/x;touch pwned1;.JPG": (1000, BASE_TIME),
                      "DCIM/100TEST/$(touch pwned2).JPG": (1000, BASE_TIME + 1),
                      "DCIM/100TEST/PLAIN.JPG": (1000, BASE_TIME + 2),
                      "DCIM/100TEST/OTHER.NEF": (1000, BASE_TIME + 3)})
    sim = start_sim(dirs=[card])
    out = tmp_path / "out"
    out.mkdir()
    (out / "PLAIN.JPG").write_bytes(b"already here")  # so PLAIN lands as PLAIN-new-1.JPG
    script, log = tmp_path / "logger.py", tmp_path / "argv.jsonl"
    script.write_text(LOGGER)

    result = cli("get", address(sim), "-o", out, "--json", "--exec-ext", "jpg", "--exec",
                 sys.executable, script, log, "@pf@", "@filename@", "@capturefilename@", "a;b",
                 "$(touch pwned3)", "~v")

    assert result.code == 0, result.err
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    finals = {r["path"]: r["target"] for r in result.files}
    tail = ["a;b", "$(touch pwned3)", "-v"]  # literal; a leading ~ becomes - (airnef's rule)
    assert calls == [
        [str(out / "x;touch pwned1;.JPG"), "x;touch pwned1;.JPG", "x;touch pwned1;.JPG", *tail],
        [str(out / "$(touch pwned2).JPG"), "$(touch pwned2).JPG", "$(touch pwned2).JPG", *tail],
        [str(out / "PLAIN-new-1.JPG"), "PLAIN-new-1.JPG", "PLAIN.JPG", *tail],
    ]  # OTHER.NEF is not in --exec-ext; @pf@ and @filename@ are the final, local name
    assert {t for p, t in finals.items() if not p.endswith(".NEF")} == {c[0] for c in calls}
    for path in calls[0][0], calls[1][0], calls[2][0]:
        assert Path(path).is_file()
    for folder in (tmp_path, out, Path.cwd()):
        assert not list(folder.glob("pwned*"))


def test_exec_that_cannot_start_stops_with_one_line(cli, camera, tmp_path):
    result = cli("get", address(camera), "-o", tmp_path / "out", "--ext", "JPG", "--exec",
                 tmp_path / "no-such-program", "@pf@")
    assert result.code == 1
    [line] = result.err.splitlines()
    assert line.startswith("airnef-tui: --exec could not start")


# -- --retries, --chunk-size -----------------------------------------------------------------------

def test_retries_reconnect_and_give_up(start_sim, card_tree, cli, tmp_path):
    root, _ = card_tree
    sim = start_sim(dirs=[root], rate=1_000_000)
    out = tmp_path / "out"
    # The camera goes away for good once the first file is under way: each of the 2 retries
    # fails, then exit 3.
    def switch_off_mid_run() -> None:
        deadline = time.monotonic() + 20
        while not sim.stats.reads and time.monotonic() < deadline:
            time.sleep(0.01)
        sim.stop()

    stopper = threading.Thread(target=switch_off_mid_run, daemon=True)
    stopper.start()
    result = cli("get", address(sim), "-o", out, "--retries", "2", "--retry-delay", "0.1",
                 "--connect-timeout", "1", "--io-timeout", "1")
    stopper.join()

    assert result.code == 3, result.err
    assert [line for line in result.out.splitlines() if "reconnecting" in line] == [
        line for line in result.out.splitlines() if "try 1 of 2" in line or "try 2 of 2" in line]
    assert sum("reconnecting" in line for line in result.out.splitlines()) == 2
    [line] = result.err.splitlines()
    assert line.startswith("airnef-tui: ") and "2 reconnection attempt" in line


def test_one_retry_is_enough_for_one_drop(start_sim, card_tree, cli, tmp_path):
    root, contents = card_tree
    sim = start_sim(dirs=[root], drop_after_bytes=300_000)
    out = tmp_path / "out"
    result = cli("get", address(sim), "-o", out, "--retries", "1", "--retry-delay", "0")
    assert result.code == 0, result.err
    assert "try 1 of 1" in result.out
    assert tree_of(out) == {basename(p): d for p, d in contents.items()}


def test_chunk_size(start_sim, card_tree, cli, tmp_path):
    root, contents = card_tree
    sim = start_sim(dirs=[root])
    out = tmp_path / "out"

    result = cli("get", address(sim), "-o", out, "--chunk-size", "64K", "--ext", "NEF")

    assert result.code == 0, result.err
    assert (out / "A002.NEF").read_bytes() == contents["DCIM/100TEST/A002.NEF"]
    reads = [r for r in sim.stats.reads if r.opcode == OpCode.GET_PARTIAL_OBJECT]
    assert len(reads) == -(-1_300_000 // 65536)
    assert all(r.length <= 65536 and r.offset % 65536 == 0 for r in reads)


@pytest.mark.parametrize("bad", [["--chunk-size", "1K"], ["--chunk-size", "lots"],
                                 ["--retries", "-1"], ["--retry-delay", "-2"]])
def test_bad_reliability_values_exit_2(bad, cli, tmp_path):
    result = cli("get", "127.0.0.1:9", "-o", tmp_path / "out", *bad)
    assert result.code == 2
    assert "Traceback" not in result.err and result.err.strip()


# -- --name / --dir-spec: list plans what get writes -----------------------------------------------

@pytest.mark.parametrize("specs", [
    ["--name", "@capturedate@-@capturetime@-@filename@", "--dir-spec", "@camerafolder@"],
    ["--dir-spec", "@capturedate_y@/@capturedate_iso@"],
    ["--name", "@filename_root@"],  # NOTES and the others: collisions get -new-N
    ["--name", "same.jpg", "--dir-spec", "@slotnumber@"],
    ["--name", "@dlnum@-@dlnum_lifetime@-@dltoday@-@filename@", "--order", "newest"],
])
def test_list_targets_are_what_get_writes(specs, cli, camera, tmp_path):
    out = tmp_path / "out"
    listing = cli("list", address(camera), "-o", out, "--json", *specs)
    assert listing.code == 0, listing.err
    planned = {r["path"]: r["target"] for r in listing.files}

    result = cli("get", address(camera), "-o", out, "--json", *specs)

    assert result.code == 0, result.err
    wrote = {r["path"]: r["target"] for r in result.files}
    assert wrote == planned
    assert sorted(str(p) for p in out.rglob("*") if p.is_file()) == sorted(planned.values())
    for camera_path, target in wrote.items():
        assert Path(target).read_bytes() == content(camera_path, TREE[camera_path][0])
    # and a second run (history ignored) plans and writes the same way again
    listing = cli("list", address(camera), "-o", out, "--json", "--history", "ignore", *specs)
    again = cli("get", address(camera), "-o", out, "--json", "--history", "ignore", *specs)
    assert {r["path"]: r["target"] for r in again.files} == \
        {r["path"]: r["target"] for r in listing.files}
    assert not set(r["target"] for r in again.files) & set(wrote.values())


def test_name_spec_example(cli, camera, tmp_path):
    result = cli("list", address(camera), "-o", tmp_path, "--json", "--name",
                 "@capturedate@-@filename@", "--dir-spec", "@camerafolder@")
    assert result.by_path()["DCIM/101TEST/SUB/C001.JPG"]["target"] == \
        str(tmp_path / "SUB" / "20240504-C001.JPG")
    assert BASE_TIME + 3 * DAY == TREE["DCIM/101TEST/SUB/C001.JPG"][1]
