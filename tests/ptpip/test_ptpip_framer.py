"""The incremental framer: any chunking, packet boundaries, bounded memory, the size cap."""

from __future__ import annotations

import struct
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airnef_tui.ptpip import (
    Data, EndData, Framer, OperationRequest, OperationResponse, ProbeRequest, ProtocolError,
    StartData, encode,
)
from airnef_tui.ptpip.framer import DEFAULT_MAX_PACKET

import ptpip_strategies as S

SEQUENCES = st.lists(S.PACKETS, max_size=10)


def _split(raw: bytes, cuts: list[int]) -> list[bytes]:
    points = [0, *sorted(set(cuts)), len(raw)]
    return [raw[a:b] for a, b in zip(points, points[1:])]


def _chunkings(raw_len: int):
    """Hypothesis-chosen split points, or one byte at a time."""
    return st.one_of(
        st.lists(st.integers(0, raw_len), max_size=20),
        st.just(list(range(raw_len + 1))),
    )


def _feed_all(framer: Framer, chunks: list[bytes]) -> list:
    out = []
    for chunk in chunks:
        framer.feed(chunk)
        out.extend(iter(framer))
    return out


def _normalise(packets) -> list:
    """Merge the data pieces of one data run; each End Data closes its run.

    Data/End Data payloads may be re-cut by the framer; what must survive is the bytes of each run,
    its transaction id, where each End Data ends, and every other packet in order.
    """
    tokens, run = [], None

    def flush():
        nonlocal run
        if run is not None:
            tokens.append(("data", run[0], bytes(run[1])))
            run = None

    for p in packets:
        if isinstance(p, (Data, EndData)):
            if run is not None and run[0] != p.transaction_id:
                flush()
            if run is None:
                run = (p.transaction_id, bytearray())
            run[1].extend(p.payload)
            if isinstance(p, EndData):
                tokens.append(("end", run[0], bytes(run[1])))
                run = None
        else:
            flush()
            tokens.append(p)
    flush()
    return tokens


@S.examples(80)
@given(packets=SEQUENCES, data=st.data())
def test_any_chunking_yields_the_same_packets(packets, data):
    raw = b"".join(encode(p) for p in packets)
    chunks = _split(raw, data.draw(_chunkings(len(raw))))
    framer = Framer(data_piece=1 << 20)  # bigger than any payload here: nothing is re-cut
    assert _feed_all(framer, chunks) == packets
    assert not framer.in_packet
    assert framer.stream_offset == len(raw)


@S.examples(80)
@given(packets=SEQUENCES, piece=st.integers(1, 16), data=st.data())
def test_small_data_pieces_recut_payloads_without_losing_bytes(packets, piece, data):
    raw = b"".join(encode(p) for p in packets)
    chunks = _split(raw, data.draw(_chunkings(len(raw))))
    out = _feed_all(Framer(data_piece=piece), chunks)
    assert _normalise(out) == _normalise(packets)
    for p in out:
        if isinstance(p, (Data, EndData)):
            assert len(p.payload) <= piece
    assert sum(isinstance(p, EndData) for p in out) == sum(isinstance(p, EndData) for p in packets)


def test_end_data_recut_keeps_end_data_only_on_its_final_piece():
    framer = Framer(data_piece=4)
    framer.feed(encode(StartData(3, 10)) + encode(EndData(3, b"0123456789")))
    out = list(framer)
    assert out == [StartData(3, 10), Data(3, b"0123"), Data(3, b"4567"), EndData(3, b"89")]
    assert [type(p) for p in out[1:]] == [Data, Data, EndData]


def test_canon_style_many_data_packets_then_end_data():
    sent = [StartData(9, 7), Data(9, b"ab"), Data(9, b"cde"), EndData(9, b"fg"),
            OperationResponse(0x2001, 9)]
    raw = b"".join(encode(p) for p in sent)
    out = _feed_all(Framer(data_piece=2), [raw[i:i + 1] for i in range(len(raw))])
    assert out[0] == StartData(9, 7) and out[-1] == OperationResponse(0x2001, 9)
    assert b"".join(p.payload for p in out[1:-1]) == b"abcdefg"
    assert isinstance(out[-2], EndData)
    assert all(type(p) is Data for p in out[1:-2])


@S.examples(80)
@given(packets=SEQUENCES, piece=st.integers(1, 64), data=st.data())
def test_in_packet_is_false_exactly_at_packet_boundaries(packets, piece, data):
    encoded = [encode(p) for p in packets]
    boundaries, pos = {0}, 0
    for e in encoded:
        pos += len(e)
        boundaries.add(pos)
    raw = b"".join(encoded)
    chunks = _split(raw, data.draw(_chunkings(len(raw))))
    framer, fed = Framer(data_piece=piece), 0
    assert not framer.in_packet
    for chunk in chunks:
        framer.feed(chunk)
        fed += len(chunk)
        list(framer)
        assert framer.in_packet == (fed not in boundaries), fed
        if fed in boundaries:
            assert framer.stream_offset == fed
        assert framer.stream_offset <= fed


def test_truncated_stream_waits_and_reports_in_packet():
    raw = encode(OperationRequest(0x1002, 0, (1,)))
    framer = Framer()
    framer.feed(raw[:-1])
    assert framer.next_packet() is None
    assert framer.in_packet
    framer.feed(raw[-1:])
    assert framer.next_packet() == OperationRequest(0x1002, 0, (1,))
    assert not framer.in_packet


