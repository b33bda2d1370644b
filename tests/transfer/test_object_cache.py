"""The ObjectInfo cache: a real SQLite file, and simulated cards that get reformatted, swapped,
renumbered and shot on, checked against what the camera would really answer."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airnef_tui.ptpip import ObjectInfo, StorageInfo
from airnef_tui.state.db import open_database
from airnef_tui.transfer.history import CameraKey
from airnef_tui.transfer.object_cache import (
    ObjectCache, card_fingerprint, plan_refresh,
)

D750 = CameraKey("Nikon D750", "3012345")
Z6 = CameraKey("Nikon Z 6", "6000001")
SLOT1, SLOT2 = 0x00010001, 0x00020001
CARD = StorageInfo(max_capacity=64_000_000_000, free_space_bytes=10_000_000_000,
                   description="SD", volume_label="NIKON D750")
CARD_PRINT = card_fingerprint(CARD)


def info(shot_number: int) -> bytes:
    """A real ObjectInfo dataset, unique per shot as real ones are (name and capture time)."""
    hours, seconds = divmod(shot_number, 3600)
    return ObjectInfo(storage_id=SLOT1, object_format=0x3801,
                      compressed_size=5_000_000 + shot_number,
                      filename=f"DSC_{shot_number % 10_000:04d}.JPG",
                      capture_date=f"2024{1 + hours // 24 % 12:02d}01T{hours % 24:02d}"
                                   f"{seconds // 60:02d}{seconds % 60:02d}").encode()


class SequentialCamera:
    """A camera whose handles count up and start again at 1 after a reformat (Nikon-like)."""

    def __init__(self) -> None:
        self.objects: dict[int, bytes] = {}
        self.next_handle = 1
        self.next_shot = 1
        self.info_requests = 0

    def shoot(self, count: int = 1) -> None:
        for _ in range(count):
            self.objects[self.next_handle] = info(self.next_shot)
            self.next_handle += 1
            self.next_shot += 1

    def delete(self, handle: int) -> None:
        self.objects.pop(handle, None)

    def reformat(self) -> None:
        self.objects.clear()
        self.next_handle = 1

    def handles(self) -> list[int]:
        return list(self.objects)

    def get_object_info(self, handle: int) -> bytes:
        self.info_requests += 1
        return self.objects[handle]


class RenumberingCamera(SequentialCamera):
    """A camera that numbers its objects 1..N in card order on every listing (some Sony bodies):
    a deletion shifts every later handle."""

    def __init__(self) -> None:
        super().__init__()
        self.files: list[bytes] = []

    def shoot(self, count: int = 1) -> None:
        for _ in range(count):
            self.files.append(info(self.next_shot))
            self.next_shot += 1
        self._renumber()

    def delete(self, handle: int) -> None:
        if 1 <= handle <= len(self.files):
            del self.files[handle - 1]
        self._renumber()

    def reformat(self) -> None:
        self.files.clear()
        self._renumber()

    def _renumber(self) -> None:
        self.objects = {index + 1: data for index, data in enumerate(self.files)}


@pytest.fixture
def cache(conn):
    return ObjectCache(conn)


def listing(cache: ObjectCache, camera: SequentialCamera, fingerprint: str = CARD_PRINT,
            key: CameraKey = D750) -> dict[int, bytes]:
    return cache.refresh(key, SLOT1, fingerprint, camera.handles(), camera.get_object_info)


# --- load, store, invalidate --------------------------------------------------------------------

def test_an_empty_cache_loads_nothing(cache):
    assert cache.load(D750, SLOT1, CARD_PRINT) == {}


def test_stored_datasets_come_back_and_survive_a_reopen(cache):
    entries = {1: info(1), 2: info(2), 0x2100_0003: info(3)}
    cache.store(D750, SLOT1, CARD_PRINT, entries)
    assert cache.load(D750, SLOT1, CARD_PRINT) == entries
    reopened = open_database()
    try:
        assert ObjectCache(reopened).load(D750, SLOT1, CARD_PRINT) == entries
    finally:
        reopened.close()
    assert ObjectInfo.decode(cache.load(D750, SLOT1, CARD_PRINT)[2]).filename == "DSC_0002.JPG"


def test_another_fingerprint_loads_nothing(cache):
    cache.store(D750, SLOT1, CARD_PRINT, {1: info(1)})
    assert cache.load(D750, SLOT1, card_fingerprint(replace(CARD, volume_label="OTHER"))) == {}


def test_cache_is_per_camera_and_storage(cache):
    cache.store(D750, SLOT1, CARD_PRINT, {1: info(1)})
    cache.store(D750, SLOT2, CARD_PRINT, {1: info(2)})
    cache.store(Z6, SLOT1, CARD_PRINT, {1: info(3)})
    assert cache.load(D750, SLOT1, CARD_PRINT) == {1: info(1)}
    assert cache.load(D750, SLOT2, CARD_PRINT) == {1: info(2)}
    assert cache.load(Z6, SLOT1, CARD_PRINT) == {1: info(3)}


def test_storing_replaces_the_listing_and_prunes_other_fingerprints(cache, conn):
    cache.store(D750, SLOT1, CARD_PRINT, {h: info(h) for h in range(1, 101)})
    other = card_fingerprint(replace(CARD, max_capacity=128_000_000_000))
    cache.store(D750, SLOT1, other, {h: info(1000 + h) for h in range(1, 11)})
    assert cache.load(D750, SLOT1, CARD_PRINT) == {}
    assert len(cache.load(D750, SLOT1, other)) == 10
    assert conn.execute("SELECT count(*) FROM object_cache_entries").fetchone()[0] == 10
    assert conn.execute("SELECT count(*) FROM object_cache_cards").fetchone()[0] == 1
    cache.store(D750, SLOT1, other, {5: info(5)})
    assert cache.load(D750, SLOT1, other) == {5: info(5)}


def test_a_failed_store_keeps_the_previous_listing(cache, conn):
    cache.store(D750, SLOT1, CARD_PRINT, {1: info(1)})
    with pytest.raises(TypeError):
        cache.store(D750, SLOT1, CARD_PRINT, {1: info(9), 2: None})  # type: ignore[dict-item]
    assert cache.load(D750, SLOT1, CARD_PRINT) == {1: info(1)}
    assert not conn.in_transaction


def test_store_inside_a_callers_transaction_leaves_it_to_the_caller(cache, conn):
    conn.execute("BEGIN")
    cache.store(D750, SLOT1, CARD_PRINT, {1: info(1)})
    assert conn.in_transaction
    conn.execute("ROLLBACK")
    assert cache.load(D750, SLOT1, CARD_PRINT) == {}


def test_store_works_without_foreign_key_enforcement(tmp_path):
    plain = sqlite3.connect(tmp_path / "plain.sqlite3", isolation_level=None)
    cache = ObjectCache(plain)
    cache.store(D750, SLOT1, CARD_PRINT, {1: info(1), 2: info(2)})
    cache.store(D750, SLOT1, CARD_PRINT, {2: info(2)})
    assert cache.load(D750, SLOT1, CARD_PRINT) == {2: info(2)}
    cache.invalidate(D750)
    assert plain.execute("SELECT count(*) FROM object_cache_entries").fetchone()[0] == 0
    plain.close()


def test_invalidate_one_storage_or_all(cache):
    for key, slot in ((D750, SLOT1), (D750, SLOT2), (Z6, SLOT1)):
        cache.store(key, slot, CARD_PRINT, {1: info(1)})
    cache.invalidate(D750, SLOT2)
    assert cache.load(D750, SLOT2, CARD_PRINT) == {}
    assert cache.load(D750, SLOT1, CARD_PRINT) != {}
    cache.invalidate(D750)
    assert cache.load(D750, SLOT1, CARD_PRINT) == {}
    assert cache.load(Z6, SLOT1, CARD_PRINT) != {}


# --- fingerprint --------------------------------------------------------------------------------

def test_the_fingerprint_ignores_what_shooting_changes():
    shot_more = replace(CARD, free_space_bytes=9_000_000_000, free_space_images=812)
    assert card_fingerprint(shot_more) == CARD_PRINT


@pytest.mark.parametrize("changed", [
    {"max_capacity": 32_000_000_000}, {"volume_label": "NIKON Z 6"}, {"description": "CFexpress"},
    {"filesystem_type": 2}, {"storage_type": 3},
])
def test_the_fingerprint_tells_cards_apart(changed):
    assert card_fingerprint(replace(CARD, **changed)) != CARD_PRINT


# --- the refresh plan ---------------------------------------------------------------------------

def test_plan_spot_checks_lowest_middle_and_highest_known_handles():
    cached = {h: info(h) for h in range(1, 11)}
    plan = plan_refresh(cached, [*range(10, 0, -1), 11, 12])
    assert sorted(plan.verify) == [1, 5, 10]
    assert sorted(plan.reuse) == [2, 3, 4, 6, 7, 8, 9]
    assert plan.fetch == (11, 12)


def test_plan_drops_handles_no_longer_listed_and_ignores_repeats():
    plan = plan_refresh({1: info(1), 2: info(2), 3: info(3)}, [3, 3, 4])
    assert (dict(plan.verify), plan.reuse, plan.fetch) == ({3: info(3)}, {}, (4,))


@pytest.mark.parametrize(("spot_checks", "expected"),
                         [(0, []), (1, [1]), (2, [1, 3]), (5, [1, 2, 3])])
def test_plan_spot_check_count(spot_checks, expected):
    cached = {h: info(h) for h in (1, 2, 3)}
    assert sorted(plan_refresh(cached, [1, 2, 3], spot_checks).verify) == expected


def test_plan_confirmation_compares_bytes():
    plan = plan_refresh({1: info(1), 2: info(2)}, [1, 2])
    assert plan.confirmed_by({1: info(1), 2: info(2)})
    assert not plan.confirmed_by({1: info(1), 2: info(3)})
    assert not plan.confirmed_by({1: info(1)})


# --- refresh against simulated cards ------------------------------------------------------------

def test_second_listing_asks_only_for_spot_checks(cache):
    camera = SequentialCamera()
    camera.shoot(500)
    assert listing(cache, camera) == camera.objects
    assert camera.info_requests == 500
    camera.info_requests = 0
    assert listing(cache, camera) == camera.objects
    assert camera.info_requests == 3


def test_new_shots_and_deletions_cost_only_the_new_files(cache):
    camera = SequentialCamera()
    camera.shoot(100)
    listing(cache, camera)
    camera.delete(50)
    camera.shoot(7)
    camera.info_requests = 0
    assert listing(cache, camera) == camera.objects
    assert camera.info_requests == 3 + 7


def test_a_reformat_and_as_many_shots_again_is_caught(cache):
    camera = SequentialCamera()
    camera.shoot(100)
    listing(cache, camera)
    camera.reformat()
    camera.shoot(100)  # the same handles 1..100, and the same fingerprint
    camera.info_requests = 0
    assert listing(cache, camera) == camera.objects
    assert camera.info_requests == 100  # the spot checks, then the 97 others: each asked once


def test_a_reformat_and_fewer_shots_is_caught(cache):
    camera = SequentialCamera()
    camera.shoot(100)
    listing(cache, camera)
    camera.reformat()
    camera.shoot(10)
    assert listing(cache, camera) == camera.objects


def test_a_renumbering_after_a_deletion_is_caught(cache):
    camera = RenumberingCamera()
    camera.shoot(100)
    listing(cache, camera)
    camera.delete(40)
    assert camera.objects[40] != info(40)
    assert listing(cache, camera) == camera.objects


def test_another_card_in_the_slot_is_fetched_afresh(cache):
    camera = SequentialCamera()
    camera.shoot(20)
    listing(cache, camera)
    other_card = card_fingerprint(replace(CARD, max_capacity=128_000_000_000))
    camera.info_requests = 0
    assert listing(cache, camera, other_card) == camera.objects
    assert camera.info_requests == 20


def test_refresh_keeps_the_cameras_handle_order(cache):
    camera = SequentialCamera()
    camera.shoot(5)
    listing(cache, camera)
    order = [5, 1, 4, 2, 3]
    assert list(cache.refresh(D750, SLOT1, CARD_PRINT, order, camera.get_object_info)) == order


operations = st.lists(
    st.one_of(
        st.tuples(st.just("shoot"), st.integers(1, 30)),
        st.tuples(st.just("delete"), st.integers(1, 60)),
        st.tuples(st.just("reformat"), st.just(0)),
        st.tuples(st.just("list"), st.just(0)),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([SequentialCamera, RenumberingCamera]), operations)
def test_a_listing_always_equals_what_the_camera_would_answer(camera_type, steps):
    conn = open_database()
    try:
        cache = ObjectCache(conn)
        cache.invalidate(D750)  # hypothesis reuses the database between examples
        camera = camera_type()
        for action, argument in steps:
            if action == "shoot":
                camera.shoot(argument)
            elif action == "delete":
                camera.delete(argument)
            elif action == "reformat":
                camera.reformat()
            assert listing(cache, camera) == camera.objects
    finally:
        conn.close()
