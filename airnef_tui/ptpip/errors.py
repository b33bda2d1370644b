"""The one exception the sans-IO layer raises for anything malformed.

Every decoder reports what was wrong and at which byte offset, so a log line from a misbehaving
camera is enough to reproduce the problem as a byte-vector test.
"""

from __future__ import annotations


class ProtocolError(Exception):
    """Malformed or unacceptable PTP/IP bytes.

    `offset` is the position of the offending byte within the buffer being decoded (for the framer,
    within the whole stream), or None when no single position is to blame.
    """

    def __init__(self, message: str, offset: int | None = None) -> None:
        self.message = message
        self.offset = offset
        super().__init__(message if offset is None else f"{message} (at byte {offset})")
