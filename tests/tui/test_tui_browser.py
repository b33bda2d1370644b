"""The file browser against a real simulated camera: listing, selecting, the rename preview."""

from __future__ import annotations

import re
import socket
import time

from textual.widgets import Button, Input, LoadingIndicator

from airnef_tui.camera.address import CameraAddress
from airnef_tui.app.units import size
from airnef_tui.rename.preview import PreviewModel
from airnef_tui.tui.app import AirnefApp
from airnef_tui.app.camera_access import CameraAccess
from airnef_tui.tui.screens.browser import BrowserScreen, CardCounted
from airnef_tui.tui.screens.browser_text import CardCount, ThrottledCount
from airnef_tui.tui.screens.transfer import TransferScreen
from airnef_tui.tui.widgets.preview_list import PreviewList
from airnef_tui.tui.widgets.spec_field import SpecField
from test_tui_picking import burst
from tui_pilot import (
    SIZE, browser_with_files, file_list, preview_lines, preview_pane, static_text, type_spec,
    wait_until,
)


def card_files(sim):
    """The simulated card's files in the browser's order (oldest first, then camera path)."""
    return sorted(sim.card.files(), key=lambda obj: (obj.captured, obj.camera_path))


async def test_the_cards_files_appear_with_size_and_capture_time(start_camera, make_app):
    sim = start_camera(files=6)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        files = file_list(pilot)
        expected = card_files(sim)
        assert files.row_count == len(expected)
        for index, obj in enumerate(expected):
            row = files.row_text(index)
            assert obj.camera_path in row
            assert size(obj.size) in row
            assert obj.captured.strftime("%Y-%m-%d %H:%M:%S") in row
            assert "✓" not in row
        assert "D7200" in static_text(pilot, "#camera-line")
        assert "6 files" in static_text(pilot, "#camera-line")
        assert browser.focused is files


async def test_space_a_and_n_select_files(start_camera, make_app):
    sim = start_camera(files=6)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("space", "down", "down", "space")
        assert file_list(pilot).selected_indexes == [0, 2]
        assert static_text(pilot, "#selection-status").startswith("2 of 6 selected")
        await pilot.press("a")
        assert file_list(pilot).selected_indexes == list(range(6))
        await pilot.press("n")
        assert file_list(pilot).selected_indexes == []


async def test_typing_a_spec_previews_the_selected_files_targets(start_camera, make_app,
                                                                 output_dir):
    sim = start_camera(files=6)
    expected = card_files(sim)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("space", "down", "down", "space")
        await pilot.pause(0.3)
        assert preview_lines(pilot) == [f"1   {expected[0].name}", f"2   {expected[2].name}"]

        await type_spec(pilot, "name-spec", "@capturedate@-@filename@")
        await type_spec(pilot, "dir-spec", "@capturedate_y@")
        wanted = [f"{obj.captured:%Y}/{obj.captured:%Y%m%d}-{obj.name}"
                  for obj in (expected[0], expected[2])]
        model = preview_pane(pilot).model
        assert isinstance(model, PreviewModel)
        assert model.targets == wanted
        assert preview_lines(pilot) == [f"1   {wanted[0]}", f"2   {wanted[1]}"]
        assert model.output_dir == output_dir
        assert static_text(pilot, "#preview-status") == "2 to download"


async def test_the_preview_colours_each_part_by_what_produced_it(start_camera, make_app):
    sim = start_camera(files=2)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("space")
        await type_spec(pilot, "name-spec", "@capturedate@-@filename@")
        preview = pilot.app.screen.query_one(PreviewList)
        line = preview.line_text(0)
        date = line.plain.index("2024")
        dash = date + len("20240501")
        name = dash + 1

        def style_at(offset: int):
            return next(span.style for span in line.spans if span.start <= offset < span.end)

        assert style_at(date) == preview.category_style("capture")
        assert style_at(dash) == preview.category_style("literal")
        assert style_at(name) == preview.category_style("file")
        assert len({str(style_at(date)), str(style_at(dash)), str(style_at(name))}) == 3


async def test_collisions_are_marked_with_what_would_happen(start_camera, make_app):
    sim = start_camera(files=6)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a")
        await type_spec(pilot, "name-spec", "photo.@filename_ext@")
        lines = preview_lines(pilot)
        jpgs = [line for line in lines if "photo.JPG" in line]
        later = jpgs[1].split()[0]
        assert jpgs[0] == f"1 ! photo.JPG  same target as row {later}, which would come after it"
        assert jpgs[1] == f"{later} ! photo.JPG  same target as row 1 → would become " \
                          "photo-new-1.JPG"
        assert jpgs[2].endswith("→ would become photo-new-2.JPG")
        assert "with a taken name (!)" in static_text(pilot, "#preview-status")


