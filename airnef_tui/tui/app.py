"""The Textual application: which first screen, app-wide keys, and settings for slow links.

Animations are off and nothing ticks on its own (no clock, no spinner, no blinking cursor): over
SSH to a Raspberry Pi every repaint is bytes on a slow link, so the screen changes only when
something happened.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from airnef_tui.app.camera_access import CameraAccess
from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.screens.no_camera import NoCameraScreen


class AirnefApp(App[int]):
    # Relative to this module, as Textual resolves it: the stylesheet ships inside the package
    # (the checkout's top-level styles/ is a link to the same folder), so a source checkout and
    # an installed wheel find it at the same place.
    CSS_PATH = "styles/app.tcss"
    TITLE = "airnef-tui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, access: CameraAccess | None = None, output_dir: Path | None = None, *,
                 note: str = "") -> None:
        """`access` None shows the no-camera screen; `note` is shown next to the camera's name
        (e.g. that it is the demo's simulated camera)."""
        super().__init__()
        self.animation_level = "none"
        self.access = access
        self.output_dir = output_dir or Path.cwd()
        self.note = note

    def on_mount(self) -> None:
        if self.access is None:
            self.push_screen(NoCameraScreen())
        else:
            self.push_screen(BrowserScreen(self.access, self.output_dir, note=self.note))

    async def action_quit(self) -> None:
        """Quit at once; a download in flight stops between pieces and keeps its .part."""
        if self.access is not None:
            self.access.cancel.set()
        self.exit(0)
