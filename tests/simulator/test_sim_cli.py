"""`airnef-tui simulate` as scripts use it: the one stdout line, clean signals, exit codes."""

from __future__ import annotations

import argparse
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from airnef_tui.ptpip.codes import OpCode
from airnef_tui.simulator.cli import add_arguments, config_from_args, run
from sim_raw_client import RawClient

LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)\n")


def simulate(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "airnef_tui", "simulate", *args],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_prints_one_listening_line_serves_and_exits_cleanly_on_a_signal(stop_signal):
    process = simulate("--port", "0", "--profile", "nikon", "--files", "3")
    try:
        line = process.stdout.readline()
        match = LISTENING.fullmatch(line)
        assert match, line
        with RawClient(int(match.group(1))).connect() as client:
            assert client.transact(OpCode.GET_STORAGE_IDS).code == 0x2001
        process.send_signal(stop_signal)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert out == ""  # nothing after the one line
    assert "Traceback" not in err
    assert 1 <= len(err.splitlines()) <= 6  # a start line, then one per connection event


def test_a_bad_value_is_one_line_and_exit_2():
    done = subprocess.run([sys.executable, "-m", "airnef_tui", "simulate", "--rate", "fast"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20)
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("airnef-tui simulate: error: not a byte count: 'fast'")


@pytest.mark.parametrize("args", [
    ["--paired-guid", "0011"], ["--paired-guid", "not hex at all"], ["--dir", "/no/such/folder"],
    ["--files", "-1"], ["--drop-after-bytes", "-5"], ["--stall-after-bytes", "lots"],
    ["--port", "70000"], ["--latency", "-1"], ["--rate", "0"],
])
def test_every_bad_value_is_refused_in_one_line(capsys, args):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args(args)) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and err.startswith(
        "airnef-tui simulate: error: "), err


def test_a_port_in_use_is_one_line_and_exit_3():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "airnef_tui", "simulate", "--port", str(port)],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20)
    assert done.returncode == 3
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1
    assert "Address already in use" in done.stderr


def test_options_map_onto_the_config(tmp_path):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    args = parser.parse_args([
        "--port", "0", "--profile", "canon", "--dir", str(tmp_path / "a"), "--dir",
        str(tmp_path / "b"), "--model", "Canon EOS 6D", "--serial", "S1",
        "--paired-guid", "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff", "--no-probe-reply",
        "--transfer-list", "A.JPG", "B.NEF", "--drop-after-bytes", "1M",
        "--stall-after-bytes", "512k", "--rate", "2M", "--latency", "25", "--hostile-names",
    ])
    config = config_from_args(args)
    assert config.dirs == [Path(tmp_path / "a"), Path(tmp_path / "b")]
    assert config.paired_guid == bytes.fromhex("00112233445566778899aabbccddeeff")
    assert (config.drop_after_bytes, config.stall_after_bytes, config.rate) == (
        1 << 20, 512 << 10, 2 << 20)
    assert config.transfer_list == ["A.JPG", "B.NEF"]
    assert (config.profile, config.model, config.serial, config.latency_ms) == (
        "canon", "Canon EOS 6D", "S1", 25)
    assert config.no_probe_reply and config.hostile_names and config.sony_single_session
    defaults = config_from_args(parser.parse_args([]))
    assert (defaults.host, defaults.port, defaults.profile, defaults.files) == (
        "127.0.0.1", 15740, "generic", 12)
