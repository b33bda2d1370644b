"""What sits beside the browser's own work: the thumbnail of the file under the cursor, a
download running on behind the files (`b` on the transfer screen), and notes from the camera
while its session opens (a Fujifilm waiting for OK to be pressed on the camera).

A mixin for `BrowserScreen`, kept apart so that the browser's module stays about listing and
picking. While a download runs behind the files the camera's session is taken: re-reading the
card or starting a second download would wait for it (for as long as it watches for new shots),
so those keys say why they do nothing, and `T` shows the running transfer again.
"""

from __future__ import annotations

from textual.widgets import Static

from airnef_tui.tui.messages import TransferStatus
from airnef_tui.tui.screens.transfer import running_transfer
from airnef_tui.tui.widgets.file_list import FileList
from airnef_tui.tui.widgets.thumbnail import ThumbnailPane


class BrowserCompanions:
    """Mixed into BrowserScreen (which provides access, catalogue, refresh_history, notify)."""

    background: TransferStatus | None = None

    def listen_for_camera_notes(self) -> None:
        """The camera's notes (from a worker thread) become notifications on this screen."""
        app = self.app  # type: ignore[attr-defined]

        def note(text: str) -> None:
            app.call_from_thread(self.notify, text, title="Camera", timeout=30,  # type: ignore
                                 markup=False)

        self.access.on_note = note  # type: ignore[attr-defined]

    # -- the thumbnail -----------------------------------------------------------------------

    def on_file_list_cursor_moved(self, message: FileList.CursorMoved) -> None:
        catalogue = self.catalogue  # type: ignore[attr-defined]
        index = message.index
        file = catalogue.files[index] if catalogue is not None and index is not None \
            and index < len(catalogue.files) else None
        self.query_one(ThumbnailPane).show(file)  # type: ignore[attr-defined]

    def action_thumbnail(self) -> None:
        self.query_one(ThumbnailPane).toggle()  # type: ignore[attr-defined]

    # -- a download behind the files ---------------------------------------------------------

    def on_transfer_status(self, message: TransferStatus) -> None:
        self.background = message if message.running else None
        line = self.query_one("#transfer-status", Static)  # type: ignore[attr-defined]
        line.update(f"{message.text} · T shows it" if message.running else message.text)
        line.display = True
        if not message.running and message.downloaded:
            self.refresh_history()  # type: ignore[attr-defined]

    def camera_taken(self) -> bool:
        """A download runs on with this camera (behind the files, or watching)."""
        return running_transfer(self.access) is not None  # type: ignore[attr-defined]

    def refuse_while_taken(self, what: str) -> bool:
        """True (and says why) when `what` must wait for the download behind the files."""
        if not self.camera_taken():
            return False
        self.app.bell()  # type: ignore[attr-defined]
        self.notify(f"The camera is busy with the download behind the files: {what} once it "  # type: ignore[attr-defined]
                    "ends (T shows it, c there cancels it).", severity="warning", timeout=4,
                    markup=False)
        return True

    def action_show_transfer(self) -> None:
        screen = running_transfer(self.access)  # type: ignore[attr-defined]
        if screen is None:
            self.notify("No download is running.", timeout=3)  # type: ignore[attr-defined]
            return
        self.app.push_screen(screen, self._transfer_done)  # type: ignore[attr-defined]
