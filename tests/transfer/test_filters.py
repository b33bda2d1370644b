"""File selection and transfer order."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from operator import attrgetter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transfer_shots import Shot

from airnef_tui.transfer.dates import comparable, parse_user_date
from airnef_tui.transfer.filters import CameraFileLike, FileFilter, extension_of, folders_of


def shot(path: str, captured: datetime | None = datetime(2024, 5, 1, 12), *, slot: int = 1,
         handle: int = 0, size: int = 1000) -> Shot:
    parts = path.split("/")
    return Shot(handle=handle or hash(path) & 0xFFFFFF, storage_id=0x00010001 * slot, slot=slot,
                path=path, name=parts[-1], folder=parts[-2] if len(parts) > 1 else "",
                size=size, captured=captured)


def paths(files: list[Shot]) -> list[str]:
    return [f.path for f in files]


def test_a_plain_dataclass_satisfies_the_protocol():
    file: CameraFileLike = shot("DCIM/100NIKON/DSC_0001.NEF")
    assert file.folder == "100NIKON"


# --- extensions ---------------------------------------------------------------------------------

CARD = [
    shot("DCIM/100NIKON/DSC_0001.NEF", datetime(2024, 5, 1, 10)),
    shot("DCIM/100NIKON/DSC_0001.JPG", datetime(2024, 5, 1, 10)),
    shot("DCIM/100NIKON/dsc_0002.jpg", datetime(2024, 5, 2, 10)),
    shot("DCIM/101NIKON/DSC_0003.MOV", datetime(2024, 5, 3, 10)),
    shot("DCIM/101NIKON/README", datetime(2024, 5, 4, 10)),
    shot("NIKON001.DSC", None),
    shot("MISC/.hidden", datetime(2024, 4, 30, 10)),
]


@pytest.mark.parametrize(("wanted", "expected"), [
    ({"jpg"}, ["DCIM/100NIKON/DSC_0001.JPG", "DCIM/100NIKON/dsc_0002.jpg"]),
    ({".JPG"}, ["DCIM/100NIKON/DSC_0001.JPG", "DCIM/100NIKON/dsc_0002.jpg"]),
    ({"Nef", "mov"}, ["DCIM/100NIKON/DSC_0001.NEF", "DCIM/101NIKON/DSC_0003.MOV"]),
    ({"<NOEXT>"}, ["MISC/.hidden", "DCIM/101NIKON/README"]),
    ({"<noext>", "dsc"}, ["MISC/.hidden", "DCIM/101NIKON/README", "NIKON001.DSC"]),
    ({"TIF"}, []),
])
def test_extensions_match_case_insensitively(wanted, expected):
    assert paths(FileFilter(extensions=frozenset(wanted)).apply(CARD)) == expected


@pytest.mark.parametrize(("name", "ext"), [
    ("DSC_0001.NEF", "NEF"), ("a.b.jpg", "JPG"), ("README", ""), (".hidden", ""), ("..JPG", ""),
    ("DSC_0001.", ""), (".x.jpg", "JPG"),
])
def test_extension_of(name, ext):
    assert extension_of(name) == ext


# --- folders ------------------------------------------------------------------------------------

NESTED = [
    shot("DCIM/100NIKON/A.JPG"),
    shot("DCIM/101nikon/B.JPG"),
    shot("PRIVATE/AVCHD/BDMV/STREAM/C.MTS"),
    shot("D.JPG"),
    shot("100NIKON/E.JPG"),
]


@pytest.mark.parametrize(("folders", "excluded", "expected"), [
    ({"100NIKON"}, set(), ["100NIKON/E.JPG", "DCIM/100NIKON/A.JPG"]),
    ({"dcim"}, set(), ["DCIM/100NIKON/A.JPG", "DCIM/101nikon/B.JPG"]),
    ({"STREAM"}, set(), ["PRIVATE/AVCHD/BDMV/STREAM/C.MTS"]),
    ({"avchd"}, set(), ["PRIVATE/AVCHD/BDMV/STREAM/C.MTS"]),
    ({"<ROOT>"}, set(), ["D.JPG"]),
    ({"<root>", "101NIKON"}, set(), ["D.JPG", "DCIM/101nikon/B.JPG"]),
    (None, {"101NIKON"}, ["100NIKON/E.JPG", "D.JPG", "DCIM/100NIKON/A.JPG",
                          "PRIVATE/AVCHD/BDMV/STREAM/C.MTS"]),
    (None, {"PRIVATE", "<ROOT>"}, ["100NIKON/E.JPG", "DCIM/100NIKON/A.JPG", "DCIM/101nikon/B.JPG"]),
    ({"DCIM"}, {"100NIKON"}, ["DCIM/101nikon/B.JPG"]),
    ({"100NIKON"}, {"100nikon"}, []),
])
def test_folders_match_any_level_case_insensitively(folders, excluded, expected):
    chosen = FileFilter(folders=None if folders is None else frozenset(folders),
                        exclude_folders=frozenset(excluded)).apply(NESTED)
    assert sorted(paths(chosen)) == sorted(expected)


def test_folders_of_ignores_the_file_name():
    assert folders_of("DCIM/100NIKON/DSC_0001.JPG") == ["DCIM", "100NIKON"]
    assert folders_of("DSC_0001.JPG") == []


@pytest.mark.parametrize("bad", ["DCIM/100NIKON", "", " / "])
def test_a_folder_filter_names_one_folder(bad):
    with pytest.raises(ValueError, match="one camera folder name"):
        FileFilter(folders=frozenset({bad}))


# --- date window --------------------------------------------------------------------------------

def test_date_window_is_inclusive_and_drops_unknown_dates():
    window = FileFilter(since=parse_user_date("05/01/24", end=False),
                        until=parse_user_date("05/02/24", end=True))
    assert paths(window.apply(CARD)) == [
        "DCIM/100NIKON/DSC_0001.JPG", "DCIM/100NIKON/DSC_0001.NEF", "DCIM/100NIKON/dsc_0002.jpg",
    ]


def test_an_open_window_keeps_files_on_its_edges():
    edge = datetime(2024, 5, 1, 10)
    assert len(FileFilter(since=edge).apply([shot("A.JPG", edge)])) == 1
    assert len(FileFilter(until=edge).apply([shot("A.JPG", edge)])) == 1
    assert FileFilter(since=edge + timedelta(microseconds=1)).apply([shot("A.JPG", edge)]) == []


def test_without_a_window_unknown_dates_are_kept_and_come_last():
    assert paths(FileFilter().apply(CARD))[-1] == "NIKON001.DSC"
    assert paths(FileFilter(order="newest").apply(CARD))[-1] == "NIKON001.DSC"


def test_aware_bounds_and_aware_capture_times_compare_as_local_time():
    instant = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    local_wall = comparable(instant)
    naive_file = shot("NAIVE.JPG", local_wall)
    aware_file = shot("AWARE.JPG", instant.astimezone(timezone(timedelta(hours=-7))))
    just_after = FileFilter(since=instant + timedelta(seconds=1))
    exactly = FileFilter(since=instant, until=instant)
    assert exactly.apply([naive_file, aware_file]) == [aware_file, naive_file]
    assert just_after.apply([naive_file, aware_file]) == []


def test_an_empty_window_is_refused():
    with pytest.raises(ValueError, match="date window is empty"):
        FileFilter(since=datetime(2024, 5, 2), until=datetime(2024, 5, 1))


# --- slots --------------------------------------------------------------------------------------

TWO_CARDS = [
    shot("DCIM/100NIKON/A.NEF", slot=2),
    shot("DCIM/100NIKON/A.JPG", slot=1),
    shot("DCIM/100NIKON/B.NEF", slot=2),
]


@pytest.mark.parametrize(("slot", "files", "expected_slots"), [
    ("first", TWO_CARDS, {1}),
    ("second", TWO_CARDS, {2}),
    ("both", TWO_CARDS, {1, 2}),
    ("firstfound", TWO_CARDS, {1}),
    ("firstfound", [f for f in TWO_CARDS if f.slot == 2], {2}),
    ("first", [f for f in TWO_CARDS if f.slot == 2], set()),
])
def test_slot_choice(slot, files, expected_slots):
    assert {f.slot for f in FileFilter(slot=slot).apply(files)} == expected_slots


def test_firstfound_picks_the_card_before_other_filters():
    chosen = FileFilter(slot="firstfound", extensions=frozenset({"NEF"})).apply(TWO_CARDS)
    assert chosen == []


def test_firstfound_of_nothing_is_nothing():
    assert FileFilter().apply([]) == []


@pytest.mark.parametrize(("field", "value"), [("slot", "third"), ("order", "random")])
def test_unknown_choices_are_refused(field, value):
    with pytest.raises(ValueError, match=f"bad {field}"):
        FileFilter(**{field: value})


# --- order --------------------------------------------------------------------------------------

def test_order_by_capture_time_with_path_tiebreak():
    same_time = datetime(2024, 5, 1, 10)
    files = [
        shot("B.JPG", same_time), shot("A.JPG", same_time), shot("C.JPG", datetime(2024, 5, 2)),
        shot("0.JPG", datetime(2024, 4, 1)), shot("Z.JPG", None), shot("Y.JPG", None),
    ]
    assert paths(FileFilter(order="oldest").apply(files)) == [
        "0.JPG", "A.JPG", "B.JPG", "C.JPG", "Y.JPG", "Z.JPG"]
    assert paths(FileFilter(order="newest").apply(files)) == [
        "C.JPG", "A.JPG", "B.JPG", "0.JPG", "Y.JPG", "Z.JPG"]


@pytest.mark.parametrize("order", ["oldest", "newest"])
@pytest.mark.parametrize("captured", [datetime(2024, 5, 1), None])
def test_same_path_on_both_cards_orders_by_slot(order, captured):
    files = [shot("A.JPG", captured, slot=2), shot("A.JPG", captured, slot=1)]
    assert [f.slot for f in FileFilter(slot="both", order=order).apply(files)] == [1, 2]


@pytest.mark.parametrize("order", ["oldest", "newest"])
def test_duplicate_listings_keep_the_cameras_order(order):
    files = [shot("A.JPG", handle=9), shot("A.JPG", handle=3), shot("A.JPG", handle=5)]
    chosen = FileFilter(order=order).apply(files)
    assert [f.handle for f in chosen] == [9, 3, 5]
    assert FileFilter(order=order).apply(chosen) == chosen


def test_apply_accepts_any_iterable_and_leaves_the_input_alone():
    files = [shot("B.JPG", datetime(2024, 5, 2)), shot("A.JPG", datetime(2024, 5, 1))]
    before = list(files)
    assert paths(FileFilter().apply(iter(files))) == ["A.JPG", "B.JPG"]
    assert files == before


# --- describe and normalisation -----------------------------------------------------------------

def test_describe_the_default():
    assert FileFilter().describe() == "all files; slot first found; oldest first"


def test_describe_everything_on_one_line():
    text = FileFilter(
        extensions=frozenset({"nef", ".jpg"}), since=datetime(2024, 5, 1),
        until=datetime(2024, 5, 1, 23, 59, 59), folders=frozenset({"100nikon"}),
        exclude_folders=frozenset({"<root>"}), slot="both", order="newest",
    ).describe()
    assert text == (
        "JPG, NEF files; captured from 2024-05-01 00:00:00 until 2024-05-01 23:59:59 "
        "(files with no capture date excluded); in folders 100NIKON; not in folders <ROOT>; "
        "slot both; newest first"
    )
    assert "\n" not in text


def test_filters_from_user_spelling_equal_canonical_ones():
    assert FileFilter(extensions=frozenset({".jpg", "<noext>"}), folders=frozenset({"dcim/"})) == \
        FileFilter(extensions=frozenset({"JPG", "<NOEXT>"}), folders=frozenset({"DCIM"}))


# --- properties ---------------------------------------------------------------------------------

names = st.sampled_from(["DSC_0001", "dsc_0002", "IMG_0003", "README", ".hidden", "a.b"])
exts = st.sampled_from(["", ".JPG", ".jpg", ".NEF", ".nef", ".Mov"])
dirs = st.lists(st.sampled_from(["DCIM", "100NIKON", "101nikon", "PRIVATE"]), max_size=3)
dates = st.none() | st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2025, 1, 1))
files_strategy = st.lists(
    st.builds(lambda d, n, e, c, s, h: shot("/".join([*d, n + e]), c, slot=s, handle=h + 1),
              dirs, names, exts, dates, st.sampled_from([1, 2]), st.integers(0, 10**6)),
    max_size=40,
)
filters_strategy = st.builds(
    FileFilter,
    extensions=st.none() | st.frozensets(st.sampled_from(["jpg", "NEF", ".mov", "<NOEXT>"])),
    folders=st.none() | st.frozensets(st.sampled_from(["DCIM", "100nikon", "<ROOT>"]), min_size=1),
    exclude_folders=st.frozensets(st.sampled_from(["101NIKON", "private"])),
    slot=st.sampled_from(["firstfound", "first", "second", "both"]),
    order=st.sampled_from(["oldest", "newest"]),
)


@given(files_strategy, filters_strategy)
def test_result_is_an_ordered_subset(files, file_filter):
    chosen = file_filter.apply(files)
    assert len(chosen) == len({id(f) for f in chosen})
    assert all(any(c is f for f in files) for c in chosen)
    dated = [f.captured for f in chosen if f.captured is not None]
    assert dated == sorted(dated, reverse=file_filter.order == "newest")
    first_undated = next((i for i, f in enumerate(chosen) if f.captured is None), len(chosen))
    assert all(f.captured is None for f in chosen[first_undated:])
    for before, after in zip(chosen, chosen[1:]):
        if before.captured == after.captured:  # ties, dated or not: path then slot order
            tiebreak = attrgetter("path", "slot")
            assert tiebreak(before) <= tiebreak(after)


@given(files_strategy, st.sampled_from(["jpg", "JPG", ".Jpg", "nef", "NEF"]))
def test_extension_matching_ignores_case(files, ext):
    chosen = FileFilter(extensions=frozenset({ext}), slot="both").apply(files)
    wanted = ext.lstrip(".").lower()
    assert {f.path for f in chosen} == {f.path for f in files
                                        if f.name.lower().endswith("." + wanted)
                                        and f.name.lower() != "." + wanted}


@given(files_strategy, filters_strategy)
def test_filtering_twice_changes_nothing(files, file_filter):
    once = file_filter.apply(files)
    assert file_filter.apply(once) == once


@given(files_strategy)
def test_no_filter_keeps_every_file_of_both_cards(files):
    assert sorted(map(id, FileFilter(slot="both").apply(files))) == sorted(map(id, files))
