"""Asking before `q` ends a download: one keystroke too many should not stop a card's transfer.

Quitting mid-download loses nothing on disk (the file in flight keeps its `.part`, and the next
download continues it), but it does stop a transfer that may have been running for an hour, so
`q` asks first while one runs, on screen or behind the files (ctrl+q, the emergency exit, does
not ask). `y`, or `q` again, quits; `n`, Esc, or Enter (the focused button is "Keep
downloading") goes back to what was there.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmQuitScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,q", "answer(True)", "Quit", id="quit.yes"),
        Binding("n,escape", "answer(False)", "Keep downloading", id="quit.no"),
    ]
    DEFAULT_CSS = """
    ConfirmQuitScreen { align: center middle; }
    ConfirmQuitScreen > #quit-box {
        width: 90%; max-width: 64; height: auto;
        padding: 0 1; border: round $warning; background: $surface;
    }
    ConfirmQuitScreen #quit-text { height: auto; margin: 0 0 1 0; }
    ConfirmQuitScreen #quit-buttons { height: 1; align-horizontal: right; }
    ConfirmQuitScreen #quit-buttons Button { margin: 0 0 0 2; }
    """

    def __init__(self, what: str) -> None:
        """`what` says what is running (e.g. the transfer's status line)."""
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-box"):
            yield Static(f"{self.what}\n\nQuit anyway? The download stops; the file in flight "
                         "keeps its .part and the next download continues it.", id="quit-text",
                         markup=False)
            with Horizontal(id="quit-buttons"):
                yield Button("Keep downloading (n)", id="quit-no", compact=True)
                yield Button("Quit (y)", id="quit-yes", compact=True, variant="error")

    def on_mount(self) -> None:
        self.query_one("#quit-no", Button).focus()  # a stray Enter must not end the transfer

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "quit-yes")

    def action_answer(self, quit_: bool) -> None:
        self.dismiss(quit_)
