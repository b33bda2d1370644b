"""The file browser: the camera's files on the left, the rename pane on the right.

The card is listed in a thread worker (on a real camera that is one request per file over Wi-Fi,
seconds to minutes); until it arrives the screen says what it is waiting for, and a failure is
shown with what to do, never as a traceback. Keys: `d` downloads the selection (refused, with the
reason, while a spec has an error), `r` re-reads the card, tab moves between the list and the spec
fields; the picking keys (space, a, n, i, v, /, s, h, f, e, t, …) belong to the file list, whose
docstring lists them all, so they type letters in the spec fields. The line above the list says
how it is sorted, filtered and grouped; the line below, what is selected.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Static
from textual.worker import Worker, WorkerState

from airnef_tui.camera.errors import CameraError, Interrupted
from airnef_tui.app.units import size
from airnef_tui.app.camera_access import CameraAccess, Catalogue
from airnef_tui.tui.messages import CatalogueFailed, CatalogueLoaded, HistoryRefreshed
from airnef_tui.tui.screens.transfer import TransferResult, TransferScreen
from airnef_tui.tui.widgets.file_list import FileList
from airnef_tui.tui.widgets.preview_pane import NotReady, PreviewPane


class BrowserScreen(Screen):
    BINDINGS = [
        Binding("d", "download", "Download"),
        Binding("r", "reload", "Re-read card"),
        Binding("escape", "back", "Cameras"),
    ]

    def __init__(self, access: CameraAccess, output_dir: Path, *, note: str = "",
                 on_back: Callable[[], None] | None = None) -> None:
        """`on_back`, when the browser was opened from the discovery screen, goes back there."""
        super().__init__()
        self.access = access
        self.on_back = on_back
        self.output_dir = output_dir
        self.note = note  # e.g. "Demo, simulated camera", shown before the camera's name
        self.catalogue: Catalogue | None = None
        self.loading = False

    def compose(self) -> ComposeResult:
        yield Static("", id="camera-line")
        with Horizontal(id="panes"):
            with Vertical(id="files-side"):
                yield Static("", id="file-header")
                yield Static("", id="load-status")
                yield FileList(id="files")
                yield Static("", id="selection-status")
            with Vertical(id="preview-side"):
                yield PreviewPane(self.output_dir, id="preview")
                yield Button("Download selected (d)", id="download", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(FileList).display = False
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.on_back is not None
        return True

    def action_back(self) -> None:
        if self.on_back is not None:
            self.on_back()

    # -- listing the card ------------------------------------------------------------------------

    def action_reload(self) -> None:
        if self.loading:
            return
        self.loading = True
        self.access.cancel.clear()  # a cancelled download's stop must not stop this listing
        status = self.query_one("#load-status", Static)
        status.update(Text(f"Connecting to the camera at {self.access.address} and reading its "
                           "card…"))
        status.display = True
        self._update_camera_line()
        self.read_card()

    @work(thread=True, exclusive=True, group="camera", exit_on_error=False)
    def read_card(self) -> None:
        try:
            catalogue = self.access.load_catalogue()
        except (CameraError, Interrupted) as error:
            self.post_message(CatalogueFailed(str(error)))
        else:
            self.post_message(CatalogueLoaded(catalogue))

    def on_catalogue_loaded(self, message: CatalogueLoaded) -> None:
        self.loading = False
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
        if catalogue.files:
            file_list.focus()

    def on_catalogue_failed(self, message: CatalogueFailed) -> None:
        self.loading = False
        status = self.query_one("#load-status", Static)
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

    def _update_camera_line(self) -> None:
        line = Text()
        if self.note:
            line.append(f"{self.note} · ", style="italic")
        catalogue = self.catalogue
        if catalogue is None:
            line.append(f"Camera at {self.access.address}", style="bold")
        else:
            line.append(str(catalogue.camera), style="bold")
            if catalogue.camera_name and catalogue.camera_name != catalogue.camera.model:
                line.append(f" “{catalogue.camera_name}”")
            line.append(f" at {catalogue.address}")
            downloaded = sum(1 for earlier in catalogue.earlier if earlier is not None)
            line.append(f" · {len(catalogue.files)} files, {size(catalogue.total_bytes)}")
            if downloaded:
                line.append(f" · {downloaded} ✓ already downloaded")
        self.query_one("#camera-line", Static).update(line)

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
        self.query_one("#file-header", Static).update(summary[:1].upper() + summary[1:])

    def _update_selection_status(self) -> None:
        catalogue = self.catalogue
        status = self.query_one("#selection-status", Static)
        if catalogue is None:
            status.update("")
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
        status.update(text)

    # -- downloading -----------------------------------------------------------------------------

    @on(Button.Pressed, "#download")
    def _download_pressed(self) -> None:
        self.action_download()

    def action_download(self) -> None:
        if self.catalogue is None or self.loading:
            self.notify("The camera's files are not listed yet.", severity="warning")
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
