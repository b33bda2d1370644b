"""The camera's thumbnail of the highlighted file, drawn with half-block characters.

Why half blocks ("▀" with the upper pixel as its colour and the lower one as its background):
they show a picture in every terminal that has colour, over SSH and inside tmux, with nothing to
ask the terminal first. Kitty's graphics protocol and Sixel draw sharper, but only some terminals
speak them (tmux 3.3 neither), and finding out means writing queries to the terminal and reading
its answers before Textual starts (textual-image does it at import, with 0.1 s waits that a slow
SSH link outlasts): weighed and left out, see the report of the commit that added this file.

Why a debounce: holding Down moves the cursor over dozens of files a second; asking the camera
for each, or even redrawing each cached picture (a few KB of colours on the wire), would cost
what the file list saves. The pane waits until the cursor rests for `debounce` seconds, then draws
the kept picture or asks the camera in a thread worker; until then the last picture stays.

Wiring (the browser's part):

    pane = ThumbnailPane(access, enabled=config_says)      # compose it beside the list
    pane.show(catalogue.files[index] if index is not None else None)   # on FileList.CursorMoved
    pane.toggle()                                            # from a key binding

`enabled` is the user's choice; the pane also hides itself while the terminal is narrower than
`min_terminal_width` (0: never), and fetches nothing while hidden.

Why "auto" starts hidden over SSH: a new picture is 10-15 KB of colour codes, twenty times what
the list writes for a cursor move, and SSH is where those bytes cost (a Pi beside the camera,
reached over a phone's link). One key (ctrl+t) shows it; `thumbnails = true` always does.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from itertools import groupby

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import get_current_worker

from airnef_tui.app.thumbnails import Access, Thumb, Thumbnails, cache_key, pixel_rows
from airnef_tui.camera.catalogue import CameraFile

DEBOUNCE = 0.15  # seconds the cursor rests before the pane draws or fetches
MIN_TERMINAL_WIDTH = 100  # columns: below this the list needs every one of them
UNDECODABLE = "Thumbnail not readable"
HALF_BLOCK = "▀"
SSH_VARIABLES = ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT")  # set by sshd for the session


def shown_at_start(setting: bool | None, environment: Mapping[str, str]) -> bool:
    """The config's `thumbnails` (None: "auto") for a UI started with `environment`."""
    if setting is not None:
        return setting
    return not any(environment.get(name) for name in SSH_VARIABLES)


def half_block_strips(pixels: list[list[tuple[int, int, int]]], width: int,
                      base: Style) -> list[Strip]:
    """Two pixel rows per line, centred in `width` cells on the pane's own background.

    Neighbouring cells of the same two colours become one segment: the terminal is sent one
    colour change for the run instead of one per cell (~45 bytes each in true colour)."""
    lines = []
    for top, bottom in zip(pixels[0::2], pixels[1::2], strict=True):
        segments = []
        for (up, down), run in groupby(zip(top, bottom, strict=True)):
            style = base + Style(color=Color.from_rgb(*up), bgcolor=Color.from_rgb(*down))
            segments.append(Segment(HALF_BLOCK * len(list(run)), style))
        lines.append(Strip(segments, len(top)))
    left = max(width - len(pixels[0]), 0) // 2 if pixels else 0
    pad = Strip.blank(left, base)
    return [Strip.join([pad, line]).extend_cell_length(width, base) for line in lines]


def note_strips(note: str, width: int, style: Style) -> list[Strip]:
    """A few words in place of the picture, wrapped and centred."""
    return [Strip([Segment(line.center(width), style)], width)
            for line in textwrap.wrap(note, max(width, 1))]


