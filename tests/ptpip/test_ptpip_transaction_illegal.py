"""Every illegal order raises ProtocolError, on both ends, and nothing else.

Each case is (machine factory, legal steps, bad step): the legal steps must all go through, so the
error is pinned on the bad step and not on some earlier mistake in the case itself. A step is a
packet (fed to `receive`) or a callable acting on the machine (`start`, `respond`, ...).
"""

from __future__ import annotations

import pytest

from airnef_tui.ptpip import (
    Cancel, Data, DataPhase, EndData, InitCommandAck, InitCommandRequest, InitEventAck,
    InitEventRequest, InitFail, OpCode, OperationRequest, OperationResponse, PacketType,
    ProtocolError, ResponseCode, StartData,
)
from airnef_tui.ptpip.transaction import Initiator, Responder

OK = ResponseCode.OK
GUID = bytes(16)
SD, D, E, R, C = StartData, Data, EndData, OperationResponse, Cancel


def apply(machine, step):
    return step(machine) if callable(step) else machine.receive(step)


def initiator(*, data_out=None, max_data=None, tid=1):
    """An Initiator with transaction `tid` (GetObject) open."""
    def make():
        ini = Initiator()
        ini.start(OpCode.GET_OBJECT, (0x10,), data_out=data_out, max_data=max_data,
                  transaction_id=tid)
        return ini
    return make


def start(**kw):
    return lambda ini: ini.start(OpCode.GET_DEVICE_INFO, **kw)


ok_response = R(OK, 1)

INITIATOR_CASES = [
    # the order inside the camera's data phase
    (initiator(), [SD(1, 3), D(1, b"ab")], R(OK, 1), "response-before-end-data"),
    (initiator(), [SD(1, 0)], R(OK, 1), "response-right-after-start-data"),
    (initiator(), [SD(1, 2), D(1, b"ab")], R(OK, 1), "response-after-all-bytes-but-no-end-data"),
    (initiator(), [], D(1, b"x"), "data-before-start-data"),
    (initiator(), [], D(1, b""), "empty-data-before-start-data"),
    (initiator(), [], E(1, b""), "end-data-before-start-data"),
    (initiator(), [SD(1, 3)], SD(1, 3), "second-start-data"),
    (initiator(), [SD(1, 3), D(1, b"a")], SD(1, 2), "second-start-data-mid-phase"),
    (initiator(), [SD(1, 1), E(1, b"x")], SD(1, 1), "start-data-after-end-data"),
    (initiator(), [SD(1, 1), E(1, b"x")], D(1, b""), "data-after-end-data"),
    (initiator(), [SD(1, 1), E(1, b"x")], E(1, b""), "end-data-after-end-data"),
    (initiator(), [SD(1, 0), E(1, b"")], E(1, b""), "second-empty-end-data"),
    # byte counts
    (initiator(), [SD(1, 3), D(1, b"a")], E(1, b"b"), "end-data-too-few-bytes"),
    (initiator(), [SD(1, 3)], E(1, b""), "empty-end-data-of-announced-3"),
    (initiator(), [SD(1, 3)], E(1, b"abcd"), "end-data-too-many-bytes"),
    (initiator(), [SD(1, 0)], E(1, b"a"), "end-data-bytes-after-announced-0"),
    (initiator(), [SD(1, 3), D(1, b"ab")], D(1, b"cd"), "data-too-many-bytes"),
    (initiator(max_data=10), [], SD(1, 11), "start-data-larger-than-max-data"),
    (initiator(max_data=0), [], SD(1, 1), "start-data-larger-than-max-data-0"),
    (initiator(max_data=2**32), [], SD(1, 2**64 - 1), "start-data-u64-larger-than-max-data"),
    # another transaction's id
    (initiator(), [], SD(2, 1), "start-data-next-tid"),
    (initiator(), [], SD(0, 1), "start-data-tid-0"),
    (initiator(), [SD(1, 2)], D(2, b"a"), "data-other-tid"),
    (initiator(), [SD(1, 2)], E(0, b"ab"), "end-data-other-tid"),
    (initiator(), [SD(1, 2), D(1, b"a")], E(0xFFFFFFFF, b"b"), "end-data-reserved-tid"),
    (initiator(), [], R(OK, 2), "response-next-tid"),
    (initiator(), [], R(OK, 0), "response-previous-tid"),
    (initiator(), [SD(1, 1), E(1, b"x")], R(OK, 2), "response-after-data-other-tid"),
    (initiator(tid=0), [], R(OK, 1), "open-session-tid-0-answered-as-1"),
    (initiator(data_out=b"ab"), [], R(OK, 2), "response-other-tid-data-out"),
    # a packet while idle
    (Initiator, [], R(OK, 0), "response-while-idle-fresh"),
    (Initiator, [], SD(0, 0), "start-data-while-idle"),
    (Initiator, [], D(0, b""), "data-while-idle"),
    (Initiator, [], E(1, b""), "end-data-while-idle"),
    (initiator(), [ok_response], R(OK, 1), "response-twice"),
    (initiator(), [ok_response], D(1, b"x"), "data-after-response"),
    (initiator(), [SD(1, 0), E(1, b""), ok_response], E(1, b""), "end-data-after-response"),
    # camera data in a transaction whose data went to the camera
    (initiator(data_out=b"ab"), [], SD(1, 2), "start-data-in-data-out-transaction"),
    (initiator(data_out=b""), [], SD(1, 0), "start-data-0-in-empty-data-out-transaction"),
    (initiator(data_out=b"ab"), [], D(1, b"ab"), "data-in-data-out-transaction"),
    (initiator(data_out=b"ab"), [], E(1, b"ab"), "end-data-in-data-out-transaction"),
    # packets that have no place in a transaction
    (initiator(), [], OperationRequest(OpCode.GET_OBJECT, 1), "operation-request-from-camera"),
    (initiator(), [], InitCommandAck(1, GUID, "cam"), "init-command-ack"),
    (initiator(), [], InitFail(1), "init-fail"),
    (initiator(), [], InitEventAck(), "init-event-ack"),
    # start() while a transaction is open
    (initiator(), [], start(), "start-while-awaiting-response"),
    (initiator(), [SD(1, 2), D(1, b"a")], start(), "start-inside-data-phase"),
    (initiator(), [SD(1, 2), E(1, b"ab")], start(transaction_id=0), "start-before-response"),
    (initiator(data_out=b"x"), [], start(data_out=b"y"), "start-while-data-out-open"),
]


