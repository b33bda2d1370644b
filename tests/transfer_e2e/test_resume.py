"""Resume: within a run after a drop or a stall (reconnect, continue from the byte reached), and
across runs after a SIGKILL (the next run continues the `.part`), but never onto another object."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from e2e_support import BASE_TIME, address, python_env, write_card

from airnef_tui.ptpip.codes import OpCode

BIG = "DCIM/100TEST/BIG.NEF"
BIG_SIZE = 1_300_000  # two 1 MiB pieces
MIB = 1024 * 1024
PIECE_READS = {OpCode.GET_PARTIAL_OBJECT, OpCode.GET_OBJECT}


def handle_of(sim, camera_path: str) -> int:
    return next(o.handle for o in sim.card.files() if o.camera_path == camera_path)


def reads_of(sim, camera_path: str):
    handle = handle_of(sim, camera_path)
    return [r for r in sim.stats.reads if r.handle == handle and r.opcode in PIECE_READS]


@pytest.fixture
def big_card(tmp_path):
    root = tmp_path / "card"
    return root, write_card(root, {BIG: (BIG_SIZE, BASE_TIME)})[BIG]


@pytest.mark.parametrize("profile", ["generic", "nikon", "canon", "sony"])
@pytest.mark.parametrize("fault", ["drop_after_bytes", "stall_after_bytes"])
def test_resumes_from_the_offset_reached(fault, profile, start_sim, big_card, cli, tmp_path):
    root, data = big_card
    sim = start_sim(profile=profile, dirs=[root], **{fault: 700_000})
    out = tmp_path / "out"

    result = cli("get", address(sim), "-o", out, "--json", "--io-timeout", "1",
                 "--retry-delay", "0.2")

    assert result.code == 0, result.err
    assert (out / "BIG.NEF").read_bytes() == data
    assert not (out / "BIG.NEF.part").exists()
    assert sim.faults.fired, "the fault never fired: the test proves nothing"
    offsets = [r.offset for r in reads_of(sim, BIG)]
    resumed = [o for o in offsets if o % MIB]
    # A fresh download asks for 0, 1 MiB, ...; a resumed one from where the bytes stopped.
    assert len(resumed) == 1, offsets
    assert 0 < resumed[0] <= 700_000
    assert offsets[0] == 0 and sim.stats.sessions >= 2
    [record] = result.files
    assert record["status"] == "downloaded"
    # bytes counts what this run moved: the whole file, once (the resumed part is not re-counted)
    assert record["bytes"] == BIG_SIZE


def test_lost_beyond_retries_keeps_the_part_and_exits_3(start_sim, big_card, cli, tmp_path):
    root, data = big_card
    sim = start_sim(dirs=[root], drop_after_bytes=700_000)
    out = tmp_path / "out"

    result = cli("get", address(sim), "-o", out, "--retries", "0", "--retry-delay", "0")

    assert result.code == 3, result.err
    assert "Traceback" not in result.err
    assert not (out / "BIG.NEF").exists()
    part = out / "BIG.NEF.part"
    assert 0 < part.stat().st_size <= 700_000
    assert part.read_bytes() == data[:part.stat().st_size]


def _kill_mid_file(port: int, out, min_bytes: int) -> int:
    """Start `get` as a process, SIGKILL it once the .part holds min_bytes; return its size."""
    process = subprocess.Popen(
        [sys.executable, "-m", "airnef_tui", "get", f"127.0.0.1:{port}", "-o", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=python_env())
    part = out / "BIG.NEF.part"
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:
            if part.exists() and part.stat().st_size >= min_bytes:
                break
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.02)
        else:
            pytest.fail("the download never got going")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    return part.stat().st_size


def test_a_run_killed_mid_file_is_continued_by_the_next(start_sim, big_card, cli, tmp_path):
    root, data = big_card
    slow = start_sim(dirs=[root], rate=400_000)  # ~3 s for the file: the kill lands mid-file
    out = tmp_path / "out"
    kept = _kill_mid_file(slow.port, out, 200_000)
    assert kept < BIG_SIZE and not (out / "BIG.NEF").exists()
    slow.stop()
    camera = start_sim(dirs=[root])  # the same camera and card, switched on again

    result = cli("get", address(camera), "-o", out, "--json")

    assert result.code == 0, result.err
    assert (out / "BIG.NEF").read_bytes() == data
    assert not (out / "BIG.NEF.part").exists()
    offsets = [r.offset for r in reads_of(camera, BIG)]
    assert offsets and 0 < offsets[0] <= kept, (offsets, kept)
    assert result.files[0]["bytes"] == BIG_SIZE - offsets[0]


def test_a_part_of_another_object_is_restarted(start_sim, big_card, cli, tmp_path):
    root, _ = big_card
    first = start_sim(dirs=[root], drop_after_bytes=500_000)
    out = tmp_path / "out"
    assert cli("get", address(first), "-o", out, "--retries", "0").code == 3
    assert (out / "BIG.NEF.part").stat().st_size > 0
    first.stop()
    # Another card in the same camera: the same name and path, another shot (size and time).
    other_root = tmp_path / "other-card"
    other = write_card(other_root, {BIG: (BIG_SIZE - 1000, BASE_TIME + 3600)})[BIG]
    camera = start_sim(dirs=[other_root])

    result = cli("get", address(camera), "-o", out, "--json")

    assert result.code == 0, result.err
    assert (out / "BIG.NEF").read_bytes() == other
    assert not (out / "BIG.NEF.part").exists()
    offsets = [r.offset for r in reads_of(camera, BIG)]
    assert offsets[0] == 0, offsets


def test_a_part_without_a_ledger_entry_is_restarted(start_sim, big_card, cli, tmp_path):
    """A stray .part of the right name (another program's, or a ledger lost with the data
    directory) is not trusted: the file starts from byte 0 and lands byte-identical."""
    root, data = big_card
    sim = start_sim(dirs=[root])
    out = tmp_path / "out"
    out.mkdir()
    (out / "BIG.NEF.part").write_bytes(b"x" * 400_000)

    result = cli("get", address(sim), "-o", out)

    assert result.code == 0, result.err
    assert (out / "BIG.NEF").read_bytes() == data
    assert [r.offset for r in reads_of(sim, BIG)][0] == 0
    assert not os.path.exists(out / "BIG.NEF.part")
