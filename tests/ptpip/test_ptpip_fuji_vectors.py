"""Fujifilm transport byte vectors, written out by hand from docs/ptpip.md section 5.

Expected bytes are hex literals, never produced by the encoder under test. Then the decoders'
refusals, each with the offset it must name, and a hypothesis round trip of every value.
"""

from __future__ import annotations

import struct

import pytest
from hypothesis import given

from airnef_tui.ptpip import (
    FUJI_BUSY, FUJI_HANG_UP, FUJI_INIT_LENGTH, FUJI_INIT_VERSION, FUJI_PORT, FujiCommand,
    FujiData, FujiEvent, FujiHangUp, FujiInitRequest, FujiResponse, InitCommandAck, InitFail,
    ProtocolError, decode_container, decode_fuji_handshake, decode_fuji_init, encode,
    encode_container, encode_fuji_init, fuji_data_header,
)

import ptpip_strategies as S
import test_ptpip_fuji_strategies as F

GUID = bytes(range(16))
GUID_HEX = "000102030405060708090a0b0c0d0e0f"


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", "").replace("\n", ""))


def zeros(count: int) -> str:
    return "00" * count


# ---- the Init --------------------------------------------------------------------------------

def test_constants():
    assert FUJI_PORT == 55740 and FUJI_INIT_LENGTH == 82 and FUJI_INIT_VERSION == 0x8F53E4F2
    assert FUJI_HANG_UP == h("08000000 ffffffff") and FUJI_BUSY == 0x2019


def test_init_with_a_short_name_is_82_bytes_zero_padded():
    raw = encode_fuji_init(FujiInitRequest(GUID, "pi"))
    assert raw == h(f"52000000 01000000 f2e4538f {GUID_HEX} 7000 6900 {zeros(50)}")
    assert len(raw) == 82


def test_init_with_an_empty_name_is_82_bytes():
    assert encode_fuji_init(FujiInitRequest(GUID, "")) == \
        h(f"52000000 01000000 f2e4538f {GUID_HEX} {zeros(54)}")


