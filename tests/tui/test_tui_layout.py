"""The browser at 80×24 and 60×20 (the rename pane as a panel in the list's place), the camera
line and spec errors never cut mid-word, and the help screen on a small terminal; against a real
simulated camera."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Button, Input

from airnef_tui.camera.address import CameraAddress
from airnef_tui.tui.app import AirnefApp
from airnef_tui.tui.demo import DEMO_NOTE
from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.screens.browser_text import CameraFacts, camera_line, fit_camera_line
from airnef_tui.tui.screens.help import HelpScreen
from airnef_tui.tui.screens.transfer import TransferScreen
from airnef_tui.tui.widgets.preview_list import PreviewList
from tui_pilot import (
    browser_with_files, file_list, finished_transfer, preview_lines, static_text, wait_until,
)

NARROW = [(80, 24), (60, 20)]


def shown_lines(widget: Widget) -> list[str]:
    """What `widget` draws, line by line, as a person reads it."""
    width, height = widget.size
    return ["".join(segment.text for segment in strip).strip()
            for strip in widget.render_lines(Region(0, 0, width, height))]


def words_are_whole(lines: list[str], text: str) -> bool:
    """Every word on the lines is a word of `text` (nothing was cut inside a word)."""
    words = set(text.split())
    return all(word in words for line in lines for word in line.split())


@pytest.fixture
def demo_like_app(output_dir):
    """make(sim): the browser on `sim` with the demo's note, as `--demo` shows it."""
    from airnef_tui.app.camera_access import CameraAccess
    from airnef_tui.app.connect import ConnectionOptions
    accesses = []

    def make(sim) -> AirnefApp:
        access = CameraAccess(CameraAddress(sim.host, sim.port), ConnectionOptions(retry_delay=0.2))
        accesses.append(access)
        return AirnefApp(access, output_dir, note=DEMO_NOTE)

    yield make
    for access in accesses:
        access.shutdown()


@pytest.mark.parametrize("size", NARROW)
async def test_narrow_the_list_has_the_width_and_the_pane_is_a_panel(start_camera, demo_like_app,
                                                                    size, output_dir):
    sim = start_camera(files=8)
    app = demo_like_app(sim)
    async with app.run_test(size=size) as pilot:
        browser = await browser_with_files(pilot)
        width = size[0]
        assert browser.narrow and not browser.query_one("#preview-side").display
        assert file_list(pilot).size.width >= width - 2
        line = shown_lines(browser.query_one("#camera-line"))[0]
        assert "D7200" in line and "8 files" in line and len(line) <= width - 2
        assert line.startswith("Demo")

        await pilot.press("space", "down", "space", "p")
        await pilot.pause()
        assert not browser.query_one("#files-side").display
        assert browser.query_one("#preview-side").display
        spec = browser.query_one("#name-spec").query_one(Input)
        assert browser.focused is spec
        await pilot.press(*"@capturedate@-@filename@")
        await pilot.pause(0.3)
        targets = preview_pane_targets(pilot)
        assert len(targets) == 2 and all("-DSC_" in target for target in targets)
        preview = browser.query_one(PreviewList)
        assert preview.size.height >= 2  # the targets are on screen, not squeezed out
        assert any(targets[0] in line for line in preview_lines(pilot))

        await pilot.press("escape")  # back to the list, the spec kept
        await pilot.pause()
        assert browser.query_one("#files-side").display
        assert browser.focused is file_list(pilot) and spec.value.endswith("@filename@")

        await pilot.press("d")
        transfer = await finished_transfer(pilot)
        assert transfer.tally.downloaded == 2
        assert len(list(output_dir.iterdir())) == 2


def preview_pane_targets(pilot) -> list[str]:
    model = pilot.app.screen.query_one("#preview").model
    return list(model.targets) if model is not None else []


@pytest.mark.parametrize("size", NARROW)
async def test_narrow_tab_reaches_every_control_and_the_download_button_works(
        start_camera, make_app, size):
    sim = start_camera(files=4)
    app = make_app(sim)
    async with app.run_test(size=size) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("a", "tab")
        await pilot.pause()
        reached = []
        for _ in range(12):
            focused = browser.focused
            reached.append(focused)
            if focused is file_list(pilot):
                break
            await pilot.press("tab")
            await pilot.pause()
        ids = {widget.id for widget in reached}
        names = {"#" + (w.parent.parent.id or "") for w in reached if isinstance(w, Input)}
        assert {"preset", "output", "download", "files"} <= ids, ids
        assert {"#name-spec", "#dir-spec"} <= names
        assert browser.query_one("#files-side").display  # Tab past the last control: the list

        await pilot.press("shift+tab")  # backwards from the list: the pane's last control
        await pilot.pause()
        assert isinstance(browser.focused, Button) and browser.focused.id == "download"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TransferScreen), "the download")
        await finished_transfer(pilot)


