"""PTP and PTP/IP code tables.

IntEnums so logs read `OpCode.GET_OBJECT_INFO` rather than 0x1008, while unknown vendor codes still
travel as plain ints: decoders never reject a code just because this table lacks it.
"""

from __future__ import annotations

from enum import IntEnum

DEFAULT_PORT = 15740
PROTOCOL_VERSION = 0x00010000  # 1.0: u16 minor, u16 major
ALL_STORAGES = 0xFFFFFFFF
ROOT_PARENT = 0xFFFFFFFF  # GetObjectHandles parent meaning "root level only"
SIZE_4GIB_OR_MORE = 0xFFFFFFFF  # ObjectCompressedSize sentinel


class PacketType(IntEnum):
    INIT_COMMAND_REQUEST = 1
    INIT_COMMAND_ACK = 2
    INIT_EVENT_REQUEST = 3
    INIT_EVENT_ACK = 4
    INIT_FAIL = 5
    OPERATION_REQUEST = 6
    OPERATION_RESPONSE = 7
    EVENT = 8
    START_DATA = 9
    DATA = 10
    CANCEL = 11
    END_DATA = 12
    PROBE_REQUEST = 13
    PROBE_RESPONSE = 14


class DataPhase(IntEnum):
    NONE_OR_IN = 1  # no data, or camera-to-host data
    OUT = 2  # host-to-camera data


class OpCode(IntEnum):
    GET_DEVICE_INFO = 0x1001
    OPEN_SESSION = 0x1002
    CLOSE_SESSION = 0x1003
    GET_STORAGE_IDS = 0x1004
    GET_STORAGE_INFO = 0x1005
    GET_NUM_OBJECTS = 0x1006
    GET_OBJECT_HANDLES = 0x1007
    GET_OBJECT_INFO = 0x1008
    GET_OBJECT = 0x1009
    GET_THUMB = 0x100A
    DELETE_OBJECT = 0x100B
    INITIATE_CAPTURE = 0x100E
    GET_DEVICE_PROP_DESC = 0x1014
    GET_DEVICE_PROP_VALUE = 0x1015
    SET_DEVICE_PROP_VALUE = 0x1016
    GET_PARTIAL_OBJECT = 0x101B
    MTP_GET_OBJECT_PROPS_SUPPORTED = 0x9801
    MTP_GET_OBJECT_PROP_VALUE = 0x9803
    MTP_GET_OBJECT_PROP_LIST = 0x9805
    MTP_GET_PARTIAL_OBJECT_64 = 0x95C1
    NIKON_GET_LARGE_THUMB = 0x90C4
    NIKON_GET_EVENT = 0x90C7
    NIKON_GET_TRANSFER_LIST = 0x9408
    NIKON_NOTIFY_FILE_ACQUISITION_START = 0x9409
    NIKON_NOTIFY_FILE_ACQUISITION_END = 0x940A
    NIKON_GET_PARTIAL_OBJECT_EX = 0x9431
    CANON_EOS_SET_DEVICE_PROP_VALUE = 0x9110
    CANON_EOS_GET_EVENT = 0x9116
    SONY_SDIO_CONNECT = 0x9280
    SONY_SDIO_GET_EXT_DEVICE_INFO = 0x9281


class ResponseCode(IntEnum):
    OK = 0x2001
    GENERAL_ERROR = 0x2002
    SESSION_NOT_OPEN = 0x2003
    INVALID_TRANSACTION_ID = 0x2004
    OPERATION_NOT_SUPPORTED = 0x2005
    PARAMETER_NOT_SUPPORTED = 0x2006
    INCOMPLETE_TRANSFER = 0x2007
    INVALID_STORAGE_ID = 0x2008
    INVALID_OBJECT_HANDLE = 0x2009
    DEVICE_PROP_NOT_SUPPORTED = 0x200A
    INVALID_OBJECT_FORMAT_CODE = 0x200B
    ACCESS_DENIED = 0x200F
    STORE_NOT_AVAILABLE = 0x2013
    DEVICE_BUSY = 0x2019
    INVALID_PARENT_OBJECT = 0x201A
    INVALID_PARAMETER = 0x201D
    SESSION_ALREADY_OPEN = 0x201E
    TRANSACTION_CANCELLED = 0x201F
    NIKON_NO_TRANSFER_LIST = 0xA205
    NIKON_WU1A_NO_TRANSFER_LIST = 0xA081
    SONY_AUTHENTICATION_FAILED = 0xA101


class EventCode(IntEnum):
    CANCEL_TRANSACTION = 0x4001
    OBJECT_ADDED = 0x4002
    OBJECT_REMOVED = 0x4003
    STORE_ADDED = 0x4004
    STORE_REMOVED = 0x4005
    DEVICE_PROP_CHANGED = 0x4006
    OBJECT_INFO_CHANGED = 0x4007
    DEVICE_INFO_CHANGED = 0x4008
    STORE_FULL = 0x400A
    STORAGE_INFO_CHANGED = 0x400C
    CAPTURE_COMPLETE = 0x400D
    NIKON_OBJECT_ADDED_IN_SDRAM = 0xC101
    SONY_OBJECT_ADDED = 0xC201


class ObjectFormat(IntEnum):
    UNDEFINED = 0x3000
    ASSOCIATION = 0x3001
    SCRIPT = 0x3002
    DPOF = 0x3006
    WAV = 0x3008
    AVI = 0x300A
    MPEG = 0x300B
    QUICKTIME = 0x300D
    UNDEFINED_IMAGE = 0x3800
    EXIF_JPEG = 0x3801
    JFIF = 0x3808
    TIFF = 0x380D
    CANON_CR2 = 0xB103
    MTP_MP4 = 0xB982


class ObjectProp(IntEnum):
    """MTP object property codes (GetObjectPropValue); ObjectSize is how a >4 GiB size is read."""

    STORAGE_ID = 0xDC01
    OBJECT_FORMAT = 0xDC02
    OBJECT_SIZE = 0xDC04
    OBJECT_FILE_NAME = 0xDC07
    PARENT_OBJECT = 0xDC0B


class VendorExtension(IntEnum):
    MICROSOFT = 0x06
    NIKON = 0x0A
    CANON = 0x0B
    FUJI = 0x0E
    SONY = 0x11


class InitFailReason(IntEnum):
    REJECTED = 1
    BUSY = 2
    UNSPECIFIED = 3


class AssociationType(IntEnum):
    UNDEFINED = 0
    GENERIC_FOLDER = 1


def code_name(enum: type[IntEnum], value: int) -> str:
    """`OK (0x2001)` for known codes, `0xA1B2` for ones this table lacks."""
    try:
        return f"{enum(value).name} (0x{value:04X})"
    except ValueError:
        return f"0x{value:04X}"


def storage_slot(storage_id: int) -> int:
    """Card slot number (1, 2, ...) from a storage id's upper 16 bits."""
    return storage_id >> 16


def storage_is_present(storage_id: int) -> bool:
    """Low bit set means a card is in the slot and usable."""
    return bool(storage_id & 1)
