"""Exit codes (architecture.md: 0 done · 1 some failed · 2 bad arguments or spec · 3 unreachable
or lost beyond retries · 4 refused) and never a traceback: stderr is one `airnef-tui:` line, or
argparse's usage and error."""

from __future__ import annotations

import resource
import signal
import socket
import subprocess
import sys
import time

import pytest
from e2e_support import address, assert_one_error_line, basename, python_env

COMMANDS = ["list", "get"]


def run(cli, command, host, tmp_path, *options):
    if command == "get":
        return cli("get", host, "-o", tmp_path / "out", *options)
    return cli("list", host, *options)


@pytest.mark.parametrize("command", COMMANDS)
def test_ok_is_0(command, cli, start_sim, tmp_path):
    sim = start_sim(files=2)
    result = run(cli, command, address(sim), tmp_path)
    assert result.code == 0, result.err
    assert result.err == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_refused_by_a_paired_canon_is_4(command, cli, start_sim, tmp_path):
    sim = start_sim(profile="canon", paired_guid=bytes(range(16)))
    result = run(cli, command, address(sim), tmp_path)
    assert result.code == 4
    line = assert_one_error_line(result.err)
    assert "refused" in line and "pair" in line
    assert sim.stats.refused >= 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_closed_port_is_3(command, cli, tmp_path):
    port = closed_port()
    result = run(cli, command, f"127.0.0.1:{port}", tmp_path, "--connect-timeout", "2")
    assert result.code == 3
    line = assert_one_error_line(result.err)
    assert f"127.0.0.1:{port}" in line and "refused" in line


@pytest.mark.parametrize("command", COMMANDS)
def test_invalid_host_is_3_without_a_lookup(command, cli, tmp_path):
    # The loopback_only fixture fails the test if this ever became a DNS query.
    result = run(cli, command, "999.1.1.1", tmp_path, "--connect-timeout", "1")
    assert result.code == 3
    line = assert_one_error_line(result.err)
    assert "999.1.1.1" in line


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("bad", [
    ["--since", "2024-13-01"],
    ["--until", "yesterday"],
    ["--since", "05/32/24"],
    ["--since", "2024-05-03", "--until", "2024-05-01"],
    ["--name", "@nosuchspecifier@"],
    ["--name", "@filename"],
    ["--dir-spec", "@capturedate_y@/@pf@"],
    ["--name", "a/b"],
    ["--folder", "DCIM/100TEST"],
    ["--guid", "not-a-guid"],
])
def test_bad_date_spec_or_value_is_2(command, bad, cli, start_sim, tmp_path):
    sim = start_sim(files=1)
    result = run(cli, command, address(sim), tmp_path, *bad)
    assert result.code == 2, (result.code, result.err)
    assert_one_error_line(result.err)
    assert sim.stats.connections == 0  # checked before connecting


@pytest.mark.parametrize("argv", [
    ["get", "127.0.0.1:1"],  # no -o
    ["list"],  # no camera
    ["list", "127.0.0.1:1", "--order", "sideways"],
    ["get", "127.0.0.1:1", "-o", "x", "--no-such-option"],
    ["list", "127.0.0.1:99999"],
    ["list", "[::1"],
])
def test_usage_errors_are_2(argv, cli):
    result = cli(*argv)
    assert result.code == 2
    assert_one_error_line(result.err)


def test_some_files_failed_is_1(cli, start_sim, tmp_path):
    sim = start_sim(files=3)
    # A name spec that is empty for every file: each fails, the run goes on, exit 1.
    result = cli("get", address(sim), "-o", tmp_path / "out", "--json", "--name",
                 "@filename:99:@")
    assert result.code == 1
    assert result.summary["failed"] == len(result.files) > 0
    assert "Traceback" not in result.err


def test_output_under_a_regular_file_is_1(cli, start_sim, tmp_path):
    sim = start_sim(files=2)
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    result = cli("get", address(sim), "-o", blocker / "photos")
    assert result.code == 1
    line = assert_one_error_line(result.err)
    assert str(blocker / "photos") in line and "Not a directory" in line


def test_a_spec_folder_that_is_a_regular_file_is_1(cli, start_sim, card_tree, tmp_path):
    root, _ = card_tree
    sim = start_sim(dirs=[root])
    out = tmp_path / "out"
    out.mkdir()
    (out / "SUB").write_bytes(b"")  # C001.JPG's folder, by --dir-spec @camerafolder@
    result = cli("get", address(sim), "-o", out, "--dir-spec", "@camerafolder@")
    assert result.code == 1
    line = assert_one_error_line(result.err)
    assert "SUB/C001.JPG" in line and "Not a directory" in line
    assert not (out / "SUB").read_bytes()


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_full_disk_stops_with_1_and_no_complete_looking_file(start_sim, card_tree, tmp_path):
    """RLIMIT_FSIZE makes the 1.3 MB NEF fail with EFBIG, as a full disk fails a write."""
    root, contents = card_tree
    sim = start_sim(dirs=[root])
    out = tmp_path / "out"
    process = subprocess.run(
        [sys.executable, "-m", "airnef_tui", "get", address(sim), "-o", str(out)],
        preexec_fn=_limit_file_size(400_000), capture_output=True, text=True, timeout=30,
        env=python_env())

    assert process.returncode == 1, process.stderr
    line = assert_one_error_line(process.stderr)
    assert "A002.NEF" in line and "too large" in line.lower()
    assert not (out / "A002.NEF").exists()
    part = out / "A002.NEF.part"
    assert part.stat().st_size <= 400_000
    # Everything with a real name is complete; the run stopped at the NEF (oldest first).
    for path in out.iterdir():
        if path.suffix != ".part":
            camera_path = next(p for p in contents if basename(p) == path.name)
            assert path.read_bytes() == contents[camera_path]
    assert sorted(p.name for p in out.iterdir()) == \
        ["A001.JPG", "A002.NEF.part", "B001.JPG", "a003.jpg"]
    # and the next run, with room again, continues the .part and finishes
    again = subprocess.run(
        [sys.executable, "-m", "airnef_tui", "get", address(sim), "-o", str(out)],
        capture_output=True, text=True, timeout=30, env=python_env())
    assert again.returncode == 0, again.stderr
    assert (out / "A002.NEF").read_bytes() == contents["DCIM/100TEST/A002.NEF"]


def test_sigterm_is_130_and_keeps_the_part(start_sim, card_tree, tmp_path):
    root, _ = card_tree
    sim = start_sim(dirs=[root], rate=300_000)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "airnef_tui", "get", address(sim), "-o", str(out), "--ext",
         "NEF", "--chunk-size", "64K"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=python_env())
    part = out / "A002.NEF.part"
    try:
        deadline = time.monotonic() + 20
        while not (part.exists() and part.stat().st_size > 0):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    line = assert_one_error_line(err)
    assert "interrupted" in line
    assert part.exists() and not (out / "A002.NEF").exists()
