"""The operations of a Fujifilm body in phone mode, for one connection.

Handlers return `Reply` values like the PTP/IP ones (`operations.py`), so the wire stays in
`fuji_session`. What a connection keeps: its host's GUID and Init time (for the pairing wait), the
PTP session (`StandardOperations` opens and closes it), the properties the host set (0xDF01, 0xD227,
the versions written back) and the values last reported through 0xD212.

The rules enforced, from docs/ptpip.md section 5:
- 0xDF00 reads 0 until the user accepted the host (`FujiCamera.paired`), then 2 (full access) or
  1 (pushed images);
- object operations answer AccessDenied until the camera state is non-zero and the host set the
  matching client state 0xDF01 (2 "view all" for full access, 1 for pushed images);
- handles are 1…N in capture order (in pushed mode only 1); GetObjectHandles, GetNumObjects and
  the storage operations are not supported;
- without 0xD227 = 1, GetObjectInfo reports and GetObject/GetPartialObject serve the ~100 KB
  preview; with it, the file;
- GetPartialObject sends at most 1 MiB (0x100000) whatever the host asks;
- a GetDeviceInfo may be empty (an X-T4).

Property widths: 0xDF00, 0xDF01, 0xD220, 0xD226, 0xD227 are u16; 0xD222 and the versions are u32;
0xD212 is a u16 count of {u16 code, u32 value}. Values set are read from 1, 2 or 4 bytes.
"""

from __future__ import annotations

import dataclasses
import struct
import time

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.codes import ObjectFormat, OpCode, ResponseCode
from airnef_tui.ptpip.datasets import DeviceInfo, ObjectInfo
from airnef_tui.ptpip.dates import format_ptp_datetime
from airnef_tui.simulator import jpeg
from airnef_tui.simulator.card import CardObject
from airnef_tui.simulator.context import CameraContext
from airnef_tui.simulator.fuji_camera import (
    CLIENT_STATE_FOR, PROP_AUTOSAVE_VERSION, PROP_CAMERA_STATE, PROP_CLIENT_STATE,
    PROP_COMPRESS_SMALL, PROP_CORRECT_FILE_SIZE, PROP_EVENTS_LIST, PROP_OBJECT_COUNT,
    PROP_SELECTED_IMGS_MODE, VERSIONS, CameraState, FujiCamera,
)
from airnef_tui.simulator.operations import Handler, ObjectSlice, Reply, param
from airnef_tui.simulator.standard_operations import StandardOperations
from airnef_tui.simulator.stats import ObjectRead

MAX_PARTIAL = 0x100000  # a GetPartialObject piece: 1 MiB, whatever the host asks
DEVICE_PROP_NOT_SUPPORTED = 0x200A
INVALID_DEVICE_PROP_VALUE = 0x201C

FUJI_OPERATIONS = (
    OpCode.GET_DEVICE_INFO, OpCode.OPEN_SESSION, OpCode.CLOSE_SESSION, OpCode.GET_OBJECT_INFO,
    OpCode.GET_OBJECT, OpCode.GET_THUMB, OpCode.GET_DEVICE_PROP_VALUE,
    OpCode.SET_DEVICE_PROP_VALUE, OpCode.GET_PARTIAL_OBJECT,
)
FUJI_PROPERTIES = (
    PROP_EVENTS_LIST, PROP_SELECTED_IMGS_MODE, PROP_OBJECT_COUNT, PROP_COMPRESS_SMALL,
    PROP_CORRECT_FILE_SIZE, PROP_CAMERA_STATE, PROP_CLIENT_STATE, *sorted(VERSIONS),
)
_U16_PROPERTIES = frozenset({PROP_CAMERA_STATE, PROP_CLIENT_STATE, PROP_SELECTED_IMGS_MODE,
                             PROP_COMPRESS_SMALL, PROP_CORRECT_FILE_SIZE})
_SETTABLE = frozenset({PROP_CLIENT_STATE, PROP_CORRECT_FILE_SIZE, PROP_COMPRESS_SMALL,
                       PROP_AUTOSAVE_VERSION, *VERSIONS})


