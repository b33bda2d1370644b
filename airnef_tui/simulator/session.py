"""One host's command connection: admission, the init handshake, then transactions until it leaves.

Runs in its own thread with blocking I/O. Every operation is answered (or deliberately not, for
the faults and Sony's second session) well within libgphoto2's 2.5 s read timeout.

The order of packets is the business of the sans-IO transaction machine
(`ptpip.transaction.Responder`, one per connection): this loop feeds it what the host sends and
takes every packet header of the reply from it, so a host that sends a packet out of order or with
another transaction's id loses the connection, with a log line. What each operation means lives in
`standard_operations` and `vendor_operations`; object data leaves through `object_stream`. All
the session knows of the camera is the `CameraContext` the server hands it.
"""

from __future__ import annotations

import logging

from airnef_tui.ptpip.codes import PROTOCOL_VERSION, InitFailReason, OpCode, ResponseCode
from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.ptpip.packets import (
    Event, InitCommandAck, InitCommandRequest, InitFail, Packet, ProbeRequest, ProbeResponse,
    encode,
)
from airnef_tui.ptpip.transaction import (
    RequestReceived, Responder, is_out_of_band,
)
from airnef_tui.simulator.context import CameraContext
from airnef_tui.simulator.data_phase import encode_data_phase, receive_host_data
from airnef_tui.simulator.event_channel import EventChannel
from airnef_tui.simulator.faults import Fault
from airnef_tui.simulator.link import Drip, Link, LinkClosed
from airnef_tui.simulator.object_stream import FaultInjected, ObjectStreamer
from airnef_tui.simulator.operations import Handler, ObjectSlice, Reply
from airnef_tui.simulator.standard_operations import StandardOperations
from airnef_tui.simulator.vendor_operations import (
    CanonOperations, NikonOperations, SonyOperations,
)

log = logging.getLogger("airnef_tui.simulator")


# Operations that carry host-to-camera data. Some hosts (older libgphoto2 releases) flag every
# request as data phase 1 ("no data or data in"), so the flag alone cannot tell that a Start Data
# follows: the transaction machine expects the host's data for these whatever the flag says.
DATA_OUT_OPERATIONS = frozenset({
    OpCode.SET_DEVICE_PROP_VALUE, OpCode.SONY_SDIO_CONNECT, OpCode.CANON_EOS_SET_DEVICE_PROP_VALUE,
    0x100C, 0x100D,  # SendObjectInfo, SendObject
})


