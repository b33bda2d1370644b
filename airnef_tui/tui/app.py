"""The Textual application: which first screen, app-wide keys, and settings for slow links.

Without `--camera` the app opens on the discovery screen; choosing a camera there opens its files
in the browser, and going back from the browser closes that camera's session and returns to
discovery. Animations are off and nothing ticks on its own (no clock, no spinner, no blinking
cursor): over SSH to a Raspberry Pi every repaint is bytes on a slow link, so the screen changes
only when something happened.

App-wide keys: `?` or F1 shows every key of every screen (generated from the bindings, see
`screens/help.py`; F1 also works inside a text field, where `?` is a character); `q` quits,
asking first while a download runs, on screen or behind the files; ctrl+q quits at once from
anywhere, text fields included (the emergency exit: the download stops between pieces and keeps
its .part); ctrl+p opens the command palette, which offers the current screen's actions by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from airnef_tui.app.camera_access import CameraAccess
from airnef_tui.camera.address import CameraAddress
from airnef_tui.config import TuiSettings
from airnef_tui.discovery.scope import Scope
from airnef_tui.discovery.sighting import CameraSighting
from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.screens.confirm_quit import ConfirmQuitScreen
from airnef_tui.tui.screens.discovery import DiscoveryScreen
from airnef_tui.tui.screens.help import HelpScreen, binding_commands, key_sections
from airnef_tui.tui.screens.transfer import running_transfer


class AirnefApp(App[int]):
    # Relative to this module, as Textual resolves it: the stylesheet ships inside the package
    # (the checkout's top-level styles/ is a link to the same folder), so a source checkout and
    # an installed wheel find it at the same place.
    CSS_PATH = "styles/app.tcss"
    TITLE = "airnef-tui"
    ENABLE_COMMAND_PALETTE = True  # ctrl+p: the screen's actions by name (get_system_commands)
    BINDINGS = [
        Binding("ctrl+q", "quit_now", "Quit at once", show=False, priority=True,
                id="app.quit_now"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
    ]

    def __init__(self, access: CameraAccess | None = None, output_dir: Path | None = None, *,
                 note: str = "", scope: Scope | None = None,
                 seeds: Sequence[CameraSighting] = (),
                 notes: dict[tuple[str, int], str] | None = None,
                 settings: TuiSettings | None = None) -> None:
        """`access` opens straight on that camera's files; without it the app starts on the
        discovery screen, looking within `scope`, with `seeds` already in the list (the demo's
        camera). `note` is shown next to the camera's name (e.g. that it is the demo's
        simulated camera); `notes` gives such a note per address for cameras chosen later.
        `settings` (config.toml's [tui] and the command line) turn animations on if asked,
        move keys (`[tui.keys]`: binding id → key, for any binding with an id), give the rename
        pane its first specs, and carry the config file's problems, shown once at start."""
        super().__init__()
        self.settings = settings or TuiSettings()
        self.animation_level = "full" if self.settings.animations else "none"
        if self.settings.keys:
            self.set_keymap(dict(self.settings.keys))
        for problem in self.settings.problems:
            self.notify(problem, title="config.toml", severity="warning", timeout=15,
                        markup=False)
        self.access = access
        self.output_dir = output_dir or Path.cwd()
        self.note = note
        self.scope = scope or Scope()
        self.seeds = list(seeds)
        self.notes = dict(notes or {})

    def on_mount(self) -> None:
        if self.access is not None:
            self.push_screen(BrowserScreen(self.access, self.output_dir, note=self.note))
        else:
            self.push_screen(DiscoveryScreen(self.scope, self.open_camera, seeds=self.seeds))

    def open_camera(self, address: CameraAddress, sighting: CameraSighting | None) -> None:
        """From the discovery screen: the browser on this camera, with a way back."""
        self.access = CameraAccess(address)
        note = self.notes.get((address.host, address.port), "")
        self.push_screen(BrowserScreen(self.access, self.output_dir, note=note,
                                       on_back=self.close_camera))

    def close_camera(self) -> None:
        """Back to discovery: the browser is gone, its camera session is closed behind it."""
        access, self.access = self.access, None
        self.pop_screen()
        if access is not None:
            self.shut_down(access)

    @work(thread=True, group="close-camera", exit_on_error=False)
    def shut_down(self, access: CameraAccess) -> None:
        access.shutdown()  # a Nikon holds its session a second: not on the UI loop

    # -- keys everywhere --------------------------------------------------------------------------

    def action_help(self) -> None:
        """`?`/F1: every key, the current screen's first; again (or Esc, q) closes it."""
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(key_sections(self, type(self.screen))))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette: Textual's own commands (its key panel replaced by our help), then the
        actions of the screen the palette was opened on and of its widgets."""
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command
        yield SystemCommand("Help: every key", "The keys of every screen (? or F1)",
                            self.action_help)
        yield from binding_commands(self, screen)

    async def action_quit(self) -> None:
        """`q`: quit; while a download runs (shown or behind the files), only once confirmed."""
        transfer = running_transfer(self.access) if self.access is not None else None
        if transfer is not None:
            tally = transfer.tally
            what = (f"A download is running: {tally.handled} of {tally.total} file(s) handled"
                    + (", watching for new shots." if transfer.watching else "."))
            self.push_screen(ConfirmQuitScreen(what), self._quit_answered)
            return
        self._quit_now()

    def _quit_answered(self, quit_: bool | None) -> None:
        if quit_:
            self._quit_now()

    def action_quit_now(self) -> None:
        self._quit_now()

    def _quit_now(self) -> None:
        """A download in flight stops between pieces and keeps its .part."""
        if self.access is not None:
            self.access.cancel.set()
        self.exit(0)
