"""Which files on the camera are new since the last look: the realtime watcher's eyes.

A first listing asks the camera for every object's ObjectInfo, one round trip each over Wi-Fi.
Looking again every few seconds must not: within one session a handle names one object, so the
answers are remembered for as long as the session lasts (`RememberingSession`), and a look costs
GetStorageIDs, one GetObjectHandles per card (plus one per folder the whole-store answer leaves
unexplained) and GetObjectInfo for the new objects only.

A file is recognised by what it is (card, path, size, capture time), never by its handle, because
a new session after a dropped connection may number the objects differently.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from airnef_tui.camera.catalogue import CameraFile, Prefetch
from airnef_tui.camera.session import CameraSession
from airnef_tui.ptpip import ObjectInfo
from airnef_tui.transfer.filters import FileFilter

FileKey = tuple[int, str, int, datetime | None]
ListCard = Callable[..., list[CameraFile]]  # list_card(session, *, prefetch=...)

_log = logging.getLogger("airnef_tui.app.new_files")


def file_key(file: CameraFile) -> FileKey:
    return (file.storage_id, file.path, file.size, file.captured)


class RememberingSession:
    """A CameraSession whose ObjectInfo answers are kept for the life of that session.

    Everything else is the session's own (attribute access is passed through), so the card walk
    that lists files runs on it unchanged.
    """

    def __init__(self, session: CameraSession) -> None:
        self.session = session
        self.infos: dict[int, ObjectInfo] = {}

    def __getattr__(self, name: str):
        return getattr(self.session, name)

    def object_info(self, handle: int) -> ObjectInfo:
        info = self.infos.get(handle)
        if info is None:
            info = self.infos[handle] = self.session.object_info(handle)
        return info

    def forget(self, handle: int) -> None:
        """The camera said the object is gone (ObjectRemoved): its handle may be reused."""
        self.infos.pop(handle, None)

    def prefetch(self, fallback: Prefetch | None = None) -> Prefetch:
        """A prefetch for the card walk: what this session already described, else `fallback`
        (e.g. the SQLite object cache for the first listing), whose answers are kept too."""

        def prefetch(storage_id: int, handles: list[int]) -> dict[int, ObjectInfo]:
            known = {h: self.infos[h] for h in handles if h in self.infos}
            if fallback is not None and len(known) < len(handles):
                found = fallback(storage_id, handles)
                self.infos.update(found)
                known = {**found, **known}
            return known

        return prefetch


class NewFileFinder:
    """Lists the card and tells which of its files (after the filters) were not seen before."""

    def __init__(self, file_filter: FileFilter, list_card: ListCard) -> None:
        self.filter = file_filter
        self._list_card = list_card
        self.seen: set[FileKey] = set()
        self._remembering: RememberingSession | None = None

    def session(self, session: CameraSession) -> RememberingSession:
        """The remembering wrapper of `session`; a new session starts with nothing remembered."""
        if self._remembering is None or self._remembering.session is not session:
            self._remembering = RememberingSession(session)
        return self._remembering

    def first_look(self, session: CameraSession, *,
                   prefetch: Prefetch | None = None) -> list[CameraFile]:
        """Every file on the card now (unfiltered), all of them counted as seen."""
        remembering = self.session(session)
        files = self._list_card(remembering, prefetch=remembering.prefetch(prefetch))
        self.seen.update(file_key(f) for f in files)
        return files

    def look(self, session: CameraSession) -> list[CameraFile]:
        """The files not seen before that pass the filters, in transfer order."""
        remembering = self.session(session)
        files = self._list_card(remembering, prefetch=remembering.prefetch())
        fresh = [f for f in self.filter.apply(files) if file_key(f) not in self.seen]
        self.seen.update(file_key(f) for f in files)
        _log.debug("looked at the card: %d file(s), %d new after the filters", len(files),
                   len(fresh))
        return fresh

    def described(self, session: CameraSession, handle: int) -> bool:
        """Whether the last looks could describe `handle` (an announced object may not be ready:
        Nikon answers GetObjectInfo with GeneralError for a few seconds after a shot)."""
        return handle in self.session(session).infos

    def object_removed(self, session: CameraSession, handle: int) -> None:
        self.session(session).forget(handle)

    def look_again_for(self, files: Iterable[CameraFile]) -> None:
        """Let the next look report these files again (their download failed on a session that
        has since been replaced, so their handles were stale)."""
        for file in files:
            self.seen.discard(file_key(file))
