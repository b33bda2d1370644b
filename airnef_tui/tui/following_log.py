"""A log that keeps its newest line in view when it shrinks, not only when a line is written.

RichLog scrolls to the end as lines are written, but when a box appears under it (the transfer
summary) its height shrinks and the newest lines slide out of view, right when the person wants to
read them. Scrolling to the end on every resize keeps them in view.
"""

from __future__ import annotations

from textual.events import Resize
from textual.widgets import RichLog


class FollowingLog(RichLog):
    def on_resize(self, event: Resize) -> None:
        super().on_resize(event)
        self.scroll_end(animate=False, immediate=False, x_axis=False)
