"""One host's connection to a Fujifilm body (TCP 55740): the Init, then containers until it leaves.

Everything travels on this one socket. The host opens with the fixed 82-byte Init; any other
length and the camera closes the connection, as an X-T4 does. The camera answers with a standard
Init Command Ack, or with Init Fail 0x2019 (busy) and a close while `FujiCamera.claim_busy` says so.
After that, USB-style containers: the order of containers is the business of the sans-IO
`ptpip.FujiResponder` (a host that breaks it loses the connection, with a log line), what each
operation means is `fuji_operations`, and object data leaves through `object_stream`'s
`send_payload`, so the fault plan (drop, stall, drip, rate, and the reply drip) acts on Fujifilm
data exactly as on PTP/IP data. The host's hang-up ends the connection; in pushed mode the camera
sends its own hang-up once the last image has gone.
"""

from __future__ import annotations

import logging
import socket
import time
from contextlib import ExitStack

from airnef_tui.ptpip.codes import PROTOCOL_VERSION, ResponseCode
from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.ptpip.fuji import (
    FUJI_BUSY, FUJI_HANG_UP, FujiEvent, FujiHangUp, FujiInitRequest, encode_container,
)
from airnef_tui.ptpip.fuji_framer import FujiFramed, FujiFramer, FujiHandshake
from airnef_tui.ptpip.fuji_transaction import FujiResponder
from airnef_tui.ptpip.packets import InitCommandAck, InitFail
from airnef_tui.ptpip.transaction import RequestReceived
from airnef_tui.simulator.context import CameraContext
from airnef_tui.simulator.data_phase import receive_host_data
from airnef_tui.simulator.faults import Fault
from airnef_tui.simulator.fuji_camera import FujiCamera
from airnef_tui.simulator.fuji_operations import FujiOperations
from airnef_tui.simulator.link import Drip, Link, LinkClosed
from airnef_tui.simulator.object_stream import FaultInjected, ObjectStreamer
from airnef_tui.simulator.operations import Handler, ObjectSlice, Reply

log = logging.getLogger("airnef_tui.simulator")

RECV_SIZE = 256 * 1024
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)  # Linux only


class FujiReader:
    """The host's side of the socket as framed values: the Init, then containers and pieces."""

    def __init__(self, link: Link) -> None:
        self.link = link
        self.framer = FujiFramer(FujiHandshake.INIT, data_piece=RECV_SIZE)

    def next(self) -> FujiFramed:
        """The next value; LinkClosed at end of stream, ProtocolError on malformed bytes."""
        while True:
            item = self.framer.next_container()
            if item is not None:
                return item
            try:
                chunk = self.link.sock.recv(RECV_SIZE)
            except OSError as exc:
                raise LinkClosed(str(exc)) from None
            if not chunk:
                raise LinkClosed("closed by peer")
            if _QUICKACK is not None:  # as Link.receive: no delayed ACK behind small writes
                try:
                    self.link.sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
                except OSError:
                    pass
            self.framer.feed(chunk)


