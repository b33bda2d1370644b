"""Plain helpers of the transfer end-to-end tests (fixtures are in conftest.py). A module of its
own, with a name unique in the suite, because every test folder has a `conftest` module."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Capture times of the card `card_tree` builds: whole seconds, distinct, days apart so date
# filters have something to cut. 2024-05-01 10:00:00 local time and later.
BASE_TIME = time.mktime((2024, 5, 1, 10, 0, 0, 0, 0, -1))
DAY = 86400

# A 3-level card (DCIM/FOLDER/FILE, a deeper SUB level, a file without extension). Capture order
# differs from path order so that --order is observable; one file spans two 1 MiB pieces.
TREE = {
    "DCIM/100TEST/A001.JPG": (150_000, BASE_TIME + 2 * DAY),               # 05-03 10:00:00
    "DCIM/100TEST/A002.NEF": (1_300_000, BASE_TIME + 2 * DAY + 1),         # 05-03 10:00:01
    "DCIM/100TEST/a003.jpg": (40_000, BASE_TIME),                          # 05-01 10:00:00
    "DCIM/101TEST/B001.JPG": (60_000, BASE_TIME + DAY + 13 * 3600 + 3599),  # 05-02 23:59:59
    "DCIM/101TEST/SUB/C001.JPG": (30_000, BASE_TIME + 3 * DAY),            # 05-04 10:00:00
    "DCIM/101TEST/NOTES": (5_000, BASE_TIME + 4 * DAY),                    # 05-05, no extension
}


def content(relative: str, size: int) -> bytes:
    """Deterministic bytes for a file, different for every path (a repeated 64-byte digest)."""
    seed = hashlib.sha512(relative.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def write_card(root: Path, files: dict[str, tuple[int, float]]) -> dict[str, bytes]:
    """Files at relative paths with (size, mtime); the simulator serves mtime as capture time."""
    made = {}
    for relative, (size, mtime) in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content(relative, size)
        path.write_bytes(data)
        os.utime(path, (mtime, mtime))
        made[relative] = data
    return made


def basename(camera_path: str) -> str:
    return camera_path.rsplit("/", 1)[-1]


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]

    @property
    def files(self) -> list[dict]:
        return [r for r in self.records if r["type"] == "file"]

    @property
    def summary(self) -> dict:
        last = self.records[-1]
        assert last["type"] == "summary", last
        return last

    def by_path(self) -> dict[str, dict]:
        return {r["path"]: r for r in self.files}


def address(sim) -> str:
    return f"127.0.0.1:{sim.port}"


def tree_of(folder: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every regular file under folder."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def python_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_airnef(*argv, timeout: float = 30, **kwargs) -> subprocess.CompletedProcess:
    """`python -m airnef_tui ARGV` as a real process (for signals and resource limits)."""
    return subprocess.run([sys.executable, "-m", "airnef_tui", *map(str, argv)],
                          capture_output=True, text=True, timeout=timeout, env=python_env(),
                          **kwargs)


def assert_one_error_line(err: str) -> str:
    """stderr is exactly one `airnef-tui: …` line, or argparse's usage + one error line, and no
    traceback; returns the error line."""
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    if lines and lines[0].startswith("usage:"):
        assert lines[-1].startswith("airnef-tui") and ": error: " in lines[-1], err
        assert not any(": error: " in line for line in lines[:-1]), err
        return lines[-1]
    assert len(lines) == 1 and lines[0].startswith("airnef-tui:"), err
    return lines[0]
