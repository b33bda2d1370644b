"""Hypothesis properties of the transaction machines.

(a) random legal transactions round-trip: the payload comes out whole and in order, on both ends
    and through the Framer; (b) random packet sequences only ever give ProtocolError, and every
    accept/reject agrees with a small reference model written from docs/ptpip.md §1 (regular
    expressions over packet kinds plus byte counts) rather than from transaction.py; (c) mutations
    of a legal sequence that are always illegal are always caught.
"""

from __future__ import annotations

import copy
import dataclasses
import re

from hypothesis import given
from hypothesis import strategies as st

from airnef_tui.ptpip import (
    Cancel, Data, DataPhase, EndData, Framer, OperationRequest, OperationResponse, PacketType,
    ProtocolError, StartData, encode,
)
from airnef_tui.ptpip.transaction import (
    MAX_TRANSACTION_ID, DataCancelled, DataReceived, Initiator, RequestReceived, Responder,
    ResponseReceived,
)

import ptpip_strategies as S

PAYLOADS = st.binary(max_size=64)
TIDS = st.one_of(st.just(0), st.integers(1, 5), st.integers(MAX_TRANSACTION_ID - 2,
                                                            MAX_TRANSACTION_ID))
RESPONSES = st.builds(lambda code, params: (code, params), S.U16, S.OP_PARAMS)


def split(payload: bytes, cuts: list[int]) -> list[bytes]:
    """Pieces (possibly empty) whose concatenation is `payload`; the last goes in End Data."""
    points = [0, *sorted(min(c, len(payload)) for c in cuts), len(payload)]
    return [payload[a:b] for a, b in zip(points, points[1:])]


@st.composite
def exchanges(draw):
    """One legal transaction: how the host starts it and what both ends send."""
    direction = draw(st.sampled_from(["none", "in", "out"]))
    payload = draw(PAYLOADS) if direction != "none" else b""
    pieces = split(payload, draw(st.lists(st.integers(0, 64), max_size=5)))
    slack = draw(st.one_of(st.none(), st.integers(0, 10)))
    return {
        "direction": direction, "opcode": draw(S.U16), "params": draw(S.OP_PARAMS),
        "tid": draw(st.one_of(st.none(), TIDS)), "payload": payload, "pieces": pieces,
        "max_data": None if slack is None or direction != "in" else len(payload) + slack,
        "response": draw(RESPONSES),
    }


def begin(ini: Initiator, ex: dict):
    return ini.start(ex["opcode"], ex["params"], max_data=ex["max_data"],
                     transaction_id=ex["tid"],
                     data_out=ex["payload"] if ex["direction"] == "out" else None)


def camera_packets(tid: int, ex: dict) -> list:
    """What a camera sends back for `ex` (data in: Start Data, Data…, End Data; then Response)."""
    out = []
    if ex["direction"] == "in":
        pieces = ex["pieces"]
        out = [StartData(tid, len(ex["payload"]))] + [Data(tid, p) for p in pieces[:-1]]
        out.append(EndData(tid, pieces[-1]))
    code, params = ex["response"]
    return out + [OperationResponse(code, tid, params)]


def next_tid(previous: int) -> int:
    return previous + 1 if previous < MAX_TRANSACTION_ID else 1


def reframe(raw: bytes, cuts: list[int], data_piece: int) -> list:
    framer, out = Framer(data_piece=data_piece), []
    points = [0, *sorted(min(c, len(raw)) for c in cuts), len(raw)]
    for a, b in zip(points, points[1:]):
        framer.feed(raw[a:b])
        out.extend(framer)
    assert not framer.in_packet
    return out


# ---- (a) legal transactions round-trip -----------------------------------------------------

@S.examples(200)
@given(st.lists(exchanges(), min_size=1, max_size=4), st.sampled_from([0, 1, 41,
                                                                      MAX_TRANSACTION_ID - 1]))