async def test_a_file_the_spec_cannot_name_is_shown_as_an_error(start_camera, make_app,
                                                                tmp_path):
    card = tmp_path / "card"
    (card / "DCIM" / "100TEST").mkdir(parents=True)
    (card / "ROOT.JPG").write_bytes(b"\xff\xd8root\xff\xd9")
    (card / "DCIM" / "100TEST" / "INNER.JPG").write_bytes(b"\xff\xd8inner\xff\xd9")
    sim = start_camera(profile="generic", dirs=[card])
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("a")
        await type_spec(pilot, "name-spec", "@camerafolder@")  # empty for a file at the root
        lines = preview_lines(pilot)
        assert any(line.startswith(("1 ✗ ROOT.JPG: ", "2 ✗ ROOT.JPG: ")) for line in lines)
        assert any(line.endswith("100TEST") for line in lines)
        assert "1 without a usable name (✗)" in static_text(pilot, "#preview-status")


async def test_an_invalid_spec_is_underlined_explained_and_blocks_the_download(
        start_camera, make_app, output_dir):
    sim = start_camera(files=3)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("a")
        await type_spec(pilot, "name-spec", "@capturedate@-@nosuch@")
        field = browser.query_one("#name-spec", SpecField)
        assert field.error is not None
        assert (field.error.position, field.error.end) == (14, 22)
        caption = static_text(pilot, "#name-spec .spec-error")
        assert caption.startswith("✗ columns 15-22: ")
        assert "nosuch" in caption
        assert field.query_one(".spec-error").display
        rendered = field.input._value  # what the input draws: the bad span underlined
        assert any(span.start == 14 and span.end == 22 and "underline" in str(span.style)
                   for span in rendered.spans)
        assert browser.query_one(PreviewList).has_class("-stale")

        file_list(pilot).focus()
        await pilot.press("d")
        await pilot.pause(0.2)
        assert isinstance(pilot.app.screen, BrowserScreen)
        assert any("Fix the name spec first" in n.message for n in pilot.app._notifications)
        assert not output_dir.exists()

        field.input.value = "@capturedate@-@filename@"  # fixed: the error goes away
        await pilot.pause(0.3)
        assert field.error is None
        assert not field.query_one(".spec-error").display
        assert not browser.query_one(PreviewList).has_class("-stale")


async def test_d_without_a_selection_explains_instead_of_starting(start_camera, make_app):
    sim = start_camera(files=2)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await pilot.press("d")
        await pilot.pause(0.2)
        assert not isinstance(pilot.app.screen, TransferScreen)
        assert any("Select files first" in n.message for n in pilot.app._notifications)


async def test_letters_typed_in_a_spec_field_are_text_not_commands(start_camera, make_app):
    sim = start_camera(files=2)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await type_spec(pilot, "name-spec", "and")
        assert pilot.app.screen.query_one("#name-spec", SpecField).text == "and"
        assert file_list(pilot).selected_indexes == []
        assert isinstance(pilot.app.screen, BrowserScreen)


async def test_a_preset_fills_both_specs(start_camera, make_app):
    sim = start_camera(files=2)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("a")
        preview_pane(pilot).apply_preset("date-folders")
        await pilot.pause(0.3)
        assert browser.query_one("#name-spec", SpecField).text == ""
        assert browser.query_one("#dir-spec", SpecField).text == \
            "@capturedate_y@/@capturedate_iso@"
        first = card_files(sim)[0]
        assert preview_pane(pilot).model.targets[0] == \
            f"{first.captured:%Y}/{first.captured:%Y-%m-%d}/{first.name}"
        await type_spec(pilot, "dir-spec", "x")  # edited: no longer that preset
        assert str(browser.query_one("#preset", Button).label).startswith("typed specs")


async def test_an_unreachable_camera_is_explained_with_what_to_do(output_dir):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    access = CameraAccess(CameraAddress("127.0.0.1", port))
    try:
        async with AirnefApp(access, output_dir).run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: "Could not read" in static_text(
                pilot, "#load-status"), "the failure to be shown")
            status = static_text(pilot, "#load-status")
            assert f"127.0.0.1:{port}" in status
            assert "press r to try again" in status
            await pilot.press("r")
            assert pilot.app.screen.listing or "Could not read" in static_text(
                pilot, "#load-status")
    finally:
        access.shutdown()


