"""`auto` as a camera address: the one camera discovery finds, for `get`, `list` and airnefcmd."""

from __future__ import annotations

import threading

from airnef_tui.camera.address import CameraAddress
from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.search import Discovery, find_one
from airnef_tui.discovery.sighting import CameraSighting

DEFAULT_AUTO_TIMEOUT = 10.0


def find_camera(scope: Scope, timeout: float = DEFAULT_AUTO_TIMEOUT,
                cancel: threading.Event | None = None) -> tuple[CameraAddress, CameraSighting]:
    """The address of the only camera found within `timeout`; raises NoCameraFound,
    SeveralCameras (discovery.search) or Interrupted."""
    with Discovery(scope) as discovery:
        sighting = find_one(discovery, timeout, cancel)
    return CameraAddress(sighting.address, sighting.port), sighting
