"""The card's contents as a flat list of files with card-relative paths.

Cameras disagree on GetObjectHandles(storage, 0, parent=0): most return every object on the store,
some only the root level. One rule covers both: after the whole-store call, any folder none of
whose children we have seen yet is asked for its children, level by level. Names are kept raw
(sanitising them is the transfer layer's job), but nothing a camera says can make us loop: folders
are expanded once each, and the parent chain of a path stops at the first repeat.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from airnef_tui.camera.errors import CameraError, CameraProtocolError, OperationFailed
from airnef_tui.camera.session import CameraSession
from airnef_tui.ptpip import ObjectInfo
from airnef_tui.ptpip.codes import storage_is_present, storage_slot

MAX_FOLDERS = 65_536  # far beyond any card; bounds a camera that invents folders forever
_NO_PARENT = (0, 0xFFFFFFFF)

Skipped = Callable[[int, CameraError], None]
#: prefetch(storage_id, handles) -> {handle: ObjectInfo} for any of those handles it can vouch
#: for (e.g. from a cache of an earlier listing); the walk asks the camera for the rest.
Prefetch = Callable[[int, list[int]], dict[int, ObjectInfo]]
#: progress(objects described so far, objects known so far): a card of thousands of objects
#: over Wi-Fi takes minutes to list the first time, and a person should see it move.
ListingProgress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class CameraFile:
    handle: int
    storage_id: int
    slot: int  # card slot, 1 or 2, from the storage id's upper 16 bits
    path: str  # card-root-relative, '/'-joined, raw camera names: DCIM/100NIKON/DSC_0001.NEF
    name: str
    folder: str  # immediate parent folder's name, '' at the card root
    size: int  # 64-bit, already resolved for objects of 4 GiB and more
    captured: datetime | None  # None when the camera gives no usable date (Nikon's 1980 folders)
    format: int


def _recoverable(session: CameraSession, error: CameraError) -> bool:
    """One object the camera cannot describe is skipped; a broken session is not."""
    return isinstance(error, (OperationFailed, CameraProtocolError)) and session.connected


class _StoreWalk:
    """Collects ObjectInfo for every object of one store."""

    def __init__(self, session: CameraSession, storage_id: int, taken: set[int],
                 on_skip: Skipped | None, prefetch: Prefetch | None = None,
                 progress: ListingProgress | None = None) -> None:
        self.session = session
        self.progress = progress
        self.heard: set[int] = set()  # handles this walk has been told of
        self.prefetch = prefetch
        self.known: dict[int, ObjectInfo] = {}
        self.storage_id = storage_id
        self.taken = taken  # handles listed for earlier stores: a camera may ignore the storage
        self.on_skip = on_skip
        self.infos: dict[int, ObjectInfo] = {}
        self.parents_seen: set[int] = set()
        self.failed: set[int] = set()  # asked once: a camera that cannot describe it will not

    def _skip(self, handle: int, error: CameraError) -> None:
        if not _recoverable(self.session, error):
            raise error
        if self.on_skip is not None:
            self.on_skip(handle, error)

    def add(self, handles: Iterable[int]) -> list[int]:
        """Describe handles not seen before; return the new folders among them."""
        handles = list(handles)
        self.heard.update(handles)
        folders = []
        for handle in handles:
            if (handle in self.infos or handle in self.taken or handle in self.failed
                    or handle in _NO_PARENT):
                continue
            try:
                info = self.known.get(handle) or self.session.object_info(handle)
            except CameraError as error:
                self.failed.add(handle)
                self._skip(handle, error)
                continue
            self.infos[handle] = info
            if self.progress is not None:
                self.progress(len(self.infos), len(self.heard))
            self.parents_seen.add(info.parent_object)
            if info.is_folder:
                folders.append(handle)
        return folders

    def run(self) -> None:
        try:
            top = self.session.object_handles(self.storage_id, 0, 0)
        except CameraError as error:
            self._skip(self.storage_id, error)
            return
        if self.prefetch is not None:
            self.known = self.prefetch(self.storage_id, list(top))
        pending = deque(self.add(top))
        expanded: set[int] = set()
        while pending and len(expanded) < MAX_FOLDERS:
            folder = pending.popleft()
            if folder in expanded:
                continue
            expanded.add(folder)
            if folder in self.parents_seen:
                continue  # the whole-store answer already held this folder's children
            try:
                children = self.session.object_handles(self.storage_id, 0, folder)
            except CameraError as error:
                self._skip(folder, error)
                continue
            pending.extend(self.add(children))

    def path_names(self, handle: int) -> list[str]:
        """Names from the card root down to `handle`; a looping parent chain stops at the repeat."""
        names: list[str] = []
        seen: set[int] = set()
        while handle in self.infos and handle not in seen:
            seen.add(handle)
            info = self.infos[handle]
            names.append(info.filename)
            handle = info.parent_object
        names.reverse()
        return names

    def files(self) -> list[CameraFile]:
        found = []
        for handle, info in self.infos.items():
            if info.is_folder:
                continue
            try:
                size = self.session.object_size(handle, info)
            except CameraError as error:
                self._skip(handle, error)
                continue
            names = self.path_names(handle)
            parent = self.infos.get(info.parent_object)
            found.append(CameraFile(
                handle=handle, storage_id=self.storage_id, slot=storage_slot(self.storage_id),
                path="/".join(names), name=info.filename,
                folder=parent.filename if parent is not None and info.parent_object != handle
                else "",
                size=size, captured=info.captured, format=info.object_format,
            ))
        return found


def list_files(session: CameraSession, *, on_skip: Skipped | None = None,
               prefetch: Prefetch | None = None,
               progress: ListingProgress | None = None) -> list[CameraFile]:
    """Every file on every populated card, sorted by slot then path.

    `prefetch` may supply ObjectInfo for the whole-store handle list (see `Prefetch`), so that a
    second listing of a big card costs one GetObjectHandles instead of one request per object.

    Objects the camera cannot describe (OperationFailed, a malformed ObjectInfo) are left out and
    reported to `on_skip(handle, error)` (the storage id when a whole store cannot be listed);
    a lost connection still raises. `progress` is told of each object described, per card.
    """
    files: list[CameraFile] = []
    taken: set[int] = set()
    for storage_id in session.storage_ids():
        if not storage_is_present(storage_id):
            continue  # an empty slot
        walk = _StoreWalk(session, storage_id, taken, on_skip, prefetch, progress)
        walk.run()
        files.extend(walk.files())
        taken.update(walk.infos)
    files.sort(key=lambda f: (f.slot, f.storage_id, f.path, f.handle))
    return files
