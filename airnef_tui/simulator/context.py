"""What a connection may use of the camera that accepted it, handed over explicitly.

The server builds one `CameraContext` and gives it to every command session and event channel
instead of itself: what a connection can read and change is written down here, in one place, and
a session can be built in a test without a listening server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from airnef_tui.simulator.card import Card
from airnef_tui.simulator.connections import ConnectionRegistry
from airnef_tui.simulator.device_props import DeviceProperties
from airnef_tui.simulator.faults import FaultPlan
from airnef_tui.simulator.profiles import Profile
from airnef_tui.simulator.stats import SimulatorStats
from airnef_tui.simulator.transfer_list import TransferList


@dataclass(frozen=True)
class CameraIdentity:
    """Who the camera says it is: the Init Command Ack and DeviceInfo carry these."""

    model: str
    serial: str
    guid: bytes


@dataclass(frozen=True)
class ConnectionOptions:
    """The configuration a connection reads (the rest only shapes the server or the card)."""

    latency: float = 0.0  # seconds to wait before each operation's reply
    # Files (by name) whose partial reads stop at half the size ObjectInfo promises.
    short_objects: frozenset[str] = frozenset()
    answer_probes: bool = True  # False: the event socket never answers a Probe Request


def _no_pause(seconds: float) -> bool:
    return False


@dataclass(frozen=True)
class CameraContext:
    """The camera's shared state as its connections see it."""

    identity: CameraIdentity
    profile: Profile
    card: Card
    device_props: DeviceProperties
    stats: SimulatorStats
    faults: FaultPlan
    connections: ConnectionRegistry
    transfer_list: TransferList
    # Removes an object (a folder with its contents) and announces ObjectRemoved to every client.
    remove_object: Callable[[int], None]
    options: ConnectionOptions = ConnectionOptions()
    # A sleep that ends early when the camera stops, and then returns True.
    pause: Callable[[float], bool] = _no_pause
    asleep: threading.Event = field(default_factory=threading.Event)  # Sony put to sleep
