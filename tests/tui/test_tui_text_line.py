"""Status lines and lists cost only what changed: no repaint for the same words, no screen
layout for a line whose size cannot change or that is hidden, and no scrollbar repainted by a
layout that did not move it."""

from __future__ import annotations

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import Input, Static

from airnef_tui.tui.widgets.steady_scrollbars import SteadyScrollbars
from airnef_tui.tui.widgets.text_line import show_text


class Lines(App):
    CSS = "#fixed { height: 1; } #grows { height: auto; }"

    def compose(self) -> ComposeResult:
        yield Static("", id="fixed")
        yield Static("", id="grows")
        with Vertical(id="panel"):
            yield Static("", id="hidden")


def spy(widget) -> list[bool]:
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


class Rows(SteadyScrollbars):
    """A line-API list of `count` numbered rows."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.virtual_size = Size(0, count)

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_y) + y
        text = str(row) if row < self.virtual_size.height else ""
        return Strip([Segment(text.ljust(self.size.width))], self.size.width)


class ListAndField(App):
    CSS = "Rows { height: 8; } Input { width: 20; }"

    def compose(self) -> ComposeResult:
        yield Rows(100)
        yield Input(compact=True)


async def test_a_layout_elsewhere_leaves_the_lists_scrollbar_alone_its_own_rows_do_not():
    app = ListAndField()
    async with app.run_test(size=(40, 12)) as pilot:
        rows = app.query_one(Rows)
        app.query_one(Input).focus()  # (a change of focus restyles, and repaints, everything)
        await pilot.pause()
        calls = spy(rows.vertical_scrollbar)
        await pilot.press(*"typed")  # the field grows: a layout of the screen per letter
        await pilot.pause()
        assert calls == []
        rows.virtual_size = Size(0, 300)  # the list's own rows: its scrollbar follows
        await pilot.pause()
        assert calls and rows.max_scroll_y == 300 - rows.size.height
