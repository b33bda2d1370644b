"""A line-API list whose scrollbar is drawn again only when its size or its rows change.

Why: after every layout of the screen (a letter typed in an Input, whose width grows, is one),
Textual hands each ScrollView the virtual size of its container, which never equals the rows
count a line-API list sets for itself; `ScrollView._size_updated` takes that as a change and
repaints the scrollbar. At 120×40 that is ~2.4 KB of colour codes per keystroke for two columns
that did not move. This keeps the call when the list's size, its container or its own rows
changed since the scrollbars were last drawn, and skips it otherwise.

It overrides a private Textual method (same signature in Textual 8); the tests pin the version
the project is tested with, and `tests/tui/test_tui_text_line.py` checks the effect.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


class SteadyScrollbars(ScrollView):
    _scrollbars_drawn_for: tuple[Size, Size, Size] | None = None

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        drawn_for = (size, container_size, self.virtual_size)
        if drawn_for == self._scrollbars_drawn_for:
            return False
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        self._scrollbars_drawn_for = drawn_for
        return changed
