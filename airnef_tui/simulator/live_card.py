"""A card that changes while the simulator runs, as a photographer keeps shooting.

Watching for new shots (`get --watch`, the TUI's `w`) needs a camera that takes them, in the demo
and in tests. Two sources, both through `Simulator.add_object`, so that every new object is
announced with the profile's ObjectAdded exactly as a shot from the body would be:

- `--dir` folders are looked at every `config.dir_poll` seconds. A regular file that was not on
  the card becomes an object once its size and mtime have held still for one look, so a copy in
  progress is never served half-written; a new sub-folder becomes a folder object first. Names
  starting with "." (editors' and rsync's temporary files) are left out. Files that vanish stay
  on the card: a camera deletes only when asked, and tests delete served files on purpose.
- `--shoot-every S` takes a generated JPEG (simulator/jpeg.py) every S seconds, named in the
  profile's style after the card's highest number, with the camera clock's time in its EXIF and
  ObjectInfo, in the folder the camera last wrote to.

Polling rather than inotify keeps the simulator free of dependencies and portable. A look at a
huge tree costs time, so the next look waits at least `LOOK_COST_FACTOR` times as long as the last
one took: the simulator never spends more than a few percent of its time looking.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from airnef_tui.simulator import jpeg
from airnef_tui.simulator.card import CardObject, clip_name, storage_id_for_slot
from airnef_tui.simulator.virtual_file import VirtualFile

if TYPE_CHECKING:
    from airnef_tui.simulator.server import Simulator

log = logging.getLogger("airnef_tui.simulator")

LOOK_COST_FACTOR = 20  # a look that took t seconds is followed by one no sooner than 20 t
SHOT_SIZE = 400_000  # bytes of a generated shot, plus a per-shot wobble of up to SHOT_WOBBLE
SHOT_WOBBLE = 600_000


class FolderWatcher:
    """New files in the `--dir` folders, added to the card once they have stopped growing."""

    def __init__(self, sim: Simulator, roots: list[tuple[int, Path]]) -> None:
        self.sim = sim
        self.roots = roots  # (storage id, folder) per slot
        self.known: set[Path] = {obj.source for obj in sim.card.objects()
                                 if isinstance(obj.source, Path)}
        self._settling: dict[Path, tuple[int, int]] = {}  # seen once: (size, mtime_ns)

    def look(self) -> list[CardObject]:
        """One pass over every folder; returns the objects added."""
        added: list[CardObject] = []
        present: set[Path] = set()
        for storage_id, root in self.roots:
            for path, st in _regular_files(root):
                present.add(path)
                if path in self.known:
                    continue
                signature = (st.st_size, st.st_mtime_ns)
                if self._settling.get(path) != signature:
                    self._settling[path] = signature  # new or still changing: next look
                    continue
                del self._settling[path]
                added.append(self._add(storage_id, root, path, st))
        for gone in set(self._settling) - present:
            del self._settling[gone]
        return added

    def _add(self, storage_id: int, root: Path, path: Path, st: os.stat_result) -> CardObject:
        folder = self._folder(storage_id, root, path.parent)
        obj = self.sim.add_object(path.name, path, folder=folder, captured=_mtime(st),
                                  storage_id=storage_id)
        self.known.add(path)
        log.info("new file on the card: %s", obj.camera_path)
        return obj

    def _folder(self, storage_id: int, root: Path, folder: Path) -> str:
        """The card folder (camera path, "" for the card's root) standing for `folder` on disk,
        created with its parents when the folder is new."""
        if folder == root:
            return ""
        parent_path = self._folder(storage_id, root, folder.parent)
        camera_path = (parent_path + "/" if parent_path else "") + clip_name(folder.name)
        if self.sim.card.find(camera_path, storage_id) is None:
            parent = self.sim.card.find(parent_path, storage_id) if parent_path else None
            st = folder.stat()
            self.sim.card.add_folder(storage_id, parent.handle if parent else 0, folder.name,
                                     _mtime(st))
        return camera_path


class Shooter:
    """A new generated photo on every `shoot`, named and placed as the camera would."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        style = sim.profile.card_style
        self.prefix, self.width = style.file_prefix, style.number_width
        pattern = re.compile(rf"{re.escape(self.prefix)}(\d{{{self.width}}})\.", re.IGNORECASE)
        numbers = [int(m.group(1)) for obj in sim.card.files()
                   if (m := pattern.match(obj.name))]
        self.number = max(numbers, default=0)

    def shoot(self) -> CardObject:
        self.number = self.number % (10 ** self.width - 1) + 1  # DSC_9999 is followed by 0001
        sim = self.sim
        storage_id = min((s.storage_id for s in sim.card.storages),
                         default=storage_id_for_slot(1))
        captured = sim.device_props.now().replace(microsecond=0)
        size = SHOT_SIZE + (self.number * 7919) % SHOT_WOBBLE
        photo = VirtualFile(jpeg.jpeg_layout(self.number, *jpeg.PHOTO_SIZE,
                                             (sim.profile.manufacturer, sim.model, captured),
                                             size))
        name = f"{self.prefix}{self.number:0{self.width}d}.JPG"
        obj = sim.add_object(name, photo, folder=self._folder(storage_id), captured=captured,
                             storage_id=storage_id)
        log.info("took a photo: %s", obj.camera_path)
        return obj

    def _folder(self, storage_id: int) -> str | None:
        """None (the folder of the card's last file) unless the card has no files yet: then its
        last folder, or its root."""
        card = self.sim.card
        if any(obj.storage_id == storage_id for obj in card.files()):
            return None
        folders = [obj for obj in card.folders() if obj.storage_id == storage_id]
        return folders[-1].camera_path if folders else ""


def start_live_card(sim: Simulator) -> threading.Thread | None:
    """The thread that looks at the folders and takes photos, or None when the config asks for
    neither. It ends when the simulator stops (its waits are `sim.pause`)."""
    config = sim.config
    watcher = None
    if config.dirs and config.dir_poll > 0:
        watcher = FolderWatcher(sim, [(storage_id_for_slot(slot), Path(folder))
                                      for slot, folder in enumerate(config.dirs, start=1)])
    shooter = Shooter(sim) if config.shoot_every else None
    if watcher is None and shooter is None:
        return None
    thread = threading.Thread(target=_live, args=(sim, watcher, shooter), daemon=True,
                              name="simulator-live-card")
    thread.start()
    return thread


def _live(sim: Simulator, watcher: FolderWatcher | None, shooter: Shooter | None) -> None:
    config = sim.config
    now = time.monotonic()
    next_look = now + config.dir_poll if watcher is not None else float("inf")
    next_shot = now + config.shoot_every if shooter is not None else float("inf")
    while not sim.pause(max(0.0, min(next_look, next_shot) - time.monotonic())):
        try:
            if time.monotonic() >= next_look:
                started = time.monotonic()
                watcher.look()
                took = time.monotonic() - started
                next_look = time.monotonic() + max(config.dir_poll, LOOK_COST_FACTOR * took)
            if time.monotonic() >= next_shot:
                shooter.shoot()
                next_shot += config.shoot_every
                next_shot = max(next_shot, time.monotonic())  # never a burst after a stall
        except Exception as exc:  # a bug must cost a look or a shot, never the live card
            log.error("live card: %r", exc)


def _regular_files(root: Path):
    """(path, stat) of every regular file under `root`, as the disk card walks it: symlinked
    folders are not followed (loops), names starting with "." are left out."""
    pending = [root]
    while pending:
        folder = pending.pop(0)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                st = entry.stat(follow_symlinks=True)
            except OSError:
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif stat.S_ISREG(st.st_mode):
                yield Path(entry.path), st


def _mtime(st: os.stat_result) -> datetime:
    """Whole seconds, as the disk card gives them: a camera clock has no finer resolution."""
    return datetime.fromtimestamp(int(st.st_mtime))
