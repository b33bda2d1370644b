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

from airnef_tui.ptpip.codes import PacketType
from airnef_tui.ptpip.packets import encode
from airnef_tui.ptpip.transaction import Responder
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
