"""`get --realtime afternormal|only` (and `--watch`) against the simulator taking new shots:
announced shots are fetched at once, silent cameras are polled, a lost connection is repaired,
numbering and history carry on, and Ctrl-C/SIGTERM end the run with one summary and exit 130."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from airnef_tui.cli import build_parser, main
from airnef_tui.exitcodes import ExitCode
from airnef_tui.headless import get_command
from airnef_tui.ptpip import OpCode
from airnef_tui.simulator import Simulator, SimulatorConfig

REPO = Path(__file__).resolve().parents[2]
WATCHING = "watching the camera for new files"  # said once the first look is done
SHOT = b"\xff\xd8" + bytes(range(256)) * 40 + b"\xff\xd9"  # a new photo's bytes


@pytest.fixture(autouse=True)
def no_minimum_session(monkeypatch):
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 0.0)


def wait_until(condition, timeout: float = 8.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


class Stream:
    """A thread-safe stand-in for stdout or stderr, readable while the run goes on."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    @property
    def text(self) -> str:
        with self._lock:
            return "".join(self._parts)


class RunningGet:
    """`airnef-tui get … --json` running in a thread; `stop()` sets its cancel event."""

    def __init__(self, argv: list[str]) -> None:
        self.args = build_parser(argv).parse_args(argv)
        self.cancel = threading.Event()
        self.out, self.err = Stream(), Stream()
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self.code = get_command.run(self.args, cancel=self.cancel)

    def stop(self) -> int:
        self.cancel.set()
        self.thread.join(10)
        assert not self.thread.is_alive(), "the run did not stop"
        return self.code

    @property
    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.out.text.splitlines()]


@contextlib.contextmanager
def running_get(sim: Simulator, out: Path, *options):
    argv = ["get", f"127.0.0.1:{sim.port}", "-o", str(out), "--json", *map(str, options)]
    run = RunningGet(argv)
    with contextlib.redirect_stdout(run.out), contextlib.redirect_stderr(run.err):
        run.thread.start()
        try:
            wait_until(lambda: WATCHING in run.err.text or not run.thread.is_alive(),
                       what="the watch to start")
            assert run.thread.is_alive(), run.err.text
            yield run
        finally:
            run.cancel.set()
            run.thread.join(10)


def landed(out: Path, name: str) -> Path | None:
    found = [p for p in out.rglob(name) if p.is_file()]
    return found[0] if found else None


