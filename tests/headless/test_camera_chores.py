"""`get --clock-sync`, `--camera-sleep-when-done` and `--log-level` against the simulator: what
reaches the camera (its clock, the exact data sent, the operations) and the one line each says."""

from __future__ import annotations

import json
import logging
import re
import struct
import time
from datetime import datetime, timedelta

import pytest

from airnef_tui.cli import main
from airnef_tui.ptpip import OpCode, wire

SONY_SLEEP = struct.pack("<4I", 0, 5, 0, 0) + bytes((2, 0, 0x30))
SEND_TO_COMPUTER = 'leave and re-enter "Send to Computer"'
EOS_SET_PROP = 0x9110


@pytest.fixture(autouse=True)
def no_minimum_session(monkeypatch):
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 0.0)


@pytest.fixture
def get(capsys, tmp_path):
    """get(sim, *options) -> (exit code, stdout, stderr) of `airnef-tui get` in-process."""

    def run(sim, *options):
        capsys.readouterr()
        code = main(["get", f"127.0.0.1:{sim.port}", "-o", str(tmp_path / "out"),
                     *map(str, options)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def camera_offset(sim) -> float:
    """Seconds the simulated camera's clock is ahead of this machine's."""
    return (sim.device_props.now() - datetime.now()).total_seconds()


def clock_writes(sim) -> list[tuple[int, bytes]]:
    return [(op, data) for op, data in sim.stats.data_received
            if op in (OpCode.SET_DEVICE_PROP_VALUE, EOS_SET_PROP)]


# -- --clock-sync ----------------------------------------------------------------------------------

def test_a_clock_off_by_more_than_the_threshold_is_set_and_said(start_sim, get):
    sim = start_sim(profile="nikon", files=2)
    sim.device_props.set_clock(datetime.now() - timedelta(minutes=3, seconds=12))
    code, out, err = get(sim, "--clock-sync", "5")
    assert code == 0, err
    assert abs(camera_offset(sim)) < 2
    assert re.search(r"^camera clock was 3 min 1[23] s behind; set to "
                     r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", out, re.MULTILINE), out
    [(op, data)] = clock_writes(sim)
    assert op == OpCode.SET_DEVICE_PROP_VALUE
    written = datetime.strptime(wire.Reader(data).ptp_string(), "%Y%m%dT%H%M%S")
    assert abs((written - datetime.now()).total_seconds()) < 3  # this machine's local time
    assert err == ""


def test_a_clock_within_the_threshold_is_left_alone(start_sim, get):
    sim = start_sim(profile="generic", files=1)
    sim.device_props.set_clock(datetime.now() + timedelta(seconds=3))
    code, out, err = get(sim, "--clock-sync", "30")
    assert code == 0, err
    assert OpCode.GET_DEVICE_PROP_VALUE in sim.stats.operations
    assert clock_writes(sim) == []
    assert 1.5 < camera_offset(sim) < 4.5
    assert re.search(r"^camera clock is [23] s ahead, within 30 s; left as it is$", out,
                     re.MULTILINE), out


def test_always_sets_even_a_clock_in_step(start_sim, get):
    sim = start_sim(profile="generic", files=1)
    code, out, _ = get(sim, "--clock-sync", "always")
    assert code == 0
    assert len(clock_writes(sim)) == 1
    # (in step, or a second behind if our clock ticked between the camera's answer and ours)
    assert re.search(r"^camera clock was (in step|1 s behind); set to ", out, re.MULTILINE), out


def test_never_is_the_default_and_does_not_even_read_the_clock(start_sim, get):
    sim = start_sim(profile="canon", files=1)
    sim.device_props.set_clock(datetime.now() - timedelta(hours=5))
    code, out, _ = get(sim)
    assert code == 0
    assert OpCode.GET_DEVICE_PROP_VALUE not in sim.stats.operations
    assert clock_writes(sim) == []
    assert abs(camera_offset(sim) + 5 * 3600) < 2
    assert "clock" not in out


def test_a_canon_gets_its_clock_through_9110_as_utc_unix_time(start_sim, get):
    sim = start_sim(profile="canon", files=1)
    sim.device_props.set_clock(datetime.now() + timedelta(minutes=10))
    code, out, err = get(sim, "--clock-sync", "60")
    assert code == 0, err
    [(op, data)] = clock_writes(sim)
    size, prop, unix_time = struct.unpack("<3I", data)
    assert (op, size, prop) == (EOS_SET_PROP, 12, 0xD17C)
    assert abs(unix_time - time.time()) < 3
    assert OpCode.SET_DEVICE_PROP_VALUE not in sim.stats.operations
    assert abs(camera_offset(sim)) < 2
    assert re.search(r"^camera clock was (10 min|9 min 59 s) ahead; set to ", out, re.MULTILINE)


def test_a_camera_that_refuses_costs_one_warning_and_the_download_goes_on(start_sim, get):
    sim = start_sim(profile="generic", files=2, clock_settable=False)
    sim.device_props.set_clock(datetime.now() - timedelta(hours=1))
    code, out, err = get(sim, "--clock-sync", "5", "--json")
    assert code == 0
    [line] = err.splitlines()
    assert line.startswith("airnef-tui: warning: the camera refused to have its clock set")
    assert "ACCESS_DENIED" in line
    assert abs(camera_offset(sim) + 3600) < 2
    records = [json.loads(text) for text in out.splitlines()]
    assert records[-1]["type"] == "summary" and records[-1]["downloaded"] == 2


@pytest.mark.parametrize("value", ["-1", "soon", "nan"])
def test_a_bad_clock_sync_value_is_a_usage_error(value, get, start_sim, capsys):
    sim = start_sim(files=1)
    with pytest.raises(SystemExit) as leaving:
        get(sim, f"--clock-sync={value}")
    assert leaving.value.code == 2
    assert "--clock-sync" in capsys.readouterr().err
    assert sim.stats.connections == 0


# -- --camera-sleep-when-done and Sony's reminder --------------------------------------------------

def test_sony_sleep_sends_exactly_the_documented_payload(start_sim, get):
    sim = start_sim(profile="sony", files=2)
    code, out, err = get(sim, "--camera-sleep-when-done", "yes")
    assert code == 0, err
    assert sim.stats.data_received == [(0x9280, SONY_SLEEP)]
    assert sim.stats.operations[-2:] == [0x9280, 0x9281]  # and no CloseSession to a sleeper
    assert sim.asleep.is_set()
    lines = out.splitlines()
    assert lines[-1] == "camera put to sleep"
    assert SEND_TO_COMPUTER not in out
    assert err == ""


def test_sony_without_sleep_is_reminded_to_re_enter_send_to_computer(start_sim, get):
    sim = start_sim(profile="sony", files=1)
    code, out, _ = get(sim)
    assert code == 0
    assert SEND_TO_COMPUTER in out.splitlines()[-1]
    assert 0x9280 not in sim.stats.operations and not sim.asleep.is_set()


@pytest.mark.parametrize("profile", ["nikon", "canon", "generic"])
def test_sleep_does_not_apply_to_other_makes(start_sim, get, profile):
    sim = start_sim(profile=profile, files=1)
    code, out, _ = get(sim, "--camera-sleep-when-done", "yes")
    assert code == 0
    assert "applies to Sony cameras only" in out.splitlines()[-1]
    assert 0x9280 not in sim.stats.operations
    assert SEND_TO_COMPUTER not in out


def test_in_json_mode_the_lines_about_the_camera_go_to_stderr(start_sim, get):
    sim = start_sim(profile="sony", files=1)
    sim.device_props.set_clock(datetime.now() - timedelta(minutes=2))
    code, out, err = get(sim, "--json", "--clock-sync", "10")
    assert code == 0
    records = [json.loads(text) for text in out.splitlines()]  # stdout: JSON only
    assert [r["type"] for r in records] == ["file", "summary"]
    assert err.startswith("airnef-tui: camera clock was 2 min behind; set to")
    assert err.splitlines()[-1].startswith("airnef-tui: Sony: leave and re-enter")


# -- --log-level -----------------------------------------------------------------------------------

def test_debug_logs_each_operation_and_response_by_name_on_stderr(start_sim, get):
    sim = start_sim(profile="nikon", files=1)
    handlers_before = list(logging.getLogger("airnef_tui").handlers)
    code, out, err = get(sim, "--log-level", "debug")
    assert code == 0
    ptp = [line for line in err.splitlines() if "airnef_tui.camera.ptp:" in line]
    assert any("→ GET_OBJECT_HANDLES (0x1007)" in line and "params (0x10001, 0x0, 0x0)" in line
               for line in ptp), err
    assert any("← OK (0x2001)" in line for line in ptp)
    requests = sum("→ " in line for line in ptp)
    assert requests == len(sim.stats.operations)  # every operation, no more
    assert "fetching DCIM/" in out  # debug includes verbose
    assert logging.getLogger("airnef_tui").handlers == handlers_before  # left as found


@pytest.mark.parametrize("option", [["--log-level", "verbose"], ["-v"]])
def test_verbose_and_its_alias_announce_each_file(start_sim, get, option):
    sim = start_sim(profile="generic", files=2)
    code, out, err = get(sim, *option)
    assert code == 0
    assert out.count("fetching DCIM/") == 2
    assert "airnef_tui.camera.ptp" not in err


def test_normal_creates_no_log_records(start_sim, get):
    """Off means off: the operation log costs no record (nor its formatting) per operation."""
    sim = start_sim(profile="generic", files=2)
    seen: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record):
            seen.append(record)

    collector = Collect(level=logging.DEBUG)
    ptp = logging.getLogger("airnef_tui.camera.ptp")
    ptp.addHandler(collector)
    try:
        code, out, err = get(sim)
    finally:
        ptp.removeHandler(collector)
    assert code == 0
    assert seen == []
    assert "fetching" not in out and err == ""
