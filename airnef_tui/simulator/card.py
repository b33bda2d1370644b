"""The objects a simulated camera serves: card slots, folders and files, by handle.

The card is the single source of truth that the session reads and that tests compare downloads
against, so every object carries both what goes on the wire (name, format, size, dates) and where
its bytes come from (a file on disk, or generated content that is read in pieces). It is shared by
all sessions of one simulator, hence the lock: objects can be added (realtime demo) or deleted
while a client lists.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol, Union

from airnef_tui.ptpip.codes import ALL_STORAGES, ObjectFormat
from airnef_tui.simulator.virtual_file import LazyVirtualFile, VirtualFile

Source = Union[Path, bytes, VirtualFile, LazyVirtualFile]

SLOT_1 = 0x00010001
SLOT_2 = 0x00020001
DEFAULT_CAPACITY = 64_000_000_000

_FORMATS_BY_EXTENSION = {
    "jpg": ObjectFormat.EXIF_JPEG, "jpeg": ObjectFormat.EXIF_JPEG, "tif": ObjectFormat.TIFF,
    "tiff": ObjectFormat.TIFF, "nef": ObjectFormat.UNDEFINED, "nrw": ObjectFormat.UNDEFINED,
    "cr2": ObjectFormat.CANON_CR2, "cr3": ObjectFormat.UNDEFINED, "arw": 0xB101,
    "mov": ObjectFormat.QUICKTIME, "mp4": ObjectFormat.MTP_MP4, "avi": ObjectFormat.AVI,
    "wav": ObjectFormat.WAV, "mpo": ObjectFormat.UNDEFINED_IMAGE, "heif": ObjectFormat.UNDEFINED_IMAGE,
    "hif": ObjectFormat.UNDEFINED_IMAGE, "dng": ObjectFormat.UNDEFINED_IMAGE,
}


MAX_NAME_UNITS = 254  # a PTP string holds 255 UTF-16 units including the NUL


def clip_name(name: str) -> str:
    """The longest prefix of `name` that fits a PTP string. Disk names hold 255 bytes, which can
    be 255 units; cutting here keeps every ObjectInfo encodable."""
    while len(name.encode("utf-16-le", errors="surrogatepass")) // 2 > MAX_NAME_UNITS:
        name = name[:-1]
    return name


def format_for_name(name: str) -> int:
    """Object format code cameras would use for this file name (by extension)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return int(_FORMATS_BY_EXTENSION.get(extension, ObjectFormat.UNDEFINED))


def storage_id_for_slot(slot: int) -> int:
    return (slot << 16) | 1


@dataclass(frozen=True)
class Storage:
    storage_id: int
    description: str
    volume_label: str
    capacity: int = DEFAULT_CAPACITY


@dataclass(eq=False)
class CardObject:
    """One folder or file. `parent` is the containing folder's handle, 0 at the card's root."""

    handle: int
    storage_id: int
    parent: int
    name: str
    camera_path: str  # folder names joined by "/": for display and test look-ups only
    object_format: int
    size: int
    captured: datetime | None
    source: Source | None  # None for folders
    thumb_seed: int = 0
    image_size: tuple[int, int] = (0, 0)

    @property
    def is_folder(self) -> bool:
        return self.object_format == ObjectFormat.ASSOCIATION

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """Random access to the object's bytes for one transfer (keeps a disk file open)."""
        if isinstance(self.source, Path):
            with open(self.source, "rb") as handle:
                yield _FileReader(handle)
        elif self.source is None:
            yield _BytesReader(b"")
        elif isinstance(self.source, bytes):
            yield _BytesReader(self.source)
        else:
            yield self.source

    def content(self) -> bytes:
        """The whole object, for tests comparing a download byte for byte (small files only)."""
        with self.reader() as r:
            return r.read(0, self.size)


class Reader(Protocol):
    def read(self, offset: int, count: int) -> bytes: ...


class _FileReader:
    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def read(self, offset: int, count: int) -> bytes:
        self._handle.seek(offset)
        return self._handle.read(count)


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, offset: int, count: int) -> bytes:
        return self._data[offset:offset + count]


class Card:
    """Slots and objects in listing order (every folder before its contents)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._storages: dict[int, Storage] = {}
        self._objects: dict[int, CardObject] = {}
        self._next_handle = 1

    # -- building -------------------------------------------------------------------------------

    def add_storage(self, storage: Storage) -> Storage:
        with self._lock:
            self._storages[storage.storage_id] = storage
        return storage

    def add(self, storage_id: int, parent: int, name: str, object_format: int, size: int,
            captured: datetime | None, source: Source | None, thumb_seed: int | None = None,
            image_size: tuple[int, int] = (0, 0)) -> CardObject:
        with self._lock:
            if storage_id not in self._storages:
                raise KeyError(f"no storage 0x{storage_id:08X}")
            name = clip_name(name)
            parent_path = self._objects[parent].camera_path + "/" if parent else ""
            handle = self._next_handle
            self._next_handle += 1
            obj = CardObject(handle, storage_id, parent, name, parent_path + name, object_format,
                             size, captured, source,
                             handle if thumb_seed is None else thumb_seed, image_size)
            self._objects[handle] = obj
            return obj

    def add_folder(self, storage_id: int, parent: int, name: str,
                   captured: datetime | None) -> CardObject:
        return self.add(storage_id, parent, name, ObjectFormat.ASSOCIATION, 0, captured, None)

    def remove(self, handle: int) -> list[int]:
        """Delete an object (a folder with its contents) from the card; returns removed handles."""
        with self._lock:
            if handle not in self._objects:
                return []
            doomed = [handle]
            for obj in self._objects.values():  # listing order: parents come first
                if obj.parent in doomed:
                    doomed.append(obj.handle)
            for gone in doomed:
                del self._objects[gone]
            return doomed

    # -- queries --------------------------------------------------------------------------------

    @property
    def storages(self) -> list[Storage]:
        with self._lock:
            return list(self._storages.values())

    def storage(self, storage_id: int) -> Storage | None:
        return self._storages.get(storage_id)

    def get(self, handle: int) -> CardObject | None:
        return self._objects.get(handle)

    def objects(self, storage_id: int = ALL_STORAGES) -> list[CardObject]:
        with self._lock:
            return [o for o in self._objects.values()
                    if storage_id == ALL_STORAGES or o.storage_id == storage_id]

    def files(self) -> list[CardObject]:
        return [o for o in self.objects() if not o.is_folder]

    def folders(self) -> list[CardObject]:
        return [o for o in self.objects() if o.is_folder]

    def find(self, camera_path: str, storage_id: int | None = None) -> CardObject | None:
        for obj in self.objects():
            if obj.camera_path == camera_path and storage_id in (None, obj.storage_id):
                return obj
        return None

    def used_bytes(self, storage_id: int) -> int:
        return sum(o.size for o in self.objects(storage_id))

    def __iter__(self) -> Iterator[CardObject]:
        return iter(self.objects())

    def __len__(self) -> int:
        return len(self._objects)
