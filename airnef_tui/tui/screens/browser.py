"""The file browser: the camera's files on the left, the rename pane on the right.

The card is listed in a thread worker (on a real camera that is one request per file over Wi-Fi,
seconds to minutes). Meanwhile one static line says what is going on ("Connecting to the camera
at …", then "Reading the card: n of N objects", rewritten at most ~4 times a second): no spinner,
because an animated indicator repaints ~15 times a second, ~100 KB/s over SSH, and nothing here
moves unless something happened. Keys pressed while the card is read are never dropped without a
word: the picking keys, `d` and `r` say "still reading the card" until the files are there (on a
re-read, the list already shown keeps working); Tab, the rename pane, help and quit just work.
A failure is shown with what to do, never as a traceback.

Keys: `d` downloads the selection (refused, with the reason, while a spec has an error), `r`
re-reads the card, `p` (or F2, which also works inside a spec field) shows or hides the rename
pane, Tab moves between the list and the spec fields, Esc goes back to the list from the rename
pane and to the cameras from the list (so a half-typed spec is never left by accident). The picking
keys (space, a, n, i, v, /, s, h, f, e, t, …) belong to the file list, whose docstring lists
them all, so they type letters in the spec fields. The line above the list says how it is sorted,
filtered and grouped; the line below, what is selected.

Narrow terminals (under `NARROW_WIDTH` columns, e.g. 80×24 or 60×20): the two panes do not fit
side by side, so the list takes the whole width and the rename pane becomes a panel that takes
its place while shown (`p`/F2, Tab from the list, or Esc/Tab back). The camera line is fitted to
the width (see `browser_text`), never cut in the middle of a word.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Static
from textual.worker import Worker, WorkerState

from airnef_tui.camera.errors import CameraError, Interrupted
from airnef_tui.app.units import size
from airnef_tui.app.camera_access import CameraAccess, Catalogue
from airnef_tui.tui.messages import CatalogueFailed, CatalogueLoaded, HistoryRefreshed
from airnef_tui.tui.screens.browser_text import (
    CameraFacts, CardCount, ThrottledCount, fit_camera_line,
)
from airnef_tui.tui.screens.browser_companions import BrowserCompanions
from airnef_tui.tui.screens.transfer import TransferResult, TransferScreen
from airnef_tui.tui.widgets.file_list import FileList
from airnef_tui.tui.widgets.preview_pane import NotReady, PreviewPane
from airnef_tui.tui.widgets.thumbnail import ThumbnailPane, shown_at_start
from airnef_tui.tui.widgets.text_line import show_text

NARROW_WIDTH = 100  # columns: below this the rename pane is a panel shown in the list's place
HELP_HINT = " · ? all keys"
REFUSAL_REPEAT = 1.5  # seconds: the same key refused again within this is told by a bell only


class CardCounted(Message):
    """How far the listing has come (posted from the worker, at most ~4 a second)."""

    bubble = False  # for this screen only

    def __init__(self, count: CardCount) -> None:
        super().__init__()
        self.count = count


class BrowserScreen(BrowserCompanions, Screen):
    BINDINGS = [
        Binding("d", "download", "Download", id="browser.download"),
        Binding("r", "reload", "Re-read card", id="browser.reload"),
        # One of each pair is enabled at a time (check_action), so the footer names what the
        # key does now.
        Binding("p,f2", "pane(True)", "Rename pane", id="browser.pane"),
        Binding("p,f2", "pane(False)", "Files only", id="browser.pane_off"),
        Binding("escape", "files", "Back to files", id="browser.files"),
        Binding("T", "show_transfer", "Transfer", id="browser.transfer"),
        Binding("ctrl+t", "thumbnail", "Thumbnail", show=False, id="browser.thumbnail"),
        Binding("escape", "back", "Cameras", id="browser.back"),
        Binding("tab", "focus_step(1)", "Next field", show=False, id="browser.next"),
        Binding("shift+tab", "focus_step(-1)", "Previous field", show=False,
                id="browser.previous"),
    ]
    AUTO_FOCUS = ""  # the list takes focus once it has files; until then keys come here

    def __init__(self, access: CameraAccess, output_dir: Path, *, note: str = "",
                 on_back: Callable[[], None] | None = None) -> None:
        """`on_back`, when the browser was opened from the discovery screen, goes back there."""
        super().__init__()
        self.access = access
        self.on_back = on_back
        self.output_dir = output_dir
        self.note = note  # e.g. "Demo, simulated camera", shown before the camera's name
        self.catalogue: Catalogue | None = None
        # Not `loading`: that name is Textual's Widget.loading, which swaps the whole screen for
        # an animated indicator that eats the keys typed meanwhile.
        self.listing = False
        self.count: CardCount | None = None  # the listing's progress, while listing
        self.pane_shown = {True: False, False: True}  # narrow? → is the rename pane shown
        self._refused: tuple[str, float] = ("", 0.0)

    def compose(self) -> ComposeResult:
        yield Static("", id="camera-line")
        with Horizontal(id="panes"):
            with Vertical(id="files-side"):
                yield Static("", id="file-header")
                yield Static("", id="load-status")
                yield FileList(id="files")
                yield Static("", id="selection-status")
                yield Static("", id="transfer-status")
            with Vertical(id="preview-side"):
                yield ThumbnailPane(self.access, enabled=self._thumbnails_wanted())
                yield PreviewPane(self.output_dir, id="preview")
                yield Button("Download selected (d)", id="download", compact=True)
        yield Footer()

    def _thumbnails_wanted(self) -> bool:
        settings = getattr(self.app, "settings", None)
        return shown_at_start(getattr(settings, "thumbnails", None), os.environ)

    def on_mount(self) -> None:
        self.query_one("#transfer-status", Static).display = False
        self.listen_for_camera_notes()
        self.query_one(FileList).display = False
        self._lay_out()
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "files":
            return self._pane_only or self._focus_in_pane()
        if action == "back":
            return self.on_back is not None and not (self._pane_only or self._focus_in_pane())
        if action == "pane":
            return bool(parameters and parameters[0]) != self.pane_shown[self.narrow]
        return True

    def action_back(self) -> None:
        if self.on_back is not None:
            self.on_back()

    def action_files(self) -> None:
        """Esc in the rename pane: back to the list (closing the panel of a narrow terminal),
        never straight out to the cameras from a half-typed spec."""
        if self._pane_only:
            self.action_pane(False)
        else:
            self._focus_files()

    # -- listing the card ------------------------------------------------------------------------

    def action_reload(self) -> None:
        if self.listing:
            self._refuse("r", "r reads it again once this listing has ended")
            return
        if self.refuse_while_taken("r reads the card again"):
            return
        self.listing = True
        self.count = None
        self.access.cancel.clear()  # a cancelled download's stop must not stop this listing
        status = self.query_one("#load-status", Static)
        status.set_class(self.catalogue is not None, "-above-list")
        status.update(Text(f"Connecting to the camera at {self.access.address}…"))
        status.display = True
        self._update_camera_line()
        self.read_card()

    @work(thread=True, exclusive=True, group="camera", exit_on_error=False)
    def read_card(self) -> None:
        counted = ThrottledCount(lambda count: self.post_message(CardCounted(count)))
        try:
            catalogue = self.access.load_catalogue(progress=counted)
        except (CameraError, Interrupted) as error:
            self.post_message(CatalogueFailed(str(error)))
        else:
            self.post_message(CatalogueLoaded(catalogue))

    def on_card_counted(self, message: CardCounted) -> None:
        if not self.listing:
            return  # a count overtaken by the end of the listing
        self.count = message.count
        self.query_one("#load-status", Static).update(message.count.line())

    def on_catalogue_loaded(self, message: CatalogueLoaded) -> None:
        self.listing = False
        self.count = None
        previous = self.catalogue
        keep = set()
        if previous is not None:
            chosen = {(previous.files[i].storage_id, previous.files[i].handle)
                      for i in self.query_one(FileList).selected_indexes}
            keep = {index for index, file in enumerate(message.catalogue.files)
                    if (file.storage_id, file.handle) in chosen}
        catalogue = self.catalogue = message.catalogue
        file_list = self.query_one(FileList)
        file_list.show_files(catalogue.files, catalogue.earlier, keep)
        self._update_file_header()
        status = self.query_one("#load-status", Static)
        status.remove_class("-above-list")
        if catalogue.files:
            status.display = False
        else:
            status.update("The camera's card holds no files. Press r to read it again.")
        file_list.display = bool(catalogue.files)
        pane = self.query_one(PreviewPane)
        pane.set_catalogue(catalogue)
        pane.set_selection(sorted(keep))
        self._update_camera_line()
        self._update_selection_status()
        if catalogue.skipped:
            self.notify(f"{len(catalogue.skipped)} object(s) on the card could not be read: "
                        f"{catalogue.skipped[0]}", severity="warning")
        if catalogue.files and self.focused is None and not self._pane_only:
            file_list.focus()  # not taken from a spec field the user is typing in

    def on_catalogue_failed(self, message: CatalogueFailed) -> None:
        self.listing = False
        self.count = None
        status = self.query_one("#load-status", Static)
        status.remove_class("-above-list")
        status.update(Text.assemble(
            ("Could not read the camera's files.\n\n", "bold"), message.reason,
            "\n\nCheck that the camera's Wi-Fi is on and this machine is on its network, "
            "then press r to try again."))
        status.display = True
        self.query_one(FileList).display = self.catalogue is not None
        self._update_camera_line()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Errors nobody expected still end as a message on screen, not a dead app."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if event.worker.group == "camera":
            self.post_message(CatalogueFailed(f"unexpected error: {error!r}"))
        else:
            self.notify(f"unexpected error: {error!r}", severity="error")

    def on_key(self, event: events.Key) -> None:
        """A picking key while the list is not there yet (nothing has focus then, so the key
        comes here): say why nothing happened instead of dropping it."""
        if self.catalogue is None and self.listing and event.key in self._picking_keys():
            event.stop()
            self._refuse(event.key, "the files can be picked once they are listed")

    def _picking_keys(self) -> set[str]:
        bindings = BindingsMap(FileList.BINDINGS)
        bindings.apply_keymap(getattr(self.app, "_keymap", None) or {})
        return {key for key, _binding in bindings}

    def _refuse(self, key: str, what: str) -> None:
        """Tell why `key` did nothing now; the same key again at once only rings the bell, so a
        held key does not stack up notifications."""
        now = time.monotonic()
        last_key, last_time = self._refused
        self._refused = (key, now)
        self.app.bell()
        if key == last_key and now - last_time < REFUSAL_REPEAT:
            return
        where = f" ({self.count.described} of {self.count.known} objects)" if self.count else ""
        self.notify(f"Still reading the card{where}: {what}.", title="Please wait",
                    severity="warning", timeout=4, markup=False)

    def _camera_facts(self) -> CameraFacts:
        catalogue = self.catalogue
        if catalogue is None:
            return CameraFacts(str(self.access.address), self.note)
        return CameraFacts(
            str(catalogue.address), self.note, catalogue.camera.make, catalogue.camera.model,
            catalogue.camera.serial, catalogue.camera_name, len(catalogue.files),
            catalogue.total_bytes, sum(1 for earlier in catalogue.earlier if earlier is not None))

    def _update_camera_line(self) -> None:
        line = self.query_one("#camera-line", Static)
        width = line.content_region.width or max(self.app.size.width - 2, 1)
        line.update(fit_camera_line(self._camera_facts(), width))

    # -- layout: side by side, or the rename pane as a panel --------------------------------------

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    @property
    def _pane_only(self) -> bool:
        """A narrow terminal showing the rename pane in the list's place."""
        return self.narrow and self.pane_shown[True]

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out()

    def on_screen_resume(self) -> None:
        self._lay_out()  # the terminal may have changed size under another screen

    def _lay_out(self) -> None:
        narrow = self.app.size.width < NARROW_WIDTH
        self.set_class(narrow, "-narrow")
        shown = self.pane_shown[narrow]
        self.set_class(not shown, "-no-pane")
        self.set_class(narrow and shown, "-pane-only")
        self.refresh_bindings()
        self.call_after_refresh(self._update_lines)  # their width is known after layout

    def _update_lines(self) -> None:
        self._update_camera_line()
        self._update_selection_status()

    def action_pane(self, show: bool) -> None:
        """`p`/F2: show or hide the rename pane (narrow: swap it with the list; Esc also goes
        back). Focus goes where the eyes go: into the name spec when the panel opens, back to
        the list when it closes."""
        narrow = self.narrow
        self.pane_shown[narrow] = show
        self._lay_out()
        if self.pane_shown[narrow]:
            if narrow:
                self.query_one("#name-spec").query_one("Input").focus()
        elif self._focus_in_pane() or self.focused is None:
            self._focus_files()

    def _focus_in_pane(self) -> bool:
        focused = self.focused
        side = self.query_one("#preview-side")
        return focused is not None and (focused is side or side in focused.ancestors)

    def _focus_files(self) -> None:
        file_list = self.query_one(FileList)
        if file_list.display:
            file_list.focus()
        else:
            self.set_focus(None)

    def action_focus_step(self, step: int) -> None:
        """Tab / shift+Tab: the next field, passing between the list and the rename pane even
        when one of them is hidden (a narrow terminal, or `p`): that side is shown first."""
        chain = self.focus_chain
        focused = self.focused
        at_edge = (focused is None or focused not in chain
                   or chain.index(focused) == (len(chain) - 1 if step > 0 else 0))
        in_pane = self._focus_in_pane()
        narrow = self.narrow
        if not in_pane and (not self.pane_shown[narrow] or narrow):
            self.pane_shown[narrow] = True  # into the pane, shown first if it was hidden
        elif in_pane and narrow and at_edge:
            self.pane_shown[narrow] = False  # out of the panel, back to the list
        else:
            (self.focus_next if step > 0 else self.focus_previous)()
            return
        self._lay_out()
        self.call_after_refresh(self._focus_after_step, step, not in_pane)

    def _focus_after_step(self, step: int, into_pane: bool) -> None:
        if not into_pane:
            self._focus_files()
            return
        side = self.query_one("#preview-side")
        fields = [widget for widget in self.focus_chain if side in widget.ancestors]
        if fields:
            (fields[0] if step > 0 else fields[-1]).focus()

    # -- selection -------------------------------------------------------------------------------

    @on(FileList.SelectedChanged, "#files")
    def _selection_changed(self, message: FileList.SelectedChanged) -> None:
        """Once per burst of keys: a message whose version is behind the list's is followed by
        the one for the latest change, so only that one re-sorts 10,000 indexes."""
        if message.version != message.file_list.selection_version:
            return
        self.query_one(PreviewPane).set_selection(self.query_one(FileList).selected_indexes)
        self._update_selection_status()

    @on(FileList.ViewChanged, "#files")
    def _update_file_header(self) -> None:
        self._update_selection_status()  # range mode is said there
        file_list = self.query_one(FileList)
        summary = file_list.summary()
        show_text(self.query_one("#file-header", Static), summary[:1].upper() + summary[1:])

    def _update_selection_status(self) -> None:
        catalogue = self.catalogue
        status = self.query_one("#selection-status", Static)
        if catalogue is None:
            show_text(status, "")
            return
        file_list = self.query_one(FileList)
        chosen = file_list.picker.selected
        total = sum(catalogue.files[i].size for i in chosen)
        unseen = len(chosen.difference(file_list.picker.view.shown))
        text = f"{len(chosen)} of {len(catalogue.files)} selected, {size(total)}"
        if unseen:
            text += f" ({unseen} not shown)"
        if file_list.picker.visual is not None:
            text += " · range mode: move to extend, v ends"
        else:
            text += " · space toggles"
        # The footer is cut at 80 columns before it reaches `? Help` (and `p`, when narrow).
        hints = (" · p rename pane" + HELP_HINT, HELP_HINT) if self.narrow else (HELP_HINT,)
        width = status.content_region.width
        text += next((hint for hint in hints if cell_len(text + hint) <= width), "")
        show_text(status, text)

    # -- downloading -----------------------------------------------------------------------------

    @on(Button.Pressed, "#download")
    def _download_pressed(self) -> None:
        self.action_download()

    def action_download(self) -> None:
        if self.listing:
            self._refuse("d", "d downloads once the files are listed")
            return
        if self.refuse_while_taken("d downloads"):
            return
        if self.catalogue is None:
            self.notify("The camera's files are not listed: press r to read the card again.",
                        severity="warning")
            return
        pane = self.query_one(PreviewPane)
        chosen = self.query_one(FileList).selected_indexes
        if pane.selection != chosen:  # keys just before `d` may not have reached the pane yet
            pane.set_selection(chosen)
        try:
            request = pane.download_request()
        except NotReady as reason:
            self.app.bell()
            self.notify(str(reason), severity="error")
            return
        self.app.push_screen(TransferScreen(self.access, self.catalogue, request),
                             self._transfer_done)

    def _transfer_done(self, result: TransferResult | None) -> None:
        if result is not None and result.downloaded:
            self.refresh_history()

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def refresh_history(self) -> None:
        catalogue = self.catalogue
        if catalogue is not None:
            self.post_message(HistoryRefreshed(
                self.access.read_history(catalogue.camera, catalogue.files)))

    def on_history_refreshed(self, message: HistoryRefreshed) -> None:
        catalogue = self.catalogue
        if catalogue is None or len(message.history.earlier) != len(catalogue.files):
            return
        newly = [index for index, (before, now) in enumerate(
            zip(catalogue.earlier, message.history.earlier)) if before is None and now is not None]
        catalogue.earlier = message.history.earlier
        catalogue.counters = message.history.counters
        file_list = self.query_one(FileList)
        file_list.mark_downloaded(catalogue.files, catalogue.earlier)
        file_list.deselect(newly)  # what is done leaves the selection; failures stay for a retry
        self.query_one(PreviewPane).history_changed()
        self._update_camera_line()
        self._update_selection_status()
