"""Planning a transfer: history skips, if-exists policies, collisions, thumbnails, numbering.

Pure decisions: the disk is asked only through `exists`, so most tests pass a set of paths; the
default (os.path.lexists) is checked against real files in tmp_path."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from transfer_shots import Shot

from airnef_tui.rename import compile_optional
from airnef_tui.transfer.plan import (
    Action, CameraIdentity, Counters, Naming, one_per_shot, plan_transfer,
)

D7200 = CameraIdentity("Nikon", "D7200", "3555")
NOW = datetime(2024, 6, 1, 12, 0, 0)
OUT = Path("/photos")


def shot(path: str, *, handle: int = 1, slot: int = 1, size: int = 1000,
         captured: datetime | None = datetime(2024, 5, 1, 10, 0, 0)) -> Shot:
    parts = path.split("/")
    return Shot(handle=handle, storage_id=(slot << 16) | 1, slot=slot, path=path,
                name=parts[-1], folder=parts[-2] if len(parts) > 1 else "", size=size,
                captured=captured)


CARD = [shot("DCIM/100NIKON/DSC_0001.JPG", handle=1),
        shot("DCIM/100NIKON/DSC_0001.NEF", handle=2),
        shot("DCIM/100NIKON/DSC_0002.JPG", handle=3)]


def plan(files=CARD, *, camera=D7200, name_spec=None, dir_spec=None, if_exists="uniquename",
         thumbnails=None, exists=frozenset(), **options):
    """plan_transfer with text specs; `exists` is a set of paths that are "on disk"."""
    naming = Naming(OUT, compile_optional(name_spec, "file"), compile_optional(dir_spec, "dir"),
                    if_exists, thumbnails)
    if not callable(exists):
        exists = exists.__contains__
    return plan_transfer(files, camera, naming, downloaded_at=NOW, exists=exists, **options)


def test_every_file_is_downloaded_under_its_camera_name_in_the_given_order():
    planned = plan()
    assert [(p.file.path, p.action, p.target) for p in planned] == [
        ("DCIM/100NIKON/DSC_0001.JPG", Action.DOWNLOAD, OUT / "DSC_0001.JPG"),
        ("DCIM/100NIKON/DSC_0001.NEF", Action.DOWNLOAD, OUT / "DSC_0001.NEF"),
        ("DCIM/100NIKON/DSC_0002.JPG", Action.DOWNLOAD, OUT / "DSC_0002.JPG"),
    ]
    assert all(p.downloads and not p.overwrite for p in planned)
    assert [p.facts.dlnum for p in planned] == [1, 2, 3]


def test_a_dir_spec_puts_files_in_folders_under_the_output():
    planned = plan(dir_spec="@camerafolder@/@capturedate_y@")
    assert planned[0].target == OUT / "100NIKON" / "2024" / "DSC_0001.JPG"


def test_files_in_the_history_are_skipped_at_their_earlier_target_and_take_no_number():
    earlier = Path("/old/DSC_0001.NEF")
    planned = plan(name_spec="@dlnum@-@filename@",
                   already_downloaded=lambda f: earlier if f.name == "DSC_0001.NEF" else None)
    assert [(p.action, p.target) for p in planned] == [
        (Action.DOWNLOAD, OUT / "0001-DSC_0001.JPG"),
        (Action.SKIP_HISTORY, earlier),
        (Action.DOWNLOAD, OUT / "0002-DSC_0002.JPG"),
    ]
    assert planned[1].facts is None


def test_numbering_continues_from_first_number_and_the_counters():
    """A realtime run plans each batch of new shots alone; @dlnum@ goes on from the last."""
    planned = plan(CARD[:2], name_spec="@dlnum@_@dlnum_lifetime@_@dltoday@.@filename_ext@",
                   first_number=5, counters=Counters(lifetime_before=100, today_before=10))
    assert [p.target.name for p in planned] == ["0005_0105_0015.JPG", "0006_0106_0016.NEF"]


@pytest.mark.parametrize("policy, action, target, overwrite", [
    ("uniquename", Action.DOWNLOAD, OUT / "DSC_0001-new-1.JPG", False),
    ("skip", Action.SKIP_EXISTS, OUT / "DSC_0001.JPG", False),
    ("overwrite", Action.DOWNLOAD, OUT / "DSC_0001.JPG", True),
    ("exit", Action.STOP, OUT / "DSC_0001.JPG", False),
])
def test_if_exists_policy_decides_what_happens_to_an_existing_target(policy, action, target,
                                                                    overwrite):
    [planned] = plan(CARD[:1], if_exists=policy, exists={OUT / "DSC_0001.JPG"})
    assert (planned.action, planned.target, planned.overwrite) == (action, target, overwrite)
    assert "exists locally" in planned.reason


def test_uniquename_takes_the_first_free_new_number():
    taken = {OUT / "DSC_0001.JPG", OUT / "DSC_0001-new-1.JPG"}
    [planned] = plan(CARD[:1], exists=taken)
    assert planned.target == OUT / "DSC_0001-new-2.JPG"


def test_the_default_existence_check_is_the_real_disk_and_counts_dangling_symlinks(tmp_path):
    (tmp_path / "DSC_0001.JPG").write_bytes(b"here")
    (tmp_path / "DSC_0002.JPG").symlink_to(tmp_path / "gone")
    naming = Naming(tmp_path)
    planned = plan_transfer([CARD[0], CARD[2]], D7200, naming, downloaded_at=NOW)
    assert [p.target.name for p in planned] == ["DSC_0001-new-1.JPG", "DSC_0002-new-1.JPG"]


def test_an_empty_name_fails_that_file_with_a_reason():
    """`@cameraserial@` of a camera that reports no serial renders as nothing."""
    no_serial = CameraIdentity("Nikon", "D7200", "")
    planned = plan(CARD[:1], camera=no_serial, name_spec="@cameraserial@")
    assert [(p.action, p.target) for p in planned] == [(Action.FAIL, None)]
    assert "empty name" in planned[0].reason


def test_two_files_with_one_target_do_not_collide():
    """Two cards each holding DSC_0001.JPG: the second becomes -new-1, not an overwrite."""
    twins = [shot("DCIM/100NIKON/DSC_0001.JPG", slot=1, handle=1),
             shot("DCIM/100NIKON/DSC_0001.JPG", slot=2, handle=2)]
    planned = plan(twins)
    assert [(p.action, p.target) for p in planned] == [
        (Action.DOWNLOAD, OUT / "DSC_0001.JPG"),
        (Action.DOWNLOAD, OUT / "DSC_0001-new-1.JPG"),
    ]
    assert "same target as row 1" in planned[1].reason


def test_with_skip_the_second_of_two_files_with_one_target_is_skipped():
    twins = [shot("DCIM/100NIKON/DSC_0001.JPG", slot=1, handle=1),
             shot("DCIM/100NIKON/DSC_0001.JPG", slot=2, handle=2)]
    planned = plan(twins, if_exists="skip")
    assert [p.action for p in planned] == [Action.DOWNLOAD, Action.SKIP_EXISTS]


def test_a_collision_also_avoids_a_new_name_already_on_disk():
    twins = [shot("DCIM/100NIKON/DSC_0001.JPG", slot=1, handle=1),
             shot("DCIM/100NIKON/DSC_0001.JPG", slot=2, handle=2)]
    planned = plan(twins, exists={OUT / "DSC_0001-new-1.JPG"})
    assert [p.target.name for p in planned] == ["DSC_0001.JPG", "DSC_0001-new-2.JPG"]


@pytest.mark.parametrize("size, suffix", [("small", ".thumb.jpg"), ("large", ".lthumb.jpg")])
def test_thumbnails_are_planned_once_per_shot_with_their_suffix(size, suffix):
    planned = plan(thumbnails=size)
    assert [(p.file.handle, p.target) for p in planned] == [
        (1, OUT / f"DSC_0001{suffix}"),  # the NEF of the same shot gets none of its own
        (3, OUT / f"DSC_0002{suffix}"),
    ]


def test_thumbnail_suffix_survives_a_name_spec():
    [planned] = plan(CARD[:1], thumbnails="small", name_spec="@dlnum@-@capturefilename_root@")
    assert planned.target == OUT / "0001-DSC_0001.thumb.jpg"


def test_one_per_shot_keeps_files_of_the_same_stem_apart_across_cards_and_folders():
    files = [shot("DCIM/100NIKON/DSC_0001.JPG", handle=1),
             shot("DCIM/100NIKON/dsc_0001.nef", handle=2),  # same shot: case does not matter
             shot("DCIM/101NIKON/DSC_0001.JPG", handle=3),  # another folder: another shot
             shot("DCIM/100NIKON/DSC_0001.JPG", slot=2, handle=4)]  # the other card
    assert [f.handle for f in one_per_shot(files)] == [1, 3, 4]


def test_camera_identity_key_and_name():
    assert D7200.key == "D7200#3555"
    assert str(D7200) == "Nikon D7200 (serial 3555)"
    assert str(CameraIdentity("Canon", "EOS R5", "")) == "Canon EOS R5"
