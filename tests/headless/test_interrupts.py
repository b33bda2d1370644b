"""Ctrl-C and SIGTERM end `get` and `list` within about a second in every state a run can be in,
and a camera that dribbles is given up on as a stalled link: nothing waits forever.

Each run is a real `python -m airnef_tui` process, so the signals go where a user's would; the
camera is the simulator (or, for a connection that never gets an answer, a silent socket) on
127.0.0.1. A state is recognised from outside, as a person would: a `.part` on disk, a line on
stdout, the simulator's record of what it was asked.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from airnef_tui.exitcodes import ExitCode
from airnef_tui.ptpip import OpCode

REPO = Path(__file__).resolve().parents[2]
PROMPT = 2.0  # the promise: exit within this long after the signal
SIGNALS = [pytest.param(signal.SIGINT, id="SIGINT"), pytest.param(signal.SIGTERM, id="SIGTERM")]
BIG = 4_000_000  # object bytes: a download long enough to be caught in the middle


class Run:
    """`python -m airnef_tui ARGS` with stdout and stderr read as they come."""

    def __init__(self, *argv: str, home: Path, module: str = "airnef_tui") -> None:
        env = {"AIRNEF_TUI_HOME": str(home), "PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, *argv], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL)
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [threading.Thread(target=self._pump, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.process.stdout, self.out),
                                               (self.process.stderr, self.err))]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _pump(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    def wait_for(self, condition, what: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"the run ended ({self.process.returncode}) before {what}:"
                                     f"\n{''.join(self.out)}{''.join(self.err)}")
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.02)

    def interrupt(self, signum: int) -> tuple[int, float]:
        """Send the signal; the exit code and how long the process took to end."""
        sent = time.monotonic()
        self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=10)
        finally:
            self.process.kill()
        took = time.monotonic() - sent
        for reader in self._readers:
            reader.join(timeout=2)
        return code, took

    @property
    def stdout(self) -> str:
        return "".join(self.out)

    @property
    def stderr(self) -> str:
        return "".join(self.err)


def big_card(tmp_path: Path) -> Path:
    card = tmp_path / "card" / "DCIM" / "100TEST"
    card.mkdir(parents=True)
    (card / "BIG_0001.JPG").write_bytes(bytes(range(256)) * (BIG // 256))
    return tmp_path / "card"


def get(sim_or_address, out: Path, *extra: str, home: Path) -> Run:
    address = sim_or_address if isinstance(sim_or_address, str) else \
        f"127.0.0.1:{sim_or_address.port}"
    return Run("get", address, "-o", str(out), "--io-timeout", "3", "--retry-delay", "0.2",
               *extra, home=home)


def parts(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.part"))


def assert_interrupted(run: Run, code: int, took: float, *, summary: bool = True) -> None:
    assert code == ExitCode.INTERRUPTED, run.stdout + run.stderr
    assert took < PROMPT, f"took {took:.2f} s to stop"
    assert "Traceback" not in run.stderr, run.stderr
    assert "interrupted" in run.stderr
    if summary:
        assert any(" downloaded, " in line for line in run.stdout.splitlines()), run.stdout


@pytest.mark.parametrize("signum", SIGNALS)
def test_mid_packet_keeps_the_part_and_prints_the_summary(start_sim, tmp_path, signum):
    sim = start_sim(dirs=[big_card(tmp_path)], rate=400_000)
    out = tmp_path / "out"
    run = get(sim, out, home=tmp_path / "home")
    run.wait_for(lambda: parts(out) and parts(out)[0].stat().st_size > 100_000, "the download")
    code, took = run.interrupt(signum)
    assert_interrupted(run, code, took)
    assert parts(out) and 0 < parts(out)[0].stat().st_size < BIG


@pytest.mark.parametrize("signum", SIGNALS)
def test_a_dribbling_camera_is_stopped_at_once(start_sim, tmp_path, signum):
    sim = start_sim(dirs=[big_card(tmp_path)], drip_after_bytes=200_000, drip_interval=0.5)
    out = tmp_path / "out"
    run = get(sim, out, home=tmp_path / "home")
    run.wait_for(lambda: sim.faults.fired, "the drip to start")
    time.sleep(0.6)  # one byte has dribbled in: each read gets its byte before any timeout
    code, took = run.interrupt(signum)
    assert_interrupted(run, code, took)
    assert parts(out)


@pytest.mark.parametrize("signum", SIGNALS)
def test_listing_a_card_that_dribbles_is_stopped(start_sim, tmp_path, signum):
    sim = start_sim(files=6, drip_replies_after_ops=4, drip_interval=0.5)
    run = Run("list", f"127.0.0.1:{sim.port}", home=tmp_path / "home")
    run.wait_for(lambda: sim.faults.fired, "a reply to dribble")
    code, took = run.interrupt(signum)
    assert_interrupted(run, code, took, summary=False)


@pytest.mark.parametrize("signum", SIGNALS)
def test_connecting_to_a_camera_that_never_answers_is_stopped(tmp_path, signum):
    """The camera took the TCP connection but says nothing: the handshake waits."""
    silent = socket.create_server(("127.0.0.1", 0))
    try:
        run = get(f"127.0.0.1:{silent.getsockname()[1]}", tmp_path / "out",
                  "--io-timeout", "30", home=tmp_path / "home")
        peer, _ = silent.accept()
        time.sleep(0.3)
        code, took = run.interrupt(signum)
        peer.close()
    finally:
        silent.close()
    assert_interrupted(run, code, took)


@pytest.mark.parametrize("signum", SIGNALS)
def test_waiting_between_reconnections_is_stopped(start_sim, tmp_path, signum):
    sim = start_sim(dirs=[big_card(tmp_path)], drop_after_bytes=300_000)
    out = tmp_path / "out"
    run = Run("get", f"127.0.0.1:{sim.port}", "-o", str(out), "--retry-delay", "60",
              home=tmp_path / "home")
    run.wait_for(lambda: "reconnecting in" in run.stdout, "the wait before reconnecting")
    code, took = run.interrupt(signum)
    assert_interrupted(run, code, took)
    assert parts(out) and 0 < parts(out)[0].stat().st_size <= 300_000


@pytest.mark.parametrize("signum", SIGNALS)
def test_reconnecting_to_a_camera_that_went_silent_is_stopped(start_sim, tmp_path, signum):
    """The camera dropped us, and the next connection hangs in its handshake."""
    sim = start_sim(dirs=[big_card(tmp_path)], drop_after_bytes=300_000, sony_single_session=True,
                    profile="sony")
    out = tmp_path / "out"
    run = get(sim, out, "--io-timeout", "30", home=tmp_path / "home")
    run.wait_for(lambda: sim.stats.connections >= 3, "the reconnection")
    time.sleep(0.3)
    code, took = run.interrupt(signum)
    assert_interrupted(run, code, took)


@pytest.mark.parametrize("signum", SIGNALS)
def test_watching_is_stopped(start_sim, tmp_path, signum):
    sim = start_sim(files=2)
    run = get(sim, tmp_path / "out", "--watch", "--realtime-poll", "30", home=tmp_path / "home")
    run.wait_for(lambda: "watching the camera" in run.stdout, "watching")
    code, took = run.interrupt(signum)
    assert_interrupted(run, code, took)


def test_a_dribbling_camera_is_a_stall_the_file_completes_after_a_reconnect(start_sim, tmp_path):
    sim = start_sim(dirs=[big_card(tmp_path)], drip_after_bytes=300_000, drip_interval=0.2)
    out = tmp_path / "out"
    run = get(sim, out, "--stall-seconds", "1", "--stall-bytes", "4K", home=tmp_path / "home")
    code = run.process.wait(timeout=30)
    for reader in run._readers:
        reader.join(timeout=2)
    assert code == ExitCode.OK, run.stdout + run.stderr
    assert "a stalled link" in run.stdout and "reconnecting" in run.stdout
    assert (out / "BIG_0001.JPG").read_bytes() == bytes(range(256)) * (BIG // 256)
    assert not parts(out)


def test_a_stalled_camera_that_does_not_come_back_is_given_up_with_exit_3(start_sim, tmp_path):
    """After the stall the camera is gone (the simulator stops): the retries run out, one clear
    line and exit code 3, and the .part is kept for a later run."""
    sim = start_sim(dirs=[big_card(tmp_path)], drip_after_bytes=300_000, drip_interval=0.2)
    port = sim.port
    out = tmp_path / "out"
    run = Run("get", f"127.0.0.1:{port}", "-o", str(out), "--stall-seconds", "1",
              "--stall-bytes", "4K", "--retries", "1", "--retry-delay", "3",
              home=tmp_path / "home")
    run.wait_for(lambda: "a stalled link" in run.stdout, "the stall", timeout=20)
    sim.stop()
    code = run.process.wait(timeout=30)
    for reader in run._readers:
        reader.join(timeout=2)
    assert code == ExitCode.UNREACHABLE, run.stdout + run.stderr
    assert f"127.0.0.1:{port}" in run.stderr and "gave up after 1 reconnection" in run.stderr
    assert "Traceback" not in run.stderr
    assert parts(out)


def test_the_stall_rule_is_checked_on_listing_too(start_sim, tmp_path):
    """A GetObjectInfo that dribbles stalls like a download: the listing is retried on a fresh
    connection (`list` connects once, so it fails clearly with exit 3)."""
    sim = start_sim(files=4, drip_replies_after_ops=5, drip_interval=0.2)
    run = Run("list", f"127.0.0.1:{sim.port}", "--stall-seconds", "1", "--stall-bytes", "4K",
              home=tmp_path / "home")
    code = run.process.wait(timeout=20)
    for reader in run._readers:
        reader.join(timeout=2)
    assert code == ExitCode.UNREACHABLE, run.stdout + run.stderr
    assert "a stalled link" in run.stderr
    assert any(op == OpCode.GET_OBJECT_INFO or op == OpCode.GET_OBJECT_HANDLES
               for op in sim.stats.operations)


@pytest.mark.parametrize("signum", SIGNALS)
def test_airnefcmd_is_stopped_as_promptly(start_sim, tmp_path, signum):
    """airnef's command line runs the same engine: the same prompt stop, airnef-tui's 130."""
    sim = start_sim(dirs=[big_card(tmp_path)], rate=400_000)
    out = tmp_path / "out"
    run = Run("--ipaddress", f"127.0.0.1:{sim.port}", "--outputdir", str(out),
              home=tmp_path / "home", module="airnef_tui.airnefcmd")
    run.wait_for(lambda: parts(out) and parts(out)[0].stat().st_size > 100_000, "the download")
    code, took = run.interrupt(signum)
    assert_interrupted(run, code, took)
