"""The download engine against the simulator over loopback, with the real resume ledger, history
and files: what lands on disk, what the observer hears, and how each kind of failure ends."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from transfer_rig import CARD, CHUNK, outline

from airnef_tui.ptpip import OpCode
from airnef_tui.simulator import jpeg
from airnef_tui.transfer.engine import LocalWriteError, RunStopped
from airnef_tui.transfer.events import (
    FileFinished, FileProgress, FileStarted, FileStatus, Reconnecting, RunFinished,
)
from airnef_tui.transfer.landing import part_path
from airnef_tui.transfer.link import LinkLost, RunCancelled
from airnef_tui.transfer.plan import Action
from airnef_tui.transfer.resume import ObjectIdentity

JPG, NEF, OTHER = CARD  # in transfer (path) order: A001.JPG, A002.NEF, B001.JPG
TOTAL = sum(CARD.values())


def target(rig, camera_path: str) -> Path:
    return rig.out / camera_path.rsplit("/", 1)[-1]


def identity(rig, camera_path: str) -> ObjectIdentity:
    """What the engine records in the resume ledger for that file."""
    file = rig.file(camera_path)
    return ObjectIdentity(rig.camera.key, file.path, file.size, file.captured.isoformat())


def finished(rig) -> dict[str, FileFinished]:
    return {e.path: e for e in rig.events if isinstance(e, FileFinished)}


def open_handles(path: Path) -> int:
    """How many of this process's file descriptors point at `path` (Linux /proc)."""
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            count += os.readlink(fd) == str(path)
        except OSError:
            pass  # the descriptor listing itself, closed meanwhile
    return count


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(),
                                reason="counts open files through /proc/self/fd")


def cancel_at(rig, wanted):
    """A hook setting the run's cancel event at the first event `wanted(event)` accepts."""
    def hook(event):
        if wanted(event):
            rig.link.cancel.set()
    rig.hooks.append(hook)


# -- a clean run -------------------------------------------------------------------------------


def test_a_run_lands_every_file_byte_identical_with_its_capture_time(make_rig):
    rig = make_rig()
    files = rig.files()

    summary = rig.run()

    assert (summary.downloaded, summary.failed, summary.skipped, summary.bytes) == (3, 0, 0, TOTAL)
    for file in files:
        landed = target(rig, file.path)
        assert landed.read_bytes() == rig.object(file.path).content() == rig.card[file.path]
        assert landed.stat().st_mtime == file.captured.timestamp()
        assert not part_path(landed).exists()
    assert sorted(p.name for p in rig.out.iterdir()) == ["A001.JPG", "A002.NEF", "B001.JPG"]


def test_history_hears_of_each_file_only_once_it_is_on_disk(make_rig):
    rig = make_rig()
    rig.run()
    assert rig.told_downloaded == [(path, target(rig, path), rig.card[path]) for path in CARD]
    assert rig.recorded() == {path: str(target(rig, path)) for path in CARD}
    assert rig.conn.execute("SELECT count(*) FROM partial_downloads").fetchone()[0] == 0


def test_the_observer_hears_the_run_in_order(make_rig):
    """A file lands while the next one is fetched, so its end is told after the next one's start
    (and before the start of the one after: one file is landing at most)."""
    rig = make_rig()
    summary = rig.run()

    assert outline(rig.events) == [
        ("run", 3, TOTAL),
        ("start", 1, 0),
        ("start", 2, 0), ("end", 1, "downloaded"),
        ("start", 3, 0), ("end", 2, "downloaded"),
        ("end", 3, "downloaded"),
        ("done",),
    ]
    assert rig.events[-1] == RunFinished(summary)
    starts = [e for e in rig.events if isinstance(e, FileStarted)]
    assert [(e.path, e.target, e.size) for e in starts] == [
        (path, target(rig, path), size) for path, size in CARD.items()]
    ends = [e for e in rig.events if isinstance(e, FileFinished)]
    assert [(e.target, e.bytes) for e in ends] == [
        (target(rig, path), size) for path, size in CARD.items()]


