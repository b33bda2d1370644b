#!/usr/bin/env python3
"""How long choosing files takes on a huge card: filters over 100,000 files and history lookups
of 10,000 files against 100,000 remembered downloads. Prints figures; asserts nothing timed.

Run: .venv/bin/python benchmarks/transfer_selection.py
Goals: filters well under 100 ms; history lookups well under 1 s (this machine, 2 cores).
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from airnef_tui.state.db import open_database  # noqa: E402
from airnef_tui.transfer.filters import FileFilter  # noqa: E402
from airnef_tui.transfer.history import CameraKey, History  # noqa: E402


@dataclass(frozen=True)
class Shot:
    handle: int
    storage_id: int
    slot: int
    path: str
    name: str
    folder: str
    size: int
    captured: datetime | None


def shot(path: str, captured: datetime | None, *, slot: int = 1, handle: int = 1,
         size: int = 1000) -> Shot:
    parts = path.split("/")
    return Shot(handle, 0x00010001 * slot, slot, path, parts[-1], parts[-2], size, captured)


def cpu_ms(function, *args) -> float:
    gc.collect()
    began = time.thread_time()
    function(*args)
    return (time.thread_time() - began) * 1000


def filters() -> None:
    start = datetime(2024, 1, 1)
    files = [
        shot(f"DCIM/{100 + i // 1000}NIKON/DSC_{i // 2 % 10000:04d}.{'NEF' if i % 2 else 'JPG'}",
             start + timedelta(seconds=i // 2 * 3 - 3600 * (i > 50_000)) if i % 97 else None,
             slot=1 + i % 2, handle=i + 1)
        for i in range(100_000)
    ]
    heavy = FileFilter(extensions=frozenset({"jpg", "nef"}), since=start,
                       until=start + timedelta(days=2), folders=frozenset({"DCIM"}),
                       exclude_folders=frozenset({"150NIKON"}), slot="both", order="newest")
    runs = [cpu_ms(heavy.apply, files) for _ in range(5)]
    print(f"filters, every one at once, over 100,000 files: median {statistics.median(runs):.0f} ms "
          f"CPU (best {min(runs):.0f}; goal < 100 ms)")


def history() -> None:
    camera = CameraKey("Nikon D750", "3012345")
    shot_at = datetime(2024, 5, 1, 14, 30, 5)
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_database(Path(tmp) / "history.sqlite3")
        store = History(conn)
        conn.execute("BEGIN")
        for i in range(100_000):
            name = f"DSC_{i % 10_000:04d}.NEF"
            store.record(camera, shot(f"DCIM/{100 + i // 1000}NIKON/{name}",
                                      shot_at + timedelta(minutes=7 * i),
                                      size=20_000_000 + i % 7), "/x")
        conn.execute("COMMIT")
        card = [shot(f"DCIM/200NIKON/DSC_{i:04d}.NEF",
                     shot_at + timedelta(minutes=7 * (90_000 + i)),
                     size=20_000_000 + (90_000 + i) % 7) for i in range(10_000)]
        runs = []
        for _ in range(3):
            began = time.perf_counter()
            found = store.find_many(camera, card)
            runs.append(time.perf_counter() - began)
        assert len(found) == 10_000
        conn.close()
    print(f"history: 10,000 lookups against 100,000 downloads: median "
          f"{statistics.median(runs) * 1000:.0f} ms (goal < 1000 ms)")


if __name__ == "__main__":
    filters()
    history()
