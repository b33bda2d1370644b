"""Hand-written byte vectors: what the wire must look like, written out independently of the code.

Expected bytes are hex literals or `struct` packs at the offsets in docs/ptpip.md, never produced by
the encoder under test.
"""

from __future__ import annotations

import struct

import pytest

from airnef_tui.ptpip import (
    PROTOCOL_VERSION, Cancel, Data, DataPhase, DeviceInfo, EndData, Event, EventCode,
    InitCommandAck, InitCommandRequest, InitEventAck, InitEventRequest, InitFail, ObjectInfo,
    OpCode, OperationRequest, OperationResponse, PacketType, ProbeRequest, ProbeResponse,
    ProtocolError, ResponseCode, StartData, StorageInfo, data_header, decode, encode,
)
from airnef_tui.ptpip import wire
from airnef_tui.ptpip.packets import decode_payload

GUID = bytes(range(16))
GUID_HEX = "000102030405060708090a0b0c0d0e0f"


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", "").replace("\n", ""))


VECTORS = [
    pytest.param(
        InitCommandRequest(GUID, "pi"),
        h(f"22000000 01000000 {GUID_HEX} 7000 6900 0000 00000100"),
        id="init-command-request",
    ),
    pytest.param(
        InitCommandAck(1, GUID, "cam", 0x00010000),
        h(f"28000000 02000000 01000000 {GUID_HEX} 6300 6100 6d00 0000 00000100"),
        id="init-command-ack",
    ),
    pytest.param(InitEventRequest(1), h("0c000000 03000000 01000000"), id="init-event-request"),
    pytest.param(InitEventAck(), h("08000000 04000000"), id="init-event-ack"),
    pytest.param(InitFail(1), h("0c000000 05000000 01000000"), id="init-fail"),
    pytest.param(
        OperationRequest(OpCode.OPEN_SESSION, 0, (1,)),
        h("16000000 06000000 01000000 0210 00000000 01000000"),
        id="operation-request-open-session",
    ),
    pytest.param(
        OperationRequest(0x101B, 0x01020304, (0xAABBCCDD, 1, 2, 3, 0xFFFFFFFF), DataPhase.OUT),
        h("26000000 06000000 02000000 1b10 04030201 ddccbbaa 01000000 02000000 03000000 ffffffff"),
        id="operation-request-five-params-data-out",
    ),
    pytest.param(
        OperationResponse(ResponseCode.OK, 0),
        h("0e000000 07000000 0120 00000000"),
        id="operation-response",
    ),
    pytest.param(
        OperationResponse(ResponseCode.OK, 7, (0x00010001, 0x00020000)),
        h("16000000 07000000 0120 07000000 01000100 00000200"),
        id="operation-response-two-params",
    ),
    pytest.param(
        Event(EventCode.OBJECT_ADDED, 0xFFFFFFFF, (0x1234,)),
        h("12000000 08000000 0240 ffffffff 34120000"),
        id="event",
    ),
    pytest.param(
        StartData(5, 2**32 + 1),
        h("14000000 09000000 05000000 01000000 01000000"),
        id="start-data-over-4gib",
    ),
    pytest.param(
        StartData(5, 0xFFFFFFFFFFFFFFFF),
        h("14000000 09000000 05000000 ffffffff ffffffff"),
        id="start-data-max-u64",
    ),
    pytest.param(Data(5, b"\xde\xad"), h("0e000000 0a000000 05000000 dead"), id="data"),
    pytest.param(Cancel(7), h("0c000000 0b000000 07000000"), id="cancel"),
    pytest.param(EndData(5, b""), h("0c000000 0c000000 05000000"), id="end-data-empty"),
    pytest.param(EndData(5, b"xyz"), h("0f000000 0c000000 05000000 78797a"), id="end-data"),
    pytest.param(ProbeRequest(), h("08000000 0d000000"), id="probe-request"),
    pytest.param(ProbeResponse(), h("08000000 0e000000"), id="probe-response"),
]


@pytest.mark.parametrize("packet, expected", VECTORS)
def test_encode_gives_the_documented_bytes(packet, expected):
    assert encode(packet) == expected


@pytest.mark.parametrize("packet, expected", VECTORS)
def test_decode_of_the_documented_bytes(packet, expected):
    decoded = decode(expected)
    assert decoded == packet
    assert type(decoded) is type(packet)


def test_vectors_cover_all_14_packet_types():
    covered = {p.values[0].type for p in VECTORS}
    assert covered == set(PacketType) and len(covered) == 14
    assert [t.value for t in PacketType] == list(range(1, 15))


def test_decode_accepts_bytearray_and_memoryview():
    raw = h("16000000 06000000 01000000 0210 00000000 01000000")
    expected = OperationRequest(0x1002, 0, (1,))
    assert decode(bytearray(raw)) == expected
    assert decode(memoryview(raw)) == expected


