"""Fixtures for the simulator's own tests: simulators on 127.0.0.1 that always get stopped."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from airnef_tui.simulator import Simulator, SimulatorConfig


@pytest.fixture
def start_sim():
    """start_sim(**config): a started Simulator on a free loopback port, stopped afterwards."""
    started: list[Simulator] = []

    def start(**options) -> Simulator:
        options.setdefault("port", 0)
        options.setdefault("files", 4)
        sim = Simulator(SimulatorConfig(**options)).start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


def write_tree(root: Path, files: dict[str, int]) -> dict[str, bytes]:
    """Files of pseudo-random bytes at the given relative paths; mtimes one second apart."""
    contents = {}
    for index, (relative, size) in enumerate(files.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = hashlib.shake_256(relative.encode()).digest(size)
        path.write_bytes(data)
        os.utime(path, (1_714_550_000 + index, 1_714_550_000 + index))
        contents[relative] = data
    return contents


@pytest.fixture
def tree(tmp_path):
    """A 3-level card on disk with one file over libgphoto2's 1 MiB GetPartialObject threshold."""
    root = tmp_path / "card"
    contents = write_tree(root, {
        "DCIM/100TEST/A001.JPG": 180_000,
        "DCIM/100TEST/A002.NEF": 1_600_000,
        "DCIM/101TEST/B001.JPG": 70_000,
        "DCIM/101TEST/B002.MOV": 1_048_576,
    })
    return root, contents
