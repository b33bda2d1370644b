"""Is a PTP/IP camera at this address? One Init Command Request, its answer, then we leave.

Discovery asks this of addresses it only guesses at (a DHCP lease, an ARP entry, a camera's
well-known access-point address), so it must be cheap and harmless: one TCP connection, one Init
Command Request, the camera's Init Command Ack (its name and GUID) or Init Fail (a camera that
exists but refuses us: a Canon paired with another host), all within one overall `timeout`.
Nothing answered (refused, silent, closed, not PTP/IP) is `None`; network trouble never raises.

How we leave: right after the Ack we close the command socket, without opening the event socket.
A host may leave at any point of the bring-up (ptpip.md section 2), and closing the socket is the
one signal every TCP peer understands; opening the event socket only to close it again would cost
the camera a second connection for nothing. Two makes need care from the caller, not from here:
a Sony in "Send to Computer" answers one connection per entry into that mode (a probe would use
it up: the sweep never probes an address it knows as a Sony), and a Nikon D7200/J5 is reported to
dislike sessions closed within a second; a probe opens no PTP session, and whether a bare Init
bothers those bodies is not known, so the sweep probes each address at most once a run.

Fujifilm speaks its own Init on port 55740: always 82 bytes (an X-T4 closes on any other length),
version first, the name in a fixed 54-byte field. A probe on that port sends that form; its Ack
and Init Fail are the standard packets. After a Fujifilm Ack we send the hang-up the notes give
for it (`08 00 00 00 ff ff ff ff`) before closing.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass

from airnef_tui.camera.connection import _check_host, _connect
from airnef_tui.camera.errors import CameraUnreachable, Interrupted
from airnef_tui.camera.vendors import GENERIC, vendor_for
from airnef_tui.ptpip import (
    Framer, InitCommandAck, InitCommandRequest, InitFail, PacketType, ProtocolError, encode,
)

PROBE_TIMEOUT = 1.5  # seconds for the whole probe: connect, request, answer
FUJIFILM_PORT = 55740
FUJIFILM_INIT_LENGTH = 0x52
FUJIFILM_VERSION = 0x8F53E4F2
FUJIFILM_NAME_FIELD = 54  # bytes of UTF-16LE, zero-padded (at least one NUL kept)
FUJIFILM_HANG_UP = bytes.fromhex("08000000ffffffff")
_GUID_SIZE = 16
_MAX_INIT_PACKET = 64 * 1024  # an Init Ack is a few hundred bytes: more is not a camera
_SLICE = 0.1  # seconds between looks at the cancel event while waiting for the answer


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """A camera answered at `host`:`port`. `refused`: it sent Init Fail (`reason`), so there is
    no name or GUID; it is there, but will not talk to us (a Canon paired with another host)."""

    host: str
    port: int
    name: str = ""
    guid: bytes = b""
    refused: bool = False
    reason: int | None = None
    fujifilm: bool = False  # it answered the Fujifilm form of the Init

    @property
    def make(self) -> str:
        """The lower-case make when the answer tells it, else ""."""
        return "fujifilm" if self.fujifilm else make_from_name(self.name)


def make_from_name(name: str) -> str:
    """"canon" for "Canon EOS 80D": the make when a camera's name says it, else ""."""
    vendor = vendor_for(name)
    return "" if vendor is GENERIC else vendor.make


def fujifilm_init(guid: bytes, name: str) -> bytes:
    """Fujifilm's 82-byte Init Command Request (ptpip.md section 5)."""
    if len(guid) != _GUID_SIZE:
        raise ValueError(f"a GUID is {_GUID_SIZE} bytes, got {len(guid)}")
    encoded = name.encode("utf-16-le")
    while len(encoded) > FUJIFILM_NAME_FIELD - 2:
        name = name[:-1]
        encoded = name.encode("utf-16-le")
    return (struct.pack("<III", FUJIFILM_INIT_LENGTH, PacketType.INIT_COMMAND_REQUEST,
                        FUJIFILM_VERSION)
            + guid + encoded.ljust(FUJIFILM_NAME_FIELD, b"\0"))


def probe(host: str, port: int, *, timeout: float = PROBE_TIMEOUT, guid: bytes, name: str,
          cancel: threading.Event | None = None,
          fujifilm: bool | None = None) -> ProbeResult | None:
    """What answers a PTP/IP Init at `host`:`port` within `timeout` seconds, or None.

    `fujifilm`: send Fujifilm's Init form (None: when `port` is 55740). A set `cancel` ends the
    probe within a fraction of a second (None). Raises only for a bad `guid` (a caller's bug).
    """
    fuji = port == FUJIFILM_PORT if fujifilm is None else fujifilm
    request = fujifilm_init(guid, name) if fuji else encode(InitCommandRequest(guid, name))
    deadline = time.monotonic() + timeout
    try:
        _check_host(host, port)
        sock = _connect(host, port, timeout, cancel)
    except (CameraUnreachable, Interrupted):
        return None
    reply = None
    try:
        sock.settimeout(max(deadline - time.monotonic(), _SLICE))
        sock.sendall(request)
        reply = _read_reply(sock, deadline, cancel)
    except (OSError, ProtocolError):
        return None
    finally:
        _leave(sock, fuji and isinstance(reply, InitCommandAck))
    if isinstance(reply, InitCommandAck):
        return ProbeResult(host, port, reply.name, reply.guid, fujifilm=fuji)
    if isinstance(reply, InitFail):
        return ProbeResult(host, port, refused=True, reason=reply.reason, fujifilm=fuji)
    return None  # something else answered: not a PTP/IP camera


def _read_reply(sock: socket.socket, deadline: float, cancel: threading.Event | None):
    """The first packet the peer sends, or None: it closed, went past `deadline`, or we were
    cancelled. ProtocolError when the bytes are not PTP/IP."""
    framer = Framer(max_packet=_MAX_INIT_PACKET)
    while True:
        packet = framer.next_packet()
        if packet is not None:
            return packet
        remaining = deadline - time.monotonic()
        if remaining <= 0 or (cancel is not None and cancel.is_set()):
            return None
        sock.settimeout(min(_SLICE, remaining))
        try:
            data = sock.recv(4096)
        except TimeoutError:
            continue
        if not data:
            return None
        framer.feed(data)


def _leave(sock: socket.socket, fujifilm_ack: bool) -> None:
    """Close the socket; a Fujifilm that acked gets its hang-up first (best effort)."""
    try:
        if fujifilm_ack:
            sock.settimeout(_SLICE)
            sock.sendall(FUJIFILM_HANG_UP)
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()