async def test_a_spec_error_wraps_at_words_at_80_columns(start_camera, make_app):
    sim = start_camera(files=3)
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("a", "p", *"@filename@/x")
        await pilot.pause(0.3)
        caption = static_text(pilot, "#name-spec .spec-error")
        assert "put folders in the directory spec" in caption
        error = browser.query_one("#name-spec .spec-error")
        lines = [line for line in shown_lines(error) if line]
        assert len(lines) >= 2  # wrapped, where the side-by-side pane cut it at the edge
        assert words_are_whole(lines, caption)
        assert " ".join(lines) == caption


async def test_the_layout_follows_a_resize_and_p_hides_the_pane_when_wide(start_camera,
                                                                           make_app):
    sim = start_camera(files=4)
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        browser = await browser_with_files(pilot)
        assert not browser.narrow and browser.query_one("#preview-side").display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert browser.narrow and not browser.query_one("#preview-side").display
        await pilot.press("p")
        await pilot.pause()
        assert not browser.query_one("#files-side").display
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert browser.query_one("#files-side").display
        assert browser.query_one("#preview-side").display
        file_list(pilot).focus()
        await pilot.press("p")  # wide: hides the pane, the list takes the width
        await pilot.pause()
        assert not browser.query_one("#preview-side").display
        assert file_list(pilot).size.width >= 118
        await pilot.press("f2")
        await pilot.pause()
        assert browser.query_one("#preview-side").display


async def test_the_help_screen_scrolls_at_60x20(start_camera, make_app):
    sim = start_camera(files=2)
    app = make_app(sim)
    async with app.run_test(size=(60, 20)) as pilot:
        await browser_with_files(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)


# -- the camera line, without a terminal --------------------------------------------------------

FACTS = CameraFacts("192.168.1.1:15740", DEMO_NOTE, "Nikon Corporation", "D7200", "3012345",
                    "Anna's camera", 10_000, 41_234_567_890, 312)


@pytest.mark.parametrize("width", [200, 120, 100, 80, 70, 60, 50, 40, 30, 20])
def test_the_camera_line_gives_way_by_importance_and_is_never_cut_mid_word(width):
    full = camera_line(FACTS).plain
    shown = fit_camera_line(FACTS, width).plain
    assert len(shown) <= width
    allowed = set(full.split()) | {"Demo", "Nikon", "files"}  # shortened, not cut
    words = shown.removesuffix("…").split()
    assert all(word in allowed for word in words), shown
    if width >= 60:
        assert "D7200" in shown and "10000 files" in shown and "…" not in shown
    if width >= 80:
        assert "192.168.1.1:15740" in shown and "41.2 GB" in shown


def test_the_camera_line_before_the_listing_names_the_address():
    facts = CameraFacts("192.168.1.1:15740", DEMO_NOTE)
    assert fit_camera_line(facts, 80).plain == f"{DEMO_NOTE} · Camera at 192.168.1.1:15740"
    assert fit_camera_line(facts, 40).plain == "Demo · Camera at 192.168.1.1:15740"


async def test_the_hidden_panel_follows_the_selection_it_is_shown_with(start_camera, make_app):
    """At 80 columns the rename panel is hidden while files are ticked; its preview is then
    sized without a layout of the screen, so it must be right once `p` shows it."""
    sim = start_camera(files=30)
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("a", "space", "down", "space")  # all but two
        await pilot.pause(0.2)
        ticked = len(browser.catalogue.files) - 2
        assert not browser.query_one("#preview-side").display
        await pilot.press("p")
        await pilot.pause(0.2)
        preview = browser.query_one(PreviewList)
        assert preview.virtual_size.height == ticked
        preview.scroll_end(animate=False)
        await pilot.pause()
        assert preview.max_scroll_y == ticked - preview.size.height > 0
        assert preview_lines(pilot)[-1].startswith(f"{ticked} ")
