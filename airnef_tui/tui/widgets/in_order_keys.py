"""Run every key's binding the moment the focused widget receives it, in arrival order.

Textual runs a non-priority binding only after its key has bubbled from the focused widget up
through each ancestor's message queue to the app. A widget that also handles some keys itself
(the file list's `/` filter, typed letter by letter) would then see the next key before the
previous key's binding had run: `/` followed at once by `n` would select nothing instead of
filtering. Keys that arrive in one read over SSH are exactly that case. So a widget with this
mixin looks each key up in the screen's active bindings (the same chain, keymap and
`check_action` Textual uses) and runs the action before taking the next key, for its own bindings
and its ancestors' (e.g. the browser's `d`), so `space d` downloads what was ticked and
`d space` does not tick a file into a download already started.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object


class InOrderKeys(_Base):
    """Mixin for a focusable widget, listed before the widget class: `class L(InOrderKeys,
    ScrollView)`. Not a Widget itself, because Textual takes CSS from the first widget base."""

    def typed_key(self, event: events.Key) -> bool:
        """Hook for keys the widget takes as text before any binding (True = consumed)."""
        return False

    async def on_key(self, event: events.Key) -> None:
        if self.typed_key(event):
            event.stop()
            event.prevent_default()
            return
        active = self.screen.active_bindings.get(event.key)
        # Priority bindings were tried by the app before the key reached us.
        if active is None or not active.enabled or active.binding.priority:
            return
        event.stop()
        event.prevent_default()
        await self.app.run_action(active.binding.action, active.node)
