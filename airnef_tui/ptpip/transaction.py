"""The PTP transaction rules as sans-IO state machines, one for each end of a command connection.

A transaction is Operation Request → (Start Data → Data… → End Data, in one direction) →
Operation Response, every packet carrying the request's transaction id, one transaction at a time.
Both ends need these rules: the client (`camera/`) to notice a camera that answers out of order,
the simulator (`simulator/`) to notice a host that does. Written once here, in the manner of h11:
the I/O layer feeds each packet it reads to `receive`, acts on the event returned, and sends the
packets the machine hands it. Any packet out of order, or with another transaction's id, raises
`ProtocolError`; after that the byte stream cannot be trusted and the connection must go.

Packets outside the transaction rules (Probe Request/Response, Event) are not fed here: `is_out_of_band`
tells the I/O loop which ones to handle itself.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from airnef_tui.ptpip.codes import DataPhase, PacketType
from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.ptpip.packets import (
    Cancel, Data, EndData, Event, OperationRequest, OperationResponse, Packet, ProbeRequest,
    ProbeResponse, StartData, data_header,
)

MAX_TRANSACTION_ID = 0xFFFFFFFE  # 0xFFFFFFFF is reserved; after it the numbering wraps to 1
_OUT_OF_BAND = (ProbeRequest, ProbeResponse, Event)


def is_out_of_band(packet: Packet) -> bool:
    """Probe Request/Response and Event may arrive between any two packets of a transaction."""
    return isinstance(packet, _OUT_OF_BAND)


# ---- events the machines report ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DataReceived:
    """Payload bytes of the data phase, in order; `last` on the End Data's final piece."""

    payload: bytes
    last: bool = False


@dataclass(frozen=True, slots=True)
class ResponseReceived:
    """The transaction is over; `response.code` says how it went."""

    response: OperationResponse


@dataclass(frozen=True, slots=True)
class RequestReceived:
    """A new transaction; `expects_data` when the host's data phase comes next."""

    request: OperationRequest
    expects_data: bool


@dataclass(frozen=True, slots=True)
class DataCancelled:
    """The host cancelled its own data phase (a Cancel packet): answer TransactionCancelled."""

    transaction_id: int


class Step(enum.Enum):
    IDLE = "idle"                  # between transactions
    AWAIT_DATA = "await data"      # host data announced by the request, Start Data not yet seen
    IN_DATA = "in data"            # inside a data phase
    AWAIT_RESPONSE = "await response"  # the initiator waits; the responder has to answer


class _Phase:
    """Bookkeeping of one data phase: announced length, bytes so far, and its checks."""

    __slots__ = ("announced", "received", "ended")

    def __init__(self, announced: int) -> None:
        self.announced = announced
        self.received = 0
        self.ended = False

    def take(self, length: int, last: bool) -> None:
        self.received += length
        if self.received > self.announced:
            raise ProtocolError(f"data phase longer than the {self.announced} bytes announced")
        if last:
            self.ended = True
            if self.received != self.announced:
                raise ProtocolError(f"data phase ended after {self.received} of "
                                    f"{self.announced} bytes announced")


def _check_tid(packet: Packet, expected: int) -> None:
    tid = packet.transaction_id  # type: ignore[union-attr]
    if tid != expected:
        raise ProtocolError(f"{type(packet).__name__} for transaction {tid}, expected {expected}")


# ---- the host's end ------------------------------------------------------------------------

class InitiatorState:
    """What every client-side machine keeps (PTP/IP's packets and Fujifilm's containers alike):
    the step, the transaction ids 1, 2, … wrapping to 1, the data phase so far."""

    def __init__(self) -> None:
        self.step = Step.IDLE
        self.transaction_id = 0  # the current (or last) transaction's id
        self.opcode = 0
        self._max_data: int | None = None
        self._phase: _Phase | None = None
        self._data_in_allowed = True

    @property
    def idle(self) -> bool:
        """No transaction is open: the stream is at a boundary between transactions."""
        return self.step is Step.IDLE

    @property
    def received(self) -> int:
        """Data bytes of the current transaction received so far."""
        return self._phase.received if self._phase is not None else 0

    def _next_transaction_id(self, explicit: int | None) -> int:
        """The id the next transaction gets (`explicit` when given); raises while one is open.
        Changes nothing, so a caller can still refuse its arguments."""
        if self.step is not Step.IDLE:
            raise ProtocolError(f"transaction {self.transaction_id} is still open")
        if explicit is not None:
            return explicit
        return self.transaction_id + 1 if self.transaction_id < MAX_TRANSACTION_ID else 1

    def _open(self, opcode: int, transaction_id: int, data_out: bytes | None,
              max_data: int | None) -> None:
        self.transaction_id, self.opcode = transaction_id, opcode
        self._max_data, self._phase = max_data, None
        self._data_in_allowed = data_out is None
        self.step = Step.AWAIT_RESPONSE