class FujiOperations:
    """The handlers of one Fujifilm connection."""

    def __init__(self, camera: CameraContext, fuji: FujiCamera, guid: bytes,
                 init_time: float) -> None:
        self.camera = camera
        self.fuji = fuji
        self.guid = guid
        self.init_time = init_time
        self.ack_time = init_time  # set by the session when the Ack has left
        self.standard = StandardOperations(camera)  # the PTP session: open, close, allowed
        self.client_state = 0
        self.correct_size = 0  # 0xD227
        self.compress_small = 0  # 0xD226: kept, no effect
        self.versions = dict(VERSIONS)  # written-back versions read back as written
        self._reported: dict[int, int] = {}  # 0xD212: values last reported
        self._downloading: CardObject | None = None  # a reply that ends an object's data

    def handlers(self) -> dict[int, Handler]:
        return {
            OpCode.GET_DEVICE_INFO: self.get_device_info,
            OpCode.OPEN_SESSION: self.open_session,
            OpCode.CLOSE_SESSION: self.standard.close_session,
            OpCode.GET_OBJECT_INFO: self.get_object_info,
            OpCode.GET_OBJECT: self.get_object,
            OpCode.GET_THUMB: self.get_thumb,
            OpCode.GET_DEVICE_PROP_VALUE: self.get_device_prop_value,
            OpCode.SET_DEVICE_PROP_VALUE: self.set_device_prop_value,
            OpCode.GET_PARTIAL_OBJECT: self.get_partial_object,
        }

    def allowed(self, opcode: int) -> bool:
        return self.standard.allowed(opcode)

    # -- session and device ---------------------------------------------------------------------

    def get_device_info(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        if self.fuji.empty_device_info:
            return Reply(data=b"")  # an X-T4: a data container with nothing in it, then OK
        profile, identity = self.camera.profile, self.camera.identity
        info = DeviceInfo(
            standard_version=100, vendor_extension_id=profile.vendor_extension_id,
            vendor_extension_version=profile.vendor_extension_version,
            vendor_extension_desc=profile.vendor_extension_desc, functional_mode=0,
            operations_supported=FUJI_OPERATIONS, events_supported=(),
            device_properties_supported=FUJI_PROPERTIES, capture_formats=(),
            image_formats=profile.image_formats, manufacturer=profile.manufacturer,
            model=identity.model, device_version=profile.device_version,
            serial_number=identity.serial)
        return Reply(data=info.encode())

    def open_session(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        reply = self.standard.open_session(params, incoming)
        if reply.code == ResponseCode.OK:
            self.fuji.record_open_session_pause(time.monotonic() - self.ack_time)
        return reply

    # -- properties -----------------------------------------------------------------------------

    def camera_state(self) -> CameraState:
        if not self.fuji.paired(self.guid, self.init_time):
            return CameraState.WAIT
        return self.fuji.access_state

    def _values(self) -> dict[int, int]:
        values = {PROP_CAMERA_STATE: int(self.camera_state()),
                  PROP_OBJECT_COUNT: self.fuji.object_count()}
        if self.fuji.pushed:
            values[PROP_SELECTED_IMGS_MODE] = 1
        return values

    def events_list(self) -> bytes:
        """0xD212: what changed since this connection's last poll (everything on the first)."""
        changed = [(code, value) for code, value in self._values().items()
                   if self._reported.get(code) != value]
        self._reported.update(changed)
        return struct.pack("<H", len(changed)) + b"".join(
            struct.pack("<HI", code, value) for code, value in changed)

    def get_device_prop_value(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        code = param(params, 0)
        if code == PROP_EVENTS_LIST:
            return Reply(data=self.events_list())
        values = {**self.versions, **self._values(), PROP_CLIENT_STATE: self.client_state,
                  PROP_CORRECT_FILE_SIZE: self.correct_size,
                  PROP_COMPRESS_SMALL: self.compress_small}
        values.setdefault(PROP_SELECTED_IMGS_MODE, 0)
        if code not in values:
            return Reply(DEVICE_PROP_NOT_SUPPORTED)
        value = values[code]
        return Reply(data=wire.u16(value) if code in _U16_PROPERTIES else wire.u32(value))

    def set_device_prop_value(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        code = param(params, 0)
        if code not in _SETTABLE:
            return Reply(DEVICE_PROP_NOT_SUPPORTED)
        data = incoming or b""
        if len(data) not in (1, 2, 4):
            return Reply(INVALID_DEVICE_PROP_VALUE)
        value = int.from_bytes(data, "little")
        self.fuji.record_property(code, value)
        if code == PROP_CLIENT_STATE:
            self.client_state = value
        elif code == PROP_CORRECT_FILE_SIZE:
            self.correct_size = value
        elif code == PROP_COMPRESS_SMALL:
            self.compress_small = value
        else:
            self.versions[code] = value
        return Reply()

    # -- objects --------------------------------------------------------------------------------

    def _object(self, handle: int) -> CardObject | Reply:
        """The file behind a wire handle, or the reply refusing it."""
        state = self.camera_state()
        if state == CameraState.WAIT or self.client_state != CLIENT_STATE_FOR.get(state):
            return Reply(ResponseCode.ACCESS_DENIED)
        obj = self.fuji.object_for(handle)
        if obj is None:
            return Reply(ResponseCode.INVALID_OBJECT_HANDLE)
        return obj

    def _served(self, obj: CardObject, handle: int) -> CardObject:
        """What the camera serves for `obj` under the size rule, numbered as the host asked (so
        the stats show the wire handle)."""
        served = obj if self.correct_size == 1 else self.fuji.preview(obj)
        return dataclasses.replace(served, handle=handle)

    def get_object_info(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        handle = param(params, 0)
        obj = self._object(handle)
        if isinstance(obj, Reply):
            return obj
        size = self._served(obj, handle).size
        captured = obj.captured.replace(microsecond=0) if obj.captured else None
        date = format_ptp_datetime(captured)
        width, height = obj.image_size
        info = ObjectInfo(
            storage_id=obj.storage_id, object_format=obj.object_format, compressed_size=size,
            thumb_format=ObjectFormat.JFIF, thumb_compressed_size=jpeg.THUMB_BYTES,
            thumb_pix_width=jpeg.THUMB_SIZE[0], thumb_pix_height=jpeg.THUMB_SIZE[1],
            image_pix_width=width, image_pix_height=height, image_bit_depth=24 if width else 0,
            parent_object=0, filename=obj.name, capture_date=date, modification_date=date)
        return Reply(data=info.encode())

    def get_object(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        handle = param(params, 0)
        obj = self._object(handle)
        if isinstance(obj, Reply):
            return obj
        served = self._served(obj, handle)
        self._downloading = obj
        return Reply(data=ObjectSlice(served, 0, served.size, OpCode.GET_OBJECT))

    def get_partial_object(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        handle, offset = param(params, 0), param(params, 1)
        obj = self._object(handle)
        if isinstance(obj, Reply):
            return obj
        served = self._served(obj, handle)
        if offset > served.size:
            return Reply(ResponseCode.INVALID_PARAMETER)
        short = obj.name in self.camera.options.short_objects
        readable = served.size // 2 if short else served.size
        count = max(0, min(param(params, 2), MAX_PARTIAL, readable - offset))
        if offset + count >= served.size:
            self._downloading = obj
        return Reply(params=(count,),
                     data=ObjectSlice(served, offset, count, OpCode.GET_PARTIAL_OBJECT))

    def get_thumb(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        handle = param(params, 0)
        obj = self._object(handle)
        if isinstance(obj, Reply):
            return obj
        data = jpeg.thumbnail(obj.thumb_seed)
        self.camera.stats.record_read(ObjectRead(OpCode.GET_THUMB, handle, 0, len(data)))
        return Reply(data=data)

    # -- after a reply --------------------------------------------------------------------------

    def reply_sent(self) -> bool:
        """The reply just sent went out whole. When it ended an object's data, the camera counts
        the download done; True when it must now hang up (pushed mode, nothing left)."""
        done, self._downloading = self._downloading, None
        return done is not None and self.fuji.completed(done)

    def reply_failed(self) -> None:
        """The reply did not go out whole (a fault): no download was completed."""
        self._downloading = None
