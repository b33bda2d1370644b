"""Listing a card, through the object-info cache, and choosing the files a run takes.

Wi-Fi round trips dominate listing: one GetObjectInfo per object, thousands on a full card, every
time `list`, `get` or the TUI looks. The camera layer's walk accepts a `prefetch` hook; the one
here answers it from `transfer.object_cache` (which checks the cache against the card with a few
spot checks before trusting it). Any trouble with the cache only costs speed: the walk then asks
the camera as usual. Both interfaces list through `list_card`, so both get the cache.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from airnef_tui.camera.catalogue import CameraFile, Prefetch, list_files
from airnef_tui.camera.errors import CameraError, CameraProtocolError, OperationFailed
from airnef_tui.camera.session import CameraSession
from airnef_tui.ptpip import ObjectInfo, ProtocolError
from airnef_tui.transfer.filters import FileFilter
from airnef_tui.transfer.history import CameraKey
from airnef_tui.transfer.object_cache import ObjectCache, card_fingerprint
from airnef_tui.transfer.plan import CameraIdentity

OnSkip = Callable[[int, CameraError], None]
ListingProgress = Callable[[int, int], None]  # (objects described, objects known)


class NoTransferList(CameraError):
    """The camera's own transfer list was required and the camera has none (or is no Nikon)."""


def cached_prefetch(session: CameraSession, conn: sqlite3.Connection,
                    camera: CameraIdentity, progress: ListingProgress | None = None) -> Prefetch:
    """The walk's prefetch hook, answered from the cache; a first listing asks the camera for
    every object here, so this is where `progress(asked, of)` moves on a slow card."""
    cache = ObjectCache(conn)
    key = CameraKey(camera.model, camera.serial)
    asked = [0, 0]  # objects asked for so far, of how many listed

    def fetch(handle: int) -> bytes:
        info = session.object_info(handle).encode()
        asked[0] += 1
        if progress is not None:
            progress(asked[0], max(asked))
        return info

    def prefetch(storage_id: int, handles: list[int]) -> dict[int, ObjectInfo]:
        asked[:] = [0, len(handles)]
        try:
            fingerprint = card_fingerprint(session.storage_info(storage_id))
            raw = cache.refresh(key, storage_id, fingerprint, handles, fetch)
            return {handle: ObjectInfo.decode(data) for handle, data in raw.items()}
        except (OperationFailed, CameraProtocolError, ProtocolError):
            # One object the camera cannot describe, or a damaged entry: list without the cache
            # (the walk reports such objects one by one) and start the cache afresh next time.
            cache.invalidate(key, storage_id)
            return {}

    return prefetch


def list_card(session: CameraSession, conn: sqlite3.Connection, camera: CameraIdentity, *,
              on_skip: OnSkip | None = None,
              progress: ListingProgress | None = None) -> list[CameraFile]:
    """Every file on the camera's cards, through the cache; objects the camera cannot describe
    go to `on_skip`, and `progress(described, known)` follows a long walk."""
    return list_files(session, on_skip=on_skip,
                      prefetch=cached_prefetch(session, conn, camera, progress),
                      progress=progress)


def choose_files(session: CameraSession, file_filter: FileFilter, transfer_list: str,
                 files: list[CameraFile]) -> list[CameraFile]:
    """`files` (the whole card) after the filters, or the camera's own transfer list (Nikon's
    "select to send") when `transfer_list` is `use` and it has one, or `require`."""
    if transfer_list != "ignore":
        picked = set(session.transfer_list())
        if picked:
            return [f for f in files if f.handle in picked]
        if transfer_list == "require":
            raise NoTransferList(
                "the camera has no transfer list: pick photos in the camera's menu to send, "
                "or run without --camera-transfer-list require")
    return file_filter.apply(files)
