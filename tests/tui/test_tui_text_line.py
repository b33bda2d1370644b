"""Status lines cost only what changed: no repaint for the same words, no screen layout for a
line whose size cannot change or that is hidden (a layout repaints every scrollbar)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from airnef_tui.tui.widgets.text_line import show_text


class Lines(App):
    CSS = "#fixed { height: 1; } #grows { height: auto; }"

    def compose(self) -> ComposeResult:
        yield Static("", id="fixed")
        yield Static("", id="grows")
        with Vertical(id="panel"):
            yield Static("", id="hidden")


def spy(widget: Static) -> list[bool]:
    """The `layout` argument of every refresh the widget is asked for."""
    calls: list[bool] = []
    refresh = widget.refresh

    def recording(*regions, **options):
        calls.append(bool(options.get("layout", False)))
        return refresh(*regions, **options)

    widget.refresh = recording  # type: ignore[method-assign]
    return calls


async def test_only_a_change_is_drawn_and_only_a_change_of_size_is_laid_out():
    app = Lines()
    async with app.run_test(size=(40, 10)) as pilot:
        fixed, grows, hidden = (app.query_one(f"#{name}", Static)
                                for name in ("fixed", "grows", "hidden"))
        app.query_one("#panel").display = False
        await pilot.pause()
        calls = {name: spy(widget) for name, widget in
                 (("fixed", fixed), ("grows", grows), ("hidden", hidden))}
        for widget in (fixed, grows, hidden):
            assert show_text(widget, "3 of 10 selected")
            assert not show_text(widget, "3 of 10 selected")  # the same words: nothing
        assert calls == {"fixed": [False], "grows": [True], "hidden": [False]}
        app.query_one("#panel").display = True  # shown: laid out with the text it was given
        await pilot.pause()
        assert str(hidden.render()) == "3 of 10 selected"
        assert hidden.size.height == 1
