"""Fuzz-style properties: random, truncated and oversized input only ever yields a valid value or a
ProtocolError whose offset lies inside the buffer. Any other exception fails the test."""

from __future__ import annotations

import struct
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airnef_tui.ptpip import (
    Data, DeviceInfo, EndData, Framer, InitFail, ObjectInfo, PacketType, ProtocolError,
    StorageInfo, decode, encode, parse_ptp_datetime,
)
from airnef_tui.ptpip.dates import parse_ptp_datetime_lenient
from airnef_tui.ptpip.packets import decode_payload, encode_payload

import ptpip_strategies as S



def _assert_offset_inside(error: ProtocolError, length: int, lo: int = 0) -> None:
    assert error.offset is not None, error
    assert lo <= error.offset <= lo + length, (error, length)


def _assert_valid_packet(packet) -> None:
    """A decoded value is valid when it re-encodes and decodes back to itself."""
    assert packet.type in set(PacketType)
    assert decode(encode(packet)) == packet


# Random bytes, and bytes behind a plausible header so the payload decoders get exercised too.
RANDOM_PACKETS = st.one_of(
    st.binary(max_size=64),
    st.builds(
        lambda t, payload: struct.pack("<II", 8 + len(payload), t) + payload,
        st.integers(0, 16), st.binary(max_size=64),
    ),
    st.builds(
        lambda length, t, payload: struct.pack("<II", length, t) + payload,
        S.U32, st.integers(0, 16), st.binary(max_size=32),
    ),
)


@S.examples(150)
@given(raw=RANDOM_PACKETS)
def test_decode_random_bytes(raw):
    try:
        packet = decode(raw)
    except ProtocolError as error:
        _assert_offset_inside(error, len(raw))
    else:
        _assert_valid_packet(packet)


@S.examples(150)
@given(packet_type=st.integers(0, 20), payload=st.binary(max_size=64))
def test_decode_payload_random_bytes_for_every_type(packet_type, payload):
    try:
        packet = decode_payload(packet_type, payload)
    except ProtocolError as error:
        if packet_type in set(PacketType):
            _assert_offset_inside(error, len(payload))
        else:
            assert error.offset is None  # the type is not inside this buffer
    else:
        assert packet.type == packet_type
        _assert_valid_packet(packet)


@S.examples(100)
@given(
    chunks=st.lists(st.one_of(st.binary(max_size=40), st.builds(
        lambda t, n, payload: struct.pack("<II", n, t) + payload,
        st.integers(0, 16), st.integers(0, 80), st.binary(max_size=24),
    )), max_size=12),
    max_packet=st.integers(8, 128),
    piece=st.integers(1, 32),
)
def test_framer_random_bytes(chunks, max_packet, piece):
    framer, fed = Framer(max_packet=max_packet, data_piece=piece), 0
    try:
        for chunk in chunks:
            framer.feed(chunk)
            fed += len(chunk)
            for packet in framer:
                assert packet.type in set(PacketType)
                if isinstance(packet, (Data, EndData)):
                    assert len(packet.payload) <= piece
                else:
                    _assert_valid_packet(packet)
                assert framer.stream_offset <= fed
    except ProtocolError as error:
        _assert_offset_inside(error, fed)


DATASET_CLASSES = [DeviceInfo, StorageInfo, ObjectInfo]


@pytest.mark.parametrize("cls", DATASET_CLASSES, ids=lambda c: c.__name__)
@S.examples(150)
@given(raw=st.binary(max_size=120), base=st.integers(0, 1000))
def test_dataset_decoders_random_bytes(cls, raw, base):
    try:
        value = cls.decode(raw, base)
    except ProtocolError as error:
        _assert_offset_inside(error, len(raw), lo=base)
    else:
        assert isinstance(value, cls)


@S.examples(150)
@given(text=st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[0-9T.:+Z-]{0,25}", fullmatch=True),
))
def test_parse_ptp_datetime_random_text(text):
    try:
        value = parse_ptp_datetime(text)
    except ProtocolError:
        assert parse_ptp_datetime_lenient(text) is None
    else:
        assert value is None or isinstance(value, datetime)
        assert parse_ptp_datetime_lenient(text) == value


@S.examples(100)
@given(text=st.from_regex(r"[0-9]{8}T[0-9]{6}(\.[0-9]{1,6})?(Z|[+-][0-9]{4})?", fullmatch=True))
def test_anything_in_the_date_grammar_never_raises(text):
    """Impossible calendar dates (month 00, Feb 30, hour 25, zone +2500) are unknown, not errors."""
    value = parse_ptp_datetime(text)
    assert value is None or isinstance(value, datetime)
    if value is not None:
        assert (value.utcoffset() is None) == (text[-5] not in "+-" and not text.endswith("Z"))


# --- truncated and oversized packets ---------------------------------------------------------------

