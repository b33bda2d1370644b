"""The transaction state machines: exact bytes, every legal order on both ends, every illegal one.

Expected bytes are hand-written hex (docs/ptpip.md §1), never produced by the encoder under test.
Illegal orders are in test_ptpip_transaction_illegal.py, the hypothesis properties in
test_ptpip_transaction_props.py.
"""

from __future__ import annotations

import pytest

from airnef_tui.ptpip import (
    Cancel, Data, DataPhase, EndData, Event, Framer, InitCommandAck, InitCommandRequest,
    InitEventAck, InitEventRequest, InitFail, OpCode, OperationRequest, OperationResponse,
    PacketType, ProbeRequest, ProbeResponse, ProtocolError, ResponseCode, StartData, decode,
    encode,
)
from airnef_tui.ptpip.transaction import (
    MAX_TRANSACTION_ID, DataCancelled, DataReceived, Initiator, RequestReceived, Responder,
    ResponseReceived, Step, is_out_of_band,
)

OK = ResponseCode.OK
GUID = bytes(range(16))


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", "").replace("\n", ""))


def wire(packets) -> bytes:
    return b"".join(encode(p) for p in packets)


def through_framer(raw: bytes, *, chunk: int | None = None, data_piece: int = 1 << 20) -> list:
    framer = Framer(data_piece=data_piece)
    out = []
    step = chunk or max(1, len(raw))
    for i in range(0, len(raw), step):
        framer.feed(raw[i:i + step])
        out.extend(framer)
    assert not framer.in_packet
    return out


# ---- 1. byte vectors -----------------------------------------------------------------------

def test_open_session_with_transaction_id_0():
    ini = Initiator()
    sent = ini.start(OpCode.OPEN_SESSION, (1,), transaction_id=0)
    assert wire(sent) == h("16000000 06000000 01000000 0210 00000000 01000000")
    assert ini.transaction_id == 0 and not ini.idle


def test_get_device_info_after_open_session_is_transaction_1():
    ini = Initiator()
    ini.start(OpCode.OPEN_SESSION, (1,), transaction_id=0)
    assert ini.receive(decode(h("0e000000 07000000 0120 00000000"))) == \
        ResponseReceived(OperationResponse(OK, 0))
    sent = ini.start(OpCode.GET_DEVICE_INFO)
    assert wire(sent) == h("12000000 06000000 01000000 0110 01000000")


def test_set_device_prop_value_sends_request_start_data_end_data():
    ini = Initiator()
    ini.start(OpCode.GET_DEVICE_INFO)  # tid 1
    ini.receive(OperationResponse(OK, 1))
    sent = ini.start(OpCode.SET_DEVICE_PROP_VALUE, (0x500E,), data_out=b"\x02\x80")
    assert [type(p) for p in sent] == [OperationRequest, StartData, EndData]
    assert sent[0].data_phase == DataPhase.OUT
    assert [encode(p) for p in sent] == [
        h("16000000 06000000 02000000 1610 02000000 0e500000"),  # data phase 2 = host→camera
        h("14000000 09000000 02000000 02000000 00000000"),  # u64 total 2
        h("0e000000 0c000000 02000000 0280"),
    ]


def test_empty_data_out_is_start_data_0_and_an_empty_end_data():
    sent = Initiator().start(0x9280, (4,), data_out=b"")
    assert wire(sent) == h("16000000 06000000 02000000 8092 01000000 04000000"
                           "14000000 09000000 01000000 00000000 00000000"
                           "0c000000 0c000000 01000000")


def test_responder_builds_the_documented_bytes():
    resp = Responder()
    assert resp.receive(decode(h("16000000 06000000 01000000 0910 05000000 07000000"))) == \
        RequestReceived(OperationRequest(OpCode.GET_OBJECT, 5, (7,)), False)
    assert encode(resp.start_data(0x1_0000_0064)) == \
        h("14000000 09000000 05000000 64000000 01000000")
    assert resp.data_header(PacketType.DATA, 0x64) == h("70000000 0a000000 05000000")
    assert resp.data_header(PacketType.DATA, 0xFFFFFFF0) == h("fcffffff 0a000000 05000000")
    assert resp.data_header(PacketType.END_DATA, 0x10) == h("1c000000 0c000000 05000000")
    assert encode(resp.respond(OK, (3,))) == h("12000000 07000000 0120 05000000 03000000")
    assert resp.step is Step.IDLE


