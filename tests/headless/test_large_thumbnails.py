"""`get --thumbnails large`: Nikon's screen-sized previews, and a clear failure elsewhere."""

from __future__ import annotations

import contextlib
import io
import json
import struct

import pytest

from airnef_tui.cli import main
from airnef_tui.ptpip import OpCode
from airnef_tui.simulator import Simulator, SimulatorConfig


@pytest.fixture(autouse=True)
def no_minimum_session(monkeypatch):
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 0.0)


def _get(sim: Simulator, out, *extra: str) -> tuple[int, list[dict]]:
    with contextlib.redirect_stdout(io.StringIO()) as stdout:
        code = main(["get", f"127.0.0.1:{sim.port}", "-o", str(out), "--json", *extra])
    return code, [json.loads(line) for line in stdout.getvalue().splitlines()]


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height from the first SOF marker of a JPEG."""
    assert data[:2] == b"\xff\xd8"
    at = 2
    while at < len(data):
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2:at + 4])[0]
        if 0xC0 <= marker <= 0xC2:
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    raise AssertionError("no SOF marker")


def test_nikon_large_thumbnails_are_previews_named_lthumb(tmp_path):
    with Simulator(SimulatorConfig(port=0, profile="nikon", files=3)) as sim:
        code, records = _get(sim, tmp_path, "--thumbnails", "large")
        reads = [r.opcode for r in sim.stats.reads]
        card_files = len(sim.card.files())
    files = [r for r in records if r["type"] == "file"]
    assert code == 0 and files and all(r["status"] == "downloaded" for r in files)
    assert set(reads) == {OpCode.NIKON_GET_LARGE_THUMB}
    shots = {record["path"].rsplit(".", 1)[0] for record in files}
    assert len(files) == len(shots) < card_files  # one preview per shot: a RAW+JPEG pair has one
    for record in files:
        assert record["target"].endswith(".lthumb.jpg")
        assert _jpeg_size((tmp_path / record["target"]).read_bytes()) == (640, 424)


def test_small_thumbnails_come_from_getthumb(tmp_path):
    with Simulator(SimulatorConfig(port=0, profile="nikon", files=2)) as sim:
        code, records = _get(sim, tmp_path, "--thumbnails")
    files = [r for r in records if r["type"] == "file"]
    assert code == 0 and all(r["target"].endswith(".thumb.jpg") for r in files)
    assert all(_jpeg_size((tmp_path / r["target"]).read_bytes()) == (160, 120) for r in files)


def test_large_thumbnails_fail_clearly_on_a_camera_without_them(tmp_path):
    with Simulator(SimulatorConfig(port=0, profile="canon", files=2)) as sim:
        code, records = _get(sim, tmp_path, "--thumbnails", "large")
    files = [r for r in records if r["type"] == "file"]
    assert code == 1
    assert files and all(r["status"] == "failed" and "large thumbnails" in r["reason"]
                         for r in files)
    assert not any(tmp_path.rglob("*.jpg"))
