"""Fault injection: a dropped link, a stalled link, a dripping link, a slow link.

Real Wi-Fi cameras lose the connection mid-transfer (airnef spun forever there), go silent
while keeping the socket open, or keep the line alive with a byte now and then (a link at the
edge of range, a firmware stuck in a loop), and they are slow. The byte faults count object-file
bytes (GetObject and the partial reads; thumbnails and datasets do not count) over the
simulator's whole life, and each of drop, stall and drip fires once, so a client's retry can be
shown to succeed. The reply drip counts operations answered instead, and also fires once.

A byte fault fires only while payload bytes of a Data packet are still due, i.e. always strictly
in the middle of a packet, never at a boundary a client could mistake for a clean end.
"""

from __future__ import annotations

import enum
import threading
import time


class Fault(enum.Enum):
    DROP = "drop"  # close the command and event sockets at once
    STALL = "stall"  # stop writing, keep the sockets open until the client leaves
    DRIP = "drip"  # from then on that connection sends one byte per drip interval
    DRIP_REPLY = "drip-reply"  # one operation's whole reply leaves one byte per drip interval


DEFAULT_DRIP_INTERVAL = 2.0  # seconds between two bytes of a dripping connection


class FaultPlan:
    """Shared by all sessions of one simulator: byte and operation counters, one-shot faults,
    rate limit."""

    def __init__(self, drop_after_bytes: int | None = None, stall_after_bytes: int | None = None,
                 rate: float | None = None, *, drip_after_bytes: int | None = None,
                 drip_interval: float = DEFAULT_DRIP_INTERVAL,
                 drip_replies_after_ops: int | None = None) -> None:
        self._lock = threading.Lock()
        self._pending: dict[Fault, int] = {}
        for fault, at in ((Fault.DROP, drop_after_bytes), (Fault.STALL, stall_after_bytes),
                          (Fault.DRIP, drip_after_bytes)):
            if at is not None:
                self._pending[fault] = at
        self.rate = rate
        self.drip_interval = drip_interval
        self._drip_reply_at = drip_replies_after_ops
        self.object_bytes_sent = 0
        self.replies_claimed = 0  # operations answered (or being answered), all connections
        # (fault, count when it fired): object bytes sent for the byte faults, operations already
        # answered for DRIP_REPLY
        self.fired: list[tuple[Fault, int]] = []
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

    def claim_reply(self) -> int | None:
        """Count one more operation answered. Once, for the reply that must drip: the number of
        operations answered before it; otherwise None."""
        with self._lock:
            answered = self.replies_claimed
            self.replies_claimed += 1
            if self._drip_reply_at is None or answered < self._drip_reply_at:
                return None
            self._drip_reply_at = None
            self.fired.append((Fault.DRIP_REPLY, answered))
            return answered

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