def test_progress_ends_each_file_complete_and_the_run_at_its_total(make_rig):
    """Progress is throttled, but the last piece of every file is always reported."""
    rig = make_rig()
    rig.run()
    progress = [e for e in rig.events if isinstance(e, FileProgress)]
    last = {e.index: e for e in progress}
    assert [(e.done, e.size) for e in last.values()] == [(s, s) for s in CARD.values()]
    assert last[3].run_done == last[3].run_total == TOTAL
    assert all(e.run_total == TOTAL for e in progress)
    assert [e.run_done for e in progress] == sorted(e.run_done for e in progress)


# -- what the plan decided ---------------------------------------------------------------------


def test_planned_skips_and_failures_are_reported_without_asking_the_camera(make_rig):
    rig = make_rig()
    rig.history.record(rig.camera_key, rig.file(JPG), "/earlier/A001.JPG")  # an earlier run
    rig.out.mkdir()
    (rig.out / "B001.JPG").write_bytes(b"already here")
    plan = rig.plan(if_exists="skip")
    plan[1] = replace(plan[1], action=Action.FAIL, target=None, reason="no usable name")

    summary = rig.run(plan)

    assert [(e.status, e.reason) for e in finished(rig).values()] == [
        (FileStatus.SKIPPED, "already downloaded"),
        (FileStatus.FAILED, "no usable name"),
        (FileStatus.SKIPPED, "target exists"),
    ]
    assert (summary.skipped_history, summary.skipped_existing, summary.failed,
            summary.downloaded) == (1, 1, 1, 0)
    assert summary.failures == [f"{NEF}: no usable name"]
    assert rig.sim.stats.reads == []
    assert (rig.out / "B001.JPG").read_bytes() == b"already here"


def test_overwrite_replaces_an_existing_file(make_rig):
    rig = make_rig()
    rig.out.mkdir()
    (rig.out / "A001.JPG").write_bytes(b"old")
    rig.run(rig.plan(if_exists="overwrite"))
    assert (rig.out / "A001.JPG").read_bytes() == rig.card[JPG]
    assert not (rig.out / "A001-new-1.JPG").exists()


def test_a_file_that_appears_after_planning_is_not_overwritten(make_rig):
    rig = make_rig()
    plan = rig.plan()
    rig.out.mkdir()
    (rig.out / "A001.JPG").write_bytes(b"written by someone else meanwhile")

    rig.run(plan)

    renamed = rig.out / "A001-new-1.JPG"
    assert renamed.read_bytes() == rig.card[JPG]
    assert (rig.out / "A001.JPG").read_bytes() == b"written by someone else meanwhile"
    assert finished(rig)[JPG].target == renamed
    assert rig.recorded()[JPG] == str(renamed)


def test_if_exists_exit_stops_the_run_at_the_existing_file(make_rig):
    rig = make_rig()
    rig.out.mkdir()
    (rig.out / "A002.NEF").write_bytes(b"mine")

    with pytest.raises(RunStopped, match="A002.NEF"):
        rig.run(rig.plan(if_exists="exit"))

    assert (rig.out / "A001.JPG").read_bytes() == rig.card[JPG]
    assert (rig.out / "A002.NEF").read_bytes() == b"mine"
    assert not (rig.out / "B001.JPG").exists()
    assert list(rig.recorded()) == [JPG]
    assert isinstance(rig.events[-1], RunFinished) and rig.events[-1].summary.downloaded == 1


# -- resuming ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fault, io_timeout", [("drop_after_bytes", 1.0),
                                               ("stall_after_bytes", 0.3)])
