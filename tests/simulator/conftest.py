"""Fixtures for the simulator's own tests (`start_sim` comes from tests/conftest.py)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest



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
