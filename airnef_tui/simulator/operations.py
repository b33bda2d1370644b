"""What an operation handler returns, and the helpers the handler modules share.

Handlers never touch the connection: each takes the request's parameters and the host's data and
returns a `Reply` (a response code, its parameters, and the data to send back, if any). The
session turns that into packets through the transaction machine, so the PTP semantics (here and
in `standard_operations` / `vendor_operations`) stay apart from the wire.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from airnef_tui.ptpip.codes import ResponseCode
from airnef_tui.simulator.card import Card, CardObject


@dataclass(frozen=True)
class ObjectSlice:
    """Object bytes to stream as a data phase (never loaded whole)."""

    obj: CardObject
    offset: int
    count: int
    opcode: int


@dataclass(frozen=True)
class Reply:
    code: int = ResponseCode.OK
    params: tuple[int, ...] = ()
    data: bytes | ObjectSlice | None = None


# (request parameters, host's data or None) -> reply
Handler = Callable[[tuple[int, ...], bytes | None], Reply]


def param(params: tuple[int, ...], index: int, default: int = 0) -> int:
    """A request parameter; hosts may leave trailing ones out."""
    return params[index] if len(params) > index else default


def file_object(card: Card, handle: int) -> CardObject | Reply:
    """The file behind `handle`, or the reply for a handle that names no file."""
    obj = card.get(handle)
    if obj is None or obj.is_folder:
        return Reply(ResponseCode.INVALID_OBJECT_HANDLE)
    return obj
