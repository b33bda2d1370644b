"""Nikon's transfer list: the pictures the user marked in the camera's menu for sending.

It outlives connections and every connection may change it (NotifyFileAcquisitionEnd takes a
picture off, deleting a file removes it), so it is a small shared object with its own lock rather
than a list inside the server.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from airnef_tui.simulator.card import Card

log = logging.getLogger("airnef_tui.simulator")


class TransferList:
    """Object handles in the order the user picked them."""

    def __init__(self, handles: Iterable[int] = ()) -> None:
        self._lock = threading.Lock()
        self._handles: list[int] = []
        for handle in handles:
            if handle not in self._handles:
                self._handles.append(handle)

    @classmethod
    def from_names(cls, card: Card, names: Iterable[str]) -> TransferList:
        """The files named (by file name or camera path); unknown names are logged and skipped."""
        handles = []
        for name in names:
            match = next((o for o in card.files() if name in (o.name, o.camera_path)), None)
            if match is None:
                log.warning("transfer list: no file named %r on the card", name)
            else:
                handles.append(match.handle)
        return cls(handles)

    def handles(self) -> list[int]:
        with self._lock:
            return list(self._handles)

    def remove(self, handle: int) -> None:
        with self._lock:
            if handle in self._handles:
                self._handles.remove(handle)
