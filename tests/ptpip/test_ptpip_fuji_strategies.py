"""Hypothesis strategies for the Fujifilm transport, and checks that they draw what they claim.

Named test_… only because the Fujifilm test files are the paths this work owns; the other
test_ptpip_fuji_* modules import it (`import test_ptpip_fuji_strategies as F`) as the PTP/IP tests
import ptpip_strategies.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from airnef_tui.ptpip import (
    FujiCommand, FujiData, FujiDataHeader, FujiDataPiece, FujiEvent, FujiHangUp, FujiResponse,
    InitCommandAck, InitFail, encode_container,
)

import ptpip_strategies as S

PARAMS = st.lists(S.U32, max_size=5).map(tuple)
PAYLOADS = st.binary(max_size=48)
COMMANDS = st.builds(FujiCommand, S.U16, S.U32, PARAMS)
RESPONSES = st.builds(FujiResponse, S.U16, S.U32, PARAMS)
EVENTS = st.builds(FujiEvent, S.U16, S.U32, PARAMS)
DATAS = st.builds(FujiData, S.U16, S.U32, PAYLOADS)
HANG_UPS = st.just(FujiHangUp())
# A hang-up closes the stream, so sequences put it last if at all.
CONTAINERS = st.one_of(COMMANDS, RESPONSES, EVENTS, DATAS)
SEQUENCES = st.builds(lambda items, hang_up: items + [FujiHangUp()] * hang_up,
                      st.lists(CONTAINERS, max_size=10), st.booleans())
ACKS = st.builds(InitCommandAck, S.U32, S.GUIDS, S.NAMES, S.U32)
INIT_FAILS = st.builds(InitFail, S.U32)
DATA_PIECES = st.integers(1, 64)


def examples(count: int):
    return S.examples(count)


def split(raw: bytes, cuts: list[int]) -> list[bytes]:
    points = [0, *sorted(set(cuts)), len(raw)]
    return [raw[a:b] for a, b in zip(points, points[1:])]


def chunkings(raw_len: int):
    """Hypothesis-chosen split points, or one byte at a time."""
    return st.one_of(st.lists(st.integers(0, raw_len), max_size=20),
                     st.just(list(range(raw_len + 1))))


def wire(containers) -> bytes:
    return b"".join(encode_container(c) for c in containers)


def normalise(items) -> list:
    """Framer output back to whole containers: a data header and its pieces become one FujiData.
    Raises AssertionError when the pieces do not add up to the header's total."""
    out, header, payload = [], None, bytearray()
    for item in items:
        if isinstance(item, FujiDataHeader):
            assert header is None, "a data header inside a data container"
            header, payload = item, bytearray()
        elif isinstance(item, FujiDataPiece):
            assert header is not None and item.transaction_id == header.transaction_id
            payload += item.payload
            if item.last:
                assert len(payload) == header.total
                out.append(FujiData(header.code, header.transaction_id, bytes(payload)))
                header = None
            else:
                assert len(payload) < header.total
        else:
            assert header is None, f"{item!r} inside a data container"
            out.append(item)
    assert header is None, "a data container left open"
    return out


@examples(30)
@given(sequence=SEQUENCES)
def test_sequences_end_with_at_most_one_hang_up(sequence):
    assert FujiHangUp() not in sequence[:-1]
    assert all(len(getattr(c, "params", ())) <= 5 for c in sequence)


def test_normalise_joins_pieces_and_refuses_a_short_run():
    items = [FujiDataHeader(0x1009, 4, 3), FujiDataPiece(4, b"ab"), FujiDataPiece(4, b"c", True)]
    assert normalise(items) == [FujiData(0x1009, 4, b"abc")]
    try:
        normalise([FujiDataHeader(0x1009, 4, 3), FujiDataPiece(4, b"ab", True)])
    except AssertionError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a short run was accepted")
