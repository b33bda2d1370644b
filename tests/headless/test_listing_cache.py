"""The object-info cache behind `list`/`get`: fewer requests on a second listing, never a stale
listing after the card changed."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from airnef_tui.cli import main
from airnef_tui.ptpip import OpCode
from airnef_tui.simulator import Simulator, SimulatorConfig


@pytest.fixture(autouse=True)
def no_minimum_session(monkeypatch):
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 0.0)


def _list(sim: Simulator) -> tuple[list[dict], int]:
    before = len(sim.stats.operations)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["list", f"127.0.0.1:{sim.port}", "--json"]) == 0
    infos = sum(1 for op in sim.stats.operations[before:] if op == OpCode.GET_OBJECT_INFO)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    return [r for r in records if r["type"] == "file"], infos


def test_second_listing_reuses_the_cache_and_lists_the_same_files():
    with Simulator(SimulatorConfig(port=0, profile="nikon", files=30)) as sim:
        first, first_infos = _list(sim)
        second, second_infos = _list(sim)
    assert len(first) >= 30
    assert first_infos >= len(first)
    assert second_infos <= 3  # the spot checks only
    assert second == first


def _card(root, names):
    for name in names:
        path = root / "DCIM" / "100TEST" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode() * 100)
    return root


def test_a_reformatted_card_with_the_same_handles_is_listed_afresh(tmp_path):
    before = _card(tmp_path / "before", ["A_0001.JPG", "A_0002.JPG", "A_0003.JPG"])
    after = _card(tmp_path / "after", ["B_0001.JPG", "B_0002.JPG", "B_0003.JPG"])
    camera = dict(port=0, profile="generic", model="Body", serial="42")
    with Simulator(SimulatorConfig(dirs=[before], **camera)) as sim:
        old, _ = _list(sim)
    with Simulator(SimulatorConfig(dirs=[after], **camera)) as sim:
        new, _ = _list(sim)
    assert [f["name"] for f in old] == ["A_0001.JPG", "A_0002.JPG", "A_0003.JPG"]
    assert [f["name"] for f in new] == ["B_0001.JPG", "B_0002.JPG", "B_0003.JPG"]
    assert {f["handle"] for f in old} == {f["handle"] for f in new}  # same handles, new files
