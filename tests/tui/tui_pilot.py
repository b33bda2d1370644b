"""Helpers that drive the app the way a person does, and wait for what a person would see."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Static

from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.screens.transfer import TransferScreen
from airnef_tui.tui.widgets.file_list import FileList
from airnef_tui.tui.widgets.preview_list import PreviewList
from airnef_tui.tui.widgets.preview_pane import PreviewPane
from airnef_tui.tui.widgets.spec_field import SpecField

SIZE = (120, 36)


async def wait_until(pilot: Pilot, condition: Callable[[], object], what: str,
                     timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await pilot.pause(0.05)


async def browser_with_files(pilot: Pilot) -> BrowserScreen:
    """Wait for the browser to list the card, and for the list to be laid out (it is shown
    when the card has been read, and has no width until the next layout: a row read in
    between is cut to nothing, as a loaded machine showed), and return it."""
    app = pilot.app

    def listed() -> bool:
        screen = app.screen
        if not isinstance(screen, BrowserScreen) or screen.catalogue is None:
            return False
        return not screen.catalogue.files or screen.query_one(FileList).size.width > 0

    await wait_until(pilot, listed, "the card's files")
    assert isinstance(app.screen, BrowserScreen)
    return app.screen


async def finished_transfer(pilot: Pilot, timeout: float = 20.0) -> TransferScreen:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, TransferScreen)
                     and not app.screen.running, "the transfer to end", timeout)
    assert isinstance(app.screen, TransferScreen)
    return app.screen


async def type_spec(pilot: Pilot, field_id: str, text: str) -> None:
    """Focus a spec field, type `text` key by key, and let the debounce timer fire."""
    field = pilot.app.screen.query_one(f"#{field_id}", SpecField)
    field.input.focus()
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause(0.3)


def file_list(pilot: Pilot) -> FileList:
    return pilot.app.screen.query_one(FileList)


def preview_pane(pilot: Pilot) -> PreviewPane:
    return pilot.app.screen.query_one(PreviewPane)


def preview_lines(pilot: Pilot) -> list[str]:
    return pilot.app.screen.query_one(PreviewList).visible_lines()


def static_text(pilot: Pilot, selector: str) -> str:
    """The plain text a Static shows (its content may be a str or a rich Text)."""
    content = pilot.app.screen.query_one(selector, Static).content
    return getattr(content, "plain", str(content))
