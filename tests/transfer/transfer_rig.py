"""What the engine and link tests share: a small card on disk that the simulator serves, and the
real session, link, resume ledger and history an Engine runs with (no mocks: the simulator is the
camera, over loopback sockets). A module with a name unique in the suite, because every test
folder has a `conftest` module. The `make_rig` fixture in conftest.py builds a `Rig`."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from airnef_tui.camera.catalogue import CameraFile, list_files
from airnef_tui.camera.session import CameraSession
from airnef_tui.rename import compile_optional
from airnef_tui.simulator import Simulator
from airnef_tui.transfer.engine import Engine, EngineOptions
from airnef_tui.transfer.events import (
    FileFinished, FileProgress, FileStarted, Reconnecting, RunFinished, RunStarted, Summary,
)
from airnef_tui.transfer import landing
from airnef_tui.transfer.history import CameraKey, History
from airnef_tui.transfer.lander import LandFunction
from airnef_tui.transfer.link import CameraLink
from airnef_tui.transfer.plan import CameraIdentity, Naming, PlannedFile, plan_transfer
from airnef_tui.transfer.resume import ResumeLedger

# Camera path -> size. Small, so a run moves a few hundred KB; the NEF spans several pieces.
CARD = {
    "DCIM/100TEST/A001.JPG": 40_000,
    "DCIM/100TEST/A002.NEF": 90_000,
    "DCIM/101TEST/B001.JPG": 25_000,
}
FIRST_SHOT = datetime(2024, 5, 1, 10, 0, 0)  # the card's files are shot a minute apart from here
CHUNK = 16 * 1024  # GetPartialObject piece size: several pieces per file
DOWNLOADED_AT = datetime(2024, 6, 1, 12, 0, 0)


def content(camera_path: str, size: int) -> bytes:
    """Deterministic bytes, different for every path."""
    seed = hashlib.sha512(camera_path.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def write_card(root: Path, sizes: dict[str, int]) -> dict[str, bytes]:
    """The files of `sizes` under root, their mtimes (the simulator's capture times) a minute
    apart from FIRST_SHOT; returns {camera path: bytes}."""
    made = {}
    for number, (relative, size) in enumerate(sizes.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content(relative, size)
        path.write_bytes(data)
        stamp = time.mktime((FIRST_SHOT + timedelta(minutes=number)).timetuple())
        os.utime(path, (stamp, stamp))
        made[relative] = data
    return made


def session_opener(host: str, port: int, *, io_timeout: float = 1.0,
                   guid: bytes | None = None) -> Callable[[], CameraSession]:
    """What CameraLink calls to (re)connect: a new opened session each time."""
    def open_session() -> CameraSession:
        return CameraSession(host, port, io_timeout=io_timeout, connect_timeout=1.0,
                             chunk_size=CHUNK, guid=guid).open()
    return open_session


def outline(events: list) -> list[tuple]:
    """A run's events as short tuples, easy to compare whole. FileProgress is left out: how many
    of those arrive depends on the clock."""
    shown: list[tuple] = []
    for event in events:
        if isinstance(event, FileProgress):
            continue
        if isinstance(event, RunStarted):
            shown.append(("run", event.files, event.bytes))
        elif isinstance(event, FileStarted):
            shown.append(("start", event.index, event.resume_from))
        elif isinstance(event, FileFinished):
            shown.append(("end", event.index, event.status.value))
        elif isinstance(event, Reconnecting):
            shown.append(("reconnect", event.attempt, event.of))
        elif isinstance(event, RunFinished):
            shown.append(("done",))
        else:
            shown.append((type(event).__name__,))  # an unexpected kind shows, never vanishes
    return shown


@dataclass
class Rig:
    """One camera (the simulator), the output folder and the stores of one airnef-tui install.

    Link and engine report to `observe`, which keeps every event in `events` and then calls each
    of `hooks` (a test's way to act at a chosen moment: cancel, stop the camera, snapshot)."""

    sim: Simulator
    card: dict[str, bytes]  # camera path -> bytes, as written for the simulator to serve
    conn: sqlite3.Connection
    out: Path
    retries: int = 2
    delay: float = 0.05
    io_timeout: float = 1.0
    events: list = field(default_factory=list)
    hooks: list[Callable[[object], None]] = field(default_factory=list)
    told_downloaded: list[tuple[str, Path, bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.link = CameraLink(session_opener(self.sim.host, self.sim.port,
                                              io_timeout=self.io_timeout),
                               retries=self.retries, delay=self.delay, observer=self.observe)
        self.ledger = ResumeLedger(self.conn)
        self.history = History(self.conn)

    def observe(self, event) -> None:
        self.events.append(event)
        for hook in self.hooks:
            hook(event)

    @property
    def camera(self) -> CameraIdentity:
        info = self.link.session.device_info
        return CameraIdentity(info.manufacturer.strip(), info.model.strip(),
                              info.serial_number.strip())

    @property
    def camera_key(self) -> CameraKey:
        return CameraKey(self.camera.model, self.camera.serial)

    def files(self) -> list[CameraFile]:
        return list_files(self.link.session)

    def file(self, camera_path: str) -> CameraFile:
        return next(f for f in self.files() if f.path == camera_path)

    def plan(self, files: list[CameraFile] | None = None, *, name_spec: str | None = None,
             dir_spec: str | None = None, if_exists: str = "uniquename",
             thumbnails: str | None = None) -> list[PlannedFile]:
        """The plan `get` would make (history consulted, as without --history ignore)."""
        files = self.files() if files is None else files
        naming = Naming(self.out, compile_optional(name_spec, "file"),
                        compile_optional(dir_spec, "dir"), if_exists, thumbnails)
        key = self.camera_key
        lookup = self.history.lookup(key, files)
        earlier = {f.path: Path(e.target) for f, e in zip(files, lookup) if e is not None}
        return plan_transfer(files, self.camera, naming, downloaded_at=DOWNLOADED_AT,
                             already_downloaded=lambda f: earlier.get(f.path))

    def engine(self, *, thumbnails: str | None = None, land: LandFunction | None = None
               ) -> Engine:
        """An Engine whose on_downloaded records the file in the real history, and notes what
        was on disk at `final` at that moment. `land` replaces landing.land (the engine's seam:
        it runs on the lander's thread)."""
        camera, key = self.camera, self.camera_key

        def on_downloaded(planned: PlannedFile, final: Path) -> None:
            self.told_downloaded.append((planned.file.path, final, final.read_bytes()))
            self.history.record(key, planned.file, final)

        return Engine(self.link, self.ledger,
                      EngineOptions(str(camera), camera.key, thumbnails),
                      self.observe, on_downloaded=on_downloaded, land=land or landing.land)

    def run(self, plan: list[PlannedFile] | None = None, *,
            thumbnails: str | None = None, land: LandFunction | None = None) -> Summary:
        """One run of a fresh Engine over `plan` (by default the plan `get` would make)."""
        plan = self.plan(thumbnails=thumbnails) if plan is None else plan
        return self.engine(thumbnails=thumbnails, land=land).run(plan)

    def recorded(self) -> dict[str, str]:
        """{camera path: target} of every history row."""
        rows = self.conn.execute("SELECT camera_path, target FROM download_history")
        return {path: target for path, target in rows}

    def object(self, camera_path: str):
        """The simulator's card object: what the camera serves for that path."""
        found = self.sim.card.find(camera_path)
        assert found is not None, camera_path
        return found

    def reads(self, camera_path: str) -> list[int]:
        """Offsets of the object-data requests the camera served for that path, in order."""
        handle = self.object(camera_path).handle
        return [r.offset for r in self.sim.stats.reads if r.handle == handle]