# -- while the card is read ---------------------------------------------------------------------

def count_frames(app) -> list[float]:
    """Times at which the app hands a frame to the terminal (headless too): what goes over SSH."""
    frames: list[float] = []
    display = app._display

    def counting(screen, renderable) -> None:
        if renderable is not None:
            frames.append(time.monotonic())
        display(screen, renderable)

    app._display = counting
    return frames


async def test_a_slow_listing_shows_a_static_count_and_answers_every_key(start_camera, make_app):
    sim = start_camera(files=150, latency_ms=20)  # ~170 objects, ~4 s on a first listing
    counts: list[tuple[float, CardCount]] = []
    seen: list[CardCounted] = []

    def hook(message) -> None:  # called on each dispatch, and a message may be dispatched twice
        if isinstance(message, CardCounted) and not any(m is message for m in seen):
            seen.append(message)
            counts.append((time.monotonic(), message.count))

    app = make_app(sim)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        frames = count_frames(app)
        browser = app.screen
        assert isinstance(browser, BrowserScreen) and browser.listing
        first = static_text(pilot, "#load-status")
        assert first.startswith((f"Connecting to the camera at {sim.host}:{sim.port}…",
                                 "Reading the card: "))
        await wait_until(pilot, lambda: "Reading the card: " in static_text(
            pilot, "#load-status"), "the count")
        assert re.fullmatch(r"Reading the card: \d+ of \d+ objects",
                            static_text(pilot, "#load-status"))
        # No spinner: Textual's Widget.loading is not shadowed, and nothing is animated.
        assert browser.loading is False and not app.screen.query(LoadingIndicator)

        quiet_from = len(frames)
        started = time.monotonic()
        await pilot.pause(1.5)
        elapsed = time.monotonic() - started
        assert browser.catalogue is None, "the listing ended too soon for this test"
        # At most one repaint per count (~4 a second), where a spinner redraws ~15 times.
        assert len(frames) - quiet_from <= elapsed * 4 + 3

        await pilot.press("a", "d", "r")
        said = [n.message for n in app._notifications]
        assert any("Still reading the card" in m and "picked once they are listed" in m
                   for m in said)
        assert any("Still reading the card" in m and "d downloads once" in m for m in said)
        assert any("Still reading the card" in m and "r reads it again" in m for m in said)
        await pilot.press("tab")  # the rename pane is usable meanwhile
        assert isinstance(browser.focused, Input)
        assert browser.query_one("#name-spec") in browser.focused.ancestors

        await browser_with_files(pilot)
        assert not browser.listing and not browser.query_one("#load-status").display
        # Counts came at most ~4 a second (as handled: a busy loop may bunch two) and only
        # went forward.
        assert len(counts) <= (counts[-1][0] - counts[0][0]) * 4 + 2
        assert [c.described for _, c in counts] == sorted(c.described for _, c in counts)
        assert counts[-1][1].known >= 150
        # The list has the keys now: Esc leaves the spec field for the list, `a` picks.
        await pilot.press("escape", "a")
        assert file_list(pilot).selected_indexes == list(range(150))


async def test_keys_during_a_re_read_work_on_the_files_shown(start_camera, make_app):
    sim = start_camera(files=6, latency_ms=20)
    app = make_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        # The re-read takes a few round trips of 20 ms: the keys are all handled meanwhile.
        await burst(pilot, "r", "space", "down", "space", "d")
        assert file_list(pilot).selected_indexes == [0, 1]
        assert any("Still reading the card" in n.message and "d downloads once" in n.message
                   for n in app._notifications)
        assert not isinstance(app.screen, TransferScreen)
        await wait_until(pilot, lambda: not browser.listing, "the re-read")
        assert file_list(pilot).selected_indexes == [0, 1]  # kept across the re-read
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, TransferScreen), "the download")


def test_the_count_is_throttled_and_never_goes_back():
    now = [0.0]
    posted: list[CardCount] = []
    count = ThrottledCount(posted.append, every=0.25, clock=lambda: now[0])
    for described in range(1, 101):  # the camera asked, one object every 10 ms
        now[0] += 0.01
        count(described, 100)
    assert posted[0] == CardCount(1, 100) and len(posted) == 4  # 0.01, 0.26, 0.51, 0.76 s
    now[0] += 1
    count(37, 100)  # the walk over the answers counts again from 1: not shown
    assert len(posted) == 4
    count(1, 50)  # the second card
    assert posted[-1] == CardCount(1, 50)