def test_responder_empty_data_phase_bytes():
    resp = Responder()
    resp.receive(OperationRequest(0x9408, 9))
    assert encode(resp.start_data(0)) == h("14000000 09000000 09000000 00000000 00000000")
    assert resp.data_header(PacketType.END_DATA, 0) == h("0c000000 0c000000 09000000")
    assert encode(resp.respond(ResponseCode.NIKON_NO_TRANSFER_LIST)) == \
        h("0e000000 07000000 05a2 09000000")


def test_data_header_refuses_other_packet_types():
    resp = Responder()
    resp.receive(OperationRequest(OpCode.GET_OBJECT, 1))
    resp.start_data(3)
    with pytest.raises(ValueError):
        resp.data_header(PacketType.START_DATA, 3)


CAMERA_REPLY = h(
    "14000000 09000000 01000000 05000000 00000000"  # Start Data, 5 bytes
    "0f000000 0a000000 01000000 616263"             # Data "abc"
    "0e000000 0c000000 01000000 6465"               # End Data "de"
    "12000000 07000000 0120 01000000 2a000000"      # OK, param 42
)


@pytest.mark.parametrize("chunk", [None, 1, 7])
def test_camera_reply_through_framer_and_initiator(chunk):
    ini = Initiator()
    ini.start(OpCode.GET_DEVICE_INFO, max_data=5)
    events = [ini.receive(p) for p in through_framer(CAMERA_REPLY, chunk=chunk)]
    assert events == [
        None, DataReceived(b"abc"), DataReceived(b"de", last=True),
        ResponseReceived(OperationResponse(OK, 1, (42,))),
    ]
    assert ini.idle and ini.received == 5


def test_camera_reply_recut_by_framer_keeps_last_on_final_piece():
    ini = Initiator()
    ini.start(OpCode.GET_DEVICE_INFO)
    events = [ini.receive(p) for p in through_framer(CAMERA_REPLY, data_piece=2)]
    data = [e for e in events if isinstance(e, DataReceived)]
    assert b"".join(e.payload for e in data) == b"abcde"
    assert [e.last for e in data] == [False] * (len(data) - 1) + [True]
    assert events[-1] == ResponseReceived(OperationResponse(OK, 1, (42,)))


def test_camera_reply_with_wrong_transaction_id_fails_through_framer():
    ini = Initiator()
    ini.start(OpCode.GET_DEVICE_INFO)  # tid 1
    bad = CAMERA_REPLY[:-8] + h("02000000 2a000000")  # the response names transaction 2
    packets = through_framer(bad)
    for p in packets[:-1]:
        ini.receive(p)
    with pytest.raises(ProtocolError):
        ini.receive(packets[-1])


def test_out_of_band_packets_are_skipped_by_the_io_loop():
    raw = CAMERA_REPLY[:20] + encode(ProbeRequest()) + CAMERA_REPLY[20:] + encode(ProbeResponse())
    ini = Initiator()
    ini.start(OpCode.GET_DEVICE_INFO)
    events = [ini.receive(p) for p in through_framer(raw) if not is_out_of_band(p)]
    assert events[-1] == ResponseReceived(OperationResponse(OK, 1, (42,)))


ALL_PACKETS = [
    InitCommandRequest(GUID, "pc"), InitCommandAck(1, GUID, "cam"), InitEventRequest(1),
    InitEventAck(), InitFail(1), OperationRequest(1, 1), OperationResponse(OK, 1),
    Event(0x4002, 0, (1,)), StartData(1, 0), Data(1, b"x"), Cancel(1), EndData(1),
    ProbeRequest(), ProbeResponse(),
]


@pytest.mark.parametrize("packet", ALL_PACKETS, ids=lambda p: type(p).__name__)
def test_is_out_of_band(packet):
    assert is_out_of_band(packet) == (type(packet) in (ProbeRequest, ProbeResponse, Event))


def test_all_packet_types_covered():
    assert {p.type for p in ALL_PACKETS} == set(PacketType)


# ---- 2. legal orders -----------------------------------------------------------------------

def test_initiator_no_data():
    ini = Initiator()
    (req,) = ini.start(OpCode.CLOSE_SESSION)
    assert req == OperationRequest(OpCode.CLOSE_SESSION, 1, (), DataPhase.NONE_OR_IN)
    assert ini.step is Step.AWAIT_RESPONSE and not ini.idle
    assert ini.receive(OperationResponse(ResponseCode.GENERAL_ERROR, 1)) == \
        ResponseReceived(OperationResponse(ResponseCode.GENERAL_ERROR, 1))
    assert ini.idle and ini.received == 0