def test_initiator_legal_transactions(exs, first):
    ini = Initiator()
    ini.start(0x1002, (1,), transaction_id=first)
    ini.receive(OperationResponse(0x2001, first))
    previous = first
    for ex in exs:
        sent = begin(ini, ex)
        tid = ex["tid"] if ex["tid"] is not None else next_tid(previous)
        previous = tid
        phase = DataPhase.OUT if ex["direction"] == "out" else DataPhase.NONE_OR_IN
        assert sent[0] == OperationRequest(ex["opcode"], tid, ex["params"], phase)
        if ex["direction"] == "out":
            assert sent[1:] == (StartData(tid, len(ex["payload"])), EndData(tid, ex["payload"]))
        else:
            assert len(sent) == 1
        events = [ini.receive(p) for p in camera_packets(tid, ex)]
        data = [e for e in events if isinstance(e, DataReceived)]
        assert b"".join(e.payload for e in data) == (ex["payload"] if ex["direction"] == "in"
                                                     else b"")
        if ex["direction"] == "in":
            assert [e.payload for e in data] == ex["pieces"]
            assert [e.last for e in data] == [False] * (len(data) - 1) + [True]
            assert events[0] is None
        code, params = ex["response"]
        assert events[-1] == ResponseReceived(OperationResponse(code, tid, params))
        assert ini.idle and ini.transaction_id == tid


@S.examples(200)
@given(exchanges(), st.lists(st.integers(0, 400), max_size=8), st.integers(1, 40), st.data())
def test_responder_built_reply_round_trips(ex, cuts, data_piece, data):
    ini, resp = Initiator(), Responder()
    sent = begin(ini, ex)
    events = [resp.receive(p) for p in reframe(b"".join(map(encode, sent)), cuts, data_piece)]
    request = sent[0]
    assert events[0] == RequestReceived(request, ex["direction"] == "out")
    assert request.code == ex["opcode"] and request.params == ex["params"]
    got = [e for e in events[1:] if isinstance(e, DataReceived)]
    assert b"".join(e.payload for e in got) == (ex["payload"] if ex["direction"] == "out" else b"")
    assert all(e is None or isinstance(e, DataReceived) for e in events[1:])

    raw = b""
    if ex["direction"] == "in":
        raw += encode(resp.start_data(len(ex["payload"])))
        pieces = ex["pieces"]
        for i, piece in enumerate(pieces):
            kind = PacketType.END_DATA if i == len(pieces) - 1 else PacketType.DATA
            raw += resp.data_header(kind, len(piece)) + piece
    code, params = ex["response"]
    raw += encode(resp.respond(code, params))
    back_cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=8))
    events = [ini.receive(p) for p in reframe(raw, back_cuts, data_piece)]
    got = [e for e in events if isinstance(e, DataReceived)]
    assert b"".join(e.payload for e in got) == (ex["payload"] if ex["direction"] == "in" else b"")
    assert events[-1] == ResponseReceived(OperationResponse(code, request.transaction_id, params))
    assert ini.idle and ini.transaction_id == request.transaction_id


# ---- (b) random sequences, checked against a reference model -------------------------------
#
# Packets are drawn step by step around the machine's current state (mostly a kind the model
# accepts next, mostly the open transaction's id, lengths just below, at and above the bytes still
# due) so that sequences get deep into a transaction instead of dying on their first packet; any
# kind, any id (u32) and any length (u64) are drawn too, and at every step a packet of any kind
# is also tried on copies of machine and model.

LETTER = {StartData: "S", Data: "D", EndData: "E", OperationResponse: "R", Cancel: "C",
          OperationRequest: "Q"}


class InitiatorModel:
    """§1: a transaction is (Start Data, Data*, End Data)? then the Response, all with its id;
    the payloads add up to the announced length; no camera data when the host sent data. The
    camera may Cancel once before its Response (either side may cancel a data phase)."""

    def __init__(self, tid: int, data_out: bool, max_data: int | None) -> None:
        self.tid, self.max_data = tid, max_data
        self.grammar = r"(CR?|R)?" if data_out else r"(SD*(EC?R?|CR?)?|CR?|R)?"
        self.kinds, self.announced, self.got = "", 0, 0

    @property
    def idle(self) -> bool:
        return self.kinds.endswith("R")

    def next_letters(self) -> str:
        return "".join(k for k in "SDERC" if re.fullmatch(self.grammar, self.kinds + k))

    def step(self, p):
        kinds = self.kinds + LETTER[type(p)]
        if not re.fullmatch(self.grammar, kinds) or p.transaction_id != self.tid:
            raise ProtocolError("model")
        if isinstance(p, StartData):
            if self.max_data is not None and p.total_length > self.max_data:
                raise ProtocolError("model")
            self.announced = p.total_length
        if isinstance(p, (Data, EndData)):
            self.got += len(p.payload)
            if self.got > self.announced or (isinstance(p, EndData) and self.got < self.announced):
                raise ProtocolError("model")
        self.kinds = kinds
        if isinstance(p, OperationResponse):
            return ResponseReceived(p)
        if isinstance(p, Cancel):
            return DataCancelled(p.transaction_id)
        return None if isinstance(p, StartData) else DataReceived(p.payload, kinds[-1] == "E")


