"""End to end as a person sees it: `python -m airnef_tui --demo` in a real terminal (tmux),
keys sent the way a terminal sends them (several at once, as over SSH), the screen read back.

Only what a person would see or find is checked: the screen, the exit status and the files on
disk. Of the message the demo leaves after it exits, only the folder's name at its end: the path
is wider than the window, and what a terminal keeps of a wrapped line after a full-screen app
has left varies."""

from __future__ import annotations

import itertools
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
SHOOT_EVERY = 2  # seconds between the demo camera's shots in the watch test
CARD_FILES = 40  # the demo card: DSC_0001..DSC_0030 as JPG, ten of them with a NEF
LAST_ON_CARD = 30  # so the camera's first new shot is DSC_0031.JPG
SERVERS = itertools.count()
TICKED = ["DSC_0001.NEF", "DSC_0004.NEF", "DSC_0007.NEF", "DSC_0013.NEF", "DSC_0016.NEF"]


class Tmux:
    """One tmux server on its own socket, so nothing touches the user's sessions."""

    def __init__(self, socket_name: str, status_file: Path) -> None:
        self.socket_name = socket_name
        self.status_file = status_file

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(["tmux", "-L", self.socket_name, *args], capture_output=True,
                              text=True, timeout=10)
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {args[0]}: {done.stderr.strip()}")
        return done

    def start(self, argv: list[str], width: int, height: int) -> None:
        """`argv` in a fixed window whether or not a client ever attaches. The exit status
        comes from the shell that runs it, not from tmux: tmux 3.3a now and then misses its
        child's exit (a zombie, the pane never "dead"; a SIGCHLD sent to the server then
        reaps it), which would make a clean exit look like a hang."""
        size = ("-x", str(width), "-y", str(height))
        written = shlex.quote(str(self.status_file.with_suffix(".tmp")))
        command = (f"{shlex.join(argv)}; echo $? > {written} && "
                   f"mv {written} {shlex.quote(str(self.status_file))}")
        self.run("-f", "/dev/null", "new-session", "-d", "-s", "demo", *size,
                 "-c", str(CHECKOUT), command, ";",
                 "set-option", "-g", "window-size", "manual", ";",
                 "set-option", "-t", "demo", "remain-on-exit", "on", ";",
                 "resize-window", "-t", "demo", *size)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-t", "demo", check=False).stdout

    def wait_for(self, pattern: str, timeout: float, *, unwrapped: bool = False) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if unwrapped:
                text = text.replace("\n", "")
            if re.search(pattern, text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} did not appear within {timeout} s; "
                                     f"the screen:\n{text}")
            time.sleep(0.1)

    def keys(self, *keys: str) -> None:
        """All in one write, as a terminal over SSH delivers keys typed ahead."""
        self.run("send-keys", "-t", "demo", *keys)

    def wait_for_exit(self, timeout: float) -> int:
        """The app's exit status. A hang is shown with every thread's stack (the app runs with
        PYTHONFAULTHANDLER), which says what it waits for."""
        deadline = time.monotonic() + timeout
        while not self.status_file.exists():
            if time.monotonic() > deadline:
                shell = self.run("list-panes", "-t", "demo", "-F", "#{pane_pid}").stdout.strip()
                for pid in _children(shell):
                    os.kill(pid, signal.SIGABRT)
                time.sleep(1)
                history = self.run("capture-pane", "-p", "-J", "-S", "-", "-t", "demo",
                                   check=False).stdout
                raise AssertionError(f"the app did not end within {timeout} s:\n{history}")
            time.sleep(0.1)
        return int(self.status_file.read_text())