def history_says_downloaded(sim: Simulator, out: Path, capsys) -> dict[str, str]:
    """{camera path: reason} of a plain second `get`: what the history remembers is skipped."""
    capsys.readouterr()
    assert main(["get", f"127.0.0.1:{sim.port}", "-o", str(out), "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return {r["path"]: r["reason"] for r in records if r["type"] == "file"}


def exec_logger(log: Path) -> list[str]:
    """An --exec that appends the downloaded file's path to `log`."""
    return ["--exec", sys.executable, "-c",
            "import sys; open(sys.argv[2], 'a').write(sys.argv[1] + '\\n')", "@pf@", str(log)]


# -- announced shots ------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", ["generic", "sony", "nikon"])
def test_an_announced_shot_is_fetched_at_once_and_numbering_goes_on(start_sim, tmp_path,
                                                                      capsys, profile):
    sim = start_sim(profile=profile, files=2, sony_single_session=False)
    out, log = tmp_path / "out", tmp_path / "exec.log"
    with running_get(sim, out, "--realtime", "afternormal", "--realtime-poll", "60",
                     "--name", "@dlnum@-@filename@", *exec_logger(log)) as run:
        normal = sorted(p.name for p in out.iterdir())
        started = time.monotonic()
        shot = sim.add_object("NEW_0001.JPG", SHOT)
        # 60 s between polls: only the camera's announcement can bring it this soon
        wait_until(lambda: landed(out, f"{len(normal) + 1:04d}-NEW_0001.JPG"), 5,
                   "the announced shot")
        assert time.monotonic() - started < 5
        code = run.stop()
    assert code == ExitCode.INTERRUPTED
    assert landed(out, f"{len(normal) + 1:04d}-NEW_0001.JPG").read_bytes() == SHOT
    assert run.err.text.splitlines()[-1].startswith("airnef-tui: interrupted")
    records = run.records
    assert [r["type"] for r in records].count("summary") == 1 and records[-1]["type"] == "summary"
    assert records[-1]["downloaded"] == len(normal) + 1 and records[-1]["failed"] == 0
    assert len(log.read_text().splitlines()) == len(normal) + 1  # --exec ran for the new shot
    remembered = history_says_downloaded(sim, out, capsys)
    assert remembered[shot.camera_path] == "already downloaded"


def test_only_fetches_shots_taken_after_the_start(start_sim, tmp_path, capsys):
    sim = start_sim(profile="generic", files=3)
    out = tmp_path / "out"
    with running_get(sim, out, "--realtime", "only", "--realtime-poll", "60") as run:
        shot = sim.add_object("NEW_0001.JPG", SHOT)
        wait_until(lambda: landed(out, "NEW_0001.JPG"), 5, "the new shot")
        code = run.stop()
    assert code == ExitCode.INTERRUPTED
    assert sorted(p.name for p in out.iterdir()) == ["NEW_0001.JPG"]
    files = [r for r in run.records if r["type"] == "file"]
    assert [(r["path"], r["status"]) for r in files] == [(shot.camera_path, "downloaded")]
    assert run.records[-1] == {**run.records[-1], "type": "summary", "downloaded": 1,
                               "skipped": 0, "failed": 0}


# -- cameras that announce nothing ----------------------------------------------------------------

@pytest.mark.parametrize("profile", ["generic", "nikon", "sony"])
def test_a_camera_that_announces_nothing_is_polled(start_sim, tmp_path, capsys, profile):
    sim = start_sim(profile=profile, files=2, events=False, sony_single_session=False)
    out = tmp_path / "out"
    with running_get(sim, out, "--watch", "--realtime-poll", "0.2", "--ext", "JPG") as run:
        keep_alives_before = sim.stats.operations.count(OpCode.GET_DEVICE_INFO)
        normal = len(list(out.iterdir()))  # the card's JPGs
        sim.add_object("NEW_0002.NEF", b"raw data, filtered out by --ext")
        shot = sim.add_object("NEW_0003.JPG", SHOT)
        wait_until(lambda: landed(out, "NEW_0003.JPG"), 5, "the polled shot")
        polls = sim.stats.operations.count(OpCode.GET_DEVICE_INFO)
        wait_until(lambda: sim.stats.operations.count(OpCode.GET_DEVICE_INFO) >= polls + 2, 5,
                   "two more polls")
        code = run.stop()
    assert code == ExitCode.INTERRUPTED
    assert landed(out, "NEW_0003.JPG").read_bytes() == SHOT
    assert landed(out, "NEW_0002.NEF") is None  # the same filters as the normal pass
    # a real operation keeps the session awake on every poll (a Sony ignores probes)
    assert sim.stats.operations.count(OpCode.GET_DEVICE_INFO) >= keep_alives_before + 3
    if profile == "nikon":
        assert OpCode.NIKON_GET_EVENT in sim.stats.operations
    summary = run.records[-1]
    assert summary["type"] == "summary" and summary["downloaded"] == normal + 1
    assert history_says_downloaded(sim, out, capsys)[shot.camera_path] == "already downloaded"


# -- a lost connection ----------------------------------------------------------------------------

def test_a_lost_connection_is_repaired_and_renumbered_handles_fetch_nothing_twice(tmp_path):
    card = tmp_path / "card" / "DCIM" / "100TEST"
    card.mkdir(parents=True)
    for index, name in enumerate(["B001.JPG", "B002.JPG"]):
        (card / name).write_bytes(name.encode() * 1000)
        os.utime(card / name, (1_714_550_000 + index,) * 2)
    config = dict(profile="generic", dirs=[tmp_path / "card"], files=0)
    first = Simulator(SimulatorConfig(port=0, **config)).start()
    port = first.port
    out = tmp_path / "out"
    second = None
    try:
        with running_get(first, out, "--realtime", "afternormal", "--realtime-poll", "0.2",
                         "--retries", "50", "--retry-delay", "0.1") as run:
            old_handle = first.card.find("DCIM/100TEST/B001.JPG", 0x00010001).handle
            first.stop()  # the camera goes away while we watch...
            (card / "A000.JPG").write_bytes(SHOT)  # ...and comes back with one more shot
            second = Simulator(SimulatorConfig(port=port, **config)).start()
            assert second.card.find("DCIM/100TEST/B001.JPG", 0x00010001).handle != old_handle
            wait_until(lambda: landed(out, "A000.JPG"), 8, "the shot taken while away")
            code = run.stop()
    finally:
        first.stop()
        if second is not None:
            second.stop()
    assert code == ExitCode.INTERRUPTED
    assert sorted(p.name for p in out.iterdir()) == ["A000.JPG", "B001.JPG", "B002.JPG"]
    assert landed(out, "A000.JPG").read_bytes() == SHOT
    summary = run.records[-1]
    assert (summary["downloaded"], summary["failed"]) == (3, 0)
    assert second.stats.sessions >= 1


# -- stopping under systemd -----------------------------------------------------------------------

def test_sigterm_ends_a_realtime_process_with_the_summary_and_130(start_sim, tmp_path):
    sim = start_sim(profile="generic", files=2)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    process = subprocess.Popen(
        [sys.executable, "-m", "airnef_tui", "get", f"127.0.0.1:{sim.port}", "-o", str(out),
         "--realtime", "only", "--realtime-poll", "0.2", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first_line = process.stderr.readline()
        assert WATCHING in first_line, first_line
        sim.add_object("NEW_0001.JPG", SHOT)
        wait_until(lambda: landed(out, "NEW_0001.JPG"), 8, "the new shot")
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    records = [json.loads(line) for line in stdout.splitlines()]
    assert records[-1]["type"] == "summary" and records[-1]["downloaded"] == 1
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1].startswith("airnef-tui: interrupted")
    assert landed(out, "NEW_0001.JPG").read_bytes() == SHOT
