"""End to end as a person sees it: `python -m airnef_tui --demo` in a real terminal (tmux),
keys sent, the screen read back."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]


class Tmux:
    """One tmux server on its own socket, so nothing touches the user's sessions."""

    def __init__(self, socket_name: str) -> None:
        self.socket_name = socket_name

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket_name, *args], capture_output=True,
                              text=True, check=check, timeout=10)

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
        for key in keys:
            self.run("send-keys", "-t", "demo", key)
            time.sleep(0.05)


@pytest.mark.tmux
def test_the_demo_finds_lists_downloads_and_quits_in_a_real_terminal(tmp_path, isolated_home):
    tmux = Tmux(f"airnef-test-{os.getpid()}")
    command = " ".join([
        "env", f"AIRNEF_TUI_HOME={shlex.quote(str(isolated_home))}",
        f"TMPDIR={shlex.quote(str(tmp_path))}", "TERM=xterm-256color",
        shlex.quote(sys.executable), "-m", "airnef_tui", "--demo",
    ])
    try:
        # A fixed 120x36 window whether or not a client ever attaches, kept after the app
        # exits so that its last words can be read.
        tmux.run("-f", "/dev/null", "new-session", "-d", "-s", "demo", "-x", "120", "-y", "36",
                 "-c", str(CHECKOUT), command, ";",
                 "set-option", "-g", "window-size", "manual", ";",
                 "set-option", "-t", "demo", "remain-on-exit", "on", ";",
                 "resize-window", "-t", "demo", "-x", "120", "-y", "36")
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
        final = tmux.wait_for(r"Pane is dead \(status 0", timeout=10, unwrapped=True)
        # The demo's folder is the one under TMPDIR (not its temporary home). Its path is wider
        # than the window, and what the terminal keeps of a wrapped line after a full-screen app
        # has left varies: the folder's own name, at the end of the message, is always there.
        folders = [p for p in tmp_path.iterdir()
                   if re.fullmatch(r"airnef-demo-[a-z0-9_]{8}", p.name)]
        assert len(folders) == 1, folders
        folder = folders[0]
        assert folder.name.removeprefix("airnef-demo") in final
        assert sorted(path.name for path in folder.iterdir()) == [
            "DSC_0001.JPG", "DSC_0001.NEF"]
    finally:
        tmux.run("kill-server", check=False)
