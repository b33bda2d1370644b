"""The browser's lines of text: the camera line fitted to the terminal, and the listing's count.

Why the camera line is fitted rather than cut: at 80 columns the full line (note, make, model,
serial, the camera's own name, address, counts) is ~140 characters, and Textual cuts a one-line
Static wherever the width ends, mid-word ("… D7200 at"). Here the line gives way in order of
importance (the words for the ✓ count, the camera's own name, the serial, the make's company
suffix, the note's detail, the total size, the address) and only as a last resort is cut, at a
word, with an ellipsis.

Why the count is throttled in the worker: the walk reports every object described (thousands a
second from the cache), and each message posted costs the UI thread a repaint that goes over SSH.
At most ~4 a second keeps the line honest and the link quiet.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

from airnef_tui.app.units import size

PROGRESS_EVERY = 0.25  # seconds between two counts posted to the screen


@dataclass(frozen=True, slots=True)
class CardCount:
    """How far the listing of a card has come: `described` of the `known` objects."""

    described: int
    known: int

    def line(self) -> str:
        return f"Reading the card: {self.described} of {self.known} objects"


class ThrottledCount:
    """The listing's `progress(described, known)` callback, called on the worker thread: hands
    `post` a `CardCount` at most once per `every` seconds (the first at once).

    A first listing counts twice per card: the camera asked for each object (slow), then the
    walk over the answers (a blink). The second count would make the line jump back ("400 of
    400", then "37 of 400"), so a count that is not ahead of the one shown for the same total is
    not posted.
    """

    def __init__(self, post: Callable[[CardCount], None], every: float = PROGRESS_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.post = post
        self.every = every
        self.clock = clock
        self._shown = CardCount(0, -1)
        self._posted_at: float | None = None

    def __call__(self, described: int, known: int) -> None:
        if known == self._shown.known and described <= self._shown.described:
            return
        now = self.clock()
        if self._posted_at is not None and now - self._posted_at < self.every:
            return
        self._posted_at = now
        self._shown = CardCount(described, known)
        self.post(self._shown)


@dataclass(frozen=True, slots=True)
class CameraFacts:
    """What the camera line can say; a blank field is left out."""

    address: str
    note: str = ""
    make: str = ""
    model: str = ""
    serial: str = ""
    name: str = ""  # the camera's own name ("Nikon D7200" or what its owner called it)
    files: int | None = None  # None until the card is listed
    total_bytes: int = 0
    downloaded: int = 0


# Each step drops or shortens one thing; fit_camera_line tries them in this order.
_STEPS = ("short_tick", "no_name", "no_serial", "short_make", "short_note", "no_size",
          "no_address", "no_note")


def camera_line(facts: CameraFacts, dropped: frozenset[str] = frozenset()) -> Text:
    """The line with the steps in `dropped` applied."""
    line = Text()
    note = facts.note
    if "short_note" in dropped:
        note = note.split(":")[0].split(",")[0].strip()
    if note and "no_note" not in dropped:
        line.append(f"{note} · ", style="italic")
    if facts.files is None:
        line.append(f"Camera at {facts.address}", style="bold")
        return line
    make = facts.make.split()[0] if "short_make" in dropped and facts.make else facts.make
    camera = " ".join(part for part in (make, facts.model) if part) or "Camera"
    if facts.serial and "no_serial" not in dropped:
        camera += f" (serial {facts.serial})"
    line.append(camera, style="bold")
    if facts.name and facts.name != facts.model and "no_name" not in dropped:
        line.append(f" “{facts.name}”")
    if "no_address" not in dropped:
        line.append(f" at {facts.address}")
    line.append(f" · {facts.files} files")
    if "no_size" not in dropped:
        line.append(f", {size(facts.total_bytes)}")
    if facts.downloaded:
        line.append(f" · {facts.downloaded} ✓" if "short_tick" in dropped
                    else f" · {facts.downloaded} ✓ already downloaded")
    return line


def fit_camera_line(facts: CameraFacts, width: int) -> Text:
    """The fullest form of the line that fits `width` cells, else the shortest one cut at a
    word with an ellipsis (never in the middle of a word, unless one word is wider than all)."""
    dropped: set[str] = set()
    line = camera_line(facts)
    for step in _STEPS:
        if cell_len(line.plain) <= width:
            return line
        dropped.add(step)
        line = camera_line(facts, frozenset(dropped))
    return cut_at_word(line, width)


def cut_at_word(text: Text, width: int) -> Text:
    """`text` cut to `width` cells at the last space that leaves room for '…'."""
    if cell_len(text.plain) <= width:
        return text
    if width <= 1:
        return Text("…"[:width])
    keep = text.plain[:width - 1]
    while cell_len(keep) > width - 1:
        keep = keep[:-1]
    space = keep.rstrip().rfind(" ")
    end = space if space > 0 else len(keep)
    cut = text[:end]
    cut.rstrip()
    if cut.plain.endswith(("·", ",")):
        cut = cut[:-1]
        cut.rstrip()
    cut.append("…")
    return cut
