"""What every discovery source looks like to the coordinator."""

from __future__ import annotations

from typing import Protocol

from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.sightings import Sightings


class Source(Protocol):
    """Started once with the merger it reports to; runs in threads of its own until `stop`.

    `start` returns at once (a source that cannot run here, say a port that is taken, logs why
    and reports nothing: discovery carries on with the others). `stop` returns within a second.
    `rescan` asks again now (an M-SEARCH, a sweep) where the source can.
    """

    name: str

    def start(self, sightings: Sightings, scope: Scope) -> None: ...

    def rescan(self) -> None: ...

    def stop(self) -> None: ...