def test_init_command_request_without_version_defaults_it():
    # "Some responders stop after the name": the version is informational.
    raw = h(f"1e000000 01000000 {GUID_HEX} 7000 6900 0000")
    assert decode(raw) == InitCommandRequest(GUID, "pi", PROTOCOL_VERSION)


def test_init_command_ack_tolerates_vendor_padding_after_version():
    raw = h(f"28000000 02000000 02000000 {GUID_HEX} 6100 0000 00000100 deadbeef")
    assert decode(raw) == InitCommandAck(2, GUID, "a", 0x00010000)


def test_init_name_with_non_bmp_character():
    # U+1F4F7 CAMERA is the surrogate pair D83D DCF7: 2 units, neither of them NUL.
    raw = h(f"22000000 01000000 {GUID_HEX} 3dd8 f7dc 0000 00000100")
    assert encode(InitCommandRequest(GUID, "\U0001F4F7")) == raw
    assert decode(raw).name == "\U0001F4F7"


def test_init_name_nul_search_is_unit_aligned():
    # "A" is 41 00 and U+4100 is 00 41: a byte-level search would find 00 00 at an odd offset.
    raw = h(f"24000000 01000000 {GUID_HEX} 4100 0041 0001 0000 00000100")
    assert decode(raw) == InitCommandRequest(GUID, "A\u4100\u0100")


def test_init_fail_without_reason_decodes_as_zero():
    assert decode(h("08000000 05000000")) == InitFail(0)


def test_data_header_streams_a_payload_separately():
    assert data_header(PacketType.END_DATA, 9, 3) == h("0f000000 0c000000 09000000")
    assert data_header(PacketType.DATA, 1, 0xFFFFFFFF - 12) == h("ffffffff 0a000000 01000000")
    with pytest.raises(ProtocolError):
        data_header(PacketType.DATA, 1, 0xFFFFFFFF - 11)  # total would not fit the u32 length


def test_encode_rejects_bad_guid_and_too_many_params():
    with pytest.raises(ProtocolError):
        encode(InitCommandRequest(b"\x00" * 15, "x"))
    with pytest.raises(ProtocolError):
        encode(OperationRequest(0x1001, 0, (1, 2, 3, 4, 5, 6)))
    with pytest.raises(ProtocolError):
        encode(OperationResponse(0x2001, 0, (1, 2, 3, 4, 5, 6)))
    with pytest.raises(ProtocolError):
        encode(Event(0x4002, 0, (1, 2, 3, 4)))


@pytest.mark.parametrize("raw, offset", [
    pytest.param(h("160000"), 0, id="truncated-length"),
    pytest.param(h("08000000 0d00"), 4, id="truncated-type"),
    pytest.param(h("07000000 0d000000"), 0, id="length-below-header"),
    pytest.param(h("09000000 0d000000"), 0, id="length-disagrees-with-buffer"),
    pytest.param(h("08000000 63000000"), 4, id="unknown-type-points-at-type"),
    pytest.param(h("09000000 0d000000 00"), 8, id="junk-after-probe"),
    pytest.param(h("0b000000 03000000 010000"), 8, id="truncated-connection-number"),
    pytest.param(h("0f000000 07000000 0120 00000000 00"), 14, id="params-not-multiple-of-4"),
    pytest.param(h("13000000 09000000 05000000 01000000 010000"), 12, id="truncated-u64"),
    pytest.param(h("0b000000 0a000000 050000"), 8, id="data-without-tid"),
    pytest.param(h("10000000 01000000 0001020304050607"), 8, id="truncated-guid"),
    pytest.param(h(f"1b000000 01000000 {GUID_HEX} 700069"), 24, id="odd-name"),
])
def test_malformed_packet_error_offsets(raw, offset):
    with pytest.raises(ProtocolError) as caught:
        decode(raw)
    assert caught.value.offset == offset
    assert f"(at byte {offset})" in str(caught.value)


def test_more_parameters_than_allowed_are_rejected():
    six = h("26000000 07000000 0120 01000000") + bytes(24)
    with pytest.raises(ProtocolError) as caught:
        decode(six)
    assert caught.value.offset == 14 + 20  # the sixth parameter
    four = h("1e000000 08000000 0240 01000000") + bytes(16)
    with pytest.raises(ProtocolError) as caught:
        decode(four)
    assert caught.value.offset == 14 + 12  # the fourth parameter
    six_op = h("2a000000 06000000 01000000 0110 01000000") + bytes(24)
    with pytest.raises(ProtocolError):
        decode(six_op)


def test_decode_payload_unknown_type_offset():
    with pytest.raises(ProtocolError) as caught:
        decode_payload(99, b"", base=100)
    assert caught.value.offset == 96
    with pytest.raises(ProtocolError) as caught:
        decode_payload(0, b"")  # no header in front: no offset inside this buffer is to blame
    assert caught.value.offset is None


