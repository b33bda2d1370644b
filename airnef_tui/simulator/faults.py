"""Fault injection on object data: a dropped link, a stalled link, a slow link.

Real Wi-Fi cameras lose the connection mid-transfer (airnef spun forever there) or go silent
while keeping the socket open, and they are slow. These faults count object-file bytes (GetObject
and the partial reads; thumbnails and datasets do not count) over the simulator's whole life,
and each of drop and stall fires once, so a client's retry can be shown to succeed.

A fault fires only while payload bytes of a Data packet are still due, i.e. always strictly in
the middle of a packet, never at a boundary a client could mistake for a clean end.
"""

from __future__ import annotations

import enum
import threading
import time


class Fault(enum.Enum):
    DROP = "drop"  # close the command and event sockets at once
    STALL = "stall"  # stop writing, keep the sockets open until the client leaves


class FaultPlan:
    """Shared by all sessions of one simulator: byte counter, one-shot faults, rate limit."""

    def __init__(self, drop_after_bytes: int | None = None, stall_after_bytes: int | None = None,
                 rate: float | None = None) -> None:
        self._lock = threading.Lock()
        self._pending: dict[Fault, int] = {}
        if drop_after_bytes is not None:
            self._pending[Fault.DROP] = drop_after_bytes
        if stall_after_bytes is not None:
            self._pending[Fault.STALL] = stall_after_bytes
        self.rate = rate
        self.object_bytes_sent = 0
        self.fired: list[tuple[Fault, int]] = []  # (fault, object bytes sent when it fired)
        self._next_free = 0.0

    @property
    def active(self) -> bool:
        """True when sends must go through `allowance` (a fault pending or a rate set)."""
        return bool(self._pending) or bool(self.rate)

    def allowance(self, want: int) -> tuple[int, Fault | None]:
        """Reserve up to `want` bytes: how many may be sent, and the fault to enact after them."""
        with self._lock:
            allowed, fault = want, None
            for kind, at in sorted(self._pending.items(), key=lambda item: item[1]):
                room = max(0, at - self.object_bytes_sent)
                if room < want:
                    allowed, fault = room, kind
                    break
            self.object_bytes_sent += allowed
            if fault is not None:
                del self._pending[fault]
                self.fired.append((fault, self.object_bytes_sent))
            return allowed, fault

    def pace_delay(self, count: int) -> float:
        """Seconds to wait after sending `count` bytes so the overall rate stays at the cap."""
        if not self.rate:
            return 0.0
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_free)
            self._next_free = start + count / self.rate
            return max(0.0, self._next_free - now)

    def piece_size(self, default: int) -> int:
        """Read/send granularity: small enough that a low rate cap is smooth, not bursty."""
        if not self.rate:
            return default
        return max(1024, min(default, int(self.rate // 20)))
