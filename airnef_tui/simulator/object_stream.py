"""Sending object data (GetObject and the partial reads) as a streamed data phase.

Objects can be gigabytes: they are never loaded whole but read from the card in pieces and
written after each packet's header. This is also where the fault plan acts, because faults count
object bytes and must fire in the middle of a packet: a dropped, stalled or dripping link, and the
rate cap. A drip is enacted here, not by the session: the phase goes on, one byte at a time.
The packet layout is the profile's (`data_phase.plan_packets`); the headers, and the check that
the phase adds up, come from the transaction machine. The Fujifilm session frames its one data
container itself and streams the payload through `open_reader` and `send_payload`, so its faults
are these same ones.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack

from airnef_tui.ptpip.codes import ResponseCode
from airnef_tui.ptpip.transaction import Responder
from airnef_tui.simulator.card import Reader
from airnef_tui.simulator.context import CameraContext
from airnef_tui.simulator.data_phase import plan_packets
from airnef_tui.simulator.faults import Fault
from airnef_tui.simulator.link import Drip, Link
from airnef_tui.simulator.operations import ObjectSlice
from airnef_tui.simulator.stats import ObjectRead

log = logging.getLogger("airnef_tui.simulator")

STREAM_PIECE = 256 * 1024  # bytes read from the source and written per send


class FaultInjected(Exception):
    """The fault plan fired in the middle of a packet: the connection must enact `fault`."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.value)
        self.fault = fault


class ObjectStreamer:
    """Streams object replies of one command connection; counts the object bytes it sent."""

    def __init__(self, link: Link, camera: CameraContext, label: str) -> None:
        self.link = link
        self.camera = camera
        self.label = label  # "connection #N", for log lines
        self.bytes_sent = 0

    def send(self, responder: Responder, part: ObjectSlice, code: int,
             params: tuple[int, ...]) -> None:
        """Start Data, the object's bytes in the profile's packets, then the response.

        FaultInjected when the fault plan fires; LinkClosed when the host went away.
        """
        with ExitStack() as stack:
            reader = self.open_reader(part, stack)
            if reader is None:
                self.link.send(responder.respond(ResponseCode.GENERAL_ERROR))
                return
            self.link.send(responder.start_data(part.count))
            position = part.offset
            for kind, length in plan_packets(part.count, self.camera.profile.layout):
                self.link.send_bytes(responder.data_header(kind, length))
                self.send_payload(reader, position, length)
                position += length
        self.link.send(responder.respond(code, params))

    def open_reader(self, part: ObjectSlice, stack: ExitStack) -> Reader | None:
        """The object's reader, kept open by `stack`, with the read recorded in the stats; None
        (logged) when its source cannot be read. Each transport frames the reply around it."""
        obj = part.obj
        try:
            reader = stack.enter_context(obj.reader())
        except OSError as exc:
            log.info("%s: cannot read %s: %s", self.label, obj.camera_path, exc)
            return None
        self.camera.stats.record_read(ObjectRead(part.opcode, obj.handle, part.offset,
                                                 part.count))
        return reader

    def send_payload(self, reader: Reader, position: int, length: int) -> None:
        """`length` object bytes from `position`, after a header the caller sent: the fault plan
        acts here (FaultInjected mid-payload, the drip, the rate cap), whatever the transport."""
        faults = self.camera.faults
        end = position + length
        while position < end:
            dripping = self.link.drip is not None  # then bytes are counted as they leave
            piece = 1 if dripping else faults.piece_size(STREAM_PIECE)
            want = min(piece, end - position)
            allowed, fault = faults.allowance(want) if faults.active else (want, None)
            if allowed:
                chunk = reader.read(position, allowed)
                if len(chunk) < allowed:  # the file shrank since it was listed: keep framing
                    chunk += bytes(allowed - len(chunk))
                self.link.send_bytes(chunk)
                position += allowed
                self.bytes_sent += allowed
                delay = 0.0 if dripping else faults.pace_delay(allowed)
                if delay:
                    self.camera.pause(delay)
            if fault is Fault.DRIP:
                self._start_drip()
            elif fault is not None:
                raise FaultInjected(fault)

    def _start_drip(self) -> None:
        """From here on (the rest of this phase and all that follows) this connection dribbles."""
        faults = self.camera.faults
        log.info("%s: injected %s after %d bytes of object data, one byte every %g s",
                 self.label, Fault.DRIP.value, faults.object_bytes_sent, faults.drip_interval)
        self.link.drip = Drip(faults.drip_interval, self.camera.pause)