class ResponderModel:
    """§1 from the camera's side, one transaction after the other (upper case: the host's
    packets; lower case: the camera's start_data, Data and End Data headers, respond):
      host data due:  Q (S D* E | S D* C | C) r   the first Cancel stops the host's data;
      otherwise:      Q (s d* e)? r
    any other Cancel (no host data phase going on) is stale and ignored, whatever its id."""

    HOST = re.compile(r"Q((SD*E|SD*C|C)r?|SD*)?")
    CAMERA = re.compile(r"Q(sd*(er?)?|r)?")

    def __init__(self, data_out_operations: frozenset[int]) -> None:
        self.data_out_operations = data_out_operations
        self.kinds, self.tid, self.host = "", 0, False
        self.announced = self.got = 0

    @property
    def idle(self) -> bool:
        return self.kinds == "" or self.kinds.endswith("r")

    def next_letters(self) -> str:
        if self.idle:
            return "Q"
        grammar = self.HOST if self.host else self.CAMERA
        return "".join(k for k in "SDECsder" if grammar.fullmatch(self.kinds + k))

    def _advance(self, letter: str, tid: int | None = None) -> None:
        kinds = self.kinds + letter
        grammar = self.HOST if self.host else self.CAMERA
        if self.idle or not grammar.fullmatch(kinds) or tid not in (None, self.tid):
            raise ProtocolError("model")
        self.kinds = kinds

    def _count(self, n: int, last: bool) -> None:
        self.got += n
        if self.got > self.announced or (last and self.got != self.announced):
            raise ProtocolError("model")

    def receive(self, p):
        letter = LETTER[type(p)]
        if letter == "Q":
            if not self.idle:
                raise ProtocolError("model")
            self.kinds, self.tid = "Q", p.transaction_id
            self.host = p.data_phase == DataPhase.OUT or p.code in self.data_out_operations
            return RequestReceived(p, self.host)
        if letter == "C":
            if self.idle or not self.host or re.search("[EC]", self.kinds):
                return None
            self._advance("C", p.transaction_id)
            return DataCancelled(self.tid)
        self._advance(letter, p.transaction_id)
        if letter == "S":
            self.announced, self.got = p.total_length, 0
            return None
        self._count(len(p.payload), letter == "E")
        return DataReceived(p.payload, letter == "E")

    def act(self, what: str, n: int) -> None:
        self._advance(what)
        if what == "s":
            self.announced, self.got = n, 0
        elif what in "de":
            self._count(n, what == "e")


def _tid(tid: int):
    return st.one_of(st.just(tid), st.just(tid), st.just(tid), S.U32)


def _near(n: int):
    """Lengths at the edges: nothing, one byte, and just below, at, above `n` (when `n` is
    small enough to build: a u64 Start Data may announce more than any test can send)."""
    return st.sampled_from(sorted({0, 1, 2} | ({max(n - 1, 0), n, n + 1} if n <= 64 else set())))


def _letter(draw, legal: str, alphabet: str) -> tuple[str, bool]:
    """Mostly (kind, True): a kind the model accepts next, to be built legally (so the walk gets
    deep into transactions); else (any kind, False), to be built any way."""
    if legal and draw(st.integers(0, 3)):
        return draw(st.sampled_from(legal)), True
    return draw(st.sampled_from(alphabet)), False


def _length(draw, kind: str, due: int, legal: bool) -> int:
    """A Data (at most what is due) or End Data (exactly that) length, or any edge length."""
    if legal and due <= 64:
        return due if kind in "Ee" else draw(st.integers(0, due))
    return draw(_near(due))


def _packet(draw, kind: str, tid: int, due: int, totals, legal: bool = False) -> object:
    if not legal:
        tid = draw(_tid(tid))
    if kind == "S":
        return StartData(tid, draw(totals if legal else st.one_of(totals, S.U64)))
    if kind in "DE":
        return (Data if kind == "D" else EndData)(tid, b"\xa5" * _length(draw, kind, due, legal))
    if kind == "R":
        return OperationResponse(draw(S.U16), tid, draw(S.OP_PARAMS))
    if kind == "C":
        return Cancel(tid)
    phase = draw(st.sampled_from([DataPhase.NONE_OR_IN, DataPhase.OUT]))
    return OperationRequest(draw(st.sampled_from([0x1009, 0x1016])), tid, (), phase)