def test_a_lost_connection_mid_file_resumes_from_the_byte_reached(make_rig, fault, io_timeout):
    """The camera drops (or goes silent) 50 000 bytes into the NEF, the second file."""
    rig = make_rig(io_timeout=io_timeout, **{fault: CARD[JPG] + 50_000})
    part = part_path(target(rig, NEF))
    at_reconnect: list[tuple[int, int]] = []  # (.part size, reads served so far)

    def snapshot(event):
        if isinstance(event, Reconnecting):
            at_reconnect.append((part.stat().st_size, len(rig.sim.stats.reads)))

    rig.hooks.append(snapshot)

    summary = rig.run()

    assert rig.sim.faults.fired, "the fault never fired: the test proves nothing"
    assert (rig.out / "A002.NEF").read_bytes() == rig.card[NEF]
    assert not part.exists()
    [(kept, reads_before)] = at_reconnect
    assert 0 < kept <= 50_000
    # The new session's first read continues from exactly the bytes the .part held.
    resumed = rig.sim.stats.reads[reads_before]
    assert (resumed.handle, resumed.offset) == (rig.object(NEF).handle, kept)
    assert rig.reads(NEF)[0] == 0
    assert rig.sim.stats.sessions == 2
    assert finished(rig)[NEF].bytes == CARD[NEF]  # the file's bytes, counted once
    assert (summary.downloaded, summary.bytes) == (3, TOTAL)


@needs_proc
def test_a_loss_beyond_the_retries_keeps_the_part_and_the_ledger_entry(make_rig):
    rig = make_rig(retries=0, drop_after_bytes=CARD[JPG] + 50_000)
    nef = target(rig, NEF)

    with pytest.raises(LinkLost):
        rig.run()

    kept = part_path(nef).read_bytes()
    assert 0 < len(kept) <= 50_000 and kept == rig.card[NEF][:len(kept)]
    assert not nef.exists() and not (rig.out / "B001.JPG").exists()
    assert rig.ledger.resumable_offset(nef, identity(rig, NEF)) == len(kept)
    assert list(rig.recorded()) == [JPG]
    assert open_handles(part_path(nef)) == 0
    assert isinstance(rig.events[-1], RunFinished)


def test_the_next_run_continues_a_part_the_last_one_left(make_rig):
    first = make_rig(retries=0, drop_after_bytes=CARD[JPG] + 50_000)
    with pytest.raises(LinkLost):
        first.run()
    kept = part_path(target(first, NEF)).stat().st_size
    reads_before = len(first.sim.stats.reads)

    second = make_rig(sim=first.sim)  # a new run: new link and engine, the same camera
    summary = second.run()

    assert (second.out / "A002.NEF").read_bytes() == second.card[NEF]
    new_reads = [r.offset for r in second.sim.stats.reads[reads_before:]
                 if r.handle == second.object(NEF).handle]
    assert new_reads[0] == kept
    starts = {e.path: e for e in second.events if isinstance(e, FileStarted)}
    assert starts[NEF].resume_from == kept
    assert finished(second)[NEF].bytes == CARD[NEF] - kept  # what this run moved
    assert (summary.skipped_history, summary.downloaded) == (1, 2)


def test_a_part_of_another_object_is_started_over(make_rig):
    """The ledger says the .part at that target was begun for another object (a reformatted
    card reusing the name): its bytes must not become the start of this file."""
    rig = make_rig()
    nef = target(rig, NEF)
    nef.parent.mkdir()
    rig.ledger.started(nef, replace(identity(rig, NEF), captured="2020-01-01T00:00:00"))
    part_path(nef).write_bytes(b"\xff" * 30_000)

    rig.run()

    assert nef.read_bytes() == rig.card[NEF]
    assert rig.reads(NEF)[0] == 0


def test_a_complete_part_is_landed_without_reading_the_object_again(make_rig):
    """A run killed after the last byte but before the rename left a whole .part behind."""
    rig = make_rig()
    nef = target(rig, NEF)
    nef.parent.mkdir()
    rig.ledger.started(nef, identity(rig, NEF))
    part_path(nef).write_bytes(rig.card[NEF])

    rig.run()

    assert nef.read_bytes() == rig.card[NEF]
    assert rig.reads(NEF) == []
    assert finished(rig)[NEF].bytes == 0
    assert list(rig.recorded()) == list(CARD)


