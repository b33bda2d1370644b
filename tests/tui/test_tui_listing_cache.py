"""The browser lists the card through the same object-info cache as `list` and `get`: a card it
has seen before costs spot checks, not one GetObjectInfo per file."""

from __future__ import annotations

from airnef_tui.ptpip import OpCode
from tui_pilot import SIZE, browser_with_files, wait_until

FILES = 30


def object_infos(sim, since: int = 0) -> int:
    return sum(1 for op in sim.stats.operations[since:] if op == OpCode.GET_OBJECT_INFO)


async def test_a_second_listing_asks_only_spot_checks(start_camera, make_app):
    sim = start_camera(files=FILES)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        first = object_infos(sim)
        listed = len(browser.catalogue.files)
        assert listed >= FILES and first >= listed  # a new card: every object described once

        before = len(sim.stats.operations)
        shown = browser.catalogue
        await pilot.press("r")
        await wait_until(pilot, lambda: browser.catalogue is not shown, "the card read again")
        assert object_infos(sim, before) <= 3
        assert [f.path for f in browser.catalogue.files] == [f.path for f in shown.files]

    before = len(sim.stats.operations)  # a later launch: a new session, the same card
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        assert len(browser.catalogue.files) == listed
    assert object_infos(sim, before) <= 3


async def test_a_card_that_changed_is_listed_afresh(start_camera, make_app):
    sim = start_camera(files=6)
    async with make_app(sim).run_test(size=SIZE) as pilot:
        browser = await browser_with_files(pilot)
        shown = browser.catalogue
        sim.add_object("NEW_0001.JPG", b"\xff\xd8" + bytes(1000))
        await pilot.press("r")
        await wait_until(pilot, lambda: browser.catalogue is not shown, "the card read again")
        names = [f.name for f in browser.catalogue.files]
    assert "NEW_0001.JPG" in names and len(names) == len(shown.files) + 1
