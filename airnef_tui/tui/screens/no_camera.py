"""What the app shows when it was started without a camera.

Finding cameras on the network (mDNS, SSDP, Canon pairing) is not built yet. Rather than pretend
to search, the screen says so and gives the two ways in that do work.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Static


def no_camera_text() -> Text:
    text = Text()
    text.append("airnef-tui\n\n", style="bold")
    text.append("Finding cameras on the network is not built yet.\n"
                "Start airnef-tui with one of these instead:\n\n")
    text.append("  airnef-tui --camera HOST[:PORT]", style="bold")
    text.append("   open a camera by its address,\n"
                "                                    e.g. --camera 192.168.1.1\n")
    text.append("  airnef-tui --demo", style="bold")
    text.append("                 try it with a built-in simulated camera\n\n")
    text.append("Headless commands work too: airnef-tui list HOST, airnef-tui get HOST -o DIR.\n\n")
    text.append("Press ctrl+q to quit.", style="dim")
    return text


class NoCameraScreen(Screen):
    def compose(self) -> ComposeResult:
        with Middle():
            with Center():
                yield Static(no_camera_text(), id="no-camera")
        yield Footer()