# -- cancelling --------------------------------------------------------------------------------


@needs_proc
def test_cancel_mid_file_keeps_the_part_and_raises_run_cancelled(make_rig):
    """Cancelled at the first progress report, after the first piece of the first file."""
    rig = make_rig()
    cancel_at(rig, lambda e: isinstance(e, FileProgress))
    jpg = target(rig, JPG)

    with pytest.raises(RunCancelled):
        rig.run()

    assert part_path(jpg).read_bytes() == rig.card[JPG][:CHUNK]
    assert not jpg.exists()
    assert rig.ledger.resumable_offset(jpg, identity(rig, JPG)) == CHUNK
    assert open_handles(part_path(jpg)) == 0
    assert rig.recorded() == {}
    assert outline(rig.events) == [("run", 3, TOTAL), ("start", 1, 0), ("done",)]
    assert rig.link.session.connected  # cancelled between pieces: the session is still fine


def test_cancel_between_files_stops_before_the_next(make_rig):
    """Cancelled once the first file's last byte is in: it still lands and is recorded."""
    rig = make_rig()
    cancel_at(rig, lambda e: isinstance(e, FileProgress) and e.index == 1 and e.done == e.size)

    with pytest.raises(RunCancelled):
        rig.run()

    assert (rig.out / "A001.JPG").read_bytes() == rig.card[JPG]
    assert sorted(p.name for p in rig.out.iterdir()) == ["A001.JPG"]
    assert rig.reads(NEF) == []
    assert list(rig.recorded()) == [JPG]
    assert rig.events[-1].summary.downloaded == 1


def test_cancel_while_waiting_to_reconnect_keeps_the_part(make_rig):
    rig = make_rig(delay=30, drop_after_bytes=CARD[JPG] + 50_000)
    cancel_at(rig, lambda e: isinstance(e, Reconnecting))
    nef = target(rig, NEF)

    with pytest.raises(RunCancelled):
        rig.run()

    assert rig.sim.stats.sessions == 1  # no reconnection was attempted
    kept = part_path(nef).read_bytes()
    assert 0 < len(kept) <= 50_000 and kept == rig.card[NEF][:len(kept)]
    assert rig.ledger.resumable_offset(nef, identity(rig, NEF)) == len(kept)
    assert list(rig.recorded()) == [JPG]


@needs_proc
def test_cancel_while_waiting_to_reconnect_closes_the_part(make_rig):
    """A regression test: the RunCancelled that CameraLink.reconnect raises passes through
    Engine._fetch_object, which must close the .part on its way out (it once left it open for
    as long as the exception's traceback lived)."""
    rig = make_rig(delay=30, drop_after_bytes=CARD[JPG] + 50_000)
    cancel_at(rig, lambda e: isinstance(e, Reconnecting))

    with pytest.raises(RunCancelled):
        rig.run()

    assert open_handles(part_path(target(rig, NEF))) == 0


# -- one file fails, the run goes on -----------------------------------------------------------


def test_a_short_object_fails_alone_and_the_next_file_still_downloads(make_rig):
    """The camera promises 90 000 bytes of the NEF and has only 45 000 to give."""
    rig = make_rig(short_objects=["A002.NEF"])
    nef = target(rig, NEF)

    summary = rig.run()

    failed = finished(rig)[NEF]
    assert failed.status is FileStatus.FAILED and "no data" in failed.reason
    assert not nef.exists()
    kept = part_path(nef).read_bytes()  # kept for a later run, as after any camera error
    assert kept == rig.card[NEF][:len(kept)] and 0 < len(kept) <= CARD[NEF] // 2
    assert (rig.out / "B001.JPG").read_bytes() == rig.card[OTHER]
    assert rig.sim.stats.sessions == 2  # the next file started on a fresh session
    assert (summary.downloaded, summary.failed) == (2, 1)
    assert summary.failures == [f"{NEF}: {failed.reason}"]
    assert sorted(rig.recorded()) == [JPG, OTHER]