@pytest.mark.parametrize("pieces", [
    [b""], [b"abc"], [b"a", b"bc"], [b"", b"ab", b"", b"c"], [b"ab", b"c", b""], [b"", b""],
])
def test_initiator_data_in(pieces):
    ini = Initiator()
    ini.start(OpCode.GET_OBJECT, (0x10,), max_data=len(b"".join(pieces)))
    total = b"".join(pieces)
    assert ini.receive(StartData(1, len(total))) is None
    got = [ini.receive(Data(1, p)) for p in pieces[:-1]] + [ini.receive(EndData(1, pieces[-1]))]
    assert got == [DataReceived(p) for p in pieces[:-1]] + [DataReceived(pieces[-1], True)]
    assert ini.received == len(total) and not ini.idle
    assert ini.receive(OperationResponse(OK, 1)) == ResponseReceived(OperationResponse(OK, 1))
    assert ini.idle


def test_initiator_empty_data_phase():
    ini = Initiator()
    ini.start(OpCode.NIKON_GET_TRANSFER_LIST)
    assert ini.receive(StartData(1, 0)) is None
    assert ini.receive(EndData(1, b"")) == DataReceived(b"", last=True)
    assert isinstance(ini.receive(OperationResponse(OK, 1)), ResponseReceived)


def test_initiator_data_in_is_optional_even_when_allowed():
    ini = Initiator()
    ini.start(OpCode.GET_OBJECT, (5,), max_data=0)
    assert ini.receive(OperationResponse(ResponseCode.INVALID_OBJECT_HANDLE, 1)) == \
        ResponseReceived(OperationResponse(ResponseCode.INVALID_OBJECT_HANDLE, 1))


def test_initiator_data_out():
    ini = Initiator()
    sent = ini.start(OpCode.SET_DEVICE_PROP_VALUE, (0xD17C,), data_out=b"12345678")
    assert sent == (OperationRequest(OpCode.SET_DEVICE_PROP_VALUE, 1, (0xD17C,), DataPhase.OUT),
                    StartData(1, 8), EndData(1, b"12345678"))
    assert ini.receive(OperationResponse(OK, 1)) == ResponseReceived(OperationResponse(OK, 1))
    assert ini.idle


def test_initiator_numbers_transactions_1_2_3():
    ini = Initiator()
    for tid in (1, 2, 3, 4):
        (req,) = ini.start(OpCode.GET_STORAGE_IDS)
        assert req.transaction_id == tid == ini.transaction_id
        ini.receive(OperationResponse(OK, tid))


def test_initiator_explicit_tid_0_then_1():
    ini = Initiator()
    assert ini.start(OpCode.OPEN_SESSION, (1,), transaction_id=0)[0].transaction_id == 0
    ini.receive(OperationResponse(OK, 0))
    assert ini.start(OpCode.GET_DEVICE_INFO)[0].transaction_id == 1
    ini.receive(OperationResponse(OK, 1))
    assert ini.start(OpCode.GET_STORAGE_IDS)[0].transaction_id == 2


def test_initiator_reopening_session_restarts_at_0_then_1():
    ini = Initiator()
    for tid in (1, 2):
        ini.start(OpCode.GET_DEVICE_INFO)
        ini.receive(OperationResponse(OK, tid))
    ini.start(OpCode.OPEN_SESSION, (1,), transaction_id=0)
    ini.receive(OperationResponse(OK, 0))
    assert ini.start(OpCode.GET_DEVICE_INFO)[0].transaction_id == 1


def test_initiator_explicit_tid_continues_from_there():
    ini = Initiator()
    ini.start(OpCode.GET_DEVICE_INFO, transaction_id=41)
    ini.receive(OperationResponse(OK, 41))
    assert ini.start(OpCode.GET_DEVICE_INFO)[0].transaction_id == 42


def test_initiator_wraps_after_0xfffffffe_to_1():
    assert MAX_TRANSACTION_ID == 0xFFFFFFFE
    ini = Initiator()
    ini.start(OpCode.GET_DEVICE_INFO, transaction_id=0xFFFFFFFD)
    ini.receive(OperationResponse(OK, 0xFFFFFFFD))
    assert ini.start(OpCode.GET_DEVICE_INFO)[0].transaction_id == 0xFFFFFFFE
    ini.receive(OperationResponse(OK, 0xFFFFFFFE))
    (req,) = ini.start(OpCode.GET_DEVICE_INFO)
    assert req.transaction_id == 1  # never the reserved 0xFFFFFFFF, never 0
    assert encode(req)[-4:] == h("01000000")
    ini.receive(OperationResponse(OK, 1))
    assert ini.start(OpCode.GET_DEVICE_INFO)[0].transaction_id == 2


