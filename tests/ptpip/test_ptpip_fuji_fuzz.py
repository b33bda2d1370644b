"""Fuzzing the Fujifilm decoders and framer: random bytes and mutated valid streams only ever give
valid values or a ProtocolError whose offset lies inside what was fed, and the framer never waits
on more bytes than its caps allow. Any other exception fails the test."""

from __future__ import annotations

import struct

from hypothesis import given
from hypothesis import strategies as st

from airnef_tui.ptpip import (
    FujiDataHeader, FujiDataPiece, FujiFramer, FujiHandshake, FujiInitRequest, InitCommandAck,
    InitFail, ProtocolError, decode_container, decode_fuji_handshake, decode_fuji_init, encode,
    encode_container, encode_fuji_init,
)
from airnef_tui.ptpip.fuji import MAX_CONTAINER, MAX_HANDSHAKE_PACKET

import test_ptpip_fuji_strategies as F

HANDSHAKES = st.sampled_from([FujiHandshake.ACK, FujiHandshake.INIT, None])


def _offset_inside(error: ProtocolError, length: int) -> None:
    assert error.offset is not None, error
    assert 0 <= error.offset <= length, (error, length)


def _check_item(item, piece: int) -> None:
    """A framed value is valid when it re-encodes and decodes back to itself."""
    if isinstance(item, FujiDataPiece):
        assert len(item.payload) <= piece
    elif isinstance(item, FujiDataHeader):
        assert 0 <= item.total <= 0xFFFFFFFF - 12
    elif isinstance(item, FujiInitRequest):
        assert decode_fuji_init(encode_fuji_init(item)) == item
    elif isinstance(item, (InitCommandAck, InitFail)):
        assert decode_fuji_handshake(encode(item)) == item
    else:
        assert decode_container(encode_container(item)) == item


def _waiting_bound(framer: FujiFramer) -> int:
    """The most bytes the framer may hold while it waits for more, in its current phase."""
    if framer.handshake is FujiHandshake.ACK:
        return MAX_HANDSHAKE_PACKET
    if framer.handshake is FujiHandshake.INIT:
        return 82
    return max(MAX_CONTAINER, framer.data_piece)


def _run(framer: FujiFramer, chunks) -> None:
    fed = 0
    try:
        for chunk in chunks:
            framer.feed(chunk)
            fed += len(chunk)
            for item in framer:
                _check_item(item, framer.data_piece)
                assert framer.stream_offset <= fed
            # Drained: whatever is held is less than one whole unit the framer is allowed to wait
            # for. A hostile length never makes it hold more.
            assert fed - framer.stream_offset < _waiting_bound(framer)
    except ProtocolError as error:
        _offset_inside(error, fed)


# Random bytes, and bytes behind plausible headers so the deeper paths are reached.
CONTAINER_HEADS = st.builds(
    lambda length, kind, code, tid, body: struct.pack("<IHHI", length, kind, code, tid) + body,
    st.one_of(st.integers(0, 64), F.S.U32), st.integers(0, 6), F.S.U16, F.S.U32,
    st.binary(max_size=24),
)
CHUNKS = st.lists(st.one_of(
    st.binary(max_size=40), CONTAINER_HEADS, st.just(bytes.fromhex("08000000ffffffff")),
    st.builds(lambda t, n, body: struct.pack("<II", n, t) + body,
              st.integers(0, 8), st.integers(0, 100), st.binary(max_size=24)),
), max_size=12)


@F.examples(200)
@given(handshake=HANDSHAKES, chunks=CHUNKS, piece=F.DATA_PIECES)
def test_framer_random_bytes(handshake, chunks, piece):
    _run(FujiFramer(handshake, data_piece=piece), chunks)


def _valid_stream(handshake, containers) -> bytes:
    opening = {FujiHandshake.ACK: encode(InitCommandAck(1, bytes(16), "X-T4")),
               FujiHandshake.INIT: encode_fuji_init(FujiInitRequest(bytes(16), "pc")),
               None: b""}[handshake]
    return opening + F.wire(containers)


MUTATIONS = st.lists(st.tuples(
    st.sampled_from(["flip", "insert", "delete", "length", "truncate"]),
    st.integers(0, 10_000), st.integers(0, 255), F.S.U32,
), min_size=1, max_size=4)


def _mutate(raw: bytes, mutations) -> bytes:
    buf = bytearray(raw)
    for kind, where, byte, word in mutations:
        at = where % (len(buf) + 1)
        if kind == "flip" and buf:
            buf[at % len(buf)] ^= byte or 1
        elif kind == "insert":
            buf[at:at] = bytes([byte])
        elif kind == "delete" and buf:
            del buf[at % len(buf)]
        elif kind == "length" and len(buf) >= 4:
            at = min(at, len(buf) - 4)
            buf[at:at + 4] = struct.pack("<I", word)  # a hostile length anywhere
        elif kind == "truncate":
            del buf[at:]
    return bytes(buf)


@F.examples(200)
@given(handshake=HANDSHAKES, containers=F.SEQUENCES, mutations=MUTATIONS,
       piece=F.DATA_PIECES, data=st.data())
def test_framer_mutated_valid_streams(handshake, containers, mutations, piece, data):
    raw = _mutate(_valid_stream(handshake, containers), mutations)
    chunks = F.split(raw, data.draw(F.chunkings(len(raw))))
    _run(FujiFramer(handshake, data_piece=piece), chunks)


@F.examples(200)
@given(raw=st.one_of(st.binary(max_size=48), CONTAINER_HEADS))
def test_decode_container_random_bytes(raw):
    try:
        container = decode_container(raw)
    except ProtocolError as error:
        _offset_inside(error, len(raw))
    else:
        assert encode_container(container) == raw


@F.examples(150)
@given(raw=st.one_of(
    st.binary(max_size=100),
    st.builds(lambda t, body: struct.pack("<II", 82, t) + body, st.integers(0, 3),
              st.binary(min_size=70, max_size=78)),
))
def test_decode_fuji_init_random_bytes(raw):
    try:
        request = decode_fuji_init(raw)
    except ProtocolError as error:
        _offset_inside(error, len(raw))
    else:
        assert len(raw) == 82 and request.guid == raw[12:28]


@F.examples(150)
@given(raw=st.one_of(
    st.binary(max_size=64),
    st.builds(lambda t, body: struct.pack("<II", 8 + len(body), t) + body,
              st.integers(0, 8), st.binary(max_size=56)),
))
def test_decode_fuji_handshake_random_bytes(raw):
    try:
        answer = decode_fuji_handshake(raw)
    except ProtocolError as error:
        _offset_inside(error, len(raw))
    else:
        assert isinstance(answer, (InitCommandAck, InitFail))


@F.examples(60)
@given(container=F.CONTAINERS)
def test_every_strict_prefix_of_a_container_is_refused_whole_and_awaited_by_the_framer(container):
    raw = encode_container(container)
    for cut in range(len(raw)):
        try:
            decode_container(raw[:cut])
        except ProtocolError as error:
            _offset_inside(error, cut)
        else:  # pragma: no cover
            raise AssertionError(f"{cut}-byte prefix decoded")
        framer = FujiFramer(None, data_piece=1 << 20)
        framer.feed(raw[:cut])
        items = list(framer)
        assert framer.in_container or cut == 0
        assert all(isinstance(i, (FujiDataHeader, FujiDataPiece)) and not getattr(i, "last", 0)
                   for i in items)