def test_a_file_deleted_on_the_camera_fails_alone_and_leaves_nothing(make_rig):
    rig = make_rig()

    def delete_the_nef_after_the_first_file(event):
        if isinstance(event, FileProgress) and event.index == 1 and event.done == event.size:
            rig.sim.remove_object(rig.object(NEF).handle)

    rig.hooks.append(delete_the_nef_after_the_first_file)
    nef = target(rig, NEF)

    summary = rig.run()

    failed = finished(rig)[NEF]
    assert failed.status is FileStatus.FAILED
    assert failed.reason == "no longer on the camera (deleted while connected?)"
    assert not nef.exists() and not part_path(nef).exists()
    assert rig.conn.execute("SELECT count(*) FROM partial_downloads").fetchone()[0] == 0
    assert (rig.out / "B001.JPG").read_bytes() == rig.card[OTHER]
    assert (summary.downloaded, summary.failed) == (2, 1)


# -- local write errors stop the run -----------------------------------------------------------


def test_an_unwritable_output_folder_raises_local_write_error(make_rig, tmp_path):
    """Tests run as root, so a read-only folder would not stop them: the output folder's parent
    is a regular file instead, which nobody can write under."""
    rig = make_rig()
    (tmp_path / "blocked").write_bytes(b"a file")
    rig.out = tmp_path / "blocked" / "out"

    with pytest.raises(LocalWriteError, match="cannot write") as caught:
        rig.run()

    assert caught.value.target == rig.out / "A001.JPG"
    assert rig.recorded() == {}
    assert rig.sim.stats.reads == []
    assert isinstance(rig.events[-1], RunFinished)


def test_a_write_error_part_way_stops_the_run_after_the_files_already_landed(make_rig):
    rig = make_rig()
    rig.out.mkdir()
    (rig.out / "101TEST").write_bytes(b"a file where B001's folder should go")

    with pytest.raises(LocalWriteError) as caught:
        rig.run(rig.plan(dir_spec="@camerafolder@"))

    assert caught.value.target == rig.out / "101TEST" / "B001.JPG"
    assert (rig.out / "100TEST" / "A001.JPG").read_bytes() == rig.card[JPG]
    assert (rig.out / "100TEST" / "A002.NEF").read_bytes() == rig.card[NEF]
    assert sorted(rig.recorded()) == [JPG, NEF]
    assert rig.reads(OTHER) == []


# -- thumbnails --------------------------------------------------------------------------------


def test_thumbnails_mode_writes_the_cameras_thumbnails_only(make_rig):
    rig = make_rig()
    files = rig.files()

    summary = rig.run(thumbnails="small")

    for file in files:
        thumb = rig.out / (file.name.rsplit(".", 1)[0] + ".thumb.jpg")
        assert thumb.read_bytes() == jpeg.thumbnail(rig.object(file.path).thumb_seed)
        assert thumb.stat().st_mtime == file.captured.timestamp()
        assert finished(rig)[file.path].bytes == len(thumb.read_bytes())
    assert len(list(rig.out.iterdir())) == len(files)
    assert {r.opcode for r in rig.sim.stats.reads} == {OpCode.GET_THUMB}  # no object data
    assert summary.downloaded == len(files)


def test_large_thumbnails_from_a_camera_without_them_fail_each_file(make_rig):
    rig = make_rig()
    summary = rig.run(thumbnails="large")
    assert [e.status for e in finished(rig).values()] == [FileStatus.FAILED] * 3
    assert all("only Nikon" in e.reason for e in finished(rig).values())
    assert (summary.failed, summary.downloaded) == (3, 0)
    assert not rig.out.exists() or list(rig.out.iterdir()) == []

