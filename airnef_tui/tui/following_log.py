"""The transfer screen's log: it keeps its newest line in view, and gathers lines that come fast.

RichLog scrolls to the end as lines are written, but when a box appears under it (the transfer
summary) its height shrinks and the newest lines slide out of view, right when the person wants to
read them. Scrolling to the end on every resize keeps them in view.

Why gather: every line written scrolls the log, and a scroll repaints every line of it. A card of
small files finishes several files a second, and one repaint each cost ~30 KB a second at 80×24
over SSH. `write_soon` lines are written together at most every `GATHER_SECONDS`, one repaint for
all of them; `write` (a reconnection, the end) writes at once, after any gathered lines, so the
order is kept.

Its scrollbar is steady (SteadyScrollbars): the progress lines above it change several times a
second, and each layout they caused repainted the whole log.
"""

from __future__ import annotations

from typing import Self

from rich.console import RenderableType
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import RichLog

from airnef_tui.tui.widgets.steady_scrollbars import SteadyScrollbars

GATHER_SECONDS = 0.5


class FollowingLog(RichLog, SteadyScrollbars):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._gathered: list[RenderableType] = []
        self._gather_timer: Timer | None = None

    def on_resize(self, event: Resize) -> None:
        super().on_resize(event)
        self.scroll_end(animate=False, immediate=False, x_axis=False)

    def write_soon(self, content: RenderableType) -> None:
        """Write `content` within GATHER_SECONDS, with whatever else comes meanwhile."""
        self._gathered.append(content)
        if self._gather_timer is None:
            self._gather_timer = self.set_timer(GATHER_SECONDS, self.flush)

    def flush(self) -> None:
        """Write the gathered lines now."""
        if self._gather_timer is not None:
            self._gather_timer.stop()
            self._gather_timer = None
        gathered, self._gathered = self._gathered, []
        for content in gathered:
            super().write(content, scroll_end=False)
        if gathered:  # scrolled in the frame that draws the lines, not one frame later
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def write(self, content: RenderableType, *args, **kwargs) -> Self:
        self.flush()
        return super().write(content, *args, **kwargs)
