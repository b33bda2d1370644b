"""Running the sources together, and `auto`: the one camera on the network, or a clear answer.

`Discovery` starts every source (or the ones asked for) on one merger and stops them all; the
`discover` command and the TUI's discovery screen watch it. `find_one` is what `get auto`,
`list auto` and `airnefcmd --ipaddress auto` use: it waits for the first camera a live source
sees (a camera remembered from an earlier run only counts once something confirms it is here),
then a moment more, so that two cameras on the network are reported as two rather than one
being picked at random.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Sequence

from airnef_tui.camera.errors import Interrupted
from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.sighting import HISTORY, CameraSighting
from airnef_tui.discovery.sightings import Listener, Sightings
from airnef_tui.discovery.source import Source

_log = logging.getLogger("airnef_tui.discovery")

# name → "module:Class"; imported only when used (zeroconf alone costs ~0.2 s on a Pi)
SOURCES = {
    "mdns": "airnef_tui.discovery.mdns:MdnsSource",
    "ssdp": "airnef_tui.discovery.ssdp:SsdpSource",
    "sweep": "airnef_tui.discovery.sweep:SweepSource",
    "known": "airnef_tui.discovery.known:KnownSource",
    "fuji-autosave": "airnef_tui.discovery.fuji_autosave:FujiAutosaveSource",
}
SETTLE_SECONDS = 2.0  # after the first camera, how long to wait for a second one


def make_source(name: str) -> Source:
    module, _, cls = SOURCES[name].partition(":")
    return getattr(importlib.import_module(module), cls)()


class Discovery:
    """Every chosen source reporting to one merger, from `start` to `stop`."""

    def __init__(self, scope: Scope, sources: Sequence[Source] | None = None,
                 listener: Listener | None = None) -> None:
        self.scope = scope
        self.sightings = Sightings(listener)
        self.sources = list(sources) if sources is not None else [
            make_source(name) for name in SOURCES]
        self._started: list[Source] = []

    def start(self) -> Discovery:
        for source in self.sources:
            try:
                source.start(self.sightings, self.scope)
            except Exception as error:  # one broken source must not cost the others
                _log.warning("discovery source %s could not start: %s", source.name, error)
                continue
            self._started.append(source)
        return self

    def rescan(self) -> None:
        for source in self._started:
            try:
                source.rescan()
            except Exception as error:
                _log.debug("discovery source %s could not rescan: %s", source.name, error)

    def stop(self) -> None:
        started, self._started = self._started, []
        for source in started:
            try:
                source.stop()
            except Exception as error:
                _log.debug("discovery source %s did not stop cleanly: %s", source.name, error)

    def __enter__(self) -> Discovery:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def present(sighting: CameraSighting) -> bool:
    """Seen on the network now (not only remembered from an earlier run)."""
    return sighting.confirmed or bool(sighting.sources - {HISTORY})


class NoCameraFound(Exception):
    """Nothing answered within the time allowed."""


class SeveralCameras(Exception):
    """More than one camera answered: the user must say which."""

    def __init__(self, cameras: list[CameraSighting]) -> None:
        self.cameras = cameras
        listed = "; ".join(camera.describe() for camera in cameras)
        super().__init__(f"{len(cameras)} cameras found, give one's address instead of auto: "
                         f"{listed}")


def find_one(discovery: Discovery, timeout: float,
             cancel: threading.Event | None = None) -> CameraSighting:
    """The only camera present within `timeout` seconds (started discovery); NoCameraFound,
    SeveralCameras, or the cancel event's `Interrupted` from the caller's check."""
    deadline = time.monotonic() + timeout
    settle_until: float | None = None
    while True:
        found = [s for s in discovery.sightings.current() if present(s)]
        now = time.monotonic()
        if found and settle_until is None:
            settle_until = min(now + SETTLE_SECONDS, max(deadline, now + SETTLE_SECONDS))
        if settle_until is not None and now >= settle_until:
            if len(found) > 1:
                raise SeveralCameras(found)
            return found[0]
        if settle_until is None and now >= deadline:
            raise NoCameraFound(f"no camera found within {timeout:g} s")
        if cancel is not None and cancel.is_set():
            raise Interrupted("stopped while looking for a camera")
        discovery.sightings.wait_for_change(0.1)