# --- strings and arrays -------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("", h("00")),
    ("A", h("02 4100 0000")),
    ("DSC", h("04 4400 5300 4300 0000")),
    ("\u00e9", h("02 e900 0000")),
    ("\U0001F4F7", h("03 3dd8 f7dc 0000")),  # a non-BMP char takes 2 units
])
def test_ptp_string_encoding(text, expected):
    assert wire.ptp_string(text) == expected
    reader = wire.Reader(expected)
    assert reader.ptp_string() == text
    assert reader.remaining == 0


def test_ptp_string_length_bound_is_254_units():
    assert wire.ptp_string("a" * 254)[:1] == b"\xff"
    assert len(wire.ptp_string("a" * 254)) == 1 + 255 * 2
    with pytest.raises(ProtocolError):
        wire.ptp_string("a" * 255)
    assert wire.ptp_string("\U0001F4F7" * 127)[:1] == b"\xff"  # 254 units
    with pytest.raises(ProtocolError):
        wire.ptp_string("\U0001F4F7" * 127 + "a")  # 255 units


@pytest.mark.parametrize("raw, text, consumed", [
    pytest.param(h("04 4100 4200 0000 0000"), "AB", 9, id="nikon-one-extra-nul"),
    pytest.param(h("08 4100 0000 0000 0000 0000 0000 0000 0000"), "A", 17, id="nikon-many-nuls"),
    pytest.param(h("01 0000"), "", 3, id="count-one-is-empty"),
])
def test_ptp_string_decoding_strips_padding(raw, text, consumed):
    reader = wire.Reader(raw + b"\xaa")
    assert reader.ptp_string() == text
    assert reader.pos == consumed  # the whole declared count is consumed, not more


def test_ptp_string_truncated():
    with pytest.raises(ProtocolError) as caught:
        wire.Reader(h("03 4100 42"), base=10).ptp_string("Filename")
    assert caught.value.offset == 11
    assert "Filename" in caught.value.message
    with pytest.raises(ProtocolError):
        wire.Reader(b"").ptp_string()


def test_arrays():
    assert wire.array("H", [0x1001, 0x1002]) == h("02000000 0110 0210")
    assert wire.array("I", [0x00010001]) == h("01000000 01000100")
    assert wire.array("I", []) == h("00000000")
    reader = wire.Reader(h("02000000 0110 0210 01000000 01000100 ee"))
    assert reader.array("H") == (0x1001, 0x1002)
    assert reader.array("I") == (0x00010001,)
    assert reader.remaining == 1


@pytest.mark.parametrize("raw", [
    h("ffffffff"), h("03000000 0100 0200"), h("02000000 010000"), h("010000"),
])
def test_array_claiming_more_than_is_there(raw):
    with pytest.raises(ProtocolError) as caught:
        wire.Reader(raw).array("H")
    assert 0 <= caught.value.offset <= len(raw)


def test_huge_array_count_fails_without_allocating():
    raw = h("ffffffff") + bytes(8)
    with pytest.raises(ProtocolError) as caught:
        wire.Reader(raw).array("I")
    assert caught.value.offset in (0, 4)


# --- datasets -----------------------------------------------------------------------------------

DEVICE_INFO_BYTES = h(
    "6400"                                # StandardVersion 100
    "0a000000"                            # VendorExtensionID Nikon
    "6400"                                # VendorExtensionVersion
    "03 6100 6200 0000"                   # VendorExtensionDesc "ab"
    "0000"                                # FunctionalMode
    "02000000 0110 0210"                  # OperationsSupported
    "00000000"                            # EventsSupported
    "01000000 0150"                       # DevicePropertiesSupported
    "00000000"                            # CaptureFormats
    "02000000 0138 0030"                  # ImageFormats
    "06 4e00 6900 6b00 6f00 6e00 0000"    # Manufacturer "Nikon"
    "00"                                  # Model ""
    "03 5600 3100 0000"                   # DeviceVersion "V1"
    "02 3700 0000"                        # SerialNumber "7"
)
DEVICE_INFO = DeviceInfo(
    100, 0x0A, 100, "ab", 0, (0x1001, 0x1002), (), (0x5001,), (), (0x3801, 0x3000),
    "Nikon", "", "V1", "7",
)


def test_device_info_layout():
    assert DEVICE_INFO.encode() == DEVICE_INFO_BYTES
    assert DeviceInfo.decode(DEVICE_INFO_BYTES) == DEVICE_INFO
    assert DeviceInfo.decode(DEVICE_INFO_BYTES + b"vendor junk") == DEVICE_INFO
    assert DEVICE_INFO.supports(OpCode.OPEN_SESSION) and not DEVICE_INFO.supports(0x1009)


