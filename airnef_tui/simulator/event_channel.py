"""The event socket: the second connection of a PTP/IP pair.

It binds to its command session by the connection number from the Init Command Ack, answers
Probe Requests (unless told to behave like the Canon bodies that never do), and carries Event
packets the simulator pushes (ObjectAdded when a photo is "taken"). It ends with its session.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from airnef_tui.ptpip.codes import InitFailReason
from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.ptpip.packets import (
    Event, InitEventAck, InitEventRequest, InitFail, ProbeRequest, ProbeResponse,
)
from airnef_tui.simulator.link import Link, LinkClosed

if TYPE_CHECKING:
    from airnef_tui.simulator.context import CameraContext

log = logging.getLogger("airnef_tui.simulator")


class EventChannel:
    def __init__(self, camera: CameraContext, link: Link) -> None:
        self.camera = camera
        self.link = link
        self.silent = False  # a stalled session's event socket goes quiet too

    def run(self, request: InitEventRequest) -> None:
        session = self.camera.connections.session_for(request.connection_number)
        if session is None:
            log.info("event connection from %s: unknown connection number %d, refused",
                     self.link.peer, request.connection_number)
            self.camera.stats.count("refused")
            self.link.send(InitFail(InitFailReason.REJECTED))
            return
        session.attach_event_channel(self)
        try:
            self.link.send(InitEventAck())
            self._serve()
        finally:
            session.detach_event_channel(self)

    def _serve(self) -> None:
        while True:
            try:
                packet = self.link.receive()
            except LinkClosed:
                return
            except ProtocolError as exc:
                log.info("event connection from %s: malformed packet, closing: %s",
                         self.link.peer, exc)
                return
            if isinstance(packet, ProbeRequest):
                if self.camera.options.answer_probes and not self.silent:
                    self.link.send(ProbeResponse())
            elif not isinstance(packet, ProbeResponse):
                log.info("event connection from %s: unexpected %s ignored",
                         self.link.peer, type(packet).__name__)

    def send_event(self, code: int, *params: int) -> None:
        if self.silent:
            return
        try:
            self.link.send(Event(code, 0, tuple(params)))
        except LinkClosed:
            pass