def test_inside_a_data_payload_counts_as_in_packet():
    framer = Framer(data_piece=4)
    framer.feed(struct.pack("<III", 12 + 8, 12, 1) + b"abcd")
    assert framer.next_packet() == Data(1, b"abcd")
    assert framer.next_packet() is None
    assert framer.in_packet  # 4 payload bytes still due although the buffer is empty
    framer.feed(b"efgh")
    assert framer.next_packet() == EndData(1, b"efgh")
    assert not framer.in_packet


def test_empty_end_data_is_one_packet():
    framer = Framer()
    framer.feed(bytes.fromhex("0c000000 0c000000 05000000"))
    assert list(framer) == [EndData(5, b"")]
    assert not framer.in_packet


@pytest.mark.parametrize("feed_size", [64 * 1024, 100_000, 7])
def test_huge_end_data_is_streamed_with_bounded_memory(feed_size):
    """A header announcing a 4 GiB End Data, then 10 MiB of payload: nothing is buffered whole."""
    piece = 64 * 1024
    total = 10 * 1024 * 1024 if feed_size > 1000 else 256 * 1024
    chunk = bytes(range(256)) * (feed_size // 256) + bytes(range(feed_size % 256))
    framer = Framer(data_piece=piece)
    received, max_buffered, pieces = 0, 0, 0
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        framer.feed(struct.pack("<III", 0xFFFFFFFF, 12, 77))
        while received < total:
            framer.feed(chunk)
            max_buffered = max(max_buffered, len(framer._buf))
            while (p := framer.next_packet()) is not None:
                assert type(p) is Data and p.transaction_id == 77
                assert 0 < len(p.payload) <= piece
                received += len(p.payload)
                pieces += 1
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    assert received >= total - piece
    assert max_buffered <= piece + feed_size
    assert peak < 4 * (piece + feed_size)  # buffering the run would take 10 MiB
    assert framer.in_packet


def test_data_packets_are_not_subject_to_the_packet_cap():
    framer = Framer(max_packet=64, data_piece=16)
    framer.feed(struct.pack("<III", 12 + 1000, 10, 1) + bytes(40))
    assert [len(p.payload) for p in framer] == [16, 16]


@pytest.mark.parametrize("packet_type", [1, 2, 3, 5, 6, 7, 8, 9, 11, 13, 99])
def test_non_data_packet_over_the_cap_fails_at_once_with_stream_offset(packet_type):
    framer = Framer(max_packet=1024)
    prefix = encode(ProbeRequest()) + encode(OperationResponse(0x2001, 1, (2,)))
    framer.feed(prefix + struct.pack("<II", 1025, packet_type))  # only the header has arrived
    assert list(_drain_until_error(framer)) == [ProbeRequest(), OperationResponse(0x2001, 1, (2,))]
    with pytest.raises(ProtocolError) as caught:
        framer.next_packet()
    assert caught.value.offset == len(prefix)
    assert "1025" in caught.value.message


def _drain_until_error(framer: Framer):
    try:
        while (p := framer.next_packet()) is not None:
            yield p
    except ProtocolError:
        return


def test_default_cap_is_64_mib_per_non_data_packet():
    assert DEFAULT_MAX_PACKET == 64 * 1024 * 1024
    at_cap = Framer()
    at_cap.feed(struct.pack("<II", 64 * 1024 * 1024, 7))
    assert at_cap.next_packet() is None  # allowed: waits for the rest
    over = Framer()
    over.feed(struct.pack("<II", 64 * 1024 * 1024 + 1, 7))
    with pytest.raises(ProtocolError) as caught:
        over.next_packet()
    assert caught.value.offset == 0
    huge = Framer()
    huge.feed(struct.pack("<II", 0xFFFFFFFF, 1))
    with pytest.raises(ProtocolError):
        huge.next_packet()


@pytest.mark.parametrize("header, offset", [
    (struct.pack("<II", 7, 13), 8),          # length smaller than the header
    (struct.pack("<II", 11, 10), 8),         # data packet too short for its transaction id
    (struct.pack("<II", 9, 13) + b"x", 16),  # junk after a probe: points into its payload
    (struct.pack("<II", 8, 42), 12),         # unknown type: points at the type field
])
def test_framer_errors_carry_stream_offsets(header, offset):
    framer = Framer()
    framer.feed(encode(ProbeRequest()) + header)
    assert framer.next_packet() == ProbeRequest()
    with pytest.raises(ProtocolError) as caught:
        framer.next_packet()
    assert caught.value.offset == offset


def test_error_is_sticky_and_feeding_after_it_still_works():
    """Regression: a kept ProtocolError used to pin the buffer, so feed() raised BufferError."""
    framer = Framer()
    framer.feed(struct.pack("<II", 9, 13) + b"x")
    with pytest.raises(ProtocolError) as first:
        framer.next_packet()
    framer.feed(b"more bytes")  # while `first` still holds the error and its traceback
    with pytest.raises(ProtocolError) as second:
        framer.next_packet()
    assert second.value.offset == first.value.offset == 8
    framer.feed(bytes(10))


def test_data_piece_must_be_positive():
    with pytest.raises(ValueError):
        Framer(data_piece=0)