def outcome(call):
    try:
        return "ok", call()
    except ProtocolError:
        return "error", None


def _initiator_step(draw, ini: Initiator, model: InitiatorModel, kind: str, legal: bool = False):
    """Feed one packet of `kind` to both; they must agree on the event or on the error."""
    limit = model.max_data if model.max_data is not None else 3
    totals = st.integers(0, limit) if legal else st.sampled_from([0, 1, 2, limit, limit + 1])
    packet = _packet(draw, kind, model.tid, model.announced - model.got, totals, legal)
    got = outcome(lambda: ini.receive(packet))
    assert got == outcome(lambda: model.step(packet)), (packet, model.kinds)
    if got[0] == "ok":
        if isinstance(got[1], ResponseReceived):
            assert ini.idle
        assert ini.idle == model.idle
    return got


@S.examples(300)
@given(st.data())
def test_initiator_random_sequences(data):
    """A mostly legal walk; at every step one packet of any kind is also tried on copies of
    both, so every state the walk reaches is probed with illegal packets too."""
    draw = data.draw
    ini, model = Initiator(), None
    for _ in range(draw(st.integers(1, 16))):
        if model is None or (model.idle and draw(st.booleans())):
            data_out = draw(st.one_of(st.none(), st.binary(max_size=3)))
            max_data = draw(st.one_of(st.none(), st.integers(0, 6)))
            ini.start(0x1009, (1,), data_out=data_out, max_data=max_data)
            model = InitiatorModel(ini.transaction_id, data_out is not None, max_data)
            continue
        if not ini.idle:  # start() is refused while the transaction is open
            assert outcome(lambda: copy.deepcopy(ini).start(0x1001))[0] == "error"
        _initiator_step(draw, copy.deepcopy(ini), copy.deepcopy(model),
                        draw(st.sampled_from("SDERCQ")))
        if _initiator_step(draw, ini, model, *_letter(draw, model.next_letters(), "SDERCQ")
                           )[0] == "error":
            return  # the stream is no longer trusted: the connection goes


def do(resp: Responder, what: str, n: int):
    if what == "s":
        return resp.start_data(n)
    if what == "r":
        return resp.respond(0x2001)
    return resp.data_header(PacketType.DATA if what == "d" else PacketType.END_DATA, n)


def _responder_step(draw, resp: Responder, model: ResponderModel, what: str,
                    legal: bool = False):
    """One host packet (upper case) or camera action (lower case) on both; they must agree."""
    due = model.announced - model.got
    if what in "sder":
        if what in "de":
            n = _length(draw, what, due, legal)
        else:
            n = draw(st.integers(0, 4) if legal else st.one_of(_near(due), st.integers(0, 4)))
        got = outcome(lambda: do(resp, what, n))
        assert got[0] == outcome(lambda: model.act(what, n))[0], (what, n, model.kinds)
        if got[0] == "ok" and what == "r":
            assert resp.step.name == "IDLE" and got[1].transaction_id == model.tid
    else:
        packet = _packet(draw, what, model.tid, due, st.integers(0, 4), legal)
        got = outcome(lambda: resp.receive(packet))
        assert got == outcome(lambda: model.receive(packet)), (packet, model.kinds)
    if got[0] == "ok":
        assert (resp.step.name == "IDLE") == model.idle
    return got


@S.examples(300)
@given(st.data())
def test_responder_random_sequences(data):
    """As for the Initiator: a mostly legal walk, every state probed with any packet/action."""
    draw = data.draw
    ops = draw(st.sampled_from([frozenset(), frozenset({0x1016})]))
    resp, model = Responder(ops), ResponderModel(ops)
    for _ in range(draw(st.integers(1, 16))):
        _responder_step(draw, copy.deepcopy(resp), copy.deepcopy(model),
                        draw(st.sampled_from("QSDERCsder")))
        if _responder_step(draw, resp, model, *_letter(draw, model.next_letters(), "QSDERCsder")
                           )[0] == "error":
            return


# ---- (c) mutations that are always illegal ---------------------------------------------------

