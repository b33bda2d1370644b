"""Peak memory and CPU of a CameraSession download: shows memory stays flat whatever the size.

Starts `airnef-tui simulate` as a subprocess (so only the client is measured) serving a sparse
file, downloads it with CameraSession into a temporary folder, and prints one line such as

    peak RSS 20.1 MB (goal < 100 MB), 1.00 GiB in 8.6 s, 125 MB/s, CPU 2.4 s/GiB (user 0.6, ...)

Run: .venv/bin/python benchmarks/download_memory.py [--size-mib 1024] [--chunk-kib 1024]
Everything stays on 127.0.0.1. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 1024 * 1024
MARK = b"airnef-tui benchmark mark "


def make_card(root: Path, size: int) -> tuple[Path, dict[int, bytes]]:
    """A sparse file with a few marks, so the copy can be checked without reading it all twice."""
    folder = root / "DCIM" / "100BENCH"
    folder.mkdir(parents=True)
    path = folder / "BIG.MOV"
    marks = {0: MARK + b"start", size // 2: MARK + b"middle", size - 64: MARK + b"end"}
    with open(path, "wb") as f:
        f.truncate(size)
        for at, word in marks.items():
            f.seek(at)
            f.write(word)
    return path, marks


def start_simulator(card: Path, home: Path) -> tuple[subprocess.Popen, str, int]:
    env = dict(os.environ, AIRNEF_TUI_HOME=str(home), AIRNEF_TUI_INTERFACES="127.0.0.1")
    process = subprocess.Popen(
        [sys.executable, "-m", "airnef_tui", "simulate", "--host", "127.0.0.1", "--port", "0",
         "--dir", str(card)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        process.kill()
        raise SystemExit(f"the simulator did not start: {line!r}")
    host, _, port = line.removeprefix("listening on ").rpartition(":")
    return process, host, int(port)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="file size (default 1024)")
    parser.add_argument("--chunk-kib", type=int, default=1024,
                        help="GetPartialObject piece size (default 1024)")
    args = parser.parse_args()
    size = args.size_mib * MIB

    with tempfile.TemporaryDirectory(prefix="airnef-bench-") as temp:
        temp_path = Path(temp)
        os.environ["AIRNEF_TUI_HOME"] = str(temp_path / "home")  # never the user's own GUID
        os.environ["AIRNEF_TUI_INTERFACES"] = "127.0.0.1"
        from airnef_tui.camera import CameraSession, list_files

        _, marks = make_card(temp_path / "card", size)
        process, host, port = start_simulator(temp_path / "card", temp_path / "home")
        target = temp_path / "BIG.MOV"
        try:
            with CameraSession(host, port, chunk_size=args.chunk_kib * 1024,
                               name="airnef-tui benchmark") as session:
                (big,) = list_files(session)
                before, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
                with open(target, "wb") as sink:
                    session.download(big.handle, sink, size=big.size)
                wall = time.perf_counter() - wall
                after = resource.getrusage(resource.RUSAGE_SELF)
        finally:
            process.terminate()
            process.wait(10)

        with open(target, "rb") as got:
            for at, word in marks.items():
                got.seek(at)
                if got.read(len(word)) != word:
                    raise SystemExit(f"the copy differs at byte {at}")
        if target.stat().st_size != size:
            raise SystemExit(f"the copy has {target.stat().st_size} bytes, not {size}")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # Linux: KiB
    gib = size / (1 << 30)
    user = (after.ru_utime - before.ru_utime) / gib
    system = (after.ru_stime - before.ru_stime) / gib
    # System time includes the kernel's loopback and page-cache work done on our behalf.
    print(f"peak RSS {peak_mb:.1f} MB (goal < 100 MB), {gib:.2f} GiB in {wall:.1f} s, "
          f"{size / wall / 1e6:.0f} MB/s, CPU {user + system:.1f} s/GiB "
          f"(user {user:.1f}, system {system:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
