"""Listing a card through the object-info cache.

Wi-Fi round trips dominate listing: one GetObjectInfo per object, thousands on a full card, every
time `list`, `get` or the TUI looks. The camera layer's walk accepts a `prefetch` hook; this one
answers it from `transfer.object_cache` (which checks the cache against the card before trusting
it). Any trouble with the cache only costs speed: the walk then asks the camera as usual.
"""

from __future__ import annotations

import sqlite3

from airnef_tui.camera.catalogue import Prefetch
from airnef_tui.camera.errors import CameraProtocolError, OperationFailed
from airnef_tui.camera.session import CameraSession
from airnef_tui.ptpip import ObjectInfo, ProtocolError
from airnef_tui.transfer.history import CameraKey
from airnef_tui.transfer.object_cache import ObjectCache, card_fingerprint
from airnef_tui.transfer.plan import CameraIdentity


def cached_prefetch(session: CameraSession, conn: sqlite3.Connection,
                    camera: CameraIdentity) -> Prefetch:
    cache = ObjectCache(conn)
    key = CameraKey(camera.model, camera.serial)

    def fetch(handle: int) -> bytes:
        return session.object_info(handle).encode()

    def prefetch(storage_id: int, handles: list[int]) -> dict[int, ObjectInfo]:
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