class Initiator(InitiatorState):
    """The client's side: numbers transactions, builds requests, checks what the camera answers.

    `start` opens a transaction and returns the packets to send (the request, plus Start Data and
    End Data when the host has data for the camera); then every packet the camera sends (but the
    out-of-band ones) goes to `receive` until it returns `ResponseReceived`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._cancelled = False

    def start(self, opcode: int, params: tuple[int, ...] = (), *, data_out: bytes | None = None,
              max_data: int | None = None, transaction_id: int | None = None
              ) -> tuple[Packet, ...]:
        """Open a transaction; returns the packets to send, in order.

        Transaction ids go 1, 2, … and wrap to 1; `transaction_id` overrides the next one (0 for
        OpenSession, after which numbering goes on from 1). `max_data` bounds the data phase
        the camera may announce.
        """
        transaction_id = self._next_transaction_id(transaction_id)
        self._open(opcode, transaction_id, data_out, max_data)
        self._cancelled = False
        if data_out is None:
            return (OperationRequest(opcode, transaction_id, tuple(params)),)
        return (OperationRequest(opcode, transaction_id, tuple(params), DataPhase.OUT),
                StartData(transaction_id, len(data_out)), EndData(transaction_id, data_out))

    def receive(self, packet: Packet
                ) -> DataReceived | ResponseReceived | DataCancelled | None:
        """The camera's next packet; None for Start Data (nothing for the caller to do)."""
        kind = type(packet)
        if self.step is Step.IDLE:
            raise ProtocolError(f"{kind.__name__} outside a transaction")
        if kind is Data or kind is EndData:
            phase = self._phase
            if phase is None or phase.ended:
                raise ProtocolError(f"{kind.__name__} outside a data phase of operation "
                                    f"0x{self.opcode:04X}")
            _check_tid(packet, self.transaction_id)
            payload = packet.payload  # type: ignore[union-attr]
            last = kind is EndData
            phase.take(len(payload), last)
            return DataReceived(payload, last)
        if kind is OperationResponse:
            _check_tid(packet, self.transaction_id)
            phase = self._phase
            if phase is not None and not phase.ended:
                raise ProtocolError(f"response after {phase.received} of {phase.announced} data "
                                    f"bytes")
            self.step = Step.IDLE
            return ResponseReceived(packet)  # type: ignore[arg-type]
        if kind is StartData:
            if self._phase is not None:
                raise ProtocolError("a second Start Data in one transaction")
            if not self._data_in_allowed:
                raise ProtocolError("camera data in a transaction whose data went to the camera")
            _check_tid(packet, self.transaction_id)
            announced = packet.total_length  # type: ignore[union-attr]
            if self._max_data is not None and announced > self._max_data:
                raise ProtocolError(f"{announced} bytes announced where at most "
                                    f"{self._max_data} were asked for")
            self._phase = _Phase(announced)
            return None
        if kind is Cancel:
            # The camera gave up its data phase (PTP/IP lets either side cancel); the response,
            # TransactionCancelled most likely, still closes the transaction.
            _check_tid(packet, self.transaction_id)
            if self._cancelled:
                raise ProtocolError("a second Cancel in one transaction")
            self._cancelled = True
            self._phase = self._phase or _Phase(0)
            self._phase.ended = True
            return DataCancelled(self.transaction_id)
        raise ProtocolError(f"unexpected {kind.__name__} during operation 0x{self.opcode:04X}")


# ---- the camera's end ----------------------------------------------------------------------

