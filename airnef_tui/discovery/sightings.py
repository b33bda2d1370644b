"""The merger: every source's reports folded into one sighting per address and port.

Sources call `seen` and `gone` from their own threads; the listener is called with the merged
sighting after each change, under the merger's lock, so it sees changes one at a time and in
order. A camera stays in the list until every source that saw it says it is gone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from airnef_tui.discovery.sighting import CameraSighting

Listener = Callable[[str, CameraSighting], None]  # ("seen" | "gone", the merged sighting)


class Sightings:
    def __init__(self, listener: Listener | None = None) -> None:
        self.listener = listener
        self._lock = threading.Lock()
        self._by_key: dict[tuple[str, int], CameraSighting] = {}
        self._changed = threading.Condition(self._lock)

    def seen(self, sighting: CameraSighting) -> None:
        """A source saw a camera (again): merge, and tell the listener if anything changed."""
        with self._lock:
            known = self._by_key.get(sighting.key)
            merged = sighting if known is None else known.merged(sighting)
            if merged == known:
                return
            self._by_key[sighting.key] = merged
            self._tell("seen", merged)

    def gone(self, address: str, port: int, source: str) -> None:
        """`source` says the camera left (an mDNS removal, an SSDP byebye)."""
        with self._lock:
            known = self._by_key.get((address, port))
            if known is None or source not in known.sources:
                return
            rest = known.sources - {source}
            if rest:
                self._by_key[known.key] = CameraSighting(
                    known.address, known.port, known.make, known.model, known.name, rest,
                    known.last_seen, known.confirmed)
                self._tell("seen", self._by_key[known.key])
            else:
                del self._by_key[known.key]
                self._tell("gone", known)

    def _tell(self, what: str, sighting: CameraSighting) -> None:
        self._changed.notify_all()
        if self.listener is not None:
            self.listener(what, sighting)

    def current(self) -> list[CameraSighting]:
        """Every camera now, confirmed ones first, then by when they were last seen."""
        with self._lock:
            return sorted(self._by_key.values(), key=lambda s: (not s.confirmed, -s.last_seen))

    def wait_for_change(self, timeout: float) -> None:
        with self._lock:
            self._changed.wait(timeout)
