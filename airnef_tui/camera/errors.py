"""What can go wrong talking to a camera, as exceptions the transfer layer can act on.

Every `str()` is one line a user can act on (it names the camera's address and the cause), and the
class says what to do next: `ConnectionLost` and `CameraUnreachable` are worth a reconnect,
`CameraRefused` needs the user to do something on the camera, `OperationFailed` is about one
object or one request, and `CameraProtocolError` means the camera sent bytes we cannot trust.
"""

from __future__ import annotations

from airnef_tui.ptpip import InitFailReason, OpCode, ProtocolError, ResponseCode, code_name


class CameraError(Exception):
    """Base of every error a camera session raises; `str()` is a single line for the user."""


class CameraUnreachable(CameraError):
    """No PTP/IP session could be started: refused, timed out, unknown host, or no handshake."""

    def __init__(self, address: str, cause: str) -> None:
        self.address = address
        self.cause = cause
        super().__init__(f"cannot reach camera at {address}: {cause}")


class ConnectionLost(CameraError):
    """The camera closed the connection or stopped answering in the middle of a session.

    During a download `offset` is the object byte offset written to the sink so far: a new session
    can resume from there. `mid_packet` tells the stream stopped inside a packet (a cut, not a
    clean close between packets); `timed_out` that the camera went silent rather than closing.
    """

    def __init__(self, address: str, cause: str, *, offset: int | None = None,
                 mid_packet: bool = False, timed_out: bool = False) -> None:
        self.address = address
        self.cause = cause
        self.offset = offset
        self.mid_packet = mid_packet
        self.timed_out = timed_out
        where = " in the middle of a packet" if mid_packet else ""
        resume = f" after {offset} bytes of the object" if offset is not None else ""
        super().__init__(f"connection to camera at {address} lost{where}{resume}: {cause}")

    def at_offset(self, offset: int) -> ConnectionLost:
        """The same loss, re-stated with the object offset a download had reached."""
        lost = ConnectionLost(self.address, self.cause, offset=offset, mid_packet=self.mid_packet,
                              timed_out=self.timed_out)
        lost.__cause__ = self.__cause__
        return lost


_CANON_ADVICE = ("the camera is paired with another computer's GUID: pair again, "
                 "or use 'Connect to smartphone' mode")
_SONY_ADVICE = ("use 'Send to Computer' on the camera; it accepts one session per entry "
                "into that mode")
_GENERIC_ADVICE = "check the camera's Wi-Fi connection settings and try again"


def refusal_advice(make: str | None, reason: int | None) -> str:
    """What the user can do about a refusal, by make when we know it.

    Init Fail comes before any DeviceInfo, so the make is often unknown; a plain rejection
    (reason 1) is the signature of a Canon paired with another host, so that advice is the default.
    """
    if make == "sony":
        return _SONY_ADVICE
    if make == "canon" or (make is None and reason == InitFailReason.REJECTED):
        return ("Canon: " if make is None else "") + _CANON_ADVICE
    return _GENERIC_ADVICE


class CameraRefused(CameraError):
    """The camera answered but will not talk to us (Init Fail, or authentication refused)."""

    def __init__(self, address: str, reason: str, advice: str, *, code: int | None = None) -> None:
        self.address = address
        self.reason = reason
        self.advice = advice
        self.code = code
        super().__init__(f"camera at {address} refused the connection ({reason}): {advice}")

    @classmethod
    def from_init_fail(cls, address: str, reason: int, make: str | None) -> CameraRefused:
        return cls(address, f"Init Fail, reason {code_name(InitFailReason, reason)}",
                   refusal_advice(make, reason), code=reason)


class OperationFailed(CameraError):
    """The camera answered an operation with a response code other than OK."""

    def __init__(self, opcode: int, response_code: int, detail: str = "") -> None:
        self.opcode = opcode
        self.response_code = response_code
        tail = f" ({detail})" if detail else ""
        super().__init__(f"camera answered {code_name(OpCode, opcode)} with "
                         f"{code_name(ResponseCode, response_code)}{tail}")


class CameraProtocolError(CameraError):
    """The camera sent something malformed or inconsistent; the session cannot go on."""

    def __init__(self, address: str, problem: str | ProtocolError) -> None:
        self.address = address
        self.problem = str(problem)
        super().__init__(f"camera at {address} sent a malformed reply: {self.problem}")


class Interrupted(Exception):
    """The caller's cancel event was set while we waited on the camera (Ctrl-C, SIGTERM, a key).

    Not a CameraError: nothing went wrong with the camera, so nothing retries it. A transaction
    it cut short leaves the session out of step; `CameraSession.close` tidies up.
    """


class DownloadCancelled(Exception):
    """The caller's `cancelled()` said stop; `offset` is the byte offset written so far.

    Not a CameraError: nothing went wrong, and the session stays usable.
    """

    def __init__(self, offset: int) -> None:
        self.offset = offset
        super().__init__(f"download cancelled after {offset} bytes")