class Responder:
    """The camera's side: reads the host's transactions and checks the answers it sends.

    `receive` takes the host's packets: an Operation Request opens a transaction (with the host's
    data phase when the request says so, or when the opcode is one of `data_out_operations`:
    some hosts flag every request "no data"); then `start_data`, `data_header` and `respond`
    build the answer, refusing to send it out of order.
    """

    def __init__(self, data_out_operations: frozenset[int] = frozenset()) -> None:
        self.data_out_operations = data_out_operations
        self.step = Step.IDLE
        self.request: OperationRequest | None = None
        self._incoming: _Phase | None = None
        self._outgoing: _Phase | None = None
        self._host_data = False  # the open transaction's data phase (if any) is the host's

    @property
    def transaction_id(self) -> int:
        return self.request.transaction_id if self.request is not None else 0

    def receive(self, packet: Packet
                ) -> RequestReceived | DataReceived | DataCancelled | None:
        kind = type(packet)
        if kind is OperationRequest:
            if self.step is not Step.IDLE:
                raise ProtocolError(f"a new request while transaction {self.transaction_id} "
                                    "is open")
            expects = (packet.data_phase == DataPhase.OUT  # type: ignore[union-attr]
                       or packet.code in self.data_out_operations)  # type: ignore[union-attr]
            self.request, self._incoming, self._outgoing = packet, None, None  # type: ignore
            self._host_data = expects
            self.step = Step.AWAIT_DATA if expects else Step.AWAIT_RESPONSE
            return RequestReceived(packet, expects)  # type: ignore[arg-type]
        if kind is Cancel:
            if self.step not in (Step.AWAIT_DATA, Step.IN_DATA):
                return None  # a late Cancel for a transaction already answered: nothing to stop
            _check_tid(packet, self.transaction_id)
            self.step = Step.AWAIT_RESPONSE
            return DataCancelled(self.transaction_id)
        if kind is StartData:
            if self.step is not Step.AWAIT_DATA:
                raise ProtocolError("Start Data where no host data phase was due")
            _check_tid(packet, self.transaction_id)
            self._incoming = _Phase(packet.total_length)  # type: ignore[union-attr]
            self.step = Step.IN_DATA
            return None
        if kind is Data or kind is EndData:
            if self.step is not Step.IN_DATA or self._incoming is None:
                raise ProtocolError(f"{kind.__name__} outside a host data phase")
            _check_tid(packet, self.transaction_id)
            last = kind is EndData
            payload = packet.payload  # type: ignore[union-attr]
            self._incoming.take(len(payload), last)
            if last:
                self.step = Step.AWAIT_RESPONSE
            return DataReceived(payload, last)
        raise ProtocolError(f"unexpected {kind.__name__} from the host")

    def _answering(self, what: str) -> int:
        if self.step is not Step.AWAIT_RESPONSE or self.request is None:
            raise ProtocolError(f"{what} with no request to answer ({self.step.value})")
        return self.request.transaction_id

    def start_data(self, total: int) -> StartData:
        """Announce the camera's data phase of `total` bytes."""
        tid = self._answering("Start Data")
        if self._host_data:
            # One data phase per transaction, in one direction: this one's went to the camera.
            raise ProtocolError("camera data in a transaction whose data came from the host")
        if self._outgoing is not None:
            raise ProtocolError("a second Start Data in one transaction")
        self._outgoing = _Phase(total)
        return StartData(tid, total)

    def data_header(self, kind: PacketType, length: int) -> bytes:
        """The header of the next Data or End Data packet, whose `length` payload bytes the
        caller streams after it."""
        if kind not in (PacketType.DATA, PacketType.END_DATA):
            raise ValueError(f"data_header builds Data or End Data headers, not {kind!r}")
        tid = self._answering(kind.name)
        phase = self._outgoing
        if phase is None or phase.ended:
            raise ProtocolError(f"{kind.name} outside a data phase")
        phase.take(length, kind is PacketType.END_DATA)
        return data_header(kind, tid, length)

    def respond(self, code: int, params: tuple[int, ...] = ()) -> OperationResponse:
        """The Operation Response that closes the transaction."""
        tid = self._answering("a response")
        if self._outgoing is not None and not self._outgoing.ended:
            raise ProtocolError(f"response after {self._outgoing.received} of "
                                f"{self._outgoing.announced} data bytes")
        self.step = Step.IDLE
        return OperationResponse(code, tid, tuple(params))
