"""A deterministic card of N photos in each vendor's naming style.

Deterministic so that a demo, a test and a screenshot always show the same card; varied so that
clients meet small and large files (several above libgphoto2's 1 MiB GetPartialObject threshold),
RAW+JPEG pairs, and more than one folder. Content is generated lazily: listing a 500-photo card
costs no encoding.
"""

from __future__ import annotations

import struct
from datetime import datetime, timedelta

from airnef_tui.simulator import jpeg
from airnef_tui.simulator.card import SLOT_1, Card, Storage, format_for_name
from airnef_tui.simulator.profiles import Profile
from airnef_tui.simulator.virtual_file import Filler, LazyVirtualFile, VirtualFile

FIRST_CAPTURE = datetime(2024, 5, 1, 9, 12, 4)
SHOTS_PER_FOLDER = 8
SHOT_INTERVAL = timedelta(seconds=137)
RAW_EVERY = 3  # every third shot is RAW+JPEG on profiles that have a raw format

# Target sizes cycle through this table (plus a per-shot wobble): small, medium, and several over
# 1 MiB so that clients and libgphoto2 take their GetPartialObject paths.
_JPEG_SIZES = (412_000, 1_520_000, 96_000, 2_310_000, 655_000, 1_140_000, 48_000, 3_020_000)
_RAW_SIZES = (2_630_000, 3_410_000, 2_980_000)


def _folder_name(profile: Profile, index: int, captured: datetime) -> str:
    if profile.card_style.date_folders:
        return captured.strftime("%Y-%m-%d")
    return f"{100 + index}{profile.card_style.folder_suffix}"


def _capture_time(shot: int) -> datetime:
    folder, within = divmod(shot, SHOTS_PER_FOLDER)
    return FIRST_CAPTURE + timedelta(days=folder) + within * SHOT_INTERVAL


def _jpeg_file(seed: int, make: str, model: str, captured: datetime, size: int) -> LazyVirtualFile:
    def build() -> VirtualFile:
        return VirtualFile(jpeg.jpeg_layout(seed, *jpeg.PHOTO_SIZE, (make, model, captured), size))
    return LazyVirtualFile(size, build)


def _raw_file(seed: int, make: str, model: str, captured: datetime, size: int,
              canon: bool) -> LazyVirtualFile:
    """A TIFF-structured stand-in for NEF/CR2/ARW: camera tags, an embedded JPEG preview, then
    seeded bytes standing in for sensor data."""
    def build() -> VirtualFile:
        preview = jpeg.jpeg_bytes(seed, *jpeg.PHOTO_SIZE, (make, model, captured))
        signature = b"CR\x02\x00" + struct.pack("<I", 0) if canon else b""
        probe = jpeg.tiff_structure(make, model, captured, *jpeg.PHOTO_SIZE, (0, 0), signature)
        header = jpeg.tiff_structure(make, model, captured, *jpeg.PHOTO_SIZE,
                                     (len(probe), len(preview)), signature)
        return VirtualFile([header, preview, Filler(seed, size - len(header) - len(preview))])
    return LazyVirtualFile(size, build)


def populate_generated(card: Card, profile: Profile, count: int, model: str,
                       storage_id: int = SLOT_1) -> None:
    """Add `count` files (JPEGs, and raws where the profile has them) to an empty slot."""
    if card.storage(storage_id) is None:
        card.add_storage(Storage(storage_id, "Card slot 1", model.upper()))
    style = profile.card_style
    make = profile.manufacturer
    dcim = card.add_folder(storage_id, 0, "DCIM", FIRST_CAPTURE)
    folder = None
    folder_index = -1
    added = 0
    shot = 0
    while added < count:
        captured = _capture_time(shot)
        if shot // SHOTS_PER_FOLDER != folder_index:
            folder_index = shot // SHOTS_PER_FOLDER
            folder = card.add_folder(storage_id, dcim.handle,
                                     _folder_name(profile, folder_index, captured), captured)
        stem = f"{style.file_prefix}{shot + 1:0{style.number_width}d}"
        seed = shot + 1
        size = _JPEG_SIZES[shot % len(_JPEG_SIZES)] + (shot * 7919) % 40_000
        name = f"{stem}.JPG"
        card.add(storage_id, folder.handle, name, format_for_name(name), size, captured,
                 _jpeg_file(seed, make, model, captured, size), seed, jpeg.PHOTO_SIZE)
        added += 1
        if style.raw_extension and shot % RAW_EVERY == 0 and added < count:
            raw_size = _RAW_SIZES[(shot // RAW_EVERY) % len(_RAW_SIZES)] + (shot * 104_729) % 90_000
            name = f"{stem}.{style.raw_extension}"
            card.add(storage_id, folder.handle, name, style.raw_format, raw_size, captured,
                     _raw_file(seed, make, model, captured, raw_size,
                               canon=style.raw_extension == "CR2"),
                     seed, jpeg.PHOTO_SIZE)
            added += 1
        shot += 1
