"""PTP's standard operations, implemented once for every profile.

Session, device, storage, listing, object information, object data, thumbnails and deletion: the
operations every PTP camera answers. Vendor differences (date formats, folder dates, whether
GetObjectHandles needs all its parameters) come from the profile, never from branches on the
vendor. The only state is the open session's id, which belongs to one command connection.
"""

from __future__ import annotations

from collections.abc import Callable

from airnef_tui.ptpip import wire
from airnef_tui.ptpip.codes import (
    ALL_STORAGES, ROOT_PARENT, AssociationType, EventCode, ObjectFormat, ObjectProp, OpCode,
    ResponseCode,
)
from airnef_tui.ptpip.datasets import DeviceInfo, ObjectInfo, StorageInfo
from airnef_tui.ptpip.dates import format_ptp_datetime
from airnef_tui.simulator import jpeg
from airnef_tui.simulator.card import CardObject
from airnef_tui.simulator.context import CameraContext
from airnef_tui.simulator.device_props import PropertyError
from airnef_tui.simulator.operations import Handler, ObjectSlice, Reply, file_object, param
from airnef_tui.simulator.stats import ObjectRead

NO_THUMBNAIL_PRESENT = 0x2010
MTP_OBJECT_PROP_NOT_SUPPORTED = 0xA80A
ALLOWED_BEFORE_SESSION = frozenset({OpCode.GET_DEVICE_INFO, OpCode.OPEN_SESSION})