def test_initiator_start_data_exactly_max_data_is_fine():
    ini = Initiator()
    ini.start(OpCode.GET_PARTIAL_OBJECT, (1, 0, 4), max_data=4)
    assert ini.receive(StartData(1, 4)) is None
    assert ini.receive(EndData(1, b"wxyz")) == DataReceived(b"wxyz", True)
    assert isinstance(ini.receive(OperationResponse(OK, 1, (4,))), ResponseReceived)


def test_responder_no_data():
    resp = Responder()
    req = OperationRequest(OpCode.OPEN_SESSION, 0, (1,))
    assert resp.step is Step.IDLE and resp.transaction_id == 0
    assert resp.receive(req) == RequestReceived(req, expects_data=False)
    assert resp.step is Step.AWAIT_RESPONSE and resp.transaction_id == 0
    assert resp.respond(OK) == OperationResponse(OK, 0)
    assert resp.step is Step.IDLE


@pytest.mark.parametrize("pieces", [[0], [3], [1, 2], [0, 2, 0, 1], [2, 1, 0]])
def test_responder_data_in(pieces):
    resp = Responder()
    resp.receive(OperationRequest(OpCode.GET_OBJECT, 7, (1,)))
    total = sum(pieces)
    assert resp.start_data(total) == StartData(7, total)
    for n in pieces[:-1]:
        assert resp.data_header(PacketType.DATA, n) == encode(Data(7, b"\0" * n))[:12]
    assert resp.data_header(PacketType.END_DATA, pieces[-1]) == \
        encode(EndData(7, b"\0" * pieces[-1]))[:12]
    assert resp.respond(OK) == OperationResponse(OK, 7)
    assert resp.step is Step.IDLE


def test_responder_data_is_optional():
    resp = Responder()
    resp.receive(OperationRequest(OpCode.GET_OBJECT, 2, (99,)))
    assert resp.respond(ResponseCode.INVALID_OBJECT_HANDLE) == \
        OperationResponse(ResponseCode.INVALID_OBJECT_HANDLE, 2)


@pytest.mark.parametrize("pieces", [[b""], [b"abc"], [b"a", b"", b"bc"], [b"ab", b"c", b""]])
def test_responder_data_out(pieces):
    resp = Responder()
    req = OperationRequest(OpCode.SET_DEVICE_PROP_VALUE, 3, (0x5001,), DataPhase.OUT)
    assert resp.receive(req) == RequestReceived(req, expects_data=True)
    assert resp.step is Step.AWAIT_DATA
    assert resp.receive(StartData(3, len(b"".join(pieces)))) is None
    assert resp.step is Step.IN_DATA
    got = [resp.receive(Data(3, p)) for p in pieces[:-1]] + [resp.receive(EndData(3, pieces[-1]))]
    assert got == [DataReceived(p) for p in pieces[:-1]] + [DataReceived(pieces[-1], True)]
    assert resp.step is Step.AWAIT_RESPONSE
    assert resp.respond(OK) == OperationResponse(OK, 3)


def test_responder_data_out_operations_despite_no_data_flag():
    resp = Responder(data_out_operations=frozenset({0x9280}))
    req = OperationRequest(0x9280, 4, (4,), DataPhase.NONE_OR_IN)
    assert resp.receive(req) == RequestReceived(req, expects_data=True)
    resp.receive(StartData(4, 1))
    resp.receive(EndData(4, b"\0"))
    assert resp.respond(OK) == OperationResponse(OK, 4)
    # other opcodes flagged "no data" still have none
    req2 = OperationRequest(0x9281, 5, (4,))
    assert resp.receive(req2) == RequestReceived(req2, expects_data=False)


def test_responder_sequence_of_transactions_with_any_ids():
    resp = Responder()
    for tid in (0, 1, 2, 0xFFFFFFFE, 1):
        resp.receive(OperationRequest(OpCode.GET_DEVICE_INFO, tid))
        assert resp.transaction_id == tid
        assert resp.respond(OK).transaction_id == tid