def test_init_with_a_long_name_keeps_26_units_and_a_nul():
    raw = encode_fuji_init(FujiInitRequest(GUID, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"))
    letters = " ".join(f"{c:02x}00" for c in range(0x41, 0x41 + 26))
    assert raw == h(f"52000000 01000000 f2e4538f {GUID_HEX} {letters} 0000")
    assert len(raw) == 82
    assert decode_fuji_init(raw) == FujiInitRequest(GUID, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def test_init_layout_offsets():
    raw = encode_fuji_init(FujiInitRequest(bytes([0xEE] * 16), "x" * 100))
    assert struct.unpack_from("<III", raw) == (0x52, 1, 0x8F53E4F2)
    assert raw[8:12] == b"\xf2\xe4\x53\x8f"
    assert raw[12:28] == bytes([0xEE] * 16)
    assert raw[28:80] == "x".encode("utf-16-le") * 26 and raw[80:82] == b"\0\0"


def test_init_name_is_never_cut_inside_a_surrogate_pair():
    camera = "\U0001F4F7"  # 2 UTF-16 units: 3dd8 f7dc
    fits = encode_fuji_init(FujiInitRequest(GUID, "a" * 24 + camera))
    assert fits[28:] == h("6100" * 24 + "3dd8 f7dc 0000")
    cut = encode_fuji_init(FujiInitRequest(GUID, "a" * 25 + camera))
    assert cut[28:] == h("6100" * 25 + "0000 0000")
    assert len(fits) == len(cut) == 82


def test_init_name_stops_at_a_nul():
    raw = encode_fuji_init(FujiInitRequest(GUID, "ab\x00cd"))
    assert raw[28:] == h(f"6100 6200 {zeros(50)}")


def test_init_refuses_a_bad_guid():
    with pytest.raises(ProtocolError):
        encode_fuji_init(FujiInitRequest(b"short", "pi"))


def test_decode_init_whose_name_fills_the_field():
    raw = h(f"52000000 01000000 f2e4538f {GUID_HEX}") + "n".encode("utf-16-le") * 27
    assert decode_fuji_init(raw) == FujiInitRequest(GUID, "n" * 27)


def test_decode_init_keeps_another_version():
    raw = h(f"52000000 01000000 00000100 {GUID_HEX} 7000 {zeros(52)}")
    assert decode_fuji_init(raw) == FujiInitRequest(GUID, "p", 0x00010000)


@pytest.mark.parametrize("raw, offset", [
    # A standard PTP/IP Init (34 bytes): an X-T4 hangs up; so do we, on the length.
    (h(f"22000000 01000000 {GUID_HEX} 7000 6900 0000 00000100"), 0),
    (h(f"52000000 02000000 f2e4538f {GUID_HEX} {zeros(54)}"), 4),  # not type 1
    (h(f"52000000 01000000 f2e4538f {GUID_HEX} {zeros(53)}"), 0),  # 81 bytes given
    (h(f"52000000 01000000 f2e4538f {GUID_HEX} {zeros(55)}"), 0),  # 83 bytes given
    (h("52000000 0100"), 4),  # truncated type
])
def test_decode_init_refusals(raw, offset):
    with pytest.raises(ProtocolError) as caught:
        decode_fuji_init(raw)
    assert caught.value.offset == offset


# ---- the camera's answer ---------------------------------------------------------------------

def test_ack_is_the_standard_init_command_ack():
    raw = h(f"2a000000 02000000 01000000 {GUID_HEX} 5800 2d00 5400 3400 0000 00000100")
    assert decode_fuji_handshake(raw) == InitCommandAck(1, GUID, "X-T4", 0x00010000)
    assert encode(InitCommandAck(1, GUID, "X-T4")) == raw  # what the simulator sends


def test_ack_with_a_zero_padded_name_and_no_version():
    raw = h(f"3c000000 02000000 05000000 {GUID_HEX} 5800 2d00 5400 3200 0000 {zeros(22)}")
    ack = decode_fuji_handshake(raw)
    assert (ack.connection_number, ack.guid, ack.name) == (5, GUID, "X-T2")


def test_init_fail_busy():
    raw = h("0c000000 05000000 19200000")
    assert decode_fuji_handshake(raw) == InitFail(0x2019)
    assert decode_fuji_handshake(raw).reason == FUJI_BUSY
    assert encode(InitFail(FUJI_BUSY)) == raw


@pytest.mark.parametrize("raw, offset", [
    (h("12000000 06000000 01000000 0210 00000000"), 4),  # an Operation Request, not an answer
    (h("0c000000 0100 0110 01000000"), 4),  # a container: its type bytes read as 0x10010001
    (struct.pack("<II", 4097, 2) + bytes(4089), 0),  # over the 4096-byte cap
    (h("0c000000 05000000 1920"), 0),  # length says 12, 10 given
    (h("10000000 05000000 19200000 00000000"), 12),  # junk after the reason
])
def test_handshake_refusals(raw, offset):
    with pytest.raises(ProtocolError) as caught:
        decode_fuji_handshake(raw)
    assert caught.value.offset == offset


# ---- containers ------------------------------------------------------------------------------

VECTORS = [
    pytest.param(FujiCommand(0x1002, 0, (1,)), "10000000 0100 0210 00000000 01000000",
                 id="command-open-session"),
    pytest.param(FujiCommand(0x1001, 1), "0c000000 0100 0110 01000000",
                 id="command-no-params"),
    pytest.param(FujiCommand(0x101B, 7, (1, 0x100000, 0x100000, 3, 0xFFFFFFFF)),
                 "20000000 0100 1b10 07000000 01000000 00001000 00001000 03000000 ffffffff",
                 id="command-five-params"),
    pytest.param(FujiData(0x1015, 3, b"\x01\x00"), "0e000000 0200 1510 03000000 0100",
                 id="data"),
    pytest.param(FujiData(0x1001, 1, b""), "0c000000 0200 0110 01000000",
                 id="data-empty-x-t4-device-info"),
    pytest.param(FujiResponse(0x2001, 3), "0c000000 0300 0120 03000000", id="response"),
    pytest.param(FujiResponse(0x2001, 4, (5, 6)),
                 "14000000 0300 0120 04000000 05000000 06000000", id="response-two-params"),
    pytest.param(FujiResponse(0x2019, 0xFFFFFFFE, (1, 2, 3, 4, 5)),
                 "20000000 0300 1920 feffffff 01000000 02000000 03000000 04000000 05000000",
                 id="response-five-params"),
    pytest.param(FujiEvent(0x4002, 0, (0x1234,)), "10000000 0400 0240 00000000 34120000",
                 id="event"),
    pytest.param(FujiEvent(0xC001, 9), "0c000000 0400 01c0 09000000", id="event-no-params"),
    pytest.param(FujiHangUp(), "08000000 ffffffff", id="hang-up"),
]


@pytest.mark.parametrize("value, hex_text", VECTORS)
def test_container_vectors(value, hex_text):
    assert encode_container(value) == h(hex_text)
    assert decode_container(h(hex_text)) == value


def test_data_header_for_streaming():
    assert fuji_data_header(0x101B, 9, 0x100000) == h("0c001000 0200 1b10 09000000")
    assert fuji_data_header(0x1009, 2, 0xFFFFFFF3) == h("ffffffff 0200 0910 02000000")
    with pytest.raises(ProtocolError):
        fuji_data_header(0x1009, 2, 0xFFFFFFF4)  # 12 + this does not fit a u32 length


@pytest.mark.parametrize("value", [
    FujiCommand(0x1001, 1, (1, 2, 3, 4, 5, 6)),  # six parameters
    FujiResponse(0x2001, 1, (1 << 32,)),  # not a u32
    FujiEvent(0x10000, 1),  # code not a u16
    FujiCommand(0x1001, -1),  # negative transaction id
])
def test_encode_refusals(value):
    with pytest.raises(ProtocolError):
        encode_container(value)


@pytest.mark.parametrize("raw, offset", [
    (h("10000000 0100 0110 01000000"), 0),  # length says 16, 12 given
    (h("0b000000 0100 0110 010000"), 0),  # shorter than the 12-byte header
    (h("08000000 01000100"), 0),  # 8 bytes that are not the hang-up
    (h("0c000000 0500 0110 01000000"), 4),  # unknown type 5
    (h("0c000000 0000 0110 01000000"), 4),  # type 0
    (h("0e000000 0300 0120 01000000 0100"), 0),  # 2 bytes of parameters
    (h("24000000 0300 0120 01000000") + bytes(24), 0),  # six parameters
    (h("0c00"), 0),  # truncated length
])
def test_decode_container_refusals(raw, offset):
    with pytest.raises(ProtocolError) as caught:
        decode_container(raw)
    assert caught.value.offset == offset


def test_a_data_container_has_no_parameter_rules():
    raw = h("0f000000 0200 0910 05000000 abcdef")  # 3 bytes: not a multiple of 4, fine
    assert decode_container(raw) == FujiData(0x1009, 5, h("abcdef"))


# ---- round trips -----------------------------------------------------------------------------

@F.examples(150)
@given(container=F.CONTAINERS)
def test_container_round_trip(container):
    raw = encode_container(container)
    assert struct.unpack_from("<IHHI", raw)[:2] == (len(raw), container.type)
    assert decode_container(raw) == container


@F.examples(100)
@given(guid=S.GUIDS, name=S.NAMES, version=S.U32)
def test_init_round_trip_within_26_units(guid, name, version):
    raw = encode_fuji_init(FujiInitRequest(guid, name, version))
    assert len(raw) == 82
    decoded = decode_fuji_init(raw)
    assert (decoded.guid, decoded.version) == (guid, version)
    assert name.startswith(decoded.name)
    units = len(decoded.name.encode("utf-16-le")) // 2
    assert units <= 26
    if len(name.encode("utf-16-le")) // 2 <= 26:
        assert decoded.name == name
    else:
        assert units >= 25  # at most the high half of a surrogate pair was dropped besides


@F.examples(60)
@given(answer=F.ACKS | F.INIT_FAILS)
def test_handshake_round_trip(answer):
    assert decode_fuji_handshake(encode(answer)) == answer
