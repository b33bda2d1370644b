"""The thumbnail pane against a simulated camera: the camera's own JPEG drawn in half blocks,
kept so it is asked for once, asked for only where the cursor rests, and a few words in its place
when there is none (a folder, a file gone, the session taken by a download, no session)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from textual.app import App, ComposeResult

from airnef_tui.app.camera_access import CameraAccess
from airnef_tui.app.connect import ConnectionOptions
from airnef_tui.app.thumbnails import (
    BUSY, NO_THUMBNAIL, NOT_CONNECTED, Thumb, ThumbnailCache, Thumbnails, fetch_thumbnail,
    pixel_rows,
)
from airnef_tui.camera.address import CameraAddress
from airnef_tui.camera.catalogue import CameraFile
from airnef_tui.ptpip.codes import OpCode
from airnef_tui.tui.widgets.file_list import FileList
from airnef_tui.tui.widgets.thumbnail import HALF_BLOCK, UNDECODABLE, ThumbnailPane
from tui_pilot import wait_until


class PaneApp(App):
    """The pane alone, or beside a file list wired the way the browser wires it."""

    def __init__(self, access: CameraAccess, files=None, **pane_options) -> None:
        super().__init__()
        self.access = access
        self.files = files
        self.pane_options = pane_options

    def compose(self) -> ComposeResult:
        if self.files is not None:
            yield FileList()
        yield ThumbnailPane(self.access, **self.pane_options)

    def on_mount(self) -> None:
        if self.files is not None:
            file_list = self.query_one(FileList)
            file_list.show_files(self.files, [None] * len(self.files))
            file_list.focus()

    def on_file_list_cursor_moved(self, message: FileList.CursorMoved) -> None:
        index = message.index
        self.query_one(ThumbnailPane).show(self.files[index] if index is not None else None)


@pytest.fixture
def camera(start_camera):
    """A listed simulated Nikon: (simulator, access with its session open, the card's files)."""
    sim = start_camera(files=6)
    access = CameraAccess(CameraAddress(sim.host, sim.port), ConnectionOptions(retry_delay=0.2))
    files = access.load_catalogue().files
    yield sim, access, files
    access.shutdown()


def thumbs_asked(sim) -> list[int]:
    """The handles GetThumb was asked for, in order."""
    return [read.handle for read in sim.stats.reads if read.opcode == OpCode.GET_THUMB]


def get_thumbs(sim) -> int:
    return sim.stats.operations.count(OpCode.GET_THUMB)


async def drawn(pilot, pane: ThumbnailPane, what: str = "a picture") -> None:
    await wait_until(pilot, lambda: any(HALF_BLOCK in line for line in pane.lines()), what)


async def noted(pilot, pane: ThumbnailPane, note: str) -> None:
    await wait_until(pilot, lambda: note in " ".join(" ".join(pane.lines()).split()), note)


async def test_the_highlighted_file_is_drawn_in_coloured_half_blocks(camera):
    sim, access, files = camera
    app = PaneApp(access)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(ThumbnailPane)
        pane.show(files[0])
        await drawn(pilot, pane)
        width, height = pane.content_region.size
        runs = [segment for y in range(height) for segment in pane.render_line(y)
                if segment.text.startswith(HALF_BLOCK)]
        cells = sum(len(run.text) for run in runs)
        assert cells == width * 12  # 4:3 in the 32x14 box: 32x24 pixels on 12 lines
        colours = {(run.style.color.triplet, run.style.bgcolor.triplet) for run in runs}
        assert len(colours) > 50  # a picture, not a flat fill
        # What the screen shows is the same picture (padding and all).
        screen_text = "".join(segment.text for strip in app.screen._compositor.render_strips()
                              for segment in strip)
        assert screen_text.count(HALF_BLOCK) == cells
    assert thumbs_asked(sim) == [files[0].handle]


async def test_a_thumbnail_is_asked_of_the_camera_once(camera):
    sim, access, files = camera
    app = PaneApp(access)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(ThumbnailPane)
        for file in (files[0], files[1], files[0], files[1]):
            pane.show(file)
            await wait_until(pilot, lambda: pane.showing == file, f"the picture of {file.name}")
            assert any(HALF_BLOCK in line for line in pane.lines())
    assert thumbs_asked(sim) == [files[0].handle, files[1].handle]
    assert get_thumbs(sim) == 2


async def test_keys_in_a_burst_fetch_only_where_the_cursor_rests(camera):
    sim, access, files = camera
    app = PaneApp(access, files=files, debounce=0.4)  # far above the pacing below, if slow
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(ThumbnailPane)
        await drawn(pilot, pane, "the first file's picture")
        assert thumbs_asked(sim) == [files[0].handle]
        await pilot.press("down", "down", "down", "down")  # one burst, no pause between
        await wait_until(pilot, lambda: len(thumbs_asked(sim)) == 2, "a second GetThumb")
        await pilot.pause(0.8)
        # Paced keys, each faster than the debounce, count as one rest too.
        for _ in range(3):
            await pilot.press("up")
            await pilot.pause(0.05)
        await wait_until(pilot, lambda: len(thumbs_asked(sim)) == 3, "a third GetThumb")
        await pilot.pause(0.8)
        assert pane.file == files[1]
    assert thumbs_asked(sim) == [files[0].handle, files[4].handle, files[1].handle]


async def test_a_folder_has_no_thumbnail_and_is_asked_once(camera):
    sim, access, files = camera
    folder = next(obj for obj in sim.card.folders())
    as_file = dataclasses.replace(files[0], handle=folder.handle, path="DCIM", name="DCIM")
    app = PaneApp(access)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(ThumbnailPane)
        pane.show(as_file)
        await noted(pilot, pane, NO_THUMBNAIL.note)
        assert not any(HALF_BLOCK in line for line in pane.lines())
        pane.show(files[2])
        await drawn(pilot, pane)
        pane.show(as_file)  # the camera's "none" is kept too
        await noted(pilot, pane, NO_THUMBNAIL.note)
    assert thumbs_asked(sim) == [files[2].handle]  # a folder's GetThumb reads nothing
    assert get_thumbs(sim) == 2


async def test_a_file_gone_from_the_card_and_an_unreadable_thumbnail(camera):
    sim, access, files = camera
    gone = dataclasses.replace(files[0], handle=0x7FFF_0000, path="DCIM/gone.JPG")
    broken = dataclasses.replace(files[1], path="DCIM/broken.JPG")
    app = PaneApp(access)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(ThumbnailPane)
        pane.show(gone)
        await noted(pilot, pane, NO_THUMBNAIL.note)
        pane.thumbnails.cache.put(broken, Thumb(b"\xff\xd8 not really a JPEG"))
        pane.show(broken)
        await noted(pilot, pane, UNDECODABLE)
    assert pixel_rows(b"junk", 10, 10) is None
    assert pixel_rows(b"", 10, 10) is None


async def test_while_a_download_holds_the_session_the_pane_waits_its_turn(camera):
    sim, access, files = camera
    app = PaneApp(access)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(ThumbnailPane)
        assert access._lock.acquire()  # what a download does for its whole run
        try:
            pane.show(files[3])
            await noted(pilot, pane, BUSY.note)
            assert get_thumbs(sim) == 0
        finally:
            access._lock.release()
        pane.show(files[4])
        await drawn(pilot, pane)
        pane.show(files[3])  # "busy" was not kept: asked again now the camera is free
        await wait_until(pilot, lambda: pane.showing == files[3], "the file asked for again")
        assert any(HALF_BLOCK in line for line in pane.lines())
    assert thumbs_asked(sim) == [files[4].handle, files[3].handle]


async def test_no_session_is_opened_for_a_thumbnail(start_camera):
    sim = start_camera(files=2)
    access = CameraAccess(CameraAddress(sim.host, sim.port))
    try:
        files = [dataclasses.replace(file, handle=obj.handle)
                 for file, obj in zip([_any_file()] * 2, sim.card.files())]
        app = PaneApp(access)
        async with app.run_test(size=(120, 36)) as pilot:
            pane = app.query_one(ThumbnailPane)
            pane.show(files[0])
            await noted(pilot, pane, NOT_CONNECTED.note)
        assert sim.stats.sessions == 0
        assert fetch_thumbnail(access, files[1]) == NOT_CONNECTED
    finally:
        access.shutdown()


def _any_file() -> CameraFile:
    return CameraFile(handle=1, storage_id=0x10001, slot=1, path="DCIM/100NIKON/DSC_0001.JPG",
                      name="DSC_0001.JPG", folder="100NIKON", size=1000,
                      captured=datetime(2024, 1, 1), format=0x3801)


async def test_off_by_choice_or_in_a_narrow_terminal_it_takes_no_space_and_asks_nothing(camera):
    sim, access, files = camera
    app = PaneApp(access, enabled=False)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(ThumbnailPane)
        pane.show(files[0])
        await pilot.pause(0.4)
        assert not pane.display and get_thumbs(sim) == 0
        assert pane.toggle() is True
        await drawn(pilot, pane)
        assert pane.toggle() is False and not pane.display
    narrow = PaneApp(access, min_terminal_width=100)
    async with narrow.run_test(size=(80, 24)) as pilot:
        pane = narrow.query_one(ThumbnailPane)
        pane.show(files[1])
        await pilot.pause(0.4)
        assert not pane.display
        await pilot.resize_terminal(120, 36)
        await drawn(pilot, pane, "the picture once the terminal is wide")
        await pilot.resize_terminal(90, 30)
        await wait_until(pilot, lambda: not pane.display, "the pane hidden again")
    assert thumbs_asked(sim) == [files[0].handle, files[1].handle]


def test_the_cache_is_bounded_by_entries_and_bytes_and_drops_the_least_recent():
    cache = ThumbnailCache(max_entries=3, max_bytes=10_000)
    files = [dataclasses.replace(_any_file(), handle=n, path=f"DCIM/{n}.JPG") for n in range(8)]
    for file in files[:3]:
        cache.put(file, Thumb(b"x" * 1000))
    cache.get(files[0])  # used again: the oldest is now files[1]
    cache.put(files[3], Thumb(b"x" * 1000))
    assert len(cache) == 3 and cache.get(files[1]) is None and cache.get(files[0]) is not None
    cache.put(files[4], Thumb(b"x" * 9000))  # bytes, not count, decide here
    assert cache.bytes == 10_000 and len(cache) == 2
    assert cache.get(files[0]) is not None and cache.get(files[4]) is not None  # 0 was read last
    cache.put(files[5], Thumb(b"x" * 20_000))  # never kept: larger than the whole cache
    cache.put(files[6], BUSY)  # never kept: asking later may give the picture
    cache.put(files[7], NO_THUMBNAIL)
    assert cache.get(files[5]) is None and cache.get(files[6]) is None
    assert cache.get(files[7]) is NO_THUMBNAIL and cache.bytes == 10_000 and len(cache) == 3


def test_an_evicted_thumbnail_is_asked_for_again(camera):
    sim, access, files = camera
    thumbnails = Thumbnails(access, ThumbnailCache(max_entries=2))
    for file in files[:3] + files[:1]:
        thumb = thumbnails.fetch(file)
        assert thumb is not None and thumb.jpeg and thumb.jpeg.startswith(b"\xff\xd8")
    assert len(thumbnails.cache) == 2
    assert thumbs_asked(sim) == [f.handle for f in files[:3]] + [files[0].handle]


def test_a_fetch_no_longer_wanted_asks_nothing(camera):
    sim, access, files = camera
    thumbnails = Thumbnails(access)
    assert thumbnails.fetch(files[0], still_wanted=lambda: False) is None
    assert get_thumbs(sim) == 0
