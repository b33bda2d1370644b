"""A card slot served from a folder on disk: `--dir PATH`.

Every sub-folder becomes an Association object and every regular file an object whose bytes are
read from disk per transfer, so a 5 GiB (even sparse) file costs no memory. The capture time is the
file's modification time in local time, as a camera's clock is local and zone-less.

Names that are not valid UTF-8 arrive from os.scandir with surrogate escapes; they are served as
such (the wire encoder passes lone surrogates through) rather than skipped, because a camera
card can hold anything a FAT driver accepted.
"""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

from airnef_tui.simulator.card import DEFAULT_CAPACITY, Card, Storage, format_for_name


def _mtime(st: os.stat_result) -> datetime:
    """Whole seconds: a camera clock has no finer resolution (Canon's ".0" tail is always 0)."""
    return datetime.fromtimestamp(int(st.st_mtime))


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:
        return []


def populate_from_dir(card: Card, storage_id: int, root: Path, slot: int, label: str) -> None:
    """Add `root`'s tree to the card as slot `slot`. Symlinked folders are not followed (loops)."""
    if card.storage(storage_id) is None:
        card.add_storage(Storage(storage_id, f"Card slot {slot}", label, DEFAULT_CAPACITY))
    pending: list[tuple[Path, int]] = [(root, 0)]
    while pending:
        folder, parent = pending.pop(0)
        for entry in _entries(folder):
            try:
                st = entry.stat(follow_symlinks=True)
            except OSError:
                continue
            if entry.is_dir(follow_symlinks=False):
                obj = card.add_folder(storage_id, parent, entry.name, _mtime(st))
                pending.append((Path(entry.path), obj.handle))
            elif stat.S_ISREG(st.st_mode):
                card.add(storage_id, parent, entry.name, format_for_name(entry.name), st.st_size,
                         _mtime(st), Path(entry.path))
    used = card.used_bytes(storage_id)
    if used > DEFAULT_CAPACITY // 2:  # keep the reported free space plausible for huge trees
        storage = card.storage(storage_id)
        card.add_storage(Storage(storage_id, storage.description, storage.volume_label, used * 2))
