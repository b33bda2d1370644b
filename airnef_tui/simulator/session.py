"""One client's command connection: the init handshake, then operations until it leaves.

Runs in its own thread with blocking I/O. Every operation is answered (or deliberately not, for
the faults and Sony's second session) well within libgphoto2's 2.5 s read timeout. Vendor
differences come from the profile; the handlers here implement PTP's semantics once.
"""

from __future__ import annotations

import logging
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.codes import (
    ALL_STORAGES, PROTOCOL_VERSION, ROOT_PARENT, AssociationType, DataPhase, EventCode,
    InitFailReason, ObjectFormat, ObjectProp, OpCode, ResponseCode,
)
from airnef_tui.ptpip.datasets import DeviceInfo, ObjectInfo, StorageInfo
from airnef_tui.ptpip.dates import format_ptp_datetime
from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.ptpip.packets import (
    Cancel, Data, EndData, InitCommandAck, InitCommandRequest, InitFail, OperationRequest,
    OperationResponse, ProbeRequest, ProbeResponse, StartData, data_header, encode,
)
from airnef_tui.simulator import jpeg
from airnef_tui.simulator.card import CardObject
from airnef_tui.simulator.data_phase import encode_data_phase, plan_packets
from airnef_tui.simulator.device_props import PropertyError
from airnef_tui.simulator.faults import Fault
from airnef_tui.simulator.link import Link, LinkClosed
from airnef_tui.simulator.profiles import SONY_SLEEP_PAYLOAD
from airnef_tui.simulator.stats import ObjectRead

if TYPE_CHECKING:
    from airnef_tui.simulator.event_channel import EventChannel
    from airnef_tui.simulator.server import Simulator

log = logging.getLogger("airnef_tui.simulator")

STREAM_PIECE = 256 * 1024  # bytes read from the source and written per send
MAX_INCOMING_DATA = 1024 * 1024  # host-to-camera data kept; the rest is read and dropped
NO_THUMBNAIL_PRESENT = 0x2010
MTP_OBJECT_PROP_NOT_SUPPORTED = 0xA80A
SONY_EXT_DEVICE_INFO = wire.u16(200) + wire.array("H", ())  # simulator's own stand-in reply

# Operations that carry host-to-camera data. Some hosts (older libgphoto2 releases) flag every
# request as data phase 1 ("no data or data in"), so the flag alone cannot tell that a Start Data
# follows.
_DATA_OUT_OPERATIONS = frozenset({
    OpCode.SET_DEVICE_PROP_VALUE, OpCode.SONY_SDIO_CONNECT, OpCode.CANON_EOS_SET_DEVICE_PROP_VALUE,
    0x100C, 0x100D,  # SendObjectInfo, SendObject
})
_ALLOWED_BEFORE_SESSION = frozenset({OpCode.GET_DEVICE_INFO, OpCode.OPEN_SESSION})


@dataclass(frozen=True)
class ObjectSlice:
    """Object bytes to stream as a data phase (never loaded whole)."""

    obj: CardObject
    offset: int
    count: int
    opcode: int


@dataclass(frozen=True)
class Reply:
    code: int = ResponseCode.OK
    params: tuple[int, ...] = ()
    data: bytes | ObjectSlice | None = None


def _param(params: tuple[int, ...], index: int, default: int = 0) -> int:
    return params[index] if len(params) > index else default