class CommandSession:
    def __init__(self, camera: CameraContext, link: Link) -> None:
        self.camera = camera
        self.link = link
        self.profile = camera.profile
        self.connection_number = 0
        self.event_channels: list[EventChannel] = []
        self.operation_count = 0
        self.responder = Responder(DATA_OUT_OPERATIONS)
        self.streamer = ObjectStreamer(link, camera, "connection #0")
        self.standard = StandardOperations(camera)
        self.nikon = NikonOperations(camera)
        self.sony = SonyOperations()
        self._handlers: dict[int, Handler] = {
            **self.standard.handlers(), **self.nikon.handlers(),
            **CanonOperations(camera).handlers(), **self.sony.handlers(),
        }

    @property
    def session_id(self) -> int | None:
        """The id of the open PTP session, None before OpenSession and after CloseSession."""
        return self.standard.session_id

    @property
    def object_bytes(self) -> int:
        """Object payload bytes sent on this connection."""
        return self.streamer.bytes_sent

    # -- connection life ------------------------------------------------------------------------

    def run(self, request: InitCommandRequest) -> None:
        if not self._admit(request):
            return
        connections, identity = self.camera.connections, self.camera.identity
        self.connection_number = connections.register(self)
        self.streamer.label = f"connection #{self.connection_number}"
        log.info("connection #%d from %s (%s)", self.connection_number, self.link.peer,
                 _host(request))
        try:
            self.link.send(InitCommandAck(self.connection_number, identity.guid, identity.model,
                                          PROTOCOL_VERSION))
            self._serve()
        finally:
            connections.unregister(self.connection_number)
            for channel in list(self.event_channels):
                channel.link.close()
            log.info("connection #%d closed: %d operations, %d bytes of object data",
                     self.connection_number, self.operation_count, self.object_bytes)

    def _admit(self, request: InitCommandRequest) -> bool:
        """Whether this host may have a session; answers (or ignores) the ones it may not."""
        camera, peer, who = self.camera, self.link.peer, _host(request)
        camera.stats.record_guid(request.guid)
        if camera.connections.single_session_used():
            log.info("command connection from %s (%s): ignored, this camera allows one session "
                     "per run", peer, who)
            self.link.wait_for_peer_to_leave()
            return False
        refusal = camera.connections.refusal(request.guid)
        if refusal:
            log.info("command connection from %s (%s): refused, %s", peer, who, refusal)
            camera.stats.count("refused")
            self.link.send(InitFail(InitFailReason.REJECTED))
            return False
        if not camera.connections.claim_single_session():
            self.link.wait_for_peer_to_leave()
            return False
        return True

    def attach_event_channel(self, channel: EventChannel) -> None:
        self.event_channels.append(channel)

    def detach_event_channel(self, channel: EventChannel) -> None:
        if channel in self.event_channels:
            self.event_channels.remove(channel)

    def push_event(self, code: int, param: int) -> None:
        for channel in list(self.event_channels):
            channel.send_event(code, param)
        if self.profile.nikon_events:
            self.nikon.queue_event(code, param)

    # -- the packet loop ------------------------------------------------------------------------

    def _serve(self) -> None:
        while True:
            try:
                event = self.responder.receive(self._next_packet())
                if isinstance(event, RequestReceived):
                    self._transact(event)
                # None: a late Cancel for a transaction already answered, nothing to stop
            except LinkClosed:
                return
            except ProtocolError as exc:
                log.info("connection #%d: malformed or out-of-order packet, closing: %s",
                         self.connection_number, exc)
                return

    def _next_packet(self) -> Packet:
        """The host's next packet for the transaction machine; answers probes on the way."""
        while True:
            packet = self.link.receive()
            if not is_out_of_band(packet):
                return packet
            if isinstance(packet, ProbeRequest):
                self.link.send(ProbeResponse())
            elif isinstance(packet, Event):
                raise ProtocolError("an Event from the host")
            # a Probe Response needs nothing

    # -- one transaction ------------------------------------------------------------------------

    def _transact(self, event: RequestReceived) -> None:
        request, camera = event.request, self.camera
        self.operation_count += 1
        camera.stats.record_operation(request.code)
        incoming = self._receive_data() if event.expects_data else None
        if incoming is not None:
            camera.stats.record_data(request.code, incoming)
        if camera.options.latency:
            camera.pause(camera.options.latency)
        if event.expects_data and incoming is None:
            reply = Reply(ResponseCode.TRANSACTION_CANCELLED)
        else:
            reply = self._dispatch(request.code, request.params, incoming)
        try:
            answered = camera.faults.claim_reply()
            if answered is not None:
                self._send_reply_dripping(reply, request.code, answered)
            else:
                self._send_reply(reply)
        except FaultInjected as injected:
            self._enact(injected.fault)
        if self.sony.sleeps_after(request.code):
            camera.asleep.set()
            log.info("connection #%d: put to sleep by the host", self.connection_number)
            raise LinkClosed("the camera went to sleep")

    def _receive_data(self) -> bytes | None:
        return receive_host_data(lambda: self.responder.receive(self._next_packet()))

    def _dispatch(self, code: int, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        if self.sony.busy(code):
            return Reply(ResponseCode.DEVICE_BUSY)
        handler = self._handlers.get(code)
        if handler is None or code not in self.profile.operations:
            return Reply(ResponseCode.OPERATION_NOT_SUPPORTED)
        if not self.standard.allowed(code):
            return Reply(ResponseCode.SESSION_NOT_OPEN)
        return handler(params, incoming)

    def _send_reply(self, reply: Reply) -> None:
        responder = self.responder
        if isinstance(reply.data, ObjectSlice):
            self.streamer.send(responder, reply.data, reply.code, reply.params)
        elif reply.data is None:
            self.link.send(responder.respond(reply.code, reply.params))
        else:  # a dataset: Start Data, data packets and response leave in one send
            phase = encode_data_phase(responder, reply.data, self.profile.layout)
            self.link.send_bytes(phase + encode(responder.respond(reply.code, reply.params)))

    def _send_reply_dripping(self, reply: Reply, code: int, answered: int) -> None:
        """The reply drip fault: this whole reply leaves one byte per drip interval."""
        faults, link = self.camera.faults, self.link
        log.info("connection #%d: injected %s on operation 0x%04X after %d operations, one byte "
                 "every %g s", self.connection_number, Fault.DRIP_REPLY.value, code,
                 answered, faults.drip_interval)
        drip = Drip(faults.drip_interval, self.camera.pause)
        if link.drip is None:  # a connection that already drips for good keeps its drip
            link.drip = drip
        try:
            self._send_reply(reply)
        finally:
            if link.drip is drip:  # not replaced by the byte drip firing during this reply
                link.drip = None

    def _enact(self, fault: Fault) -> None:
        log.info("connection #%d: injected %s after %d bytes of object data",
                 self.connection_number, fault.value, self.camera.faults.object_bytes_sent)
        if fault is Fault.DROP:
            for channel in list(self.event_channels):
                channel.link.close()
            self.link.close()
            raise LinkClosed("dropped by fault injection")
        for channel in self.event_channels:
            channel.silent = True
        self.link.wait_for_peer_to_leave()
        raise LinkClosed("stalled by fault injection")


def _host(request: InitCommandRequest) -> str:
    return f"host {request.name!r} guid {request.guid.hex()}"
