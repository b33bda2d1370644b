"""Landing off the link's critical path: while one file lands (fsync, rename, fsync of the folder)
on the lander's thread, the next one is already being fetched, and still the history only ever
holds files whose landing has ended, a cancel lands and records the file in hand, and a landing
that fails stops the run with LocalWriteError without recording the file.

Against the simulator with the real ledger, history and files. The engine's `land` seam puts a
gate around the real `landing.land`: it can hold a chosen file's landing until something has
happened (the next file's first read, a cancel), or break the folder just before landing.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from transfer_rig import CARD, CHUNK, outline

from airnef_tui.ptpip import OpCode
from airnef_tui.transfer import landing
from airnef_tui.transfer.engine import Engine, EngineOptions, LocalWriteError
from airnef_tui.transfer.events import FileFinished, FileProgress, FileStatus, RunFinished
from airnef_tui.transfer.landing import part_path
from airnef_tui.transfer.link import RunCancelled

JPG, NEF, OTHER = CARD  # in transfer (path) order: A001.JPG, A002.NEF, B001.JPG
WAIT = 10.0  # seconds a gate waits at most: a gate that times out fails its test


def name(camera_path: str) -> str:
    return camera_path.rsplit("/", 1)[-1]


def finished(rig) -> dict[str, FileFinished]:
    return {e.path: e for e in rig.events if isinstance(e, FileFinished)}


def open_handles(path: Path) -> int:
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            count += os.readlink(fd) == str(path)
        except OSError:
            pass
    return count


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(),
                                reason="counts open files through /proc/self/fd")


class Gate:
    """landing.land with a hold: the landing of a file named in `hold` waits (on the lander's
    thread) until `until()` is true, then `pause` seconds more, then runs `before_land()`, then
    lands for real. `landed` lists the target names whose landing ended, in order."""

    def __init__(self, hold: set[str] = frozenset(), *, until: Callable[[], bool] = lambda: True,
                 pause: float = 0.0, before_land: Callable[[], None] | None = None,
                 every: float = 0.0) -> None:
        self.hold = hold
        self.until = until
        self.pause = pause
        self.before_land = before_land
        self.every = every  # seconds every landing takes, held or not
        self.landed: list[str] = []
        self.held_through: list[str] = []
        self.timed_out: list[str] = []
        self.on_release: Callable[[], None] | None = None

    def __call__(self, sink, target: Path, captured, *, replace: bool) -> Path:
        time.sleep(self.every)
        if target.name in self.hold:
            deadline = time.monotonic() + WAIT
            while not self.until():
                if time.monotonic() > deadline:
                    self.timed_out.append(target.name)
                    break
                time.sleep(0.002)
            time.sleep(self.pause)
            if self.on_release is not None:
                self.on_release()
            self.held_through.append(target.name)
            if self.before_land is not None:
                self.before_land()
        try:
            return landing.land(sink, target, captured, replace=replace)
        finally:
            self.landed.append(target.name)


# -- the link does not wait for the disk -------------------------------------------------------


def test_the_next_file_is_fetched_while_the_previous_one_lands(make_rig):
    """The JPG's landing is held until the engine reports NEF bytes: a run that landed before
    asking for the next file would never get there (the gate would time out)."""
    rig = make_rig()
    nef_bytes_in = threading.Event()
    gate = Gate({name(JPG)}, until=nef_bytes_in.is_set)
    at_first_nef_piece = []

    def snapshot(event):  # on the engine's thread, like the history itself
        if isinstance(event, FileProgress) and event.index == 2 and not at_first_nef_piece:
            at_first_nef_piece.append((
                list(gate.landed), dict(rig.recorded()), (rig.out / name(JPG)).exists(),
                [e.index for e in rig.events if isinstance(e, FileFinished)]))
            nef_bytes_in.set()

    rig.hooks.append(snapshot)
    summary = rig.run(land=gate)

    assert gate.timed_out == [] and gate.held_through == [name(JPG)]
    assert rig.reads(NEF)[0] == 0
    [(landed, recorded, jpg_in_place, ended)] = at_first_nef_piece
    # While the NEF's bytes flowed, the JPG was still landing: not in place, not recorded,
    # not reported.
    assert (landed, recorded, jpg_in_place, ended) == ([], {}, False, [])
    assert (summary.downloaded, summary.failed) == (3, 0)
    for path in CARD:
        assert (rig.out / name(path)).read_bytes() == rig.card[path]
        assert not part_path(rig.out / name(path)).exists()
    assert list(rig.recorded()) == list(CARD)
    assert gate.landed == [name(p) for p in CARD]


def test_thumbnails_are_fetched_while_the_previous_one_lands(make_rig):
    rig = make_rig()
    second = rig.object(NEF).handle
    gate = Gate({"A001.thumb.jpg"}, until=lambda: any(
        r.handle == second and r.opcode == OpCode.GET_THUMB for r in rig.sim.stats.reads))

    summary = rig.run(thumbnails="small", land=gate)

    assert gate.timed_out == [] and gate.held_through == ["A001.thumb.jpg"]
    assert summary.downloaded == 3
    assert sorted(p.name for p in rig.out.iterdir()) == [
        "A001.thumb.jpg", "A002.thumb.jpg", "B001.thumb.jpg"]
    assert [e.index for e in rig.events if isinstance(e, FileFinished)] == [1, 2, 3]


def test_a_landed_file_is_recorded_between_two_pieces_of_the_next_not_after_it(make_rig):
    """With 30 ms a piece, the JPG (released at the NEF's first read) has landed long before the
    NEF's six pieces are in: it is recorded and reported while the NEF is still coming."""
    rig = make_rig(latency_ms=30)
    gate = Gate({name(JPG)}, until=lambda: bool(rig.reads(NEF)))
    rig.run(land=gate)

    kinds = [(type(e).__name__, e.index) for e in rig.events
             if isinstance(e, (FileFinished, FileProgress))]
    last_nef_piece = max(i for i, k in enumerate(kinds) if k == ("FileProgress", 2))
    assert kinds.index(("FileFinished", 1)) < last_nef_piece
    assert list(rig.recorded()) == list(CARD)


# -- the history holds only landed files -------------------------------------------------------


@pytest.mark.parametrize("thumbnails", [None, "small"])
def test_the_history_never_holds_a_file_whose_landing_has_not_ended(make_rig, thumbnails):
    """Every landing is slow (50 ms), so landings overlap the next file; after every event (on
    the engine's thread) each file in the history has a landing that ended, and when the
    history heard of a file its bytes were in place."""
    rig = make_rig()
    gate = Gate(every=0.05)
    early = []

    def check(event):
        for camera_path, recorded in rig.recorded().items():
            if Path(recorded).name not in gate.landed:
                early.append((type(event).__name__, camera_path))

    rig.hooks.append(check)
    summary = rig.run(thumbnails=thumbnails, land=gate)

    assert early == []
    assert summary.downloaded == 3 and len(rig.recorded()) == 3
    assert [path for path, _, _ in rig.told_downloaded] == list(CARD)
    for path, final, data_then in rig.told_downloaded:
        assert final.name in gate.landed
        assert data_then == final.read_bytes()
        if thumbnails is None:
            assert data_then == rig.card[path]


def test_a_skip_behind_a_landing_file_is_reported_after_it(make_rig):
    """B001 is skipped (its target exists) while the NEF is still landing: the events still
    tell the files in plan order, and the summary counts each once."""
    rig = make_rig()
    rig.out.mkdir()
    (rig.out / name(OTHER)).write_bytes(b"already here")
    gate = Gate(every=0.05)

    summary = rig.run(rig.plan(if_exists="skip"), land=gate)

    assert outline(rig.events) == [
        ("run", 3, CARD[JPG] + CARD[NEF]),
        ("start", 1, 0), ("start", 2, 0), ("end", 1, "downloaded"),
        ("end", 2, "downloaded"), ("end", 3, "skipped"),
        ("done",),
    ]
    assert (summary.downloaded, summary.skipped_existing) == (2, 1)
    assert list(rig.recorded()) == [JPG, NEF]


# -- cancelled while a file lands --------------------------------------------------------------


@needs_proc
def test_a_cancel_while_a_file_lands_still_lands_and_records_it(make_rig):
    """The JPG's landing is held until the NEF's first read (30 ms a piece), then the run is
    cancelled and the landing let go only 0.3 s later, when the engine has long stopped
    reading: the JPG still lands, is recorded and reported, and the NEF's .part is kept."""
    rig = make_rig(latency_ms=30)
    gate = Gate({name(JPG)}, until=lambda: bool(rig.reads(NEF)))
    nef_reads_at_release = []

    def cancel_then_wait():
        rig.link.cancel.set()
        time.sleep(0.3)
        nef_reads_at_release.append(len(rig.reads(NEF)))

    gate.on_release = cancel_then_wait

    with pytest.raises(RunCancelled):
        rig.run(land=gate)

    assert gate.timed_out == [] and gate.held_through == [name(JPG)]
    # The engine had stopped asking for the NEF before the JPG's landing ended.
    assert nef_reads_at_release == [len(rig.reads(NEF))] and 0 < len(rig.reads(NEF)) < 6
    assert (rig.out / name(JPG)).read_bytes() == rig.card[JPG]
    assert list(rig.recorded()) == [JPG]
    assert outline(rig.events) == [("run", 3, sum(CARD.values())), ("start", 1, 0),
                                   ("start", 2, 0), ("end", 1, "downloaded"), ("done",)]
    assert rig.events[-1].summary.downloaded == 1
    nef = rig.out / name(NEF)
    kept = part_path(nef).read_bytes()
    assert 0 < len(kept) < CARD[NEF] and kept == rig.card[NEF][:len(kept)]
    assert open_handles(part_path(nef)) == 0
    assert rig.reads(OTHER) == []


# -- a landing that fails ----------------------------------------------------------------------


@needs_proc
@pytest.mark.parametrize("failing, folder, landed_before", [
    (NEF, "100TEST", [JPG]),  # found while B001 is fetched
    (OTHER, "101TEST", [JPG, NEF]),  # the last file: found at the end of the run
])
def test_a_landing_that_fails_raises_local_write_error_and_records_nothing(
        make_rig, failing, folder, landed_before):
    """Tests run as root, so a read-only folder would not stop them: just before the file
    lands, its folder is moved away and a regular file put in its place, so the `.part`'s path
    now runs through a regular file. For the NEF, its landing waits until B001 is coming."""
    rig = make_rig()
    plan = rig.plan(dir_spec="@camerafolder@")
    where = rig.out / folder
    moved = rig.out / "moved"

    def block_the_folder():
        where.rename(moved)
        where.write_bytes(b"a file where the folder was")

    gate = Gate({name(failing)}, until=lambda: failing != NEF or bool(rig.reads(OTHER)),
                before_land=block_the_folder)

    with pytest.raises(LocalWriteError, match="cannot write") as caught:
        rig.run(plan, land=gate)

    assert gate.timed_out == []
    assert caught.value.target == where / name(failing)
    assert sorted(rig.recorded()) == landed_before
    assert sorted(finished(rig)) == landed_before
    assert all(e.status is FileStatus.DOWNLOADED for e in finished(rig).values())
    assert isinstance(rig.events[-1], RunFinished)
    assert rig.events[-1].summary.downloaded == len(landed_before)
    # Nothing is lost: the failed file's .part holds every byte, its ledger entry is kept.
    assert part_path(moved / name(failing)).read_bytes() == rig.card[failing]
    assert not (moved / name(failing)).exists()
    ledger = {t for (t,) in rig.conn.execute("SELECT target FROM partial_downloads")}
    assert str(where / name(failing)) in ledger
    if failing == NEF:  # B001 was fetched meanwhile: its .part is closed and kept, unrecorded
        other_part = part_path(rig.out / "101TEST" / name(OTHER))
        kept = other_part.read_bytes()
        assert 0 < len(kept) and kept == rig.card[OTHER][:len(kept)]
        assert open_handles(other_part) == 0
        assert not (rig.out / "101TEST" / name(OTHER)).exists()


class HookFailed(Exception):
    pass


@needs_proc
def test_an_error_recording_the_previous_file_stops_the_next_between_two_pieces(make_rig):
    """on_downloaded (history, --exec hook) fails for the JPG, noticed between two pieces of the
    NEF (30 ms each): the error ends the run, the NEF's .part is closed and kept."""
    rig = make_rig(latency_ms=30)
    gate = Gate({name(JPG)}, until=lambda: bool(rig.reads(NEF)))
    camera = rig.camera
    thread = []

    def on_downloaded(planned, final):
        thread.append(threading.current_thread())
        raise HookFailed(planned.file.path)

    engine = Engine(rig.link, rig.ledger, EngineOptions(str(camera), camera.key), rig.observe,
                    on_downloaded=on_downloaded, land=gate)

    with pytest.raises(HookFailed, match=JPG):
        engine.run(rig.plan())

    assert thread == [threading.current_thread()]  # the engine's own thread, not the lander's
    nef = rig.out / name(NEF)
    assert 0 < len(rig.reads(NEF)) < -(-CARD[NEF] // CHUNK)  # stopped part way
    kept = part_path(nef).read_bytes()
    assert kept == rig.card[NEF][:len(kept)]
    assert open_handles(part_path(nef)) == 0
    assert finished(rig) == {}
    assert isinstance(rig.events[-1], RunFinished)
