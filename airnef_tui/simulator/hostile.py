"""Objects whose names attack a client that trusts camera file names: `--hostile-names`.

A camera (or anything answering on port 15740) chooses the names a downloader turns into paths,
so these probe path traversal, absolute paths, device names, control characters, names that the
filesystem cannot hold, duplicates and Unicode tricks. A name is whatever survives a PTP string:
an embedded NUL ends it ("nul\\x00.JPG" arrives as "nul"), and PTP strings stop at 254 UTF-16
units, so the "very long" names are as long as the wire allows (one ASCII, one whose UTF-8 form
exceeds the usual 255-byte file name limit).
"""

from __future__ import annotations

from datetime import datetime

from airnef_tui.simulator import jpeg
from airnef_tui.simulator.card import SLOT_1, Card, format_for_name
from airnef_tui.simulator.virtual_file import LazyVirtualFile, VirtualFile

HOSTILE_FILE_NAMES = (
    "../x.JPG",
    "../../../../etc/passwd.JPG",
    "/abs.JPG",
    "..",
    ".",
    "",
    "a\x01b.JPG",
    "tab\tnew\nline.JPG",
    "nul\x00.JPG",
    "esc\x1b[31mred.JPG",
    "CON.JPG",
    "aux",
    "NUL",
    "trailing dot.",
    "trailing space ",
    "back\\slash.JPG",
    "..\\..\\win.JPG",
    "C:\\drive.JPG",
    "-rf.JPG",
    "~",
    "rtl\u202egpj.exe",
    "emoji \U0001F4F7.JPG",
    "lone\udcff.JPG",
    "DUP.JPG",
    "DUP.JPG",
    "dup.jpg",
    "L" * 250 + ".JPG",
    "\u00e9" * 200 + ".JPG",
)

# Folders whose own names are hostile, each holding one ordinary file.
HOSTILE_FOLDER_NAMES = ("..", ".", "/", "../escape")

HOSTILE_FILE_SIZE = 30_000
_CAPTURED = datetime(2024, 5, 2, 12, 0, 0)


def _small_jpeg(seed: int) -> LazyVirtualFile:
    def build() -> VirtualFile:
        return VirtualFile(jpeg.jpeg_layout(seed, *jpeg.THUMB_SIZE,
                                            ("Hostile", "Names", _CAPTURED), HOSTILE_FILE_SIZE))
    return LazyVirtualFile(HOSTILE_FILE_SIZE, build)


def add_hostile_objects(card: Card, storage_id: int = SLOT_1) -> None:
    """Add the hostile files under a DCIM-level folder and the hostile folders at the root."""
    dcim = next((o for o in card.objects(storage_id) if o.is_folder and o.parent == 0), None)
    parent = dcim.handle if dcim else 0
    holder = card.add_folder(storage_id, parent, "999HOSTL", _CAPTURED)
    for index, name in enumerate(HOSTILE_FILE_NAMES):
        seed = 10_000 + index
        card.add(storage_id, holder.handle, name, format_for_name(name),
                 HOSTILE_FILE_SIZE, _CAPTURED, _small_jpeg(seed), seed, jpeg.THUMB_SIZE)
    for index, name in enumerate(HOSTILE_FOLDER_NAMES):
        folder = card.add_folder(storage_id, 0, name, _CAPTURED)
        seed = 20_000 + index
        name = f"ESCAPE{index}.JPG"
        card.add(storage_id, folder.handle, name, format_for_name(name),
                 HOSTILE_FILE_SIZE, _CAPTURED, _small_jpeg(seed), seed, jpeg.THUMB_SIZE)
