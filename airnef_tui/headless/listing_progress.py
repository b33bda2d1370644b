"""Telling a person that a big card is being read, on stderr, only when it is a terminal.

The first listing of a full card costs one request per object: minutes over a slow radio, with
nothing else on screen. Logs and `--json` consumers get nothing here (stdout stays clean).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

REDRAW_INTERVAL = 0.25


class ListingProgress:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._last = 0.0
        self._shown = False

    def __call__(self, described: int, known: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < REDRAW_INTERVAL:
            return
        self._last = now
        self.stream.write(f"\r\x1b[Kreading the card: {described} of {known} objects")
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
