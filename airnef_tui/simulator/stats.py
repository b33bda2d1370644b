"""What the simulator saw: lets tests assert how a client behaved, not just what it got.

For example that a resumed download asked for GetPartialObject from the right offset, that a
large file went through the 64-bit partial read, or that a client reused its GUID.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ObjectRead:
    """One object-data request served (GetObject, the partial reads, GetThumb)."""

    opcode: int
    handle: int
    offset: int
    length: int


@dataclass
class SimulatorStats:
    reads: list[ObjectRead] = field(default_factory=list)
    sessions: int = 0  # OpenSession calls that succeeded
    guids: list[bytes] = field(default_factory=list)  # from every Init Command Request
    connections: int = 0  # TCP connections accepted
    refused: int = 0  # Init Fail answers sent
    operations: list[int] = field(default_factory=list)  # every opcode received, in order
    # (opcode, bytes) of every host-to-camera data phase, in order (first MiB of each)
    data_received: list[tuple[int, bytes]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_read(self, read: ObjectRead) -> None:
        with self._lock:
            self.reads.append(read)

    def record_operation(self, opcode: int) -> None:
        with self._lock:
            self.operations.append(opcode)

    def record_data(self, opcode: int, data: bytes) -> None:
        with self._lock:
            self.data_received.append((opcode, data))

    def record_guid(self, guid: bytes) -> None:
        with self._lock:
            self.guids.append(guid)

    def count(self, what: str) -> None:
        with self._lock:
            setattr(self, what, getattr(self, what) + 1)