class CommandSession:
    def __init__(self, sim: Simulator, link: Link) -> None:
        self.sim = sim
        self.link = link
        self.profile = sim.profile
        self.connection_number = 0
        self.session_id: int | None = None
        self.event_channels: list[EventChannel] = []
        self.nikon_events: deque[tuple[int, int]] = deque(maxlen=1000)
        self.operation_count = 0
        self.object_bytes = 0
        self._sony_connect_pending = False
        self._sony_going_to_sleep = False
        self._handlers: dict[int, Callable[[tuple[int, ...], bytes | None], Reply]] = {
            OpCode.GET_DEVICE_INFO: self._get_device_info,
            OpCode.OPEN_SESSION: self._open_session,
            OpCode.CLOSE_SESSION: self._close_session,
            OpCode.GET_STORAGE_IDS: self._get_storage_ids,
            OpCode.GET_STORAGE_INFO: self._get_storage_info,
            OpCode.GET_NUM_OBJECTS: self._get_num_objects,
            OpCode.GET_OBJECT_HANDLES: self._get_object_handles,
            OpCode.GET_OBJECT_INFO: self._get_object_info,
            OpCode.GET_OBJECT: self._get_object,
            OpCode.GET_THUMB: self._get_thumb,
            OpCode.NIKON_GET_LARGE_THUMB: self._get_large_thumb,
            OpCode.DELETE_OBJECT: self._delete_object,
            OpCode.GET_DEVICE_PROP_DESC: self._get_device_prop_desc,
            OpCode.GET_DEVICE_PROP_VALUE: self._get_device_prop_value,
            OpCode.SET_DEVICE_PROP_VALUE: self._set_device_prop_value,
            OpCode.GET_PARTIAL_OBJECT: self._get_partial_object,
            OpCode.MTP_GET_PARTIAL_OBJECT_64: self._get_partial_object_64,
            OpCode.NIKON_GET_PARTIAL_OBJECT_EX: self._nikon_get_partial_object_ex,
            OpCode.MTP_GET_OBJECT_PROP_VALUE: self._get_object_prop_value,
            OpCode.NIKON_GET_EVENT: self._nikon_get_event,
            OpCode.NIKON_GET_TRANSFER_LIST: self._nikon_get_transfer_list,
            OpCode.NIKON_NOTIFY_FILE_ACQUISITION_START: self._nikon_acquisition_start,
            OpCode.NIKON_NOTIFY_FILE_ACQUISITION_END: self._nikon_acquisition_end,
            OpCode.CANON_EOS_SET_DEVICE_PROP_VALUE: self._canon_eos_set_device_prop_value,
            OpCode.SONY_SDIO_CONNECT: self._sony_connect,
            OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO: self._sony_ext_device_info,
        }

    # -- connection life ------------------------------------------------------------------------

    def run(self, request: InitCommandRequest) -> None:
        sim, peer = self.sim, self.link.peer
        sim.stats.record_guid(request.guid)
        who = f"host {request.name!r} guid {request.guid.hex()}"
        if sim.single_session_used():
            log.info("command connection from %s (%s): ignored, this camera allows one session "
                     "per run", peer, who)
            self.link.wait_for_peer_to_leave()
            return
        refusal = sim.guid_refusal(request.guid)
        if refusal:
            log.info("command connection from %s (%s): refused, %s", peer, who, refusal)
            sim.stats.count("refused")
            self.link.send(InitFail(InitFailReason.REJECTED))
            return
        if not sim.claim_single_session():
            self.link.wait_for_peer_to_leave()
            return
        self.connection_number = sim.register(self)
        log.info("connection #%d from %s (%s)", self.connection_number, peer, who)
        try:
            self.link.send(InitCommandAck(self.connection_number, sim.camera_guid, sim.model,
                                          PROTOCOL_VERSION))
            self._serve()
        finally:
            sim.unregister(self)
            for channel in list(self.event_channels):
                channel.link.close()
            log.info("connection #%d closed: %d operations, %d bytes of object data",
                     self.connection_number, self.operation_count, self.object_bytes)

    def attach_event_channel(self, channel: EventChannel) -> None:
        self.event_channels.append(channel)

    def detach_event_channel(self, channel: EventChannel) -> None:
        if channel in self.event_channels:
            self.event_channels.remove(channel)

    def push_event(self, code: int, param: int) -> None:
        for channel in list(self.event_channels):
            channel.send_event(code, param)
        if self.profile.nikon_events:
            self.nikon_events.append((code, param))

    def _serve(self) -> None:
        while True:
            try:
                packet = self.link.receive()
                if isinstance(packet, OperationRequest):
                    self._operate(packet)
                elif isinstance(packet, ProbeRequest):
                    self.link.send(ProbeResponse())
                elif isinstance(packet, (Cancel, ProbeResponse)):
                    continue
                else:
                    log.info("connection #%d: unexpected %s, closing", self.connection_number,
                             type(packet).__name__)
                    return
            except LinkClosed:
                return
            except ProtocolError as exc:
                log.info("connection #%d: malformed packet, closing: %s",
                         self.connection_number, exc)
                return

    # -- one operation --------------------------------------------------------------------------

    def _operate(self, request: OperationRequest) -> None:
        self.operation_count += 1
        self.sim.stats.record_operation(request.code)
        expects_data = (request.data_phase == DataPhase.OUT
                        or request.code in _DATA_OUT_OPERATIONS)
        incoming = self._receive_data() if expects_data else None
        if incoming is not None:
            self.sim.stats.record_data(request.code, incoming)
        if self.sim.config.latency_ms:
            self.sim.pause(self.sim.config.latency_ms / 1000)
        if expects_data and incoming is None:
            reply = Reply(ResponseCode.TRANSACTION_CANCELLED)
        else:
            reply = self._dispatch(request, incoming)
        self._send_reply(request.transaction_id, reply)
        if self._sony_going_to_sleep and request.code == OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO:
            self.sim.asleep.set()
            log.info("connection #%d: put to sleep by the host", self.connection_number)
            raise LinkClosed("the camera went to sleep")

    def _dispatch(self, request: OperationRequest, incoming: bytes | None) -> Reply:
        code = request.code
        if self._sony_connect_pending and code != OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO:
            return Reply(ResponseCode.DEVICE_BUSY)
        handler = self._handlers.get(code)
        if handler is None or code not in self.profile.operations:
            return Reply(ResponseCode.OPERATION_NOT_SUPPORTED)
        if self.session_id is None and code not in _ALLOWED_BEFORE_SESSION:
            return Reply(ResponseCode.SESSION_NOT_OPEN)
        return handler(request.params, incoming)

    def _receive_data(self) -> bytes | None:
        """Host-to-camera data phase: Start Data, Data..., End Data. None when cancelled."""
        first = self.link.receive()
        if isinstance(first, Cancel):
            return None
        if not isinstance(first, StartData):
            raise ProtocolError(f"expected Start Data, got {type(first).__name__}")
        kept = bytearray()
        while True:
            packet = self.link.receive()
            if isinstance(packet, Cancel):
                return None
            if not isinstance(packet, (Data, EndData)):
                raise ProtocolError(f"expected Data or End Data, got {type(packet).__name__}")
            room = MAX_INCOMING_DATA - len(kept)
            if room > 0:
                kept += packet.payload[:room]
            if isinstance(packet, EndData):
                return bytes(kept)

    def _send_reply(self, transaction_id: int, reply: Reply) -> None:
        response = OperationResponse(reply.code, transaction_id, reply.params)
        if reply.data is None:
            self.link.send(response)
        elif isinstance(reply.data, ObjectSlice):
            self._stream_object(transaction_id, reply.data, response)
        else:
            self.link.send_bytes(encode_data_phase(transaction_id, reply.data, self.profile.layout)
                                 + encode(response))

    def _stream_object(self, transaction_id: int, part: ObjectSlice,
                       response: OperationResponse) -> None:
        obj = part.obj
        with ExitStack() as stack:
            try:
                reader = stack.enter_context(obj.reader())
            except OSError as exc:
                log.info("connection #%d: cannot read %s: %s", self.connection_number,
                         obj.camera_path, exc)
                self.link.send(OperationResponse(ResponseCode.GENERAL_ERROR, transaction_id))
                return
            self.sim.stats.record_read(ObjectRead(part.opcode, obj.handle, part.offset, part.count))
            self.link.send(StartData(transaction_id, part.count))
            position = part.offset
            for kind, length in plan_packets(part.count, self.profile.layout):
                self.link.send_bytes(data_header(kind, transaction_id, length))
                self._stream_payload(reader, position, length)
                position += length
        self.link.send(response)

    def _stream_payload(self, reader, position: int, length: int) -> None:
        faults = self.sim.faults
        piece = faults.piece_size(STREAM_PIECE)
        end = position + length
        while position < end:
            want = min(piece, end - position)
            allowed, fault = faults.allowance(want) if faults.active else (want, None)
            if allowed:
                chunk = reader.read(position, allowed)
                if len(chunk) < allowed:  # the file shrank since it was listed: keep framing
                    chunk += bytes(allowed - len(chunk))
                self.link.send_bytes(chunk)
                position += allowed
                self.object_bytes += allowed
                delay = faults.pace_delay(allowed)
                if delay:
                    self.sim.pause(delay)
            if fault is not None:
                self._enact(fault)

    def _enact(self, fault: Fault) -> None:
        log.info("connection #%d: injected %s after %d bytes of object data", self.connection_number,
                 fault.value, self.sim.faults.object_bytes_sent)
        if fault is Fault.DROP:
            for channel in list(self.event_channels):
                channel.link.close()
            self.link.close()
            raise LinkClosed("dropped by fault injection")
        for channel in self.event_channels:
            channel.silent = True
        self.link.wait_for_peer_to_leave()
        raise LinkClosed("stalled by fault injection")

    # -- lookups --------------------------------------------------------------------------------

    def _file(self, handle: int) -> CardObject | Reply:
        obj = self.sim.card.get(handle)
        if obj is None or obj.is_folder:
            return Reply(ResponseCode.INVALID_OBJECT_HANDLE)
        return obj

    def _select(self, params: tuple[int, ...]) -> list[CardObject] | Reply:
        """The objects GetObjectHandles / GetNumObjects designate (storage, format, parent)."""
        if self.profile.needs_all_handle_params and len(params) < 3:
            return Reply(ResponseCode.PARAMETER_NOT_SUPPORTED)
        storage_id, object_format, parent = (_param(params, i) for i in range(3))
        card = self.sim.card
        if storage_id not in (0, ALL_STORAGES) and card.storage(storage_id) is None:
            return Reply(ResponseCode.INVALID_STORAGE_ID)
        objects = card.objects(ALL_STORAGES if storage_id == 0 else storage_id)
        if parent == ROOT_PARENT:
            objects = [o for o in objects if o.parent == 0]
        elif parent != 0:
            folder = card.get(parent)
            if folder is None:
                return Reply(ResponseCode.INVALID_OBJECT_HANDLE)
            if not folder.is_folder:
                return Reply(ResponseCode.INVALID_PARENT_OBJECT)
            objects = [o for o in objects if o.parent == parent]
        if object_format not in (0, ALL_STORAGES):
            objects = [o for o in objects if o.object_format == object_format]
        return objects

    def _date(self, obj: CardObject) -> str:
        if obj.is_folder:
            if not self.profile.folders_dated:
                return ""
            if self.profile.folder_date is not None:
                return self.profile.folder_date
        captured = obj.captured.replace(microsecond=0) if obj.captured else None
        return format_ptp_datetime(captured, tenths=self.profile.date_tenths)

    # -- handlers: session and device -----------------------------------------------------------

    def _get_device_info(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        profile = self.profile
        events = (profile.object_added_event, EventCode.OBJECT_REMOVED)
        info = DeviceInfo(
            standard_version=100, vendor_extension_id=profile.vendor_extension_id,
            vendor_extension_version=profile.vendor_extension_version,
            vendor_extension_desc=profile.vendor_extension_desc, functional_mode=0,
            operations_supported=profile.operations, events_supported=events,
            device_properties_supported=profile.device_properties, capture_formats=(),
            image_formats=(ObjectFormat.ASSOCIATION, *profile.image_formats),
            manufacturer=profile.manufacturer, model=self.sim.model,
            device_version=profile.device_version, serial_number=self.sim.serial,
        )
        return Reply(data=info.encode())

    def _open_session(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        if self.session_id is not None:
            return Reply(ResponseCode.SESSION_ALREADY_OPEN, (self.session_id,))
        session_id = _param(params, 0)
        if session_id == 0:  # PTP reserves 0; some bodies answer exactly this
            return Reply(ResponseCode.INVALID_PARAMETER)
        self.session_id = session_id
        self.sim.stats.count("sessions")
        return Reply()

    def _close_session(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        self.session_id = None
        return Reply()

    def _get_storage_ids(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        ids = [s.storage_id for s in self.sim.card.storages]
        return Reply(data=wire.array("I", ids))

    def _get_storage_info(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        storage = self.sim.card.storage(_param(params, 0))
        if storage is None:
            return Reply(ResponseCode.INVALID_STORAGE_ID)
        free = max(0, storage.capacity - self.sim.card.used_bytes(storage.storage_id))
        info = StorageInfo(storage_type=4, filesystem_type=3, access_capability=0,
                           max_capacity=storage.capacity, free_space_bytes=free,
                           free_space_images=free // 8_000_000,
                           description=storage.description, volume_label=storage.volume_label)
        return Reply(data=info.encode())

    def _get_device_prop_desc(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        try:
            return Reply(data=self.sim.device_props.describe(_param(params, 0)))
        except PropertyError as exc:
            return Reply(exc.code)

    def _get_device_prop_value(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        try:
            return Reply(data=self.sim.device_props.value(_param(params, 0)))
        except PropertyError as exc:
            return Reply(exc.code)

    def _set_device_prop_value(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        try:
            self.sim.device_props.set_value(_param(params, 0), incoming or b"")
        except PropertyError as exc:
            return Reply(exc.code)
        return Reply()

    # -- handlers: listing ----------------------------------------------------------------------

    def _get_num_objects(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        selected = self._select(params)
        if isinstance(selected, Reply):
            return selected
        return Reply(params=(len(selected),))

    def _get_object_handles(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        selected = self._select(params)
        if isinstance(selected, Reply):
            return selected
        return Reply(data=wire.array("I", [o.handle for o in selected]))

    def _get_object_info(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        obj = self.sim.card.get(_param(params, 0))
        if obj is None:
            return Reply(ResponseCode.INVALID_OBJECT_HANDLE)
        date = self._date(obj)
        if obj.is_folder:
            info = ObjectInfo(storage_id=obj.storage_id, object_format=obj.object_format,
                              parent_object=obj.parent,
                              association_type=AssociationType.GENERIC_FOLDER,
                              filename=obj.name, capture_date=date, modification_date=date)
        else:
            width, height = obj.image_size
            info = ObjectInfo(
                storage_id=obj.storage_id, object_format=obj.object_format,
                compressed_size=obj.size, thumb_format=ObjectFormat.JFIF,
                thumb_compressed_size=jpeg.THUMB_BYTES, thumb_pix_width=jpeg.THUMB_SIZE[0],
                thumb_pix_height=jpeg.THUMB_SIZE[1], image_pix_width=width,
                image_pix_height=height, image_bit_depth=24 if width else 0,
                parent_object=obj.parent, filename=obj.name, capture_date=date,
                modification_date=date)
        return Reply(data=info.encode())

    def _get_object_prop_value(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        obj = self.sim.card.get(_param(params, 0))
        if obj is None:
            return Reply(ResponseCode.INVALID_OBJECT_HANDLE)
        prop = _param(params, 1)
        values = {
            ObjectProp.OBJECT_SIZE: lambda: wire.u64(obj.size),
            ObjectProp.STORAGE_ID: lambda: wire.u32(obj.storage_id),
            ObjectProp.OBJECT_FORMAT: lambda: wire.u16(obj.object_format),
            ObjectProp.OBJECT_FILE_NAME: lambda: wire.ptp_string(obj.name),
            ObjectProp.PARENT_OBJECT: lambda: wire.u32(obj.parent),
        }
        if prop not in values:
            return Reply(MTP_OBJECT_PROP_NOT_SUPPORTED)
        return Reply(data=values[prop]())

    # -- handlers: object data ------------------------------------------------------------------

    def _get_object(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        obj = self._file(_param(params, 0))
        if isinstance(obj, Reply):
            return obj
        return Reply(data=ObjectSlice(obj, 0, obj.size, OpCode.GET_OBJECT))

    def _partial(self, handle: int, offset: int, count: int, opcode: int,
                 response: Callable[[int], tuple[int, ...]]) -> Reply:
        obj = self._file(handle)
        if isinstance(obj, Reply):
            return obj
        if offset > obj.size:
            return Reply(ResponseCode.INVALID_PARAMETER)
        readable = obj.size // 2 if obj.name in self.sim.config.short_objects else obj.size
        count = max(0, min(count, readable - offset))
        return Reply(params=response(count), data=ObjectSlice(obj, offset, count, opcode))

    def _get_partial_object(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        return self._partial(_param(params, 0), _param(params, 1), _param(params, 2),
                             OpCode.GET_PARTIAL_OBJECT, lambda n: (n,))

    def _get_partial_object_64(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        offset = _param(params, 1) | (_param(params, 2) << 32)
        return self._partial(_param(params, 0), offset, _param(params, 3),
                             OpCode.MTP_GET_PARTIAL_OBJECT_64, lambda n: (n,))

    def _nikon_get_partial_object_ex(self, params: tuple[int, ...],
                                     incoming: bytes | None) -> Reply:
        offset = _param(params, 1) | (_param(params, 2) << 32)
        count = _param(params, 3) | (_param(params, 4) << 32)
        return self._partial(_param(params, 0), offset, count, OpCode.NIKON_GET_PARTIAL_OBJECT_EX,
                             lambda n: (n & 0xFFFFFFFF, n >> 32))

    def _get_thumb(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        return self._thumb(params, OpCode.GET_THUMB, jpeg.thumbnail)

    def _get_large_thumb(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        return self._thumb(params, OpCode.NIKON_GET_LARGE_THUMB, jpeg.large_thumbnail)

    def _thumb(self, params: tuple[int, ...], opcode: int,
               make: Callable[[int], bytes]) -> Reply:
        obj = self.sim.card.get(_param(params, 0))
        if obj is None:
            return Reply(ResponseCode.INVALID_OBJECT_HANDLE)
        if obj.is_folder:
            return Reply(NO_THUMBNAIL_PRESENT)
        data = make(obj.thumb_seed)
        self.sim.stats.record_read(ObjectRead(opcode, obj.handle, 0, len(data)))
        return Reply(data=data)

    def _delete_object(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        """Removes objects from the served card only: a --dir folder on disk is never touched."""
        handle = _param(params, 0)
        if handle == ALL_STORAGES:
            doomed = [o.handle for o in self.sim.card.files()]
        elif self.sim.card.get(handle) is None:
            return Reply(ResponseCode.INVALID_OBJECT_HANDLE)
        else:
            doomed = [handle]
        for target in doomed:
            self.sim.remove_object(target)
        return Reply()

    # -- handlers: Nikon ------------------------------------------------------------------------

    def _nikon_get_event(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        events = []
        while self.nikon_events:
            events.append(self.nikon_events.popleft())
        body = wire.u16(len(events)) + b"".join(wire.u16(c) + wire.u32(p) for c, p in events)
        return Reply(data=body)

    def _nikon_get_transfer_list(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        handles = self.sim.transfer_list_handles()
        if not handles:
            return Reply(ResponseCode.NIKON_NO_TRANSFER_LIST)
        return Reply(data=wire.array("I", handles))

    def _nikon_acquisition_start(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        obj = self._file(_param(params, 0))
        return obj if isinstance(obj, Reply) else Reply()

    def _nikon_acquisition_end(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        obj = self._file(_param(params, 0))
        if isinstance(obj, Reply):
            return obj
        self.sim.transfer_list_remove(obj.handle)
        return Reply()

    # -- handlers: Canon -------------------------------------------------------------------------

    def _canon_eos_set_device_prop_value(self, params: tuple[int, ...],
                                         incoming: bytes | None) -> Reply:
        try:
            self.sim.device_props.set_eos_value(incoming or b"")
        except PropertyError as exc:
            return Reply(exc.code)
        return Reply()

    # -- handlers: Sony -------------------------------------------------------------------------

    def _sony_connect(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        self._sony_connect_pending = True  # until 0x9281, as on the camera
        self._sony_going_to_sleep = incoming == SONY_SLEEP_PAYLOAD  # asleep after the 0x9281
        return Reply()

    def _sony_ext_device_info(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        self._sony_connect_pending = False
        return Reply(data=SONY_EXT_DEVICE_INFO)

