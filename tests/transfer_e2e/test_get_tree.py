"""`get` of a 3-level tree from every profile: byte-identical files, capture times as mtimes, and a
history that makes the second run a no-op (`--history ignore` / `clear` as named)."""

from __future__ import annotations

import os

import pytest
from e2e_support import BASE_TIME, address, tree_of, write_card

PROFILES = ("generic", "nikon", "canon", "sony")


@pytest.mark.parametrize("profile", PROFILES)
def test_tree_is_byte_identical_with_capture_times(profile, start_sim, card_tree, cli, tmp_path):
    root, contents = card_tree
    sim = start_sim(profile=profile, dirs=[root])
    out = tmp_path / "out"

    first = cli("get", address(sim), "-o", out, "--json")

    assert first.code == 0, first.err
    by_name = {path.rsplit("/", 1)[-1]: data for path, data in contents.items()}
    assert tree_of(out) == by_name  # the camera's names, flat under the output folder
    for relative in contents:
        written = out / relative.rsplit("/", 1)[-1]
        assert int(written.stat().st_mtime) == int((root / relative).stat().st_mtime), relative
    assert not list(out.rglob("*.part"))
    assert {r["path"] for r in first.files} == set(contents)
    assert all(r["status"] == "downloaded" for r in first.files)
    assert first.summary["downloaded"] == len(contents)

    second = cli("get", address(sim), "-o", out, "--json")

    assert second.code == 0, second.err
    assert [r["status"] for r in second.files] == ["skipped"] * len(contents)
    assert {r["reason"] for r in second.files} == {"already downloaded"}
    assert {r["bytes"] for r in second.files} == {0}
    assert second.summary["downloaded"] == 0
    assert second.summary["skipped"] == len(contents)
    assert tree_of(out) == by_name  # nothing new was written


def test_history_ignore_downloads_again_under_new_names(start_sim, card_tree, cli, tmp_path):
    root, contents = card_tree
    sim = start_sim(dirs=[root])
    out = tmp_path / "out"
    assert cli("get", address(sim), "-o", out).code == 0

    again = cli("get", address(sim), "-o", out, "--json", "--history", "ignore")

    assert again.code == 0, again.err
    assert again.summary["downloaded"] == len(contents)
    expected = {}
    for relative, data in contents.items():
        name = relative.rsplit("/", 1)[-1]
        stem, dot, ext = name.rpartition(".")
        renamed = f"{stem}-new-1.{ext}" if dot else f"{name}-new-1"
        expected[name] = expected[renamed] = data
    assert tree_of(out) == expected
    targets = {r["path"]: os.path.basename(r["target"]) for r in again.files}
    assert targets["DCIM/100TEST/A001.JPG"] == "A001-new-1.JPG"
    assert targets["DCIM/101TEST/NOTES"] == "NOTES-new-1"


def test_history_clear_forgets_then_downloads(start_sim, card_tree, cli, tmp_path):
    root, contents = card_tree
    sim = start_sim(dirs=[root])
    first_out, second_out = tmp_path / "first", tmp_path / "second"
    assert cli("get", address(sim), "-o", first_out).code == 0
    skipped = cli("get", address(sim), "-o", second_out, "--json")
    assert skipped.summary["downloaded"] == 0  # the history is per camera, not per folder

    cleared = cli("get", address(sim), "-o", second_out, "--json", "--history", "clear")

    assert cleared.code == 0, cleared.err
    assert cleared.summary["downloaded"] == len(contents)
    assert tree_of(second_out) == tree_of(first_out)
    # and the history holds them again: the next plain run skips everything
    after = cli("get", address(sim), "-o", second_out, "--json")
    assert after.summary["skipped"] == len(contents)
    assert after.summary["downloaded"] == 0


def shift_card(root, seconds: float) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            stat = path.stat()
            os.utime(path, (stat.st_atime, stat.st_mtime + seconds))


def test_history_survives_a_camera_clock_moved_by_whole_hours(start_sim, card_tree, cli,
                                                               tmp_path):
    root, contents = card_tree
    out = tmp_path / "out"
    first = start_sim(dirs=[root])
    assert cli("get", address(first), "-o", out).code == 0
    first.stop()
    shift_card(root, 2 * 3600)  # DST or travel: the camera now reports every time 2 h later
    camera = start_sim(dirs=[root])

    result = cli("get", address(camera), "-o", out, "--json")

    assert result.summary["downloaded"] == 0
    assert {r["reason"] for r in result.files} == {"already downloaded"}


def test_history_is_per_shot_and_per_camera(start_sim, card_tree, cli, tmp_path):
    root, contents = card_tree
    out = tmp_path / "out"
    first = start_sim(dirs=[root])
    assert cli("get", address(first), "-o", out, "--ext", "NEF").code == 0
    first.stop()
    shift_card(root, 30)  # 30 s is no clock change: other shots with the same names and sizes
    camera = start_sim(dirs=[root])
    assert cli("get", address(camera), "-o", out, "--json", "--ext", "NEF").summary[
        "downloaded"] == 1
    other_body = start_sim(dirs=[root], serial="OTHER-SERIAL")  # same card, another camera
    result = cli("get", address(other_body), "-o", out, "--json", "--ext", "NEF")
    assert result.summary["downloaded"] == 1
    assert (out / "A002-new-2.NEF").read_bytes() == contents["DCIM/100TEST/A002.NEF"]


def test_an_empty_file_downloads_and_is_remembered(start_sim, cli, tmp_path):
    card = tmp_path / "card"
    made = write_card(card, {"DCIM/100TEST/EMPTY.JPG": (0, BASE_TIME),
                             "DCIM/100TEST/A.JPG": (7000, BASE_TIME + 1)})
    sim = start_sim(dirs=[card])
    out = tmp_path / "out"
    result = cli("get", address(sim), "-o", out, "--json")
    assert result.code == 0, result.err
    assert tree_of(out) == {"EMPTY.JPG": b"", "A.JPG": made["DCIM/100TEST/A.JPG"]}
    assert int((out / "EMPTY.JPG").stat().st_mtime) == int(BASE_TIME)
    again = cli("get", address(sim), "-o", out, "--json")
    assert again.summary["skipped"] == 2