def _children(pid: str) -> list[int]:
    try:
        return [int(child) for child in
                Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []  # not Linux, or gone: the failure says what the screen shows


@pytest.fixture
def tmux(tmp_path):
    """A server of its own for each test: `kill-server` returns before the server has gone,
    so the next test's `new-session` on the same socket could reach the dying one."""
    server = Tmux(f"airnef-test-{os.getpid()}-{next(SERVERS)}", tmp_path / "exit-status")
    yield server
    server.run("kill-server", check=False)


def _demo(tmp_path: Path, home: Path, *options: str) -> list[str]:
    """The demo with its history in `home` and any temporary folder under `tmp_path`."""
    return ["env", "PYTHONFAULTHANDLER=1", f"AIRNEF_TUI_HOME={home}", f"TMPDIR={tmp_path}",
            "TERM=xterm-256color", sys.executable, "-m", "airnef_tui", "--demo", *options]


@pytest.mark.tmux
def test_the_demo_finds_lists_downloads_and_quits_in_a_real_terminal(tmp_path, isolated_home,
                                                                      tmux):
    """The wide layout (rename pane beside the list), the demo's own temporary folder, and
    ctrl+q, which quits without asking."""
    tmux.start(_demo(tmp_path, isolated_home), 120, 36)
    first = tmux.wait_for(r"demo camera", timeout=10)  # the discovery screen comes first
    assert "Nikon" in first and "127.0.0.1:" in first
    tmux.keys("Enter")
    tmux.wait_for(r"DSC_0001\.JPG", timeout=10)
    tmux.keys("Space")
    tmux.wait_for(r"1 of 40 selected", timeout=5)
    tmux.keys("Down", "Space")
    tmux.wait_for(r"2 of 40 selected", timeout=5)
    tmux.keys("d")
    done = tmux.wait_for(r"Done: 2 downloaded, 0 failed", timeout=10)
    assert "Done: 2 of 2 files downloaded" in done
    tmux.keys("C-q")
    assert tmux.wait_for_exit(timeout=10) == 0
    # The demo's folder is the one under TMPDIR (not its temporary home). Its path is wider
    # than the window, and what the terminal keeps of a wrapped line after a full-screen app
    # has left varies: the folder's own name, at the end of the message, is always there.
    folders = [p for p in tmp_path.iterdir()
               if re.fullmatch(r"airnef-demo-[a-z0-9_]{8}", p.name)]
    assert len(folders) == 1, folders
    folder = folders[0]
    tmux.wait_for(re.escape(folder.name.removeprefix("airnef-demo")), timeout=5,
                  unwrapped=True)
    assert sorted(path.name for path in folder.iterdir()) == [
        "DSC_0001.JPG", "DSC_0001.NEF"]


@pytest.mark.tmux
def test_filter_range_download_and_watch_a_new_shot_arrive_at_80x24(tmp_path, isolated_home,
                                                                   tmux):
    """80x24, as most of our users have, with `-o`: `/` to filter, a range ticked both ways
    (shift+Down, `v`), `d`, then `w`. The filter is the browser's: watch mode takes every new
    shot, so a JPG arrives after the NEFs. `q` asks before it ends the watching."""
    out = tmp_path / "demo-photos"
    tmux.start(_demo(tmp_path, isolated_home, "-o", str(out),
                     "--demo-shoot-every", str(SHOOT_EVERY)), 80, 24)
    tmux.wait_for(r"demo camera", timeout=10)
    tmux.keys("Enter")
    listing = tmux.wait_for(r"0 of \d+ selected", timeout=10)
    # 40, or more if the camera shot before its card was read (those are not new to watch)
    on_card = int(re.search(r"0 of (\d+) selected", listing).group(1))
    first_shot = LAST_ON_CARD + 1 + on_card - CARD_FILES
    tmux.keys("/NEF", "Enter")
    tmux.wait_for(rf"Filter “NEF”: 10 of {on_card} match", timeout=5)
    tmux.keys("S-Down", "S-Down", "Down", "Down", "v", "Down", "v")
    ticked = tmux.wait_for(r"5 of \d+ selected, 15\.7 MB", timeout=5)
    assert re.findall(r"^(?:☑|\[x\]) +DCIM/\w+/(\S+)", ticked, re.MULTILINE) == TICKED
    tmux.keys("d")
    tmux.wait_for(r"Downloading 5 selected file", timeout=5)
    tmux.keys("w")
    shot = f"DSC_{first_shot:04d}.JPG"
    tmux.wait_for(rf"✓ DCIM/\w+/{shot} → {shot}", timeout=20)
    assert (out / shot).read_bytes()[:2] == b"\xff\xd8"  # a JPEG, whole (no .part left)
    tmux.keys("q")
    asking = tmux.wait_for(r"Quit anyway\?", timeout=5)
    assert "A download is running" in asking
    tmux.keys("y")
    assert tmux.wait_for_exit(timeout=10) == 0
    tmux.wait_for(re.escape(out.name), timeout=5, unwrapped=True)  # "the photos are in …"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("airnef-demo")]
    _assert_the_ticked_files_and_the_shots(out, first_shot)


def _assert_the_ticked_files_and_the_shots(out: Path, first_shot: int) -> None:
    """The five NEFs, then every shot from the first new one on, in order; the one in flight
    when `q` came, if any, kept as .part for the next download to continue."""
    names = sorted(path.name for path in out.iterdir())
    nefs = [name for name in names if name.endswith(".NEF")]
    shots = [int(m.group(1)) for name in names if (m := re.fullmatch(r"DSC_(\d{4})\.JPG", name))]
    parts = [name for name in names if name.endswith(".part")]
    assert nefs == TICKED
    assert shots == list(range(first_shot, first_shot + len(shots))) and shots, names
    assert parts in ([], [f"DSC_{shots[-1] + 1:04d}.JPG.part"]), names
    assert len(nefs) + len(shots) + len(parts) == len(names), names
