"""airnef 1.1's logging, clock, sleep and realtime options, run through `airnefcmd` against the
simulator: each is translated into an option `airnef-tui get` has, and does what it says."""

from __future__ import annotations

import os
import re
import signal
import struct
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from airnef_tui.airnefcmd import main as airnefcmd
from airnef_tui.ptpip import OpCode

REPO = Path(__file__).resolve().parents[2]
SONY_SLEEP = struct.pack("<4I", 0, 5, 0, 0) + bytes((2, 0, 0x30))
SHOT = b"\xff\xd8" + bytes(range(256)) * 20 + b"\xff\xd9"


@pytest.fixture(autouse=True)
def no_minimum_session(monkeypatch):
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 0.0)


@pytest.fixture
def run(capsys, tmp_path):
    """run(sim, *airnef options) -> (exit code, stdout, stderr) of airnefcmd in-process."""

    def go(sim, *options):
        capsys.readouterr()
        code = airnefcmd(["--ipaddress", f"127.0.0.1:{sim.port}", "--outputdir",
                          str(tmp_path / "D"), *map(str, options)])
        out, err = capsys.readouterr()
        return code, out, err

    return go


def camera_offset(sim) -> float:
    return (sim.device_props.now() - datetime.now()).total_seconds()


@pytest.mark.parametrize("level", ["verbose", "debug"])
def test_logginglevel(level, start_sim, run):
    sim = start_sim(profile="generic", files=2)
    code, out, err = run(sim, "--logginglevel", level)
    assert code == 0, err
    assert out.count("fetching DCIM/") == 2
    assert ("airnef_tui.camera.ptp: → GET_OBJECT_HANDLES" in err) == (level == "debug")


@pytest.mark.parametrize("value, offset_after, writes", [
    ("5", 0, 1),  # an hour off is more than 5 s: set
    ("disablesync", -3600, 0),  # airnef's way of saying never: not even read
    ("alwayssync", 0, 1),
])
def test_maxclockdeltabeforesync(value, offset_after, writes, start_sim, run):
    sim = start_sim(profile="nikon", files=1)
    sim.device_props.set_clock(datetime.now() - timedelta(hours=1))
    code, out, err = run(sim, "--maxclockdeltabeforesync", value)
    assert code == 0, err
    assert abs(camera_offset(sim) - offset_after) < 2
    assert sim.stats.operations.count(OpCode.SET_DEVICE_PROP_VALUE) == writes
    if writes:
        assert re.search(r"^camera clock was 1 h( 1 s)? behind; set to ", out, re.MULTILINE), out
    else:
        assert OpCode.GET_DEVICE_PROP_VALUE not in sim.stats.operations


def test_maxclockdeltabeforesync_within_the_delta_leaves_the_clock(start_sim, run):
    sim = start_sim(profile="nikon", files=1)
    code, out, err = run(sim, "--maxclockdeltabeforesync", "5")
    assert code == 0, err
    assert sim.stats.operations.count(OpCode.SET_DEVICE_PROP_VALUE) == 0
    assert "within 5 s; left as it is" in out


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_camerasleepwhendone(answer, start_sim, run):
    sim = start_sim(profile="sony", files=1)
    code, out, err = run(sim, "--camerasleepwhendone", answer)
    assert code == 0, err
    assert sim.asleep.is_set() == (answer == "yes")
    assert sim.stats.data_received == ([(0x9280, SONY_SLEEP)] if answer == "yes" else [])
    last = out.splitlines()[-1]
    if answer == "yes":
        assert last == "camera put to sleep"
    else:
        assert 'leave and re-enter "Send to Computer"' in last


@pytest.mark.parametrize("mode", ["afternormal", "only"])
def test_realtimedownload(mode, start_sim, tmp_path):
    """As a photographer runs it: a process, stopped by SIGTERM (exit 130, with the summary)."""
    sim = start_sim(profile="generic", files=2)
    out = tmp_path / "D"
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    process = subprocess.Popen(
        [sys.executable, "-m", "airnef_tui.airnefcmd", "--ipaddress", f"127.0.0.1:{sim.port}",
         "--outputdir", str(out), "--realtimedownload", mode, "--realtimepollsecs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        before = []
        while not (line := process.stdout.readline()).startswith("watching the camera"):
            assert line, f"ended early: {process.stderr.read()}"
            before.append(line)
        sim.add_object("NEW_0001.JPG", SHOT)
        deadline = time.monotonic() + 8
        while not (out / "NEW_0001.JPG").exists():
            assert time.monotonic() < deadline, "the new shot never landed"
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert "Traceback" not in stderr and "interrupted" in stderr
    expected = 2 + 1 if mode == "afternormal" else 1
    assert stdout.splitlines()[-1].startswith(f"{expected} downloaded, 0 failed")
    assert (out / "NEW_0001.JPG").read_bytes() == SHOT
    assert len(list(out.iterdir())) == expected