class ThumbnailPane(Widget):
    """The highlighted file's thumbnail from the camera, or a line saying why there is none."""

    DEFAULT_CSS = """
    ThumbnailPane {
        width: 34;
        height: 14;
        padding: 0 1;
        & > .thumbnail-pane--note { color: $text-muted; text-style: italic; }
    }
    """

    COMPONENT_CLASSES = {"thumbnail-pane--note"}

    class Fetched(Message):
        """A worker has the camera's answer for `file` (posted to the pane itself)."""

        def __init__(self, file: CameraFile, thumb: Thumb) -> None:
            super().__init__()
            self.file = file
            self.thumb = thumb

    def __init__(self, access: Access, *, enabled: bool = True,
                 min_terminal_width: int = MIN_TERMINAL_WIDTH, debounce: float = DEBOUNCE,
                 thumbnails: Thumbnails | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.thumbnails = thumbnails if thumbnails is not None else Thumbnails(access)
        self.min_terminal_width = min_terminal_width
        self.debounce = debounce
        self._enabled = enabled
        self._wanted: CameraFile | None = None  # the file under the cursor
        self._drawn: tuple[CameraFile | None, Thumb | None] = (None, None)
        self._strips: list[Strip] = []
        self._timer: Timer | None = None

    # -- the browser's API ---------------------------------------------------------------------

    def show(self, file: CameraFile | None) -> None:
        """Show `file`'s thumbnail once the cursor rests on it (None: a heading, show nothing)."""
        if self._wanted is not None and file is not None and cache_key(file) == cache_key(
                self._wanted):
            return
        self._wanted = file
        self._restart_timer()

    @property
    def file(self) -> CameraFile | None:
        """The file the pane is showing or about to show."""
        return self._wanted

    @property
    def showing(self) -> CameraFile | None:
        """The file whose thumbnail (or the note in its place) is drawn now."""
        return self._drawn[0]

    @property
    def enabled(self) -> bool:
        """The user's choice (a key, the config). Not `visible`: Textual's own `Widget.visible`
        means "keep the space, draw nothing", and the browser's layout must get the space back."""
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self._enabled = value
        self._fit_terminal()

    def toggle(self) -> bool:
        """Turn the pane off or on; returns whether it is now on."""
        self.enabled = not self._enabled
        return self._enabled

    def lines(self) -> list[str]:
        """What the pane's content shows, as text (what a person reads, e.g. in tests)."""
        return ["".join(segment.text for segment in strip) for strip in self._strips]

    # -- settling, fetching --------------------------------------------------------------------

    def on_mount(self) -> None:
        self.screen.screen_layout_refresh_signal.subscribe(self, self._layout_refreshed)
        self._fit_terminal()

    def _layout_refreshed(self, _screen) -> None:
        self._fit_terminal()

    def _fit_terminal(self) -> None:
        """Shown while enabled and the terminal is wide enough; hidden otherwise, fetching
        nothing (the file list gets the space back)."""
        wide = self.app.size.width >= self.min_terminal_width
        show = self._enabled and wide
        if show != self.display:
            self.display = show
            if show:
                self._restart_timer()
            else:
                self._stop()

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.workers.cancel_group(self, "thumbnail")

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.debounce, self._settled)

    def _settled(self) -> None:
        """The cursor rested: draw the kept thumbnail, or ask the camera for it."""
        self._timer = None
        file = self._wanted
        if not self.display:
            return
        if file is None:
            self._draw(None, None)
            return
        thumb = self.thumbnails.cached(file)
        if thumb is not None:
            self._draw(file, thumb)
        else:
            self._fetch(file)

    @work(thread=True, exclusive=True, group="thumbnail", exit_on_error=False)
    def _fetch(self, file: CameraFile) -> None:
        """Blocking GetThumb (cached); a worker replaced by a later one asks nothing."""
        worker = get_current_worker()
        thumb = self.thumbnails.fetch(file, still_wanted=lambda: not worker.is_cancelled)
        if thumb is not None and not worker.is_cancelled:
            self.post_message(self.Fetched(file, thumb))

    def on_thumbnail_pane_fetched(self, message: Fetched) -> None:
        message.stop()
        wanted = self._wanted
        if wanted is not None and cache_key(wanted) == cache_key(message.file):
            self._draw(message.file, message.thumb)

    # -- drawing -------------------------------------------------------------------------------

    def _draw(self, file: CameraFile | None, thumb: Thumb | None) -> None:
        self._drawn = (file, thumb)
        self._build()
        self.refresh()

    def on_resize(self) -> None:
        self._build()
        self.refresh()

    def notify_style_update(self) -> None:
        """The lines hold the pane's colours: a new theme needs them built again."""
        super().notify_style_update()
        self._build()

    def _build(self) -> None:
        """The content lines for what is drawn at the pane's size, kept until either changes."""
        width, height = self.content_region.size
        base = self.visual_style.rich_style
        _, thumb = self._drawn
        strips: list[Strip] = []
        if thumb is not None and width > 0 and height > 0:
            pixels = pixel_rows(thumb.jpeg, width, height * 2) if thumb.jpeg else None
            if pixels:
                strips = half_block_strips(pixels, width, base)
            else:
                note_style = base + self.get_component_rich_style("thumbnail-pane--note")
                strips = note_strips(thumb.note or UNDECODABLE, width, note_style)
        top = max(height - len(strips), 0) // 2
        self._strips = [Strip.blank(width, base)] * top + strips

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.content_region.width, self.visual_style.rich_style)
