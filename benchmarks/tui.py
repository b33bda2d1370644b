"""What the TUI costs in a real terminal: launch to first frame, listing a 10k card, and bytes and
settle time per key, at 80×24 and 120×40 (issue 10, items 1 and 3).

The app runs inside tmux (its own server socket, nothing shared with the user's), connected to a
simulated Nikon of 10,000 files served by `airnef-tui simulate` on 127.0.0.1, with SSH_CONNECTION
set as an SSH login sets it (so the thumbnail starts off, as it does for a user over SSH). tmux `pipe-pane`
copies everything the app writes to a file: those are the bytes an SSH session carries. Keys
go in with `send-keys`, paced: after each key the script waits until the pane has been quiet for
QUIET seconds; the key's bytes are what was written meanwhile, its settle time the moment of the
last write after the key was sent. Per key and size the median and the worst are printed.

    launch      shell exec → the first frame on screen (capture-pane polled every 10 ms)
    listed      launch → "0 of 10000 selected" (the whole card listed): first with an empty home
                (every object asked), then again from that home's object-info cache
    Down        cursor one row down (goal: < 50 ms and < 1 KB)
    Down ×10    ten Downs in one send-keys call, as keys held or sent in one SSH packet: the
                bytes of all ten
    PageDown    one page down (every row changes: about one screen of text)
    space       tick the row under the cursor (few files selected)
    space 10k   untick/tick with 10,000 selected (the rename preview follows the selection)
    spec key    a letter typed in the name spec with 10,000 selected (goal: < 50 ms)
    thumb Down  (120×40, after ctrl+t) Down with the thumbnail shown: a paced key lets the
                cursor rest, so each draws a new picture after the pane's 150 ms rest
    thumb ×10   ten Downs at once with the thumbnail shown: one picture, where the cursor stops
    transfer    the demo's 40 files (65 MB over its 8 MB/s link) downloaded: bytes a second the
                transfer screen writes while it runs, from its second second to the end

Run: .venv/bin/python benchmarks/tui.py [--files 10000] [--repeat 10]
Not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import select
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
QUIET = 0.25  # a pane silent this long has settled (the UI animates nothing)
SIZES = ((80, 24), (120, 40))
SSH = "192.0.2.10 50022 192.0.2.20 22"  # what sshd sets (documentation addresses, never used)
THUMBNAIL_COLUMNS = 100  # the browser shows the thumbnail pane from this width


class Tmux:
    """One tmux server on its own socket, holding one session, `bench`."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str, check: bool = True) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, check=check, timeout=20).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "bench", check=False)

    def wait_for(self, text: str, timeout: float, poll: float = 0.01) -> float:
        """Seconds (monotonic) at which `text` was first seen on screen ("" = anything)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if (text in screen) if text else screen.strip():
                return time.monotonic()
            if time.monotonic() > deadline:
                raise SystemExit(f"{text!r} did not appear in {timeout} s:\n{self.screen()}")
            time.sleep(poll)


@dataclass
class KeyCost:
    name: str
    nbytes: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # until settled
    firsts: list[float] = field(default_factory=list)  # until the first byte

    def line(self) -> str:
        if not self.nbytes:
            return f"{self.name:<10} -"
        first = statistics.median(self.firsts) * 1000
        settled = statistics.median(self.seconds) * 1000
        return (f"{self.name:<10} {statistics.median(self.nbytes):>7,.0f} B "
                f"(max {max(self.nbytes):>6,})  first byte {first:>3.0f} ms  "
                f"settled {settled:>4.0f} ms (max {max(self.seconds) * 1000:>4.0f})  "
                f"n={len(self.nbytes)}")


def settle(pipe: Path, start: int, sent_at: float) -> tuple[int, float, float]:
    """Bytes written since the pipe held `start` bytes, until the pane stays quiet for QUIET
    seconds; how long after `sent_at` the first and the last of them came."""
    size, first, last = pipe.stat().st_size, 0.0, sent_at
    if size != start:
        first = last = time.monotonic()
    while time.monotonic() - last < QUIET:
        time.sleep(0.002)
        now_size = pipe.stat().st_size
        if now_size != size:
            size, last = now_size, time.monotonic()
            first = first or last
    return size - start, (first or sent_at) - sent_at, last - sent_at


def quiet(pipe: Path) -> None:
    settle(pipe, pipe.stat().st_size, time.monotonic())


def send(tmux: Tmux, pipe: Path, *keys: str) -> tuple[int, float, float]:
    """Keys in one send-keys call: (bytes the app wrote for them, seconds to the first byte,
    seconds to settle)."""
    before = pipe.stat().st_size
    sent = time.monotonic()
    tmux.run("send-keys", "-t", "bench", *keys)
    return settle(pipe, before, sent)


def press(tmux: Tmux, pipe: Path, cost: KeyCost, keys: tuple[str, ...], times: int) -> None:
    quiet(pipe)
    for _ in range(times):
        nbytes, first, seconds = send(tmux, pipe, *keys)
        cost.nbytes.append(nbytes)
        cost.firsts.append(first)
        cost.seconds.append(seconds)


def start_simulator(files: int) -> tuple[subprocess.Popen, int]:
    argv = [sys.executable, "-m", "airnef_tui", "simulate", "--host", HOST, "--port", "0",
            "--files", str(files), "--profile", "nikon"]
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline().strip() if ready else ""
    if not line.startswith("listening on "):
        process.kill()
        raise SystemExit(f"the simulator did not start: {line!r}")
    return process, int(line.rpartition(":")[2])


def app_command(home: Path, *options: str) -> str:
    """`airnef-tui OPTIONS` as a user over SSH starts it, with its own home."""
    return " ".join(shlex.quote(part) for part in [
        "env", f"AIRNEF_TUI_HOME={home}", "TERM=xterm-256color", f"SSH_CONNECTION={SSH}",
        sys.executable, "-m", "airnef_tui", *options])


def open_pane(tmux: Tmux, size: tuple[int, int], command: str, pipe: Path) -> None:
    """A `size` session running `command`, everything it writes copied to `pipe`."""
    width, height = size
    tmux.run("-f", "/dev/null", "new-session", "-d", "-s", "bench", "-x", str(width),
             "-y", str(height), "-c", str(REPO), command, ";",
             "set-option", "-g", "window-size", "manual", ";",
             "resize-window", "-t", "bench", "-x", str(width), "-y", str(height))
    tmux.run("pipe-pane", "-o", "-t", "bench", f"cat >> {shlex.quote(str(pipe))}")


def launch(tmux: Tmux, size: tuple[int, int], port: int, home: Path, work: Path, files: int
           ) -> tuple[Path, float, float]:
    """Start the app in a fresh session; (pipe file, launch→first frame, launch→listed)."""
    width, height = size
    pipe = work / f"pane-{width}x{height}-{time.monotonic_ns()}.bytes"
    started = work / "started"
    app = app_command(home, "--camera", f"{HOST}:{port}", "-o", str(work / "out"))
    # The shell notes when it hands over to Python; the pipe is attached while it waits.
    command = f"sleep 0.3; date +%s.%N > {shlex.quote(str(started))}; exec {app}"
    open_pane(tmux, size, f"sh -c {shlex.quote(command)}", pipe)
    first = tmux.wait_for("", timeout=30)
    # The whole card: while it is read the list already works on what came, and says so with
    # a count of its own ("0 of 4000 selected").
    listed = tmux.wait_for(f" of {files} selected", timeout=120)
    began = float(started.read_text()) - time.time() + time.monotonic()
    return pipe, first - began, listed - began


def leave(tmux: Tmux) -> None:
    """Quit the app and end its tmux server. The next launch gets a server of its own: tmux
    returns from kill-server before the old one has gone, and a new session on the same socket
    then fails now and then."""
    tmux.run("send-keys", "-t", "bench", "C-q")
    time.sleep(0.5)
    tmux.run("kill-server", check=False)


def measure_keys(tmux: Tmux, pipe: Path, size: tuple[int, int], repeat: int) -> list[KeyCost]:
    costs = []

    def run(name: str, keys: tuple[str, ...], times: int) -> None:
        costs.append(KeyCost(name))
        press(tmux, pipe, costs[-1], keys, times)

    run("Down", ("Down",), repeat)
    run("Down ×10", ("Down",) * 10, max(repeat // 2, 1))
    run("PageDown", ("PageDown",), max(repeat // 2, 1))
    if size[0] >= THUMBNAIL_COLUMNS:
        send(tmux, pipe, "C-t")  # thumbnail on
        run("thumb Down", ("Down",), max(repeat // 2, 1))
        run("thumb ×10", ("Down",) * 10, max(repeat // 2, 1))
        send(tmux, pipe, "C-t")
    run("space", ("Space",), repeat)
    send(tmux, pipe, "a")  # everything selected
    run("space 10k", ("Space",), repeat)
    send(tmux, pipe, "Tab")  # to the name spec
    run("spec key", ("x",), repeat)
    return costs


def measure_transfer(tmux: Tmux, size: tuple[int, int], work: Path) -> str:
    """The demo camera's whole card downloaded; what the transfer screen costs a second."""
    width = size[0]
    pipe = work / f"transfer-{width}x{size[1]}.bytes"
    open_pane(tmux, size, app_command(work / f"demo-home-{width}", "--demo",
                                      "--demo-shoot-every", "0", "-o",
                                      str(work / f"demo-out-{width}")), pipe)
    tmux.wait_for("demo camera", timeout=30)
    tmux.run("send-keys", "-t", "bench", "Enter")
    tmux.wait_for(" selected", timeout=30)
    quiet(pipe)
    tmux.run("send-keys", "-t", "bench", "a", "d")
    time.sleep(1.0)  # the screen is drawn whole once: not what a running transfer costs
    start, began = pipe.stat().st_size, time.monotonic()
    tmux.wait_for("Done:", timeout=120, poll=0.05)
    seconds = time.monotonic() - began
    nbytes = pipe.stat().st_size - start
    leave(tmux)
    return f"transfer  {nbytes / seconds:>7,.0f} B/s over {seconds:.1f} s (the demo's 40 files)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    simulator, port = start_simulator(args.files)
    servers = (Tmux(f"airnef-bench-{os.getpid()}-{number}") for number in range(1_000))
    tmux = next(servers)
    try:
        with tempfile.TemporaryDirectory(prefix="airnef-tui-bench-") as folder:
            work = Path(folder)
            home = work / "home"
            print(f"a simulated Nikon with {args.files:,} files; keys paced, "
                  f"settled after {QUIET * 1000:.0f} ms of quiet")
            for size in SIZES:
                home = work / f"home-{size[0]}x{size[1]}"  # empty: the first listing is cold
                tmux = next(servers)
                pipe, first, cold = launch(tmux, size, port, home, work, args.files)
                costs = measure_keys(tmux, pipe, size, args.repeat)
                leave(tmux)
                tmux = next(servers)
                _, again, cached = launch(tmux, size, port, home, work, args.files)
                leave(tmux)
                print(f"\n{size[0]}×{size[1]}: first frame {first * 1000:.0f} ms "
                      f"({again * 1000:.0f} ms the second time); card listed {cold:.2f} s "
                      f"cold, {cached:.2f} s from the cache")
                for cost in costs:
                    print("  " + cost.line())
                tmux = next(servers)
                print("  " + measure_transfer(tmux, size, work))
    finally:
        tmux.run("kill-server", check=False)
        simulator.terminate()
        simulator.wait(10)


if __name__ == "__main__":
    main()
