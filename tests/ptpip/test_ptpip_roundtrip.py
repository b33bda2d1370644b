"""Round-trip properties: decode(encode(x)) == x for every packet type and dataset, values in range."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airnef_tui.ptpip import (
    DeviceInfo, ObjectInfo, ProtocolError, StartData, StorageInfo, decode, encode, wire,
)
from airnef_tui.ptpip.packets import decode_payload, encode_payload

import ptpip_strategies as S



@pytest.mark.parametrize("packet_type", sorted(S.PACKETS_BY_TYPE))
@S.examples(60)
@given(data=st.data())
def test_packet_round_trip(packet_type, data):
    packet = data.draw(S.PACKETS_BY_TYPE[packet_type])
    raw = encode(packet)
    # The header is checked against its definition, not against the encoder's own helper.
    assert struct.unpack_from("<II", raw) == (len(raw), packet_type)
    decoded = decode(raw)
    assert decoded == packet
    assert type(decoded) is type(packet)


@S.examples(60)
@given(packet=S.PACKETS, base=st.integers(8, 2**40))
def test_decode_payload_round_trip_at_any_base(packet, base):
    payload = encode_payload(packet)
    assert decode_payload(packet.type, payload, base) == packet
    assert decode_payload(packet.type, memoryview(payload), base) == packet


@S.examples(60)
@given(packet=S.PACKETS)
def test_encoded_length_is_header_plus_documented_payload(packet):
    """Payload sizes from the table in docs/ptpip.md section 1, computed without the encoder."""
    name_bytes = lambda name: len(name.encode("utf-16-le")) + 2  # noqa: E731 (NUL unit)
    expected = {
        1: lambda p: 16 + name_bytes(p.name) + 4,
        2: lambda p: 4 + 16 + name_bytes(p.name) + 4,
        3: lambda p: 4, 4: lambda p: 0, 5: lambda p: 4,
        6: lambda p: 4 + 2 + 4 + 4 * len(p.params),
        7: lambda p: 2 + 4 + 4 * len(p.params),
        8: lambda p: 2 + 4 + 4 * len(p.params),
        9: lambda p: 4 + 8,
        10: lambda p: 4 + len(p.payload), 11: lambda p: 4, 12: lambda p: 4 + len(p.payload),
        13: lambda p: 0, 14: lambda p: 0,
    }[packet.type](packet)
    assert len(encode(packet)) == 8 + expected


@S.examples(40)
@given(total=st.integers(2**32, 2**64 - 1), tid=S.U32)
def test_start_data_length_is_64_bit(total, tid):
    raw = encode(StartData(tid, total))
    assert struct.unpack_from("<Q", raw, 12)[0] == total
    assert decode(raw).total_length == total


@pytest.mark.parametrize("name", sorted(S.DATASETS))
@S.examples(60)
@given(data=st.data())
def test_dataset_round_trip(name, data):
    cls = {"DeviceInfo": DeviceInfo, "StorageInfo": StorageInfo, "ObjectInfo": ObjectInfo}[name]
    value = data.draw(S.DATASETS[name])
    raw = value.encode()
    assert cls.decode(raw) == value
    assert cls.decode(bytearray(raw), base=123) == value
    # Trailing vendor bytes are tolerated.
    assert cls.decode(raw + data.draw(st.binary(max_size=8))) == value


@S.examples(60)
@given(value=S.OBJECT_INFOS)
def test_object_info_fixed_fields_sit_at_documented_offsets(value):
    raw = value.encode()
    fields = [
        (0, "<I", value.storage_id), (4, "<H", value.object_format),
        (6, "<H", value.protection_status), (8, "<I", value.compressed_size),
        (12, "<H", value.thumb_format), (14, "<I", value.thumb_compressed_size),
        (18, "<I", value.thumb_pix_width), (22, "<I", value.thumb_pix_height),
        (26, "<I", value.image_pix_width), (30, "<I", value.image_pix_height),
        (34, "<I", value.image_bit_depth), (38, "<I", value.parent_object),
        (42, "<H", value.association_type), (44, "<I", value.association_desc),
        (48, "<I", value.sequence_number),
    ]
    for offset, fmt, expected in fields:
        assert struct.unpack_from(fmt, raw, offset)[0] == expected, offset
    count = raw[52]
    assert count == (S.utf16_units(value.filename) + 1 if value.filename else 0)


@S.examples(150)
@given(text=S.PTP_TEXT)
def test_ptp_string_round_trip(text):
    raw = wire.ptp_string(text)
    units = S.utf16_units(text)
    assert units <= 254
    # u8 count of UTF-16 units including the NUL, then the units; empty is a single 0 byte.
    assert raw[0] == (units + 1 if text else 0)
    assert len(raw) == (1 + 2 * (units + 1) if text else 1)
    reader = wire.Reader(raw + b"\x99")
    assert reader.ptp_string() == text
    assert reader.remaining == 1


@S.examples(60)
@given(text=S.PTP_TEXT, padding=st.integers(1, 40))
def test_ptp_string_trailing_nul_padding_is_stripped(text, padding):
    units = S.utf16_units(text) + padding
    if units > 255:
        return
    raw = bytes([units]) + text.encode("utf-16-le") + b"\x00\x00" * padding
    reader = wire.Reader(raw)
    assert reader.ptp_string() == text
    assert reader.remaining == 0


@S.examples(60)
@given(text=S.SHORT_TEXT, fill=st.sampled_from(["a", "\U0001F4F7"]), count=st.integers(0, 300))
def test_ptp_string_over_254_units_is_refused(text, fill, count):
    text = text + fill * count
    if S.utf16_units(text) <= 254:
        text = text + "x" * (255 - S.utf16_units(text))
    with pytest.raises(ProtocolError):
        wire.ptp_string(text)


@S.examples(60)
@given(element=st.sampled_from("HI"), data=st.data())
def test_array_round_trip(element, data):
    bound = 0xFFFF if element == "H" else 0xFFFFFFFF
    values = tuple(data.draw(st.lists(st.integers(0, bound), max_size=30)))
    raw = wire.array(element, values)
    assert struct.unpack_from("<I", raw)[0] == len(values)
    assert len(raw) == 4 + len(values) * (2 if element == "H" else 4)
    reader = wire.Reader(raw)
    assert reader.array(element) == values
    assert reader.remaining == 0


@S.examples(60)
@given(name=S.NAMES)
def test_nul_terminated_name_round_trip(name):
    raw = wire.nul_terminated_utf16(name) + b"\x01\x00\x00\x00"
    reader = wire.Reader(raw)
    assert reader.nul_terminated_utf16() == name
    assert reader.remaining == 4
