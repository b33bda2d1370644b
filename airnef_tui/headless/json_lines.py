"""`--json` output: one JSON object per line, the format scripts parse (see the README)."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from airnef_tui.transfer.events import Event, FileFinished, RunFinished


def emit(obj: dict[str, Any], stream: TextIO | None = None) -> None:
    import json  # here, not at the top: ~1 ms of start-up `get` without --json never uses

    stream = stream or sys.stdout
    stream.write(json.dumps(obj, ensure_ascii=False, separators=(", ", ": ")) + "\n")
    stream.flush()


class JsonPrinter:
    """An Observer writing `get`'s file and summary records."""

    def __init__(self, stream: TextIO | None = None, notes: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.notes = notes

    def note(self, text: str) -> None:
        """Lines about the run go to stderr: stdout holds only the records scripts parse."""
        stream = self.notes or sys.stderr
        stream.write(f"airnef-tui: {text}\n")
        stream.flush()

    def __call__(self, event: Event) -> None:
        if isinstance(event, FileFinished):
            emit({
                "type": "file", "path": event.path, "status": event.status.value,
                "reason": event.reason or None,
                "target": str(event.target) if event.target else None,
                "bytes": event.bytes, "seconds": round(event.seconds, 3),
            }, self.stream)
        elif isinstance(event, RunFinished):
            s = event.summary
            emit({
                "type": "summary", "downloaded": s.downloaded, "skipped": s.skipped,
                "skipped_history": s.skipped_history, "skipped_existing": s.skipped_existing,
                "failed": s.failed, "bytes": s.bytes, "seconds": round(s.seconds, 3),
            }, self.stream)