def _mutations(seq: list, last_fixed: bool) -> list:
    """Every always-illegal mutation of the legal sequence `seq` (as (name, new sequence)).

    Undetectable ones are left out: dropping or duplicating an empty Data changes no count;
    swapping two packets of one kind (two Data) only reorders bytes; dropping the final
    Response (`last_fixed`) leaves a transaction merely unfinished.
    """
    out = []
    kinds = [type(p) for p in seq]
    for i, p in enumerate(seq):
        empty_data = kinds[i] is Data and not p.payload
        if not empty_data and not (last_fixed and i == len(seq) - 1):
            out.append(("drop", seq[:i] + seq[i + 1:]))
        if not empty_data:
            out.append(("duplicate", seq[:i + 1] + seq[i:]))
        for j in range(i + 1, len(seq)):
            if kinds[i] is not kinds[j]:
                swapped = list(seq)
                swapped[i], swapped[j] = seq[j], seq[i]
                out.append(("swap", swapped))
        if hasattr(p, "transaction_id"):
            out.append(("retid", i))
    return out


@S.examples(200)
@given(exchanges(), st.data())
def test_initiator_mutated_reply_is_caught(ex, data):
    ex = dict(ex, direction="in" if ex["direction"] == "out" else ex["direction"], max_data=None)
    ini = Initiator()
    tid = begin(ini, ex)[0].transaction_id
    legal = camera_packets(tid, ex)
    name, mutated = data.draw(st.sampled_from(_mutations(legal, last_fixed=True)))
    if name == "retid":
        mutated = _retid(legal, mutated, data.draw(S.U32.filter(lambda t: t != tid)))
    try:
        for p in mutated:
            ini.receive(p)
    except ProtocolError:
        return
    raise AssertionError(f"{name} went unnoticed: {mutated}")


@S.examples(200)
@given(st.binary(max_size=16), st.lists(st.integers(0, 16), max_size=4), TIDS, st.data())
def test_responder_mutated_host_data_is_caught(payload, cuts, tid, data):
    pieces = split(payload, cuts)
    legal = [OperationRequest(0x1016, tid, (0x5001,), DataPhase.OUT), StartData(tid, len(payload))]
    legal += [Data(tid, p) for p in pieces[:-1]] + [EndData(tid, pieces[-1])]
    # the response closes it: a dropped End Data shows there, so no packet is `last_fixed`
    name, mutated = data.draw(st.sampled_from(_mutations(legal, last_fixed=False)))
    if name == "retid":
        mutated = _retid(legal, mutated, data.draw(S.U32.filter(lambda t: t != tid)))
    resp = Responder()
    try:
        for p in mutated:
            resp.receive(p)
        resp.respond(0x2001)
    except ProtocolError:
        return
    raise AssertionError(f"{name} went unnoticed: {mutated}")


@S.examples(200)
@given(st.lists(st.integers(0, 9), max_size=4), st.integers(0, 9), st.data())
def test_responder_mutated_answer_is_caught(lengths, last, data):
    legal = [("s", sum(lengths) + last)] + [("d", n) for n in lengths] + [("e", last), ("r", 0)]
    out = []
    for i, (what, n) in enumerate(legal):
        if not (what == "d" and n == 0):
            out.append(legal[:i] + legal[i + 1:])
            out.append(legal[:i + 1] + legal[i:])
        out += [legal[:i] + [legal[j]] + legal[i + 1:j] + [legal[i]] + legal[j + 1:]
                for j in range(i + 1, len(legal)) if legal[j][0] != what]
    # dropping the Response leaves the transaction unfinished, not wrong
    mutated = data.draw(st.sampled_from([m for m in out if m != legal[:-1]]))
    resp = Responder()
    resp.receive(OperationRequest(0x1009, 3, (1,)))
    try:
        for action in mutated:
            do(resp, *action)
    except ProtocolError:
        return
    raise AssertionError(f"went unnoticed: {mutated}")


def _retid(seq: list, i: int, tid: int) -> list:
    """`seq` with packet `i` moved to another transaction."""
    return seq[:i] + [dataclasses.replace(seq[i], transaction_id=tid)] + seq[i + 1:]


def test_model_sanity():
    """The reference models accept the plain legal orders (so (b) is not vacuous)."""
    m = InitiatorModel(1, False, None)
    for p in (StartData(1, 2), Data(1, b"a"), EndData(1, b"b"), OperationResponse(0x2001, 1)):
        m.step(p)
    assert m.idle
    r = ResponderModel(frozenset())
    r.receive(OperationRequest(0x1016, 4, (), DataPhase.OUT))
    for p in (StartData(4, 1), EndData(4, b"x"), Cancel(4)):
        r.receive(p)
    r.act("r", 0)
    assert r.receive(Cancel(9)) is None and r.idle
    r.receive(OperationRequest(0x1009, 5))
    for what, n in (("s", 3), ("d", 1), ("e", 2), ("r", 0)):
        r.act(what, n)
    assert r.idle
