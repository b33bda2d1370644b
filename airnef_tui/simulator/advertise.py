"""`simulate --advertise`: the simulated camera announces itself, as a real one would.

`start_advertising(sim)` is called by `Simulator.start` once the port listens, and the object it
returns is called (or its `stop`) by `Simulator.stop` before the port closes. It runs:

- mDNS (`advertise_mdns`): `_ptp._tcp.local.` on the interface of the simulator's host;
- SSDP (`advertise_ssdp`, when that module exists): its `start(sim)` is called and must return a
  stopper (a callable, or an object with `stop()`), which is called on stop.

Neither can stop the simulator from serving: a failure is logged, and the camera is simply not
announced that way.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from airnef_tui.simulator.advertise_mdns import MdnsAdvertiser
    from airnef_tui.simulator.server import Simulator

log = logging.getLogger("airnef_tui.simulator")

SSDP_MODULE = "airnef_tui.simulator.advertise_ssdp"
T = TypeVar("T")


class Advertising:
    """What `start_advertising` started; calling it (or `stop`) withdraws every announcement."""

    def __init__(self, mdns: MdnsAdvertiser | None, stoppers: list[Callable[[], object]]) -> None:
        self.mdns = mdns
        self._stoppers = stoppers

    @property
    def mdns_instance(self) -> str | None:
        """The mDNS instance name in use (`Z_6_5000784`), None when mDNS is not announcing."""
        return self.mdns.instance if self.mdns is not None else None

    def stop(self) -> None:
        stoppers, self._stoppers = self._stoppers, []
        for stop in stoppers:
            try:
                stop()
            except Exception as error:
                log.warning("stopping an announcement failed: %s", error)

    __call__ = stop


def off_the_event_loop(call: Callable[[], T]) -> T:
    """zeroconf refuses blocking calls from a thread that runs an asyncio loop (a Textual app,
    an async test, the screenshot script): there, make the call from a short-lived thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name="simulator-zeroconf")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def start_advertising(sim: Simulator) -> Advertising:
    mdns = off_the_event_loop(lambda: start_mdns(sim))
    stoppers: list[Callable[[], object]] = (
        [lambda: off_the_event_loop(mdns.stop)] if mdns is not None else [])
    ssdp = start_ssdp(sim)
    if ssdp is not None:
        stoppers.append(ssdp)
    return Advertising(mdns, stoppers)


def start_mdns(sim: Simulator) -> MdnsAdvertiser | None:
    from airnef_tui.simulator import advertise_mdns  # zeroconf is imported only when asked for

    try:
        advertiser = advertise_mdns.start(sim.profile.name, sim.profile.manufacturer, sim.model,
                                          sim.serial, sim.host, sim.port)
    except Exception as error:
        log.warning("cannot announce the camera over mDNS on %s: %s", sim.host, error)
        return None
    log.info("announced over mDNS as %r (%s) at %s:%d", advertiser.instance,
             advertise_mdns.SERVICE_TYPE, sim.host, sim.port)
    return advertiser


def start_ssdp(sim: Simulator) -> Callable[[], object] | None:
    """The SSDP announcement, when `advertise_ssdp` provides `start(sim)`; its stopper."""
    if importlib.util.find_spec(SSDP_MODULE) is None:
        return None
    start = getattr(importlib.import_module(SSDP_MODULE), "start", None)
    if not callable(start):
        return None
    try:
        stopper = start(sim)
    except Exception as error:
        log.warning("cannot announce the camera over SSDP: %s", error)
        return None
    if stopper is None:
        return None
    return stopper if callable(stopper) else stopper.stop
