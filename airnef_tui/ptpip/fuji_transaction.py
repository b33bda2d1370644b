"""The PTP transaction rules over Fujifilm containers: one machine for each end of the socket.

A transaction is a command (type 1) → at most one data container (type 2, in one direction) →
a response (type 3), all with the command's transaction id, one transaction at a time: the rules
of `transaction.py` without Start Data, End Data or Cancel, since one data container carries the
whole data phase. The machines report the same events as PTP/IP's (`RequestReceived`,
`DataReceived`, `ResponseReceived`, carrying `packets.OperationRequest`/`OperationResponse`), so a
session layer above can serve both transports. Out of order, or another transaction's id, raises
`ProtocolError`; the connection must then go.

Events (type 4) and the hang-up are not fed here: `is_fuji_out_of_band` tells the I/O loop which
ones to handle itself. The data container's code field is not checked against the operation
(libgphoto2 writes the opcode there; nothing is known to depend on it).
"""

from __future__ import annotations

from airnef_tui.ptpip.codes import DataPhase, OpCode
from airnef_tui.ptpip.errors import ProtocolError
from airnef_tui.ptpip.fuji import (
    MAX_CONTAINER_PARAMS, FujiCommand, FujiData, FujiDataHeader, FujiDataPiece, FujiEvent,
    FujiHangUp, FujiResponse, fuji_data_header,
)
from airnef_tui.ptpip.packets import OperationRequest, OperationResponse
from airnef_tui.ptpip.transaction import (
    DataReceived, InitiatorState, RequestReceived, ResponseReceived, Step,
    _Phase,  # the byte-count rules of a data phase, shared on purpose
)

# Operations whose data phase goes host → camera: the command cannot say so (its type field is
# always 1), so the camera's end knows them by opcode. 0x900C/0x900D: Fujifilm's SendObjectInfo
# and SendObject.
FUJI_DATA_OUT_OPERATIONS = frozenset({
    OpCode.SET_DEVICE_PROP_VALUE, 0x100C, 0x100D, 0x900C, 0x900D,
})

FujiFed = FujiCommand | FujiData | FujiDataHeader | FujiDataPiece | FujiResponse


def is_fuji_out_of_band(item: object) -> bool:
    """Events may arrive between any two containers; a hang-up ends the connection. Neither is
    fed to a machine."""
    return isinstance(item, (FujiEvent, FujiHangUp))


def _check_tid(item: object, expected: int) -> None:
    tid = item.transaction_id  # type: ignore[attr-defined]
    if tid != expected:
        raise ProtocolError(f"{type(item).__name__} for transaction {tid}, expected {expected}")


def _check_params(params: tuple[int, ...]) -> tuple[int, ...]:
    params = tuple(params)
    if len(params) > MAX_CONTAINER_PARAMS:
        raise ProtocolError(f"a container carries at most {MAX_CONTAINER_PARAMS} parameters, "
                            f"got {len(params)}")
    if any(not 0 <= p <= 0xFFFFFFFF for p in params):
        raise ProtocolError(f"parameters must be u32: {params}")
    return params


# ---- the host's end --------------------------------------------------------------------------

class FujiInitiator(InitiatorState):
    """The client's side: numbers transactions, builds commands, checks what the camera answers.

    `start` opens a transaction and returns the containers to send (the command, then for host
    data one `FujiData`: a 12-byte header and the bytes). Everything the framer gives after that,
    but the out-of-band ones, goes to `receive` until it returns `ResponseReceived`.
    """

    @property
    def announced(self) -> int | None:
        """The size of the camera's data container, once its header has come; else None."""
        return self._phase.announced if self._phase is not None else None

    def start(self, opcode: int, params: tuple[int, ...] = (), *, data_out: bytes | None = None,
              max_data: int | None = None, transaction_id: int | None = None
              ) -> tuple[FujiCommand] | tuple[FujiCommand, FujiData]:
        """Open a transaction; returns the containers to send, in order.

        Transaction ids go 1, 2, … and wrap to 1; `transaction_id` overrides the next one (0 for
        OpenSession). `max_data` bounds the data container the camera may announce.
        """
        transaction_id = self._next_transaction_id(transaction_id)
        params = _check_params(params)
        if not (0 <= opcode <= 0xFFFF and 0 <= transaction_id <= 0xFFFFFFFF):
            raise ProtocolError(f"opcode 0x{opcode:X} or transaction id {transaction_id} "
                                "out of range")
        self._open(opcode, transaction_id, data_out, max_data)
        command = FujiCommand(opcode, transaction_id, params)
        if data_out is None:
            return (command,)
        return (command, FujiData(opcode, transaction_id, bytes(data_out)))

    def receive(self, item: FujiFed) -> DataReceived | ResponseReceived | None:
        """The camera's next container or framer piece; None for a data header."""
        kind = type(item)
        if self.step is Step.IDLE:
            raise ProtocolError(f"{kind.__name__} outside a transaction")
        if kind is FujiDataHeader:
            self._open_data(item.transaction_id, item.total)  # type: ignore[union-attr]
            return None
        if kind is FujiDataPiece:
            phase = self._phase
            if phase is None or phase.ended:
                raise ProtocolError(f"data piece outside a data container of operation "
                                    f"0x{self.opcode:04X}")
            _check_tid(item, self.transaction_id)
            payload, last = item.payload, item.last  # type: ignore[union-attr]
            phase.take(len(payload), last)
            return DataReceived(payload, last)
        if kind is FujiData:
            payload = item.payload  # type: ignore[union-attr]
            self._open_data(item.transaction_id, len(payload))  # type: ignore[union-attr]
            self._phase.take(len(payload), True)  # type: ignore[union-attr]
            return DataReceived(payload, True)
        if kind is FujiResponse:
            _check_tid(item, self.transaction_id)
            phase = self._phase
            if phase is not None and not phase.ended:
                raise ProtocolError(f"response after {phase.received} of {phase.announced} data "
                                    "bytes")
            self.step = Step.IDLE
            code, tid, params = item.code, item.transaction_id, item.params  # type: ignore
            return ResponseReceived(OperationResponse(code, tid, params))
        raise ProtocolError(f"unexpected {kind.__name__} during operation 0x{self.opcode:04X}")

    def _open_data(self, transaction_id: int, total: int) -> None:
        if self._phase is not None:
            raise ProtocolError("a second data container in one transaction")
        if not self._data_in_allowed:
            raise ProtocolError("camera data in a transaction whose data went to the camera")
        if transaction_id != self.transaction_id:
            raise ProtocolError(f"data container for transaction {transaction_id}, expected "
                                f"{self.transaction_id}")
        if self._max_data is not None and total > self._max_data:
            raise ProtocolError(f"{total} bytes announced where at most {self._max_data} "
                                "were asked for")
        self._phase = _Phase(total)