REQ = OperationRequest(OpCode.GET_OBJECT, 1, (5,))  # no host data
REQ_OUT = OperationRequest(OpCode.SET_DEVICE_PROP_VALUE, 1, (0x5001,), DataPhase.OUT)


def start_data(n):
    return lambda r: r.start_data(n)


def header(kind, n):
    return lambda r: r.data_header(kind, n)


def respond(r):
    return r.respond(OK)


DATA, END = PacketType.DATA, PacketType.END_DATA

RESPONDER_CASES = [
    # a new request while a transaction is open
    ([REQ], OperationRequest(OpCode.GET_DEVICE_INFO, 2), "request-while-awaiting-response"),
    ([REQ], REQ, "same-request-twice"),
    ([REQ_OUT], REQ, "request-while-awaiting-host-data"),
    ([REQ_OUT, SD(1, 3)], REQ, "request-inside-host-data"),
    ([REQ_OUT, SD(1, 1), E(1, b"x")], REQ, "request-after-host-data-before-response"),
    ([REQ_OUT, C(1)], REQ, "request-after-cancel-before-response"),
    ([REQ, start_data(3)], REQ, "request-while-camera-sends-data"),
    # Start Data when no host data is due
    ([], SD(1, 0), "start-data-while-idle"),
    ([REQ], SD(1, 0), "start-data-for-no-data-request"),
    ([REQ_OUT, SD(1, 2)], SD(1, 2), "second-start-data"),
    ([REQ_OUT, SD(1, 1), E(1, b"x")], SD(1, 1), "start-data-after-end-data"),
    ([REQ_OUT, C(1)], SD(1, 0), "start-data-after-cancel"),
    ([REQ, respond], SD(1, 0), "start-data-after-response"),
    # Data / End Data outside the host's data phase
    ([], D(1, b""), "data-while-idle"),
    ([], E(1, b""), "end-data-while-idle"),
    ([REQ], D(1, b"x"), "data-for-no-data-request"),
    ([REQ_OUT], D(1, b"x"), "data-before-start-data"),
    ([REQ_OUT], E(1, b""), "end-data-before-start-data"),
    ([REQ_OUT, SD(1, 1), E(1, b"x")], D(1, b""), "data-after-end-data"),
    ([REQ_OUT, SD(1, 1), E(1, b"x")], E(1, b""), "end-data-after-end-data"),
    ([REQ_OUT, SD(1, 3), D(1, b"a"), C(1)], D(1, b"b"), "data-after-cancel"),
    # byte counts of the host's data
    ([REQ_OUT, SD(1, 3), D(1, b"a")], E(1, b"b"), "end-data-too-few-bytes"),
    ([REQ_OUT, SD(1, 3)], E(1, b"abcd"), "end-data-too-many-bytes"),
    ([REQ_OUT, SD(1, 3), D(1, b"ab")], D(1, b"cd"), "data-too-many-bytes"),
    # another transaction's id
    ([REQ_OUT], SD(2, 1), "start-data-other-tid"),
    ([REQ_OUT, SD(1, 2)], D(2, b"a"), "data-other-tid"),
    ([REQ_OUT, SD(1, 2)], E(0, b"ab"), "end-data-other-tid"),
    ([REQ_OUT], C(2), "cancel-other-tid-before-start-data"),
    ([REQ_OUT, SD(1, 2)], C(0), "cancel-other-tid-inside-data"),
    # host packets that have no place in a transaction
    ([], R(OK, 0), "response-from-host-while-idle"),
    ([REQ], R(OK, 1), "response-from-host"),
    ([REQ], InitCommandRequest(GUID, "pc"), "init-command-request"),
    ([], InitEventRequest(1), "init-event-request"),
    # the camera's answer out of order
    ([REQ, respond], respond, "respond-twice"),
    ([], respond, "respond-while-idle"),
    ([REQ_OUT], respond, "respond-before-host-data"),
    ([REQ_OUT, SD(1, 2), D(1, b"a")], respond, "respond-inside-host-data"),
    ([REQ, start_data(1)], start_data(1), "start-data-twice"),
    ([REQ, start_data(0), header(END, 0)], start_data(0), "start-data-after-end-data-sent"),
    ([], start_data(0), "start-data-call-while-idle"),
    ([REQ, respond], start_data(0), "start-data-call-after-response"),
    ([REQ_OUT], start_data(0), "start-data-call-before-host-data"),
    ([REQ_OUT, SD(1, 1), E(1, b"x")], start_data(1), "start-data-call-in-data-out-transaction"),
    ([REQ_OUT, C(1)], start_data(0), "start-data-call-after-host-cancel"),
    ([REQ, start_data(3)], header(DATA, 4), "data-header-past-total"),
    ([REQ, start_data(3), header(DATA, 2)], header(END, 2), "end-data-header-past-total"),
    ([REQ, start_data(3), header(DATA, 3)], header(DATA, 1), "data-header-past-total-later"),
    ([REQ, start_data(3)], header(END, 2), "end-data-header-short"),
    ([REQ, start_data(0)], header(END, 1), "end-data-header-past-total-0"),
    ([REQ], header(DATA, 0), "data-header-before-start-data"),
    ([], header(END, 0), "data-header-while-idle"),
    ([REQ_OUT], header(DATA, 0), "data-header-while-host-data-due"),
    ([REQ, start_data(0), header(END, 0)], header(DATA, 0), "data-header-after-end-data"),
    ([REQ, start_data(0), header(END, 0), respond], header(END, 0), "data-header-after-response"),
    ([REQ, start_data(3)], respond, "respond-before-announced-data"),
    ([REQ, start_data(3), header(DATA, 3)], respond, "respond-before-end-data-header"),
]


@pytest.mark.parametrize("make, steps, bad", [
    pytest.param(make, steps, bad, id=name) for make, steps, bad, name in INITIATOR_CASES])
def test_initiator_rejects(make, steps, bad):
    ini = make()
    for step in steps:
        apply(ini, step)
    with pytest.raises(ProtocolError):
        apply(ini, bad)


@pytest.mark.parametrize("steps, bad", [
    pytest.param(steps, bad, id=name) for steps, bad, name in RESPONDER_CASES])
def test_responder_rejects(steps, bad):
    resp = Responder()
    for step in steps:
        apply(resp, step)
    with pytest.raises(ProtocolError):
        apply(resp, bad)


def test_case_names_are_unique():
    for cases in (INITIATOR_CASES, RESPONDER_CASES):
        names = [case[-1] for case in cases]
        assert len(names) == len(set(names))