class StandardOperations:
    """The standard handlers of one command connection."""

    def __init__(self, camera: CameraContext) -> None:
        self.camera = camera
        self.profile = camera.profile
        self.card = camera.card
        self.session_id: int | None = None

    def handlers(self) -> dict[int, Handler]:
        return {
            OpCode.GET_DEVICE_INFO: self.get_device_info,
            OpCode.OPEN_SESSION: self.open_session,
            OpCode.CLOSE_SESSION: self.close_session,
            OpCode.GET_STORAGE_IDS: self.get_storage_ids,
            OpCode.GET_STORAGE_INFO: self.get_storage_info,
            OpCode.GET_NUM_OBJECTS: self.get_num_objects,
            OpCode.GET_OBJECT_HANDLES: self.get_object_handles,
            OpCode.GET_OBJECT_INFO: self.get_object_info,
            OpCode.GET_OBJECT: self.get_object,
            OpCode.GET_THUMB: self.get_thumb,
            OpCode.NIKON_GET_LARGE_THUMB: self.get_large_thumb,
            OpCode.DELETE_OBJECT: self.delete_object,
            OpCode.GET_DEVICE_PROP_DESC: self.get_device_prop_desc,
            OpCode.GET_DEVICE_PROP_VALUE: self.get_device_prop_value,
            OpCode.SET_DEVICE_PROP_VALUE: self.set_device_prop_value,
            OpCode.GET_PARTIAL_OBJECT: self.get_partial_object,
            OpCode.MTP_GET_PARTIAL_OBJECT_64: self.get_partial_object_64,
            OpCode.NIKON_GET_PARTIAL_OBJECT_EX: self.nikon_get_partial_object_ex,
            OpCode.MTP_GET_OBJECT_PROP_VALUE: self.get_object_prop_value,
        }

    def allowed(self, opcode: int) -> bool:
        """Whether `opcode` may run now: only GetDeviceInfo and OpenSession before a session."""
        return self.session_id is not None or opcode in ALLOWED_BEFORE_SESSION

    # -- session and device ---------------------------------------------------------------------

    def get_device_info(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        profile, identity = self.profile, self.camera.identity
        events = (profile.object_added_event, EventCode.OBJECT_REMOVED)
        info = DeviceInfo(
            standard_version=100, vendor_extension_id=profile.vendor_extension_id,
            vendor_extension_version=profile.vendor_extension_version,
            vendor_extension_desc=profile.vendor_extension_desc, functional_mode=0,
            operations_supported=profile.operations, events_supported=events,
            device_properties_supported=profile.device_properties, capture_formats=(),
            image_formats=(ObjectFormat.ASSOCIATION, *profile.image_formats),
            manufacturer=profile.manufacturer, model=identity.model,
            device_version=profile.device_version, serial_number=identity.serial,
        )
        return Reply(data=info.encode())

    def open_session(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        if self.session_id is not None:
            return Reply(ResponseCode.SESSION_ALREADY_OPEN, (self.session_id,))
        session_id = param(params, 0)
        if session_id == 0:  # PTP reserves 0; some bodies answer exactly this
            return Reply(ResponseCode.INVALID_PARAMETER)
        self.session_id = session_id
        self.camera.stats.count("sessions")
        return Reply()

    def close_session(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        self.session_id = None
        return Reply()

    def get_storage_ids(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        return Reply(data=wire.array("I", [s.storage_id for s in self.card.storages]))

    def get_storage_info(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        storage = self.card.storage(param(params, 0))
        if storage is None:
            return Reply(ResponseCode.INVALID_STORAGE_ID)
        free = max(0, storage.capacity - self.card.used_bytes(storage.storage_id))
        info = StorageInfo(storage_type=4, filesystem_type=3, access_capability=0,
                           max_capacity=storage.capacity, free_space_bytes=free,
                           free_space_images=free // 8_000_000,
                           description=storage.description, volume_label=storage.volume_label)
        return Reply(data=info.encode())

    def get_device_prop_desc(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        try:
            return Reply(data=self.camera.device_props.describe(param(params, 0)))
        except PropertyError as exc:
            return Reply(exc.code)

    def get_device_prop_value(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        try:
            return Reply(data=self.camera.device_props.value(param(params, 0)))
        except PropertyError as exc:
            return Reply(exc.code)

    def set_device_prop_value(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        try:
            self.camera.device_props.set_value(param(params, 0), incoming or b"")
        except PropertyError as exc:
            return Reply(exc.code)
        return Reply()

    # -- listing --------------------------------------------------------------------------------

    def _select(self, params: tuple[int, ...]) -> list[CardObject] | Reply:
        """The objects GetObjectHandles / GetNumObjects designate (storage, format, parent)."""
        if self.profile.needs_all_handle_params and len(params) < 3:
            return Reply(ResponseCode.PARAMETER_NOT_SUPPORTED)
        storage_id, object_format, parent = (param(params, i) for i in range(3))
        card = self.card
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

    def get_num_objects(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        selected = self._select(params)
        if isinstance(selected, Reply):
            return selected
        return Reply(params=(len(selected),))

    def get_object_handles(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        selected = self._select(params)
        if isinstance(selected, Reply):
            return selected
        return Reply(data=wire.array("I", [o.handle for o in selected]))

    # -- object information ---------------------------------------------------------------------

    def _date(self, obj: CardObject) -> str:
        if obj.is_folder:
            if not self.profile.folders_dated:
                return ""
            if self.profile.folder_date is not None:
                return self.profile.folder_date
        captured = obj.captured.replace(microsecond=0) if obj.captured else None
        return format_ptp_datetime(captured, tenths=self.profile.date_tenths)

    def get_object_info(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        obj = self.card.get(param(params, 0))
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

    def get_object_prop_value(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        obj = self.card.get(param(params, 0))
        if obj is None:
            return Reply(ResponseCode.INVALID_OBJECT_HANDLE)
        prop = param(params, 1)
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

    # -- object data ----------------------------------------------------------------------------

    def get_object(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        obj = file_object(self.card, param(params, 0))
        if isinstance(obj, Reply):
            return obj
        return Reply(data=ObjectSlice(obj, 0, obj.size, OpCode.GET_OBJECT))

    def _partial(self, handle: int, offset: int, count: int, opcode: int,
                 response: Callable[[int], tuple[int, ...]]) -> Reply:
        obj = file_object(self.card, handle)
        if isinstance(obj, Reply):
            return obj
        if offset > obj.size:
            return Reply(ResponseCode.INVALID_PARAMETER)
        short = obj.name in self.camera.options.short_objects
        readable = obj.size // 2 if short else obj.size
        count = max(0, min(count, readable - offset))
        return Reply(params=response(count), data=ObjectSlice(obj, offset, count, opcode))

    def get_partial_object(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        return self._partial(param(params, 0), param(params, 1), param(params, 2),
                             OpCode.GET_PARTIAL_OBJECT, lambda n: (n,))

    def get_partial_object_64(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        offset = param(params, 1) | (param(params, 2) << 32)
        return self._partial(param(params, 0), offset, param(params, 3),
                             OpCode.MTP_GET_PARTIAL_OBJECT_64, lambda n: (n,))

    def nikon_get_partial_object_ex(self, params: tuple[int, ...],
                                    incoming: bytes | None) -> Reply:
        offset = param(params, 1) | (param(params, 2) << 32)
        count = param(params, 3) | (param(params, 4) << 32)
        return self._partial(param(params, 0), offset, count, OpCode.NIKON_GET_PARTIAL_OBJECT_EX,
                             lambda n: (n & 0xFFFFFFFF, n >> 32))

    def get_thumb(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        return self._thumb(params, OpCode.GET_THUMB, jpeg.thumbnail)

    def get_large_thumb(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        return self._thumb(params, OpCode.NIKON_GET_LARGE_THUMB, jpeg.large_thumbnail)

    def _thumb(self, params: tuple[int, ...], opcode: int,
               make: Callable[[int], bytes]) -> Reply:
        obj = self.card.get(param(params, 0))
        if obj is None:
            return Reply(ResponseCode.INVALID_OBJECT_HANDLE)
        if obj.is_folder:
            return Reply(NO_THUMBNAIL_PRESENT)
        data = make(obj.thumb_seed)
        self.camera.stats.record_read(ObjectRead(opcode, obj.handle, 0, len(data)))
        return Reply(data=data)

    def delete_object(self, params: tuple[int, ...], incoming: bytes | None) -> Reply:
        """Removes objects from the served card only: a --dir folder on disk is never touched."""
        handle = param(params, 0)
        if handle == ALL_STORAGES:
            doomed = [o.handle for o in self.card.files()]
        elif self.card.get(handle) is None:
            return Reply(ResponseCode.INVALID_OBJECT_HANDLE)
        else:
            doomed = [handle]
        for target in doomed:
            self.camera.remove_object(target)
        return Reply()
