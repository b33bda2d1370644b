"""Sizes, rates, durations and the run summary in the words both interfaces print.

One place, so the TUI's transfer screen and `get`'s last line say the same thing the same way.
"""

from __future__ import annotations

from airnef_tui.transfer.events import Summary


def size(n: int) -> str:
    import humanize  # here, not at the top: ~1.3 ms of start-up `get --json` never uses

    return humanize.naturalsize(n, format="%.1f")


def rate(bytes_per_second: float) -> str:
    return f"{size(int(bytes_per_second))}/s"


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
    import humanize

    return humanize.precisedelta(int(seconds), minimum_unit="seconds", format="%d")


def summary_line(summary: Summary) -> str:
    parts = [f"{summary.downloaded} downloaded"]
    if summary.skipped_history:
        parts.append(f"{summary.skipped_history} skipped as already downloaded")
    if summary.skipped_existing:
        parts.append(f"{summary.skipped_existing} skipped as existing")
    parts.append(f"{summary.failed} failed")
    text = ", ".join(parts) + f"; {size(summary.bytes)} in {duration(summary.seconds)}"
    if summary.bytes and summary.seconds > 0:
        text += f" ({rate(summary.rate)} average)"
    return text
