"""Update a Static only when what it says changes.

Why: `Static.update` marks the widget for repainting and asks for a layout of the whole screen
even when the new text equals the old. The browser rewrites its status lines on every key, so
an unchanged line would still cost a layout pass (the largest part of a key's CPU at 120×40)
and, repainted, its cells on the wire. Comparing first keeps a key's cost to what it changed.
A line whose size the stylesheet fixes (`height: 1`) cannot move anything else, and a hidden
one (the rename panel at 80 columns) moves nothing until it is shown, which lays it out anyway:
both skip the layout, which repaints every scrollbar on the screen (~700 bytes at 80×24).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

_SHOWN = "_airnef_shown_text"  # the content last given to the widget, kept on the widget


def show_text(widget: Static, content: str | Text) -> bool:
    """Give `widget` `content` unless it already shows exactly that (text and styles);
    whether it changed."""
    if getattr(widget, _SHOWN, None) == content:
        return False
    setattr(widget, _SHOWN, content.copy() if isinstance(content, Text) else content)
    widget.update(content, layout=displayed(widget) and not _fixed_size(widget))
    return True


def _fixed_size(widget: Static) -> bool:
    """Whether the stylesheet gives the widget a size its content cannot change."""
    height, width = widget.styles.height, widget.styles.width
    return height is not None and height.is_cells and (width is None or not width.is_auto)


def displayed(widget: Widget) -> bool:
    """Whether the widget and every container around it are shown (`display`, not scrolled
    into view): only then can a change of its size move anything on screen."""
    return all(getattr(node, "display", True) for node in widget.ancestors_with_self)
