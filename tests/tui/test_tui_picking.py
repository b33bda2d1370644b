"""Picking files in the browser against a real simulated camera: every key, keys in bursts, the
narrow layouts, hostile names and the ASCII marks.

`burst()` queues all its keys before the app handles any, as a terminal read over SSH delivers
them; `pilot.press` lets each key settle first. Both must tick the same files.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from textual import events

from airnef_tui.camera.catalogue import CameraFile
from airnef_tui.tui.screens.browser import BrowserScreen
from rich.cells import cell_len

from airnef_tui.tui.widgets.file_rows import (
    ASCII, UNICODE, cut_middle, fit_columns, fit_path, terminal_glyphs,
)
from airnef_tui.tui.widgets.file_view import FileView
from tui_pilot import (
    SIZE, browser_with_files, file_list, finished_transfer, static_text, wait_until,
)

CHARACTERS = {"space": " ", "slash": "/", "minus": "-", "full_stop": "."}


async def burst(pilot, *keys: str) -> None:
    """Queue every key at once (one read from the terminal), then let the app catch up."""
    app = pilot.app
    for key in keys:
        character = CHARACTERS.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))
    await pilot.pause()
    await pilot.pause(0.05)


def typed(text: str) -> list[str]:
    """Key names for typing `text` into the filter prompt."""
    names = {value: key for key, value in CHARACTERS.items()}
    return [names.get(char, char) for char in text]


def card_files(sim):
    """The card's files in the browser's order (oldest first, then camera path)."""
    return sorted(sim.card.files(), key=lambda obj: (obj.captured, obj.camera_path))


def screen_text(pilot) -> str:
    """Everything the terminal shows, as the SVG screenshot holds it."""
    return pilot.app.export_screenshot()


# -- keys in bursts ---------------------------------------------------------------------------

async def test_keys_in_one_burst_act_on_the_row_under_the_cursor_on_a_10k_card(
        start_camera, make_app):
    sim = start_camera(files=10_000)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        files = file_list(pilot)
        assert files.row_count == 10_000

        await burst(pilot, *["space", "down"] * 20)
        assert files.selected_indexes == list(range(20))
        assert files.highlighted == 20

        await pilot.press(*["down", "space"] * 5)  # the same keys, each let to settle
        assert files.selected_indexes == list(range(20)) + [21, 22, 23, 24, 25]

        await burst(pilot, "G", "space", "k", "space", "g", "space", "space", "j")
        assert files.selected_indexes[-2:] == [9998, 9999]
        assert 0 in files.selected_indexes and files.highlighted == 1
        await pilot.pause(0.2)
        assert static_text(pilot, "#selection-status").startswith("27 of 10000 selected")

        await burst(pilot, "a", "space", "end", "space")  # all, then two dropped again
        assert len(files.selected_indexes) == 9_998
        assert 1 not in files.selected and 9999 not in files.selected


async def test_a_download_key_in_a_burst_takes_the_files_ticked_before_it(
        start_camera, make_app, output_dir):
    sim = start_camera(files=6)
    expected = card_files(sim)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await burst(pilot, "space", "down", "space", "d", "down", "space")
        transfer = await finished_transfer(pilot)
        assert [file.path.rpartition("/")[2] for file in transfer.request.files] == [
            expected[0].name, expected[1].name]
        assert sorted(path.name for path in output_dir.rglob("*") if path.is_file()) == \
            sorted([expected[0].name, expected[1].name])


async def test_a_filter_typed_in_a_burst_filters_before_the_keys_behind_it(start_camera,
                                                                           make_app):
    sim = start_camera(files=12)
    nefs = [i for i, obj in enumerate(card_files(sim)) if obj.name.endswith(".NEF")]
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        await burst(pilot, "slash", "n", "e", "f", "enter", "a", "escape", "down", "space")
        files = file_list(pilot)
        assert files.picker.view.query == ""  # Esc cleared it, after `a` used it
        # Esc left the cursor on the NEF it was on; down and space then ticked the next file.
        assert files.selected_indexes == sorted(set(nefs) ^ {nefs[0] + 1})


# -- the picking keys ---------------------------------------------------------------------------

async def test_space_enter_a_n_and_i_tick_with_a_visible_checkbox(start_camera, make_app):
    sim = start_camera(files=6)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        files = file_list(pilot)
        await pilot.press("space", "down", "enter")
        assert files.selected_indexes == [0, 1]
        assert files.row_text(0).startswith(UNICODE.on + " ")  # not colour alone
        assert files.row_text(2).startswith(UNICODE.off + " ")
        await pilot.press("i")
        assert files.selected_indexes == [2, 3, 4, 5]
        await pilot.press("a")
        assert files.selected_indexes == list(range(6))
        await pilot.press("n")
        assert files.selected_indexes == []


async def test_shift_arrows_and_v_select_ranges(start_camera, make_app):
    sim = start_camera(files=12)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        files = file_list(pilot)
        await pilot.press("shift+down", "shift+down")
        assert files.selected_indexes == [0, 1, 2]
        await pilot.press("end", "shift+up")
        assert files.selected_indexes == [0, 1, 2, 10, 11]

        await pilot.press("n", "home", "down", "down", "v", "down", "down", "down")
        assert files.selected_indexes == [2, 3, 4, 5]
        assert "range mode" in static_text(pilot, "#selection-status")
        await pilot.press("up")  # the range follows the cursor back
        assert files.selected_indexes == [2, 3, 4]
        await pilot.press("v", "down", "down")  # ended: moving no longer selects
        assert files.selected_indexes == [2, 3, 4]
        await pilot.press("v", "up", "escape")
        assert files.selected_indexes == [2, 3, 4, 5, 6]
        assert files.picker.visual is None
        assert "range mode" not in static_text(pilot, "#selection-status")


async def test_vim_keys_arrows_and_paging_move_the_cursor_and_keep_it_on_screen(
        start_camera, make_app):
    sim = start_camera(files=200)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        files = file_list(pilot)
        await pilot.press("j", "j", "down", "k")
        assert files.highlighted == 2
        await pilot.press("G")
        assert files.highlighted == 199
        assert any(row.find(card_files(sim)[199].name) > 0 for row in files.visible_rows())
        await pilot.press("g")
        assert files.highlighted == 0
        page = files.scrollable_content_region.height - 2
        await pilot.press("pagedown")
        assert files.highlighted == page
        await pilot.press("pagedown", "pageup")
        assert files.highlighted == page
        await pilot.press("end", "home")
        assert files.highlighted == 0
        assert files.scroll_y == 0


async def test_slash_filters_by_name_extension_and_date_with_the_count_shown(start_camera,
                                                                          make_app):
    sim = start_camera(files=12)
    cards = card_files(sim)
    nefs = sum(1 for obj in cards if obj.name.endswith(".NEF"))
    second_day = sum(1 for obj in cards if obj.captured.day == 2)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        files = file_list(pilot)
        await pilot.press("space", "slash", *typed("nef"))
        assert files.visible_rows()[0].startswith(f"/nef▏  {nefs} of 12 match")
        assert files.row_count == nefs
        await pilot.press("enter")
        assert static_text(pilot, "#file-header").startswith(f"Filter “nef”: {nefs} of 12 match")
        assert files.visible_rows()[0].lstrip().startswith("Camera file")
        assert files.selected_indexes == [0]  # what is shown changed, not what is chosen
        assert "(1 not shown)" in static_text(pilot, "#selection-status")

        await pilot.press("slash", *["backspace"] * 3, *typed("2024-05-02"), "enter")
        assert files.row_count == second_day
        await pilot.press("slash", *["backspace"] * 10, *typed("DSC_0003"), "enter")
        assert [files.row_text(0).count("DSC_0003"), files.row_count] == [1, 1]
        await pilot.press("escape")
        assert files.row_count == 12 and files.picker.view.query == ""

        await pilot.press("slash", *typed("nothing-like-it"))
        assert "No file matches" in files.visible_rows()[1]


async def test_s_cycles_the_sort_order_shown_above_the_list(start_camera, make_app):
    sim = start_camera(files=12)
    cards = card_files(sim)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        files = file_list(pilot)
        await pilot.press("space")
        assert static_text(pilot, "#file-header").startswith("Sorted by capture time")
        await pilot.press("s")
        assert static_text(pilot, "#file-header").startswith("Sorted by name")
        names = [files.row_text(i).split()[1].rpartition("/")[2] for i in range(12)]
        assert names == sorted(names, key=str.casefold)
        await pilot.press("s")
        assert static_text(pilot, "#file-header").startswith("Sorted by size, largest first")
        largest = max(cards, key=lambda obj: obj.size)
        assert largest.camera_path in files.row_text(0)
        assert "Size " + UNICODE.down in files.visible_rows()[0]
        await pilot.press("s")
        assert static_text(pilot, "#file-header").startswith("Sorted by folder")
        await pilot.press("s")
        assert static_text(pilot, "#file-header").startswith("Sorted by capture time")
        assert files.selected_indexes == [0]  # the file ticked first stayed ticked throughout
        assert files.highlighted == 0  # and the cursor stayed on it


async def test_h_hides_files_downloaded_before(start_camera, make_app):
    sim = start_camera(files=6)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        await pilot.press("space", "down", "space", "d")
        await finished_transfer(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen)
                         and browser.catalogue.earlier[1] is not None, "the ✓ marks")
        files = file_list(pilot)
        await pilot.press("down", "space", "h")
        assert files.row_count == 4
        assert "2 downloaded hidden" in static_text(pilot, "#file-header")
        assert all("✓" not in files.row_text(i) for i in range(4))
        assert files.selected_indexes == [2]
        await pilot.press("h")
        assert files.row_count == 6 and files.highlighted == 2


async def test_e_and_t_tick_every_file_of_the_same_type_or_day(start_camera, make_app):
    sim = start_camera(files=12)
    cards = card_files(sim)
    jpgs = [i for i, obj in enumerate(cards) if obj.name.endswith(".JPG")]
    first_day = [i for i, obj in enumerate(cards) if obj.captured.day == cards[0].captured.day]
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        files = file_list(pilot)
        assert cards[0].name.endswith(".JPG")
        await pilot.press("e")
        assert files.selected_indexes == jpgs
        await pilot.press("e")  # all of them chosen already: the same key drops them
        assert files.selected_indexes == []
        await pilot.press("t")
        assert files.selected_indexes == first_day
        footer = screen_text(pilot)
        assert "Type" in footer and "Day" in footer


async def test_f_groups_by_folder_and_day_and_enter_on_a_heading_ticks_the_group(
        start_camera, make_app):
    sim = start_camera(files=12)
    cards = card_files(sim)
    folders = sorted({obj.camera_path.rpartition("/")[0] for obj in cards})
    first = [i for i, obj in enumerate(cards) if obj.camera_path.startswith(folders[0] + "/")]
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        files = file_list(pilot)
        await pilot.press("f")
        heading = files.row_text(0)
        assert folders[0] in heading and f"{len(first)} files" in heading
        assert files.row_count == 12 + len(folders)
        assert files.highlighted == 0  # the cursor stayed on its file, under the heading
        await pilot.press("up")
        assert files.highlighted is None  # on the heading
        await pilot.press("enter")
        assert files.selected_indexes == first
        assert f"{len(first)} selected" in files.row_text(0)
        assert files.row_text(0).startswith(UNICODE.on)
        await pilot.press("left")  # folds the group
        assert files.row_count == 12 + len(folders) - len(first)
        await pilot.press("right")
        assert files.row_count == 12 + len(folders)
        await pilot.press("f")
        assert "grouped by day (2)" in static_text(pilot, "#file-header")
        assert "2024-05-01" in files.row_text(0)
        await pilot.press("f")
        assert files.row_count == 12
        assert files.selected_indexes == first


# -- narrow terminals, hostile names, ASCII --------------------------------------------------

@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_narrow_layouts_keep_the_extension_the_unit_and_a_date(start_camera, make_app,
                                                                     size):
    sim = start_camera(files=12)
    async with make_app(sim).run_test(size=size) as pilot:
        await browser_with_files(pilot)
        await pilot.pause(0.1)
        files = file_list(pilot)
        rows = files.visible_rows()[1:files.row_count + 1]
        assert len(rows) >= 8
        for row in rows:
            assert row.split()[1].endswith((".JPG", ".NEF")), row
            assert " kB " in row or " MB " in row, row
            assert "24-05-0" in row, row  # the date shortened, still there
        assert "Size" in files.visible_rows()[0]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_hostile_names_are_shown_cleaned_and_cut_in_the_middle(start_camera, make_app,
                                                                     size):
    sim = start_camera(files=4, hostile_names=True)
    async with make_app(sim).run_test(size=size) as pilot:
        await browser_with_files(pilot)
        files = file_list(pilot)
        assert "\u202e" not in screen_text(pilot) and "\x1b[31m" not in screen_text(pilot)
        await pilot.press("slash", *typed("rtl"), "enter")
        row = files.row_text(0)
        assert "rtl_gpj.exe" in row and "\u202e" not in row
        assert "\u202e" not in screen_text(pilot)
        await pilot.press("escape", "slash", *typed("LLLLLLLL"), "enter")
        row = files.row_text(0)
        assert "…" in row and ".JPG" in row and "kB" in row
        name = row.split()[1]
        assert name.startswith(("L", "DCIM")) and name.endswith("LLL.JPG")
        assert len(row) <= files.scrollable_content_region.width


async def test_the_checkboxes_are_ascii_when_the_locale_is_not_utf8(start_camera, make_app,
                                                                    monkeypatch):
    monkeypatch.setenv("LC_ALL", "en_US.ISO-8859-1")
    sim = start_camera(files=4)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        await browser_with_files(pilot)
        files = file_list(pilot)
        await pilot.press("space", "slash", "j")
        assert files.row_text(0).startswith("[x] ")
        assert files.row_text(1).startswith("[ ] ")
        assert files.visible_rows()[0].startswith("/j_")
        assert "☐" not in screen_text(pilot) and "☑" not in screen_text(pilot)


@pytest.mark.parametrize("environment, glyphs", [
    ({"LANG": "en_US.UTF-8"}, UNICODE),
    ({"LC_ALL": "en_US.ISO-8859-1", "LANG": "en_US.UTF-8"}, ASCII),
    ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, ASCII),  # a C locale Python coerced (PEP 538)
    ({"LANG": "POSIX"}, ASCII),
    ({"LANG": "en_US.UTF-8", "AIRNEF_TUI_ASCII": "1"}, ASCII),
])
def test_the_marks_follow_the_locale(monkeypatch, environment, glyphs):
    for name in ("LC_ALL", "LC_CTYPE", "LANG", "AIRNEF_TUI_ASCII"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert terminal_glyphs() == glyphs


# -- the rules, without a terminal ---------------------------------------------------------------

def test_cutting_in_the_middle_counts_cells_and_keeps_the_extension():
    assert cut_middle("abcdefghij.JPG", 9, keep_end=4) == "abcd….JPG"
    cut = cut_middle("写真" * 10 + ".JPG", 12, keep_end=4)
    assert cut == "写真写….JPG"  # a wide character that would not fit whole is left out
    assert cell_len(cut) == 11
    assert fit_path("DCIM/100NIKON/DSC_0001.NEF", 20) == "DCI…KON/DSC_0001.NEF"
    assert fit_path("DCIM/100NIKON/DSC_0001.NEF", 11) == "DSC_0…1.NEF"


def test_columns_give_way_date_first_then_path_and_the_size_keeps_its_unit():
    layouts = [fit_columns(width, UNICODE, 26, 12) for width in (120, 60, 44, 38, 30, 24, 16)]
    assert [columns.date for columns in layouts] == [19, 19, 10, 8, 0, 0, 0]
    assert [columns.path for columns in layouts] == [26, 26, 19, 15, 16, 10, 12]
    assert [columns.size for columns in layouts] == [9, 9, 9, 9, 9, 9, 0]
    assert fit_columns(40, ASCII, 26, 12).check == 4


def _file(index: int, path: str, size: int, day: int) -> CameraFile:
    return CameraFile(index + 1, 0x10001, 1, path, path.rpartition("/")[2],
                      path.rpartition("/")[0].rpartition("/")[2], size,
                      datetime(2024, 5, day, 10, index), 0)


def test_the_view_sorts_filters_and_hides_without_touching_the_catalogue():
    files = [_file(0, "DCIM/101/B.NEF", 30, 1), _file(1, "DCIM/100/a.JPG", 10, 2),
             _file(2, "DCIM/100/C.JPG", 20, 2)]
    paths = [file.path for file in files]
    view = FileView(files, paths, [None, "x", None])
    assert view.rows == [0, 1, 2]
    view.sort = "name"
    view.rebuild()
    assert view.rows == [1, 0, 2]
    view.sort, view.query = "size", "jpg"
    view.rebuild()
    assert view.rows == [2, 1]
    view.query, view.hide_downloaded, view.grouping = "2024-05-02", True, "folder"
    view.rebuild()
    assert view.rows == [-1, 2] and view.groups[0].key == "DCIM/100"
