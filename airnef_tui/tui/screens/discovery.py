"""The first screen: cameras found on the network, live, and a field to type an address.

Discovery (mDNS, SSDP, the hotspot sweep, cameras seen before) runs in its own threads; its
merger's changes arrive here as `SightingsChanged` messages and the list is redrawn from the
merger's current state, so nothing is lost when changes come in bursts. Enter on a camera (or on
the address field) opens its files; coming back from the browser starts looking again. When
nothing has turned up after a few seconds, the screen says what to do on each make of camera.
Keys: enter opens, r looks again, p pairs a Canon in "Connect to computer" mode, tab moves
between the list and the address field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from airnef_tui.camera.address import CameraAddress, parse_address
from airnef_tui.discovery.advice import nothing_found_lines
from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.search import Discovery, present
from airnef_tui.discovery.sighting import CameraSighting
from airnef_tui.tui.screens.pairing import PairingScreen

HELP_AFTER = 8.0  # seconds of finding nothing before the per-make help appears

OpenCamera = Callable[[CameraAddress, CameraSighting | None], None]


class SightingsChanged(Message):
    """The merger changed (posted from a discovery thread); the screen re-reads it."""


def sighting_line(sighting: CameraSighting) -> Text:
    text = Text()
    make = sighting.make.capitalize() if sighting.make else ""
    what = " ".join(part for part in (make, sighting.model) if part) or "Camera"
    text.append(what, style="bold")
    if sighting.name and sighting.name not in (sighting.model, what):
        text.append(f"  {sighting.name}")
    text.append(f"  {sighting.target}", style="cyan")
    how = ", ".join(sorted(sighting.sources))
    text.append(f"  {how}{' · answered' if sighting.confirmed else ''}", style="dim")
    return text


class DiscoveryScreen(Screen):
    BINDINGS = [
        Binding("r", "rescan", "Look again"),
        Binding("p", "pair", "Pair a Canon"),
    ]

    def __init__(self, scope: Scope, open_camera: OpenCamera, *,
                 seeds: Sequence[CameraSighting] = (), help_after: float | None = None) -> None:
        super().__init__()
        self.scope = scope
        self.open_camera = open_camera
        self.seeds = list(seeds)
        self.help_after = HELP_AFTER if help_after is None else help_after
        self.discovery: Discovery | None = None
        self.shown: list[CameraSighting] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="discovery-status")
        yield OptionList(id="cameras")
        yield Static("", id="discovery-help")
        yield Input(placeholder="or type the camera's address: HOST or HOST:PORT, then Enter",
                    id="address")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#discovery-help", Static).display = False
        self._start()

    def on_screen_resume(self) -> None:
        if self.discovery is None:
            self._start()

    def on_screen_suspend(self) -> None:
        self._stop()

    def on_unmount(self) -> None:
        self._stop()

    # -- discovery in the background ----------------------------------------------------------

    def _start(self) -> None:
        where = "every network" if self.scope.everywhere else " and ".join(self.scope.interfaces)
        self._status(f"Looking for cameras on {where}…")
        self.discovery = Discovery(self.scope, listener=lambda *_: self.post_message(
            SightingsChanged()))
        for seed in self.seeds:
            self.discovery.sightings.seen(seed)
        self.start_sources(self.discovery)
        self.set_timer(self.help_after, self._help_if_nothing)

    @work(thread=True, group="discovery", exit_on_error=False)
    def start_sources(self, discovery: Discovery) -> None:
        """Starting zeroconf and the sockets takes a moment: never on the UI loop."""
        discovery.start()
        self.post_message(SightingsChanged())

    def _stop(self) -> None:
        discovery, self.discovery = self.discovery, None
        if discovery is not None:
            self.stop_sources(discovery)

    @work(thread=True, group="discovery-stop", exit_on_error=False)
    def stop_sources(self, discovery: Discovery) -> None:
        discovery.stop()

    def on_sightings_changed(self, message: SightingsChanged) -> None:
        if self.discovery is None:
            return
        cameras = [s for s in self.discovery.sightings.current() if present(s) or s.sources]
        if cameras == self.shown:
            return
        option_list = self.query_one("#cameras", OptionList)
        highlighted = option_list.highlighted
        chosen = self.shown[highlighted].key if highlighted is not None and \
            highlighted < len(self.shown) else None
        self.shown = cameras
        option_list.clear_options()
        option_list.add_options([Option(sighting_line(s)) for s in cameras])
        keys = [s.key for s in cameras]
        if cameras:
            option_list.highlighted = keys.index(chosen) if chosen in keys else 0
        here = sum(1 for s in cameras if present(s))
        self._status(f"{here} camera{'s' if here != 1 else ''} found · Enter opens · r looks "
                     "again" if cameras else "Looking for cameras…")
        if here:
            self.query_one("#discovery-help", Static).display = False

    def _help_if_nothing(self) -> None:
        if any(present(s) for s in self.shown):
            return
        text = Text("Nothing found yet. On the camera:\n", style="bold")
        for line in nothing_found_lines():
            text.append(f"• {line}\n")
        help_box = self.query_one("#discovery-help", Static)
        help_box.update(text)
        help_box.display = True

    def _status(self, text: str) -> None:
        self.query_one("#discovery-status", Static).update(text)

    # -- keys ---------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#cameras")
    def _camera_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.shown):
            sighting = self.shown[event.option_index]
            self.open_camera(CameraAddress(sighting.address, sighting.port), sighting)

    @on(Input.Submitted, "#address")
    def _address_typed(self, event: Input.Submitted) -> None:
        try:
            address = parse_address(event.value)
        except ValueError as error:
            self.notify(str(error), severity="error")
            return
        self.open_camera(address, None)

    def action_rescan(self) -> None:
        if self.discovery is not None:
            self._status("Looking again…")
            self.rescan_sources(self.discovery)

    @work(thread=True, group="discovery-rescan", exit_on_error=False)
    def rescan_sources(self, discovery: Discovery) -> None:
        discovery.rescan()
        self.post_message(SightingsChanged())

    def action_pair(self) -> None:
        def paired(address: str | None) -> None:
            if address is not None:
                self.open_camera(CameraAddress(address), None)

        self.app.push_screen(PairingScreen(self.scope), paired)