# ---- the camera's end ------------------------------------------------------------------------

class FujiResponder:
    """The camera's side: reads the host's transactions and checks the answers it sends.

    A command opens a transaction; the host's data container is expected when the opcode is one
    of `data_out_operations` (the command cannot say). Then `data`/`data_header` and `respond`
    build the answer, refusing to send it out of order.
    """

    def __init__(self, data_out_operations: frozenset[int] = FUJI_DATA_OUT_OPERATIONS) -> None:
        self.data_out_operations = frozenset(data_out_operations)
        self.step = Step.IDLE
        self.request: OperationRequest | None = None
        self._incoming: _Phase | None = None
        self._sent_data = False

    @property
    def transaction_id(self) -> int:
        return self.request.transaction_id if self.request is not None else 0

    def receive(self, item: FujiFed) -> RequestReceived | DataReceived | None:
        """The host's next container or framer piece; None for a data header."""
        kind = type(item)
        if kind is FujiCommand:
            if self.step is not Step.IDLE:
                raise ProtocolError(f"a new command while transaction {self.transaction_id} "
                                    "is open")
            expects = item.code in self.data_out_operations  # type: ignore[union-attr]
            phase = DataPhase.OUT if expects else DataPhase.NONE_OR_IN
            code, tid, params = item.code, item.transaction_id, item.params  # type: ignore
            self.request = OperationRequest(code, tid, params, phase)
            self._incoming, self._sent_data = None, False
            self.step = Step.AWAIT_DATA if expects else Step.AWAIT_RESPONSE
            return RequestReceived(self.request, expects)
        if kind is FujiDataHeader or kind is FujiData:
            if self.step is not Step.AWAIT_DATA:
                raise ProtocolError("a data container where no host data was due")
            _check_tid(item, self.transaction_id)
            if kind is FujiDataHeader:
                self._incoming = _Phase(item.total)  # type: ignore[union-attr]
                self.step = Step.IN_DATA
                return None
            self.step = Step.AWAIT_RESPONSE
            return DataReceived(item.payload, True)  # type: ignore[union-attr]
        if kind is FujiDataPiece:
            if self.step is not Step.IN_DATA or self._incoming is None:
                raise ProtocolError("a data piece outside a host data container")
            _check_tid(item, self.transaction_id)
            payload, last = item.payload, item.last  # type: ignore[union-attr]
            self._incoming.take(len(payload), last)
            if last:
                self.step = Step.AWAIT_RESPONSE
            return DataReceived(payload, last)
        raise ProtocolError(f"unexpected {kind.__name__} from the host")

    def _answering(self, what: str) -> OperationRequest:
        if self.step is not Step.AWAIT_RESPONSE or self.request is None:
            raise ProtocolError(f"{what} with no command to answer ({self.step.value})")
        return self.request

    def _data_due(self) -> OperationRequest:
        request = self._answering("a data container")
        if request.data_phase == DataPhase.OUT:
            raise ProtocolError("camera data in a transaction whose data came from the host")
        if self._sent_data:
            raise ProtocolError("a second data container in one transaction")
        return request

    def data_header(self, total: int) -> bytes:
        """The 12-byte header of the camera's data container; the caller streams `total` bytes
        after it."""
        request = self._data_due()
        header = fuji_data_header(request.code, request.transaction_id, total)
        self._sent_data = True
        return header

    def data(self, payload: bytes) -> FujiData:
        """The camera's whole data container, for payloads small enough to build at once."""
        request = self._data_due()
        fuji_data_header(request.code, request.transaction_id, len(payload))  # fits a u32?
        self._sent_data = True
        return FujiData(request.code, request.transaction_id, bytes(payload))

    def respond(self, code: int, params: tuple[int, ...] = ()) -> FujiResponse:
        """The response that closes the transaction."""
        request = self._answering("a response")
        params = _check_params(params)
        self.step = Step.IDLE
        return FujiResponse(code, request.transaction_id, params)
