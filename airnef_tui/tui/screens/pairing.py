"""Pairing a Canon in "Connect to computer" mode from the discovery screen (the `p` key).

The same responder as `airnef-tui pair canon`, run in a thread worker for as long as this dialog
is open: it shows the steps to follow on the camera, then each thing the camera does, and closes
with the camera's address once the camera answers on its PTP/IP port. Escape stops it.
"""

from __future__ import annotations

import threading

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from airnef_tui.discovery.canon_pairing import PairingError, PairingProgress, pair_canon
from airnef_tui.discovery.scope import Scope

PAIRING_TIMEOUT = 180.0


class PairingScreen(ModalScreen[str | None]):
    """Dismissed with the camera's address, or None when stopped or failed."""

    BINDINGS = [Binding("escape", "stop", "Stop pairing")]

    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self.scope = scope
        self.cancel = threading.Event()
        self.lines = Text()

    def compose(self) -> ComposeResult:
        with Vertical(id="pairing"):
            yield Static("Pairing with a Canon (Connect to computer) · Escape stops",
                         id="pairing-title")
            yield Static("", id="pairing-steps")

    def on_mount(self) -> None:
        self.run_pairing()

    def _show(self, text: str, style: str = "") -> None:
        self.lines.append(text.rstrip() + "\n", style=style)
        self.query_one("#pairing-steps", Static).update(self.lines)

    @work(thread=True, group="pairing", exit_on_error=False)
    def run_pairing(self) -> None:
        def progress(step: PairingProgress) -> None:
            self.app.call_from_thread(self._show, step.text)

        try:
            address = pair_canon(PAIRING_TIMEOUT, progress=progress, cancel=self.cancel,
                                 scope=self.scope)
        except PairingError as error:
            if not self.cancel.is_set():
                self.app.call_from_thread(self._show, f"{error} (Escape closes)", "bold red")
            return
        self.app.call_from_thread(self.dismiss, address)

    def action_stop(self) -> None:
        self.cancel.set()
        self.dismiss(None)