def test_device_info_error_offset_is_stream_relative():
    raw = DEVICE_INFO_BYTES[:-1]  # serial string cut short
    with pytest.raises(ProtocolError) as caught:
        DeviceInfo.decode(raw, base=1000)
    assert 1000 <= caught.value.offset <= 1000 + len(raw)
    assert "SerialNumber" in caught.value.message


STORAGE_INFO_BYTES = h(
    "0400 0300 0000"                      # StorageType, FilesystemType, AccessCapability
    "00000000 01000000"                   # MaxCapacity 4 GiB (u64)
    "00e0ffff 00000000"                   # FreeSpaceInBytes 0xFFFFE000
    "2a000000"                            # FreeSpaceInImages 42
    "03 5300 4400 0000"                   # StorageDescription "SD"
    "00"                                  # VolumeLabel ""
)


def test_storage_info_layout():
    info = StorageInfo(4, 3, 0, 2**32, 0xFFFFE000, 42, "SD", "")
    assert info.encode() == STORAGE_INFO_BYTES
    assert StorageInfo.decode(STORAGE_INFO_BYTES) == info


def _object_info_fixed() -> bytearray:
    """The 52 fixed bytes, each field at the offset docs/ptpip.md gives."""
    raw = bytearray(52)
    for offset, fmt, value in [
        (0, "<I", 0x00010001), (4, "<H", 0x3801), (6, "<H", 1), (8, "<I", 0x01234567),
        (12, "<H", 0x3808), (14, "<I", 0x2345), (18, "<I", 160), (22, "<I", 120),
        (26, "<I", 6000), (30, "<I", 4000), (34, "<I", 24), (38, "<I", 0x2A),
        (42, "<H", 1), (44, "<I", 0xDEADBEEF), (48, "<I", 77),
    ]:
        struct.pack_into(fmt, raw, offset, value)
    return raw


OBJECT_INFO = ObjectInfo(
    storage_id=0x00010001, object_format=0x3801, protection_status=1, compressed_size=0x01234567,
    thumb_format=0x3808, thumb_compressed_size=0x2345, thumb_pix_width=160, thumb_pix_height=120,
    image_pix_width=6000, image_pix_height=4000, image_bit_depth=24, parent_object=0x2A,
    association_type=1, association_desc=0xDEADBEEF, sequence_number=77,
    filename="DSC_0001.JPG", capture_date="20150924T140513", modification_date="", keywords="k",
)
OBJECT_INFO_STRINGS = (
    b"\x0d" + "DSC_0001.JPG\x00".encode("utf-16-le")
    + b"\x10" + "20150924T140513\x00".encode("utf-16-le")
    + b"\x00"
    + h("02 6b00 0000")
)


def test_object_info_layout_at_documented_offsets():
    raw = bytes(_object_info_fixed()) + OBJECT_INFO_STRINGS
    assert OBJECT_INFO.encode() == raw
    assert ObjectInfo.decode(raw) == OBJECT_INFO


def test_object_info_nikon_padding_and_missing_dates():
    # Filename count 16 with 11 padding NULs; the body stops after the file name.
    raw = bytes(_object_info_fixed()) + b"\x10" + ("A.JPG" + "\x00" * 11).encode("utf-16-le")
    info = ObjectInfo.decode(raw)
    assert info.filename == "A.JPG"
    assert (info.capture_date, info.modification_date, info.keywords) == ("", "", "")
    assert info.captured is None


def test_object_info_nikon_folder_date_is_unknown():
    info = ObjectInfo(object_format=0x3001, filename="DCIM", capture_date="19800000T000000")
    decoded = ObjectInfo.decode(info.encode())
    assert decoded.is_folder
    assert decoded.captured is None


def test_object_info_captured_falls_back_to_modification_date():
    info = ObjectInfo(filename="a", capture_date="garbage", modification_date="20200102T030405.0")
    assert info.captured is not None
    assert (info.captured.year, info.captured.month, info.captured.second) == (2020, 1, 5)


def test_object_info_size_of_4gib_or_more():
    info = ObjectInfo(compressed_size=5 * 2**30, filename="big.MOV")
    raw = info.encode()
    assert raw[8:12] == h("ffffffff")
    decoded = ObjectInfo.decode(raw)
    assert decoded.compressed_size == 0xFFFFFFFF and decoded.size_is_truncated
    assert not ObjectInfo(compressed_size=0xFFFFFFFE).size_is_truncated


def test_object_info_without_filename_is_an_error():
    with pytest.raises(ProtocolError) as caught:
        ObjectInfo.decode(bytes(_object_info_fixed()))
    assert caught.value.offset == 52
    assert "Filename" in caught.value.message


def test_object_info_folder_by_association_type():
    assert ObjectInfo(object_format=0x3000, association_type=1).is_folder
    assert not ObjectInfo(object_format=0x3801).is_folder