def _lenient_prefix_value(packet, cut: int):
    """What decoding the first `cut` payload bytes may give, per the documented leniencies.

    Returns a predicate on the decoded value, or None when the prefix must be a ProtocolError.
    """
    t = packet.type
    if t in (PacketType.OPERATION_REQUEST, PacketType.OPERATION_RESPONSE, PacketType.EVENT):
        fixed = 10 if t == PacketType.OPERATION_REQUEST else 6
        if cut >= fixed and (cut - fixed) % 4 == 0:  # a parameter count is only known from the length
            kept = (cut - fixed) // 4
            return lambda v: v == type(packet)(**{**_fields(packet), "params": packet.params[:kept]})
        return None
    if t in (PacketType.DATA, PacketType.END_DATA):
        if cut >= 4:
            return lambda v: v == type(packet)(packet.transaction_id, packet.payload[:cut - 4])
        return None
    if t == PacketType.INIT_FAIL:
        return (lambda v: v == InitFail(0)) if cut == 0 else None
    if t in (PacketType.INIT_COMMAND_REQUEST, PacketType.INIT_COMMAND_ACK):
        guid_end = 16 if t == PacketType.INIT_COMMAND_REQUEST else 20
        if cut < guid_end:
            return None
        # The name may end at the cut; the version then defaults. Identity fields must survive.
        # A cut inside a surrogate pair leaves one U+FFFD (decoding is lenient on purpose).
        return lambda v: (v.guid == packet.guid
                          and packet.name.startswith(v.name.removesuffix("\ufffd"))
                          and getattr(v, "connection_number", None)
                          == getattr(packet, "connection_number", None))
    return None  # fixed-size packets: every strict prefix is malformed


def _fields(packet) -> dict:
    return {name: getattr(packet, name) for name in packet.__dataclass_fields__}


@S.examples(60)
@given(packet=S.PACKETS)
def test_truncated_payloads_are_errors_or_documented_lenient_values(packet):
    payload = encode_payload(packet)
    for cut in range(len(payload)):
        expect = _lenient_prefix_value(packet, cut)
        try:
            value = decode_payload(packet.type, payload[:cut], 8)
        except ProtocolError as error:
            _assert_offset_inside(error, cut, lo=8)
            if expect is not None and packet.type not in (1, 2):
                pytest.fail(f"prefix of {cut} bytes should decode leniently: {error}")
        else:
            assert expect is not None, f"{cut}-byte prefix of {packet!r} decoded to {value!r}"
            assert expect(value), (cut, value)


@S.examples(60)
@given(packet=S.PACKETS)
def test_truncated_whole_packets_are_errors_and_the_framer_waits(packet):
    raw = encode(packet)
    for cut in range(len(raw)):
        with pytest.raises(ProtocolError) as caught:
            decode(raw[:cut])
        _assert_offset_inside(caught.value, cut)
    framer = Framer(data_piece=1 << 20)
    framer.feed(raw[:-1])
    emitted = list(framer)
    assert framer.in_packet
    if isinstance(packet, (Data, EndData)):
        assert all(type(p) is Data for p in emitted)  # the final piece has not arrived
    else:
        assert emitted == []


@S.examples(80)
@given(packet=S.PACKETS, extra=st.binary(min_size=1, max_size=24))
def test_oversized_packets(packet, extra):
    raw = encode(packet)
    # A buffer longer than the length field says is always an error.
    with pytest.raises(ProtocolError) as caught:
        decode(raw + extra)
    assert caught.value.offset == 0
    # Extra payload bytes with a length field that covers them.
    grown = struct.pack("<II", len(raw) + len(extra), packet.type) + raw[8:] + extra
    t = packet.type
    try:
        value = decode(grown)
    except ProtocolError as error:
        _assert_offset_inside(error, len(grown))
        value = None
    if t in (PacketType.INIT_COMMAND_REQUEST, PacketType.INIT_COMMAND_ACK):
        assert value == packet  # vendor padding after the version is tolerated
    elif t in (PacketType.DATA, PacketType.END_DATA):
        assert value == type(packet)(packet.transaction_id, packet.payload + extra)
    elif t in (PacketType.OPERATION_REQUEST, PacketType.OPERATION_RESPONSE, PacketType.EVENT):
        limit = 3 if t == PacketType.EVENT else 5
        more = len(extra) // 4
        if len(extra) % 4 == 0 and len(packet.params) + more <= limit:
            params = packet.params + struct.unpack(f"<{more}I", extra)
            assert value == type(packet)(**{**_fields(packet), "params": params})
        else:
            assert value is None
    else:
        assert value is None, value  # fixed-size packets refuse trailing junk


# --- truncated datasets -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["DeviceInfo", "StorageInfo"])
@S.examples(20)
@given(data=st.data())
def test_truncated_strict_datasets_are_errors(name, data):
    cls = {"DeviceInfo": DeviceInfo, "StorageInfo": StorageInfo}[name]
    raw = data.draw(S.DATASETS[name]).encode()
    for cut in range(len(raw)):
        with pytest.raises(ProtocolError) as caught:
            cls.decode(raw[:cut])
        _assert_offset_inside(caught.value, cut)


def _ptp_string_size(text: str) -> int:
    return 1 + 2 * (S.utf16_units(text) + 1) if text else 1


@S.examples(30)
@given(info=S.OBJECT_INFOS)
def test_truncated_object_info_is_error_or_lenient_at_string_boundaries(info):
    raw = info.encode()
    trailing = [info.capture_date, info.modification_date, info.keywords]
    # After the file name, decoding may stop at any string boundary: later strings read as "".
    boundaries, pos = {}, 52 + _ptp_string_size(info.filename)
    for kept in range(4):
        boundaries[pos] = kept
        if kept < 3:
            pos += _ptp_string_size(trailing[kept])
    assert pos == len(raw)
    for cut in range(len(raw)):
        try:
            value = ObjectInfo.decode(raw[:cut])
        except ProtocolError as error:
            _assert_offset_inside(error, cut)
            assert cut not in boundaries
        else:
            assert cut in boundaries, cut
            kept = boundaries[cut]
            strings = trailing[:kept] + [""] * (3 - kept)
            assert value == ObjectInfo(*[getattr(info, f) for f in list(_fields(info))[:16]],
                                       *strings)