def test_responder_cancel_before_host_start_data():
    resp = Responder()
    resp.receive(OperationRequest(OpCode.SET_DEVICE_PROP_VALUE, 6, (1,), DataPhase.OUT))
    assert resp.receive(Cancel(6)) == DataCancelled(6)
    assert resp.step is Step.AWAIT_RESPONSE
    assert resp.respond(ResponseCode.TRANSACTION_CANCELLED) == \
        OperationResponse(ResponseCode.TRANSACTION_CANCELLED, 6)
    assert resp.step is Step.IDLE


def test_responder_cancel_inside_host_data_phase():
    resp = Responder()
    resp.receive(OperationRequest(OpCode.SET_DEVICE_PROP_VALUE, 6, (1,), DataPhase.OUT))
    resp.receive(StartData(6, 10))
    resp.receive(Data(6, b"abc"))
    assert resp.receive(Cancel(6)) == DataCancelled(6)
    assert resp.step is Step.AWAIT_RESPONSE
    # the camera answers although 7 of the 10 bytes never came
    assert resp.respond(ResponseCode.TRANSACTION_CANCELLED).transaction_id == 6


@pytest.mark.parametrize("tid", [0, 6, 7, 0xFFFFFFFF])
def test_responder_ignores_late_cancel_when_idle(tid):
    resp = Responder()
    assert resp.receive(Cancel(tid)) is None  # before any transaction
    resp.receive(OperationRequest(OpCode.SET_DEVICE_PROP_VALUE, 6, (1,), DataPhase.OUT))
    resp.receive(StartData(6, 1))
    resp.receive(EndData(6, b"x"))
    assert resp.receive(Cancel(6)) is None  # data phase already complete: nothing to stop
    resp.respond(OK)
    assert resp.receive(Cancel(tid)) is None
    assert resp.step is Step.IDLE
    resp.receive(OperationRequest(OpCode.GET_DEVICE_INFO, 7))  # and the next transaction is fine
    assert resp.respond(OK) == OperationResponse(OK, 7)


def test_initiator_and_responder_talk_through_framers():
    ini, resp = Initiator(), Responder()
    host_to_cam = wire(ini.start(OpCode.SET_DEVICE_PROP_VALUE, (0x5001,), data_out=b"xy"))
    events = [resp.receive(p) for p in through_framer(host_to_cam, chunk=3)]
    assert events[0].expects_data and events[1] is None
    assert events[2:] == [DataReceived(b"xy", True)]
    back = encode(resp.respond(OK))
    assert [ini.receive(p) for p in through_framer(back)] == \
        [ResponseReceived(OperationResponse(OK, 1))]

    (req,) = ini.start(OpCode.GET_OBJECT, (9,))
    (got,) = through_framer(encode(req))
    assert resp.receive(got) == RequestReceived(req, False)
    body = b"0123456789"
    raw = (encode(resp.start_data(10)) + resp.data_header(PacketType.DATA, 4) + body[:4]
           + resp.data_header(PacketType.END_DATA, 6) + body[4:] + encode(resp.respond(OK)))
    events = [ini.receive(p) for p in through_framer(raw, chunk=5, data_piece=3)]
    assert b"".join(e.payload for e in events if isinstance(e, DataReceived)) == body
    assert events[-1] == ResponseReceived(OperationResponse(OK, 2)) and ini.idle


def test_the_camera_may_cancel_its_own_data_phase_and_then_answers():
    """PTP/IP lets either side send Cancel: the camera gives up mid-data, then responds."""
    from airnef_tui.ptpip import Cancel, Data, Initiator, OperationResponse, StartData
    from airnef_tui.ptpip.transaction import DataCancelled, DataReceived, ResponseReceived

    initiator = Initiator()
    initiator.start(0x101B, (1, 0, 100))
    tid = initiator.transaction_id
    assert initiator.receive(StartData(tid, 100)) is None
    assert initiator.receive(Data(tid, b"x" * 10)) == DataReceived(b"x" * 10)
    assert initiator.receive(Cancel(tid)) == DataCancelled(tid)
    done = initiator.receive(OperationResponse(0x201F, tid))
    assert isinstance(done, ResponseReceived) and initiator.idle


def test_a_camera_cancel_for_another_transaction_is_refused():
    from airnef_tui.ptpip import Cancel, Initiator, ProtocolError

    initiator = Initiator()
    initiator.start(0x1001)
    with pytest.raises(ProtocolError):
        initiator.receive(Cancel(initiator.transaction_id + 1))
