"""One rename spec as a person types it: a labelled input, compiled on demand, errors in place.

A `SpecError` names the offending characters (`position`..`end`); they are underlined inside the
input itself and the message appears on the line below, so the mistake is shown where it was
made. Compiling is cheap (microseconds), so the field just compiles whenever asked; the pane
decides when (debounced typing, or at once before a download).
"""

from __future__ import annotations

from typing import Literal

from rich.highlighter import Highlighter
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from airnef_tui.rename import CompiledSpec, SpecError, compile_optional
from airnef_tui.tui.widgets.text_line import show_text

ERROR_STYLE = "bold red underline"


class ErrorSpanHighlighter(Highlighter):
    """Underlines the characters a SpecError points at (one cell when it points between them)."""

    def __init__(self) -> None:
        self.span: tuple[int, int] | None = None

    def highlight(self, text: Text) -> None:
        if self.span is None:
            return
        start, end = self.span
        end = max(end, start + 1)
        if start < len(text):
            text.stylize(ERROR_STYLE, start, min(end, len(text)))


def error_caption(text: str, error: SpecError) -> str:
    """`column 15-23: unknown specifier …` (columns from 1, as the message counts them)."""
    where = (f"column {error.position + 1}" if error.end <= error.position + 1
             else f"columns {error.position + 1}-{error.end}")
    if error.position >= len(text):
        where = "at the end"
    return f"✗ {where}: {error.message}"


class SpecField(Vertical):
    """A `kind` spec ("file" or "dir"); empty text means "not renamed" / "no sub-folder"."""

    def __init__(self, label: str, kind: Literal["file", "dir"], *, placeholder: str,
                 id: str) -> None:
        super().__init__(id=id, classes="spec-field")
        self.label = label
        self.kind = kind
        self.placeholder = placeholder
        self.spec: CompiledSpec | None = None
        self.error: SpecError | None = None
        self._highlighter = ErrorSpanHighlighter()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.label, classes="field-label")
            field = Input(placeholder=self.placeholder, highlighter=self._highlighter,
                          compact=True, classes="spec-input")
            field.cursor_blink = False  # a blinking cursor repaints twice a second over SSH
            yield field
        yield Static("", classes="spec-error")

    def on_mount(self) -> None:
        self.query_one(".spec-error").display = False

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def text(self) -> str:
        return self.input.value

    @property
    def valid(self) -> bool:
        return self.error is None

    def compile(self) -> bool:
        """Compile the current text; show or clear the error. True if the spec is usable."""
        text = self.text
        try:
            self.spec = compile_optional(text, self.kind)
            self.error = None
        except SpecError as error:
            self.spec = None
            self.error = error
        self._show_error(text)
        return self.error is None

    def _show_error(self, text: str) -> None:
        caption = self.query_one(".spec-error", Static)
        span = None if self.error is None else (self.error.position, self.error.end)
        if self.error is None:
            show_text(caption, "")
            caption.display = False
        else:
            show_text(caption, Text(error_caption(text, self.error)))  # no markup: specs hold [ ]
            caption.display = True
        if span != self._highlighter.span:  # the underline moved: the field is drawn again
            self._highlighter.span = span
            self.input.refresh()
