"""Code tables against docs/ptpip.md section 4, and the small helpers around them."""

from __future__ import annotations

import pytest

from airnef_tui.ptpip import (
    ALL_STORAGES, DEFAULT_PORT, PROTOCOL_VERSION, DataPhase, EventCode, InitFailReason,
    ObjectFormat, OpCode, ResponseCode, VendorExtension, code_name,
)
from airnef_tui.ptpip.codes import SIZE_4GIB_OR_MORE, storage_is_present, storage_slot

DOCUMENTED = [
    (OpCode.GET_DEVICE_INFO, 0x1001), (OpCode.OPEN_SESSION, 0x1002),
    (OpCode.CLOSE_SESSION, 0x1003), (OpCode.GET_STORAGE_IDS, 0x1004),
    (OpCode.GET_STORAGE_INFO, 0x1005), (OpCode.GET_NUM_OBJECTS, 0x1006),
    (OpCode.GET_OBJECT_HANDLES, 0x1007), (OpCode.GET_OBJECT_INFO, 0x1008),
    (OpCode.GET_OBJECT, 0x1009), (OpCode.GET_THUMB, 0x100A), (OpCode.DELETE_OBJECT, 0x100B),
    (OpCode.INITIATE_CAPTURE, 0x100E), (OpCode.GET_DEVICE_PROP_DESC, 0x1014),
    (OpCode.GET_DEVICE_PROP_VALUE, 0x1015), (OpCode.SET_DEVICE_PROP_VALUE, 0x1016),
    (OpCode.GET_PARTIAL_OBJECT, 0x101B), (OpCode.MTP_GET_OBJECT_PROP_LIST, 0x9805),
    (OpCode.MTP_GET_PARTIAL_OBJECT_64, 0x95C1), (OpCode.NIKON_GET_LARGE_THUMB, 0x90C4),
    (OpCode.NIKON_GET_EVENT, 0x90C7), (OpCode.NIKON_GET_TRANSFER_LIST, 0x9408),
    (OpCode.NIKON_NOTIFY_FILE_ACQUISITION_START, 0x9409),
    (OpCode.NIKON_NOTIFY_FILE_ACQUISITION_END, 0x940A),
    (OpCode.NIKON_GET_PARTIAL_OBJECT_EX, 0x9431), (OpCode.CANON_EOS_SET_DEVICE_PROP_VALUE, 0x9110),
    (OpCode.CANON_EOS_GET_EVENT, 0x9116), (OpCode.SONY_SDIO_CONNECT, 0x9280),
    (OpCode.SONY_SDIO_GET_EXT_DEVICE_INFO, 0x9281),
    (ResponseCode.OK, 0x2001), (ResponseCode.GENERAL_ERROR, 0x2002),
    (ResponseCode.SESSION_NOT_OPEN, 0x2003), (ResponseCode.INVALID_TRANSACTION_ID, 0x2004),
    (ResponseCode.OPERATION_NOT_SUPPORTED, 0x2005), (ResponseCode.PARAMETER_NOT_SUPPORTED, 0x2006),
    (ResponseCode.INCOMPLETE_TRANSFER, 0x2007), (ResponseCode.INVALID_STORAGE_ID, 0x2008),
    (ResponseCode.INVALID_OBJECT_HANDLE, 0x2009), (ResponseCode.ACCESS_DENIED, 0x200F),
    (ResponseCode.STORE_NOT_AVAILABLE, 0x2013), (ResponseCode.DEVICE_BUSY, 0x2019),
    (ResponseCode.INVALID_PARAMETER, 0x201D), (ResponseCode.SESSION_ALREADY_OPEN, 0x201E),
    (ResponseCode.TRANSACTION_CANCELLED, 0x201F), (ResponseCode.NIKON_NO_TRANSFER_LIST, 0xA205),
    (ResponseCode.NIKON_WU1A_NO_TRANSFER_LIST, 0xA081),
    (ResponseCode.SONY_AUTHENTICATION_FAILED, 0xA101),
    (EventCode.OBJECT_ADDED, 0x4002), (EventCode.OBJECT_REMOVED, 0x4003),
    (EventCode.STORE_ADDED, 0x4004), (EventCode.STORE_REMOVED, 0x4005),
    (EventCode.DEVICE_PROP_CHANGED, 0x4006), (EventCode.DEVICE_INFO_CHANGED, 0x4008),
    (EventCode.STORE_FULL, 0x400A), (EventCode.STORAGE_INFO_CHANGED, 0x400C),
    (EventCode.CAPTURE_COMPLETE, 0x400D), (EventCode.NIKON_OBJECT_ADDED_IN_SDRAM, 0xC101),
    (EventCode.SONY_OBJECT_ADDED, 0xC201),
    (ObjectFormat.UNDEFINED, 0x3000), (ObjectFormat.ASSOCIATION, 0x3001),
    (ObjectFormat.DPOF, 0x3006), (ObjectFormat.WAV, 0x3008), (ObjectFormat.QUICKTIME, 0x300D),
    (ObjectFormat.UNDEFINED_IMAGE, 0x3800), (ObjectFormat.EXIF_JPEG, 0x3801),
    (ObjectFormat.JFIF, 0x3808), (ObjectFormat.TIFF, 0x380D), (ObjectFormat.CANON_CR2, 0xB103),
    (ObjectFormat.MTP_MP4, 0xB982),
    (VendorExtension.MICROSOFT, 0x06), (VendorExtension.NIKON, 0x0A),
    (VendorExtension.CANON, 0x0B), (VendorExtension.FUJI, 0x0E), (VendorExtension.SONY, 0x11),
    (InitFailReason.REJECTED, 1), (DataPhase.NONE_OR_IN, 1), (DataPhase.OUT, 2),
]


@pytest.mark.parametrize("member, value", DOCUMENTED, ids=lambda x: getattr(x, "name", None))
def test_documented_code_values(member, value):
    assert int(member) == value


def test_constants():
    assert DEFAULT_PORT == 15740
    assert PROTOCOL_VERSION == 0x00010000
    assert ALL_STORAGES == SIZE_4GIB_OR_MORE == 0xFFFFFFFF


def test_code_name():
    assert code_name(ResponseCode, 0x2001) == "OK (0x2001)"
    assert code_name(OpCode, 0x1008) == "GET_OBJECT_INFO (0x1008)"
    assert code_name(ResponseCode, 0xA1B2) == "0xA1B2"


@pytest.mark.parametrize("storage_id, slot, present", [
    (0x00010001, 1, True), (0x00020000, 2, False), (0x00020001, 2, True), (0x00010000, 1, False),
])
def test_storage_id_helpers(storage_id, slot, present):
    assert storage_slot(storage_id) == slot
    assert storage_is_present(storage_id) is present
