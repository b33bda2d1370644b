"""The Fujifilm transaction machines: exact bytes of a phone-mode session's first steps, every legal
order on both ends, the illegal ones, and whole sessions through both framers in random chunks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airnef_tui.ptpip import (
    DataPhase, DataReceived, FujiCommand, FujiData, FujiDataHeader, FujiDataPiece, FujiEvent,
    FujiFramer, FujiHandshake, FujiHangUp, FujiInitiator, FujiInitRequest, FujiResponder,
    FujiResponse, InitCommandAck, OpCode, OperationRequest, OperationResponse, ProtocolError,
    RequestReceived, ResponseCode, ResponseReceived, encode, encode_container, encode_fuji_init,
    is_fuji_out_of_band,
)
from airnef_tui.ptpip.transaction import MAX_TRANSACTION_ID, Step

import test_ptpip_fuji_strategies as F

OK = ResponseCode.OK
GUID = bytes(range(16))


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def wire(containers) -> bytes:
    return b"".join(encode_container(c) for c in containers)


def framed(raw: bytes, *, piece: int = 1 << 20) -> list:
    framer = FujiFramer(None, data_piece=piece)
    framer.feed(raw)
    out = list(framer)
    assert not framer.in_container
    return out


# ---- byte vectors of a phone-mode session ----------------------------------------------------

def test_open_session_is_transaction_0_and_get_device_info_1():
    ini = FujiInitiator()
    assert wire(ini.start(OpCode.OPEN_SESSION, (1,), transaction_id=0)) == \
        h("10000000 0100 0210 00000000 01000000")
    assert ini.receive(FujiResponse(OK, 0)) == ResponseReceived(OperationResponse(OK, 0))
    assert ini.idle
    assert wire(ini.start(OpCode.GET_DEVICE_INFO)) == h("0c000000 0100 0110 01000000")


def test_the_x_t4s_empty_device_info():
    ini = FujiInitiator()
    ini.start(OpCode.GET_DEVICE_INFO, transaction_id=1)
    got = [ini.receive(i) for i in framed(h("0c000000 0200 0110 01000000 0c000000 0300 0120 01000000"))]
    assert got == [None, DataReceived(b"", True), ResponseReceived(OperationResponse(OK, 1))]


def test_get_device_prop_value_d212_in_pieces():
    ini = FujiInitiator()
    ini.start(OpCode.GET_DEVICE_PROP_VALUE, (0xD212,), transaction_id=2)
    # a u16 count, then {u16 code, u32 value}: 0xDF00 = 2 (full access)
    raw = h("14000000 0200 1510 02000000 0100 00df 02000000 0c000000 0300 0120 02000000")
    events = [ini.receive(i) for i in framed(raw, piece=4)]
    assert events[0] is None and ini.announced == 8
    assert b"".join(e.payload for e in events[1:-1]) == h("0100 00df 02000000")
    assert [e.last for e in events[1:-1]] == [False, True]
    assert events[-1] == ResponseReceived(OperationResponse(OK, 2)) and ini.received == 8


def test_set_device_prop_value_sends_command_then_a_12_byte_data_header_and_bytes():
    ini = FujiInitiator()
    sent = ini.start(OpCode.SET_DEVICE_PROP_VALUE, (0xDF01,), data_out=h("0200"),
                     transaction_id=3)
    assert [encode_container(c) for c in sent] == [
        h("10000000 0100 1610 03000000 01df0000"),
        h("0e000000 0200 1610 03000000 0200"),
    ]
    assert ini.receive(FujiResponse(OK, 3)) == ResponseReceived(OperationResponse(OK, 3))


def test_a_refusal_without_data_closes_a_data_in_transaction():
    ini = FujiInitiator()
    ini.start(OpCode.GET_OBJECT_INFO, (9,), transaction_id=4)
    response = FujiResponse(ResponseCode.INVALID_OBJECT_HANDLE, 4)
    assert ini.receive(response) == ResponseReceived(OperationResponse(0x2009, 4))


def test_numbering_wraps_to_1():
    ini = FujiInitiator()
    ini.start(OpCode.GET_DEVICE_INFO, transaction_id=MAX_TRANSACTION_ID)
    ini.receive(FujiResponse(OK, MAX_TRANSACTION_ID))
    assert ini.start(OpCode.GET_DEVICE_INFO)[0].transaction_id == 1


def test_responder_answers_a_get_with_a_streamed_data_header():
    res = FujiResponder()
    framer = FujiFramer(FujiHandshake.INIT)
    framer.feed(encode_fuji_init(FujiInitRequest(GUID, "pc")) + h("18000000 0100 1b10 05000000 01000000 00000000 00001000"))
    init, command = list(framer)
    assert init == FujiInitRequest(GUID, "pc")
    assert res.receive(command) == RequestReceived(
        OperationRequest(0x101B, 5, (1, 0, 0x100000), DataPhase.NONE_OR_IN), False)
    assert res.data_header(0x100000) == h("0c001000 0200 1b10 05000000")
    assert encode_container(res.respond(OK)) == h("0c000000 0300 0120 05000000")


def test_responder_takes_the_hosts_data_for_set_device_prop_value():
    res = FujiResponder()
    raw = h("10000000 0100 1610 06000000 27d20000 0e000000 0200 1610 06000000 0100")
    items = framed(raw, piece=1)
    assert res.receive(items[0]) == RequestReceived(
        OperationRequest(0x1016, 6, (0xD227,), DataPhase.OUT), True)
    assert [res.receive(i) for i in items[1:]] == [
        None, DataReceived(b"\x01", False), DataReceived(b"\x00", True)]
    assert res.respond(OK) == FujiResponse(OK, 6)
    assert res.step is Step.IDLE


def test_responder_takes_a_whole_data_container():
    res = FujiResponder()
    res.receive(FujiCommand(0x1016, 1, (0xDF01,)))
    assert res.receive(FujiData(0x1016, 1, b"\x02\x00")) == DataReceived(b"\x02\x00", True)
    assert res.data_out_operations >= {0x1016, 0x100C, 0x100D, 0x900C, 0x900D}
    assert res.respond(OK, (7,)) == FujiResponse(OK, 1, (7,))


def test_responder_small_data_as_one_container():
    res = FujiResponder()
    res.receive(FujiCommand(0x1015, 2, (0xD222,)))
    assert encode_container(res.data(b"\x05\x00")) == h("0e000000 0200 1510 02000000 0500")
    assert res.respond(OK) == FujiResponse(OK, 2)


def test_out_of_band():
    assert is_fuji_out_of_band(FujiEvent(0x4002, 0)) and is_fuji_out_of_band(FujiHangUp())
    for item in (FujiResponse(OK, 1), FujiCommand(1, 1), FujiDataPiece(1), InitCommandAck(1, GUID, "")):
        assert not is_fuji_out_of_band(item)


# ---- illegal orders --------------------------------------------------------------------------

def _open(opcode=OpCode.GET_OBJECT, **kw) -> FujiInitiator:
    ini = FujiInitiator()
    ini.start(opcode, (1,), transaction_id=5, **kw)
    return ini


@pytest.mark.parametrize("setup, items", [
    ("idle", [FujiResponse(OK, 0)]),
    ("open", [FujiResponse(OK, 6)]),  # another transaction's id
    ("open", [FujiDataHeader(0x1009, 4, 3)]),
    ("open", [FujiDataPiece(5, b"x", True)]),  # a piece with no header
    ("open", [FujiDataHeader(0x1009, 5, 3), FujiResponse(OK, 5)]),  # response mid-data
    ("open", [FujiDataHeader(0x1009, 5, 3), FujiDataPiece(6, b"abc", True)]),
    ("open", [FujiDataHeader(0x1009, 5, 2), FujiDataPiece(5, b"abc", True)]),  # too long
    ("open", [FujiDataHeader(0x1009, 5, 4), FujiDataPiece(5, b"abc", True)]),  # too short
    ("open", [FujiDataHeader(0x1009, 5, 0), FujiDataPiece(5, b"", True),
              FujiDataHeader(0x1009, 5, 0)]),  # a second data container
    ("open", [FujiData(0x1009, 5, b""), FujiData(0x1009, 5, b"")]),
    ("open", [FujiEvent(0x4002, 5)]),  # out of band: not for the machine
    ("open", [FujiHangUp()]),
    ("open", [FujiCommand(0x1001, 5)]),  # the camera does not send commands
    ("capped", [FujiDataHeader(0x1009, 5, 101)]),
    ("data-out", [FujiDataHeader(0x1016, 5, 0)]),  # data both ways
    ("data-out", [FujiData(0x1016, 5, b"")]),
])
def test_initiator_refuses(setup, items):
    if setup == "idle":
        ini = FujiInitiator()
    elif setup == "capped":
        ini = _open(max_data=100)
    elif setup == "data-out":
        ini = _open(OpCode.SET_DEVICE_PROP_VALUE, data_out=b"\x01")
    else:
        ini = _open()
    with pytest.raises(ProtocolError):
        for item in items:
            ini.receive(item)


def test_initiator_refuses_a_second_start_and_bad_params_without_changing_state():
    ini = _open()
    with pytest.raises(ProtocolError):
        ini.start(OpCode.GET_DEVICE_INFO)
    fresh = FujiInitiator()
    for params in [(1, 2, 3, 4, 5, 6), (1 << 32,), (-1,)]:
        with pytest.raises(ProtocolError):
            fresh.start(OpCode.GET_OBJECT, params)
        assert fresh.idle and fresh.transaction_id == 0
    for opcode, tid in [(0x10000, None), (-1, None), (0x1001, 1 << 32)]:
        with pytest.raises(ProtocolError):
            fresh.start(opcode, transaction_id=tid)
        assert fresh.idle and fresh.transaction_id == 0


def test_max_data_at_the_limit_is_fine():
    ini = _open(max_data=3)
    assert ini.receive(FujiData(0x1009, 5, b"abc")) == DataReceived(b"abc", True)


@pytest.mark.parametrize("items", [
    [FujiResponse(OK, 1)],
    [FujiEvent(0x4002, 1)],
    [FujiHangUp()],
    [FujiDataHeader(0x1016, 1, 1)],  # data before any command
    [FujiCommand(0x1001, 1), FujiCommand(0x1001, 2)],  # a second command before the answer
    [FujiCommand(0x1001, 1), FujiData(0x1001, 1, b"x")],  # data for a no-data operation
    [FujiCommand(0x1016, 1), FujiDataHeader(0x1016, 2, 1)],  # another transaction's data
    [FujiCommand(0x1016, 1), FujiDataPiece(1, b"x", True)],  # a piece with no header
    [FujiCommand(0x1016, 1), FujiDataHeader(0x1016, 1, 2), FujiDataPiece(1, b"x", True)],
    [FujiCommand(0x1016, 1), FujiData(0x1016, 1, b""), FujiData(0x1016, 1, b"")],
])
def test_responder_refuses(items):
    res = FujiResponder()
    with pytest.raises(ProtocolError):
        for item in items:
            res.receive(item)


def test_responder_refuses_to_answer_out_of_order():
    res = FujiResponder()
    with pytest.raises(ProtocolError):
        res.respond(OK)  # nothing to answer
    res.receive(FujiCommand(0x1016, 1, (0xD227,)))
    for call in (lambda: res.respond(OK), lambda: res.data_header(1)):
        with pytest.raises(ProtocolError):
            call()  # the host's data has not come yet
    res.receive(FujiData(0x1016, 1, b"\x01\x00"))
    with pytest.raises(ProtocolError):
        res.data(b"x")  # this transaction's data came from the host
    res.respond(OK)
    res.receive(FujiCommand(0x1009, 2, (1,)))
    res.data_header(5)
    with pytest.raises(ProtocolError):
        res.data_header(5)  # one data container per transaction
    with pytest.raises(ProtocolError):
        res.respond(OK, (1, 2, 3, 4, 5, 6))
    res.respond(OK)
    res.receive(FujiCommand(0x1009, 3, (1,)))
    with pytest.raises(ProtocolError):
        res.data_header(0xFFFFFFF4)  # too big for one container: and nothing was claimed
    assert res.data(b"ok") == FujiData(0x1009, 3, b"ok")


def test_responder_data_out_operations_are_configurable():
    res = FujiResponder(frozenset({0x9999}))
    assert res.receive(FujiCommand(0x9999, 1)).expects_data
    res.receive(FujiData(0x9999, 1))
    res.respond(OK)
    assert not res.receive(FujiCommand(0x1016, 2)).expects_data


# ---- whole sessions through both framers -----------------------------------------------------

# One transaction: opcode, params, host data or None, camera data or None (only without host
# data), whether the camera streams its data with data_header, events sent before the response,
# and the response.
TRANSACTIONS = st.tuples(
    F.S.U16.filter(lambda op: op not in (0x1016, 0x100C, 0x100D, 0x900C, 0x900D)),
    F.PARAMS, st.none() | st.binary(max_size=40), st.none() | st.binary(max_size=40),
    st.booleans(), st.lists(F.EVENTS, max_size=2), F.S.U16, F.PARAMS,
)


def _feed(framer, raw, cuts):
    out = []
    for chunk in F.split(raw, cuts):
        framer.feed(chunk)
        out.extend(framer)
    return out


def _camera_answers(res, host_data, camera_data, stream, events, code, params):
    sent = b""
    if camera_data is not None and host_data is None:
        if stream:
            sent += res.data_header(len(camera_data)) + camera_data
        else:
            sent += encode_container(res.data(camera_data))
    sent += b"".join(encode_container(e) for e in events)
    return sent + encode_container(res.respond(code, params))


@F.examples(60)
@given(session=st.lists(TRANSACTIONS, min_size=1, max_size=6), piece=F.DATA_PIECES,
       data=st.data())
def test_whole_sessions_round_trip_through_both_framers(session, piece, data):
    ini, res = FujiInitiator(), FujiResponder()
    cam_framer = FujiFramer(FujiHandshake.INIT, data_piece=piece)
    host_framer = FujiFramer(FujiHandshake.ACK, data_piece=piece)
    hello = encode_fuji_init(FujiInitRequest(GUID, "airnef"))
    assert _feed(cam_framer, hello, data.draw(F.chunkings(len(hello)))) == \
        [FujiInitRequest(GUID, "airnef")]
    ack = encode(InitCommandAck(1, GUID, "X-S10"))
    assert _feed(host_framer, ack, data.draw(F.chunkings(len(ack)))) == \
        [InitCommandAck(1, GUID, "X-S10")]
    for opcode, params, host_data, camera_data, stream, events, code, rparams in session:
        sent = ini.start(opcode, params, data_out=host_data)
        raw = wire(sent)
        res.data_out_operations = frozenset({opcode}) if host_data is not None else frozenset()
        got = [res.receive(i) for i in _feed(cam_framer, raw, data.draw(F.chunkings(len(raw))))]
        got = [g for g in got if g is not None]
        assert got[0] == RequestReceived(OperationRequest(
            opcode, ini.transaction_id, params,
            DataPhase.OUT if host_data is not None else DataPhase.NONE_OR_IN), host_data is not None)
        assert b"".join(g.payload for g in got[1:]) == (host_data or b"")
        assert all(g.last == (i == len(got) - 2) for i, g in enumerate(got[1:]))
        answer = _camera_answers(res, host_data, camera_data, stream, events, code, rparams)
        items = _feed(host_framer, answer, data.draw(F.chunkings(len(answer))))
        seen_events = [i for i in items if is_fuji_out_of_band(i)]
        results = [ini.receive(i) for i in items if not is_fuji_out_of_band(i)]
        results = [r for r in results if r is not None]
        assert seen_events == events
        assert results[-1] == ResponseReceived(OperationResponse(code, ini.transaction_id, rparams))
        expected = camera_data if host_data is None else None
        if expected is None:
            assert len(results) == 1
        else:
            assert b"".join(r.payload for r in results[:-1]) == expected
            assert [r.last for r in results[:-1]] == [False] * (len(results) - 2) + [True]
            assert all(len(r.payload) <= piece for r in results[:-1])
        assert ini.idle and res.step is Step.IDLE
    hang_up = encode_container(FujiHangUp())
    assert _feed(cam_framer, hang_up, []) == [FujiHangUp()] and cam_framer.closed


# ---- random input to the machines ------------------------------------------------------------

ITEMS = st.one_of(
    F.COMMANDS, F.RESPONSES, F.EVENTS, F.DATAS, F.HANG_UPS,
    st.builds(FujiDataHeader, F.S.U16, st.integers(0, 3), st.integers(0, 8)),
    st.builds(FujiDataPiece, st.integers(0, 3), st.binary(max_size=8), st.booleans()),
    st.builds(FujiResponse, F.S.U16, st.integers(0, 3), F.PARAMS),
    st.builds(FujiCommand, st.sampled_from([0x1001, 0x1016]), st.integers(0, 3), F.PARAMS),
)


@F.examples(150)
@given(items=st.lists(ITEMS, max_size=12),
       starts=st.lists(st.none() | st.integers(0, 3), max_size=12))
def test_random_items_only_ever_raise_protocol_error(items, starts):
    """The initiator is opened (transaction id 0–3) where `starts` says, whenever idle."""
    ini, res = FujiInitiator(), FujiResponder()
    for item, start in zip(items, starts + [None] * len(items)):
        if start is not None and ini.idle:
            ini.start(0x1009, (1,), transaction_id=start)
        for machine in (ini, res):
            try:
                machine.receive(item)
            except ProtocolError:
                pass