class FujiSession:
    def __init__(self, camera: CameraContext, fuji: FujiCamera, link: Link) -> None:
        self.camera = camera
        self.fuji = fuji
        self.link = link
        self.reader = FujiReader(link)
        self.responder = FujiResponder()
        self.streamer = ObjectStreamer(link, camera, "fuji connection")
        self.connection_number = 0
        self.operation_count = 0
        self.ops: FujiOperations | None = None
        self._handlers: dict[int, Handler] = {}

    @property
    def label(self) -> str:
        return f"fuji connection #{self.connection_number}"

    # -- connection life ------------------------------------------------------------------------

    def run(self) -> None:
        camera, peer = self.camera, self.link.peer
        try:
            request = self.reader.next()
        except ProtocolError as exc:
            log.info("fuji connection from %s: %s; closing, as an X-T4 does", peer, exc)
            return
        assert isinstance(request, FujiInitRequest)  # the framer's first value, always
        camera.stats.record_guid(request.guid)
        init_time = self.fuji.record_init()
        who = f"host {request.name!r} guid {request.guid.hex()}"
        if self.fuji.claim_busy():
            log.info("fuji connection from %s (%s): Init Fail 0x2019, busy", peer, who)
            camera.stats.count("refused")
            self.link.send(InitFail(FUJI_BUSY))
            return
        connections, identity = camera.connections, camera.identity
        self.connection_number = connections.register(self)
        self.streamer.label = self.label
        self.ops = FujiOperations(camera, self.fuji, request.guid, init_time)
        self._handlers = self.ops.handlers()
        log.info("%s from %s (%s)", self.label, peer, who)
        try:
            self.link.send(InitCommandAck(self.connection_number, identity.guid, identity.model,
                                          PROTOCOL_VERSION))
            self.ops.ack_time = time.monotonic()
            self._serve()
        finally:
            connections.unregister(self.connection_number)
            log.info("%s closed: %d operations, %d bytes of object data", self.label,
                     self.operation_count, self.streamer.bytes_sent)

    def push_event(self, code: int, param: int) -> None:
        """Nothing to push: a phone-mode host learns of changes (the object count) by polling
        0xD212, which reports whatever changed since its last poll."""

    # -- the container loop ---------------------------------------------------------------------

    def _serve(self) -> None:
        while True:
            try:
                event = self.responder.receive(self._next_container())
                if isinstance(event, RequestReceived) and self._transact(event):
                    log.info("%s: nothing left to push, hanging up", self.label)
                    self.link.send_bytes(FUJI_HANG_UP)
                    return
            except LinkClosed:
                return
            except ProtocolError as exc:
                log.info("%s: malformed or out-of-order container, closing: %s", self.label,
                         exc)
                return

    def _next_container(self) -> FujiFramed:
        item = self.reader.next()
        if isinstance(item, FujiHangUp):
            log.info("%s: the host hung up", self.label)
            raise LinkClosed("the host hung up")
        if isinstance(item, FujiEvent):
            raise ProtocolError("an event container from the host")
        return item

    # -- one transaction ------------------------------------------------------------------------

    def _transact(self, event: RequestReceived) -> bool:
        """Answer one operation; True when the camera must hang up after it."""
        request, camera, ops = event.request, self.camera, self.ops
        assert ops is not None
        self.operation_count += 1
        camera.stats.record_operation(request.code)
        incoming = self._receive_data() if event.expects_data else None
        if incoming is not None:
            camera.stats.record_data(request.code, incoming)
        if camera.options.latency:
            camera.pause(camera.options.latency)
        reply = self._dispatch(request.code, request.params, incoming)
        try:
            answered = camera.faults.claim_reply()
            if answered is not None:
                self._send_reply_dripping(reply, request.code, answered)
            else:
                self._send_reply(reply)
        except FaultInjected as injected:
            ops.reply_failed()
            self._enact(injected.fault)
        except LinkClosed:
            ops.reply_failed()
            raise
        return ops.reply_sent()

    def _receive_data(self) -> bytes | None:
        return receive_host_data(lambda: self.responder.receive(self._next_container()))

    def _dispatch(self, code: int, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        handler = self._handlers.get(code)
        if handler is None:
            return Reply(ResponseCode.OPERATION_NOT_SUPPORTED)
        if not self.ops.allowed(code):  # type: ignore[union-attr]
            return Reply(ResponseCode.SESSION_NOT_OPEN)
        return handler(params, incoming)

    def _send_reply(self, reply: Reply) -> None:
        responder = self.responder
        if isinstance(reply.data, ObjectSlice):
            self._send_object(reply.data, reply.code, reply.params)
        elif reply.data is None:
            self.link.send_bytes(encode_container(responder.respond(reply.code, reply.params)))
        else:  # a dataset or a property: data container and response leave in one send
            self.link.send_bytes(encode_container(responder.data(reply.data))
                                 + encode_container(responder.respond(reply.code, reply.params)))

    def _send_object(self, part: ObjectSlice, code: int, params: tuple[int, ...]) -> None:
        """One data container of object bytes, streamed, then the response."""
        responder = self.responder
        with ExitStack() as stack:
            reader = self.streamer.open_reader(part, stack)
            if reader is None:
                self.ops.reply_failed()  # type: ignore[union-attr]
                self.link.send_bytes(encode_container(
                    responder.respond(ResponseCode.GENERAL_ERROR)))
                return
            self.link.send_bytes(responder.data_header(part.count))
            self.streamer.send_payload(reader, part.offset, part.count)
        self.link.send_bytes(encode_container(responder.respond(code, params)))

    def _send_reply_dripping(self, reply: Reply, code: int, answered: int) -> None:
        """The reply drip fault: this whole reply leaves one byte per drip interval."""
        faults, link = self.camera.faults, self.link
        log.info("%s: injected %s on operation 0x%04X after %d operations, one byte every %g s",
                 self.label, Fault.DRIP_REPLY.value, code, answered, faults.drip_interval)
        drip = Drip(faults.drip_interval, self.camera.pause)
        if link.drip is None:
            link.drip = drip
        try:
            self._send_reply(reply)
        finally:
            if link.drip is drip:
                link.drip = None

    def _enact(self, fault: Fault) -> None:
        log.info("%s: injected %s after %d bytes of object data", self.label, fault.value,
                 self.camera.faults.object_bytes_sent)
        if fault is Fault.DROP:
            self.link.close()
            raise LinkClosed("dropped by fault injection")
        self.link.wait_for_peer_to_leave()
        raise LinkClosed("stalled by fault injection")
