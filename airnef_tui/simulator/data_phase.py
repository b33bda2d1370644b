"""Cutting a camera-to-host data phase into Start Data, Data... and End Data packets.

Each profile cuts differently (Nikon one End Data, Canon many small Data packets), and object
data must be streamed: `plan_packets` only decides the packet lengths, so the sender can write
each packet's header and then its payload in pieces read from disk. The headers themselves come
from the transaction machine (`ptpip.transaction.Responder`), which numbers them and refuses a
data phase that does not add up.

End Data always carries the last payload bytes (it is empty only when the whole phase is): a
libgphoto2 reader stops once it has the announced length and would take a trailing empty End Data
for the operation response.
"""

from __future__ import annotations

from collections.abc import Callable

from airnef_tui.ptpip.codes import PacketType
from airnef_tui.ptpip.packets import encode
from airnef_tui.ptpip.transaction import DataCancelled, DataReceived, Responder
from airnef_tui.simulator.profiles import DataLayout

MAX_PACKET_PAYLOAD = 0xFFFFFFFF - 12  # u32 packet length minus header and transaction id


def plan_packets(total: int, layout: DataLayout) -> list[tuple[PacketType, int]]:
    """(packet type, payload length) for each packet after Start Data."""
    if total == 0:
        return [(PacketType.END_DATA, 0)]
    if layout.single_end_data and total <= MAX_PACKET_PAYLOAD:
        return [(PacketType.END_DATA, total)]
    piece = min(layout.piece, MAX_PACKET_PAYLOAD)
    full, rest = divmod(total, piece)
    if rest == 0:
        full, rest = full - 1, piece
    return [(PacketType.DATA, piece)] * full + [(PacketType.END_DATA, rest)]


def encode_data_phase(responder: Responder, data: bytes, layout: DataLayout) -> bytes:
    """A small reply (a dataset) as one buffer, so it leaves in a single send."""
    out = [encode(responder.start_data(len(data)))]
    pos = 0
    for kind, length in plan_packets(len(data), layout):
        out.append(responder.data_header(kind, length))
        out.append(data[pos:pos + length])
        pos += length
    return b"".join(out)


MAX_INCOMING_DATA = 1024 * 1024  # host-to-camera data kept; the rest is read and dropped


def receive_host_data(receive: Callable[[], object]) -> bytes | None:
    """The host's data phase, whatever the transport: `receive()` feeds the next packet or
    container to the responder machine and returns its event. The first MAX_INCOMING_DATA bytes
    are kept (a camera stores a property or a clock, never megabytes); None when the host
    cancelled its data phase."""
    kept = bytearray()
    while True:
        event = receive()
        if isinstance(event, DataCancelled):
            return None
        if isinstance(event, DataReceived):
            room = MAX_INCOMING_DATA - len(kept)
            if room > 0:
                kept += event.payload[:room]
            if event.last:
                return bytes(kept)
        # None: the start of the data phase (Start Data, a data container's header)
