"""Remembered ObjectInfo datasets, so that listing a card again does not ask for every object.

A camera answers GetObjectInfo one object at a time, over Wi-Fi: a card of 5,000 files costs
thousands of round trips on every listing. airnef pickled these (unsafe to load); we keep the raw
datasets in the shared SQLite database, keyed by camera (model + serial), storage id and handle.
The caller decodes them with `airnef_tui.ptpip.ObjectInfo.decode`.

When may a remembered dataset be trusted? A handle names an object only on one camera, for one
card, while that card is not reformatted, and some cameras even renumber handles per session or
after a deletion. So trust is earned in two steps:

1. The card fingerprint (`card_fingerprint`: StorageInfo's storage and filesystem types, maximum
   capacity, volume label and description) must match the one stored with the cache. Another card
   of another size or label, or a camera that labels cards per format, throws the cache away.

2. The fingerprint cannot see a reformat in the same camera, a swap between two identical cards,
   or renumbered handles. So each listing is verified against the card (`ObjectCache.refresh`,
   the rules in `plan_refresh`): the handle list is fetched every time (one operation); cached
   handles no longer listed are dropped; handles not in the cache are fetched; and a few cached
   handles still listed (the lowest, the highest and the middle one) are fetched again and
   compared byte for byte. Any difference discards the whole storage's cache and everything is
   fetched. After a reformat the reused handles name new shots (new names, new capture times),
   so the lowest handle, where sequential cameras start again, fails the check; after a
   renumbering the highest and middle ones do.

Why not free space in the fingerprint, which changes whenever a file is added or removed? Because
then every new shot would discard the whole cache, in the commonest case of all (the card stays in
the camera and the photographer keeps shooting), while a reformat followed by as many shots of
fixed-size uncompressed RAW files would leave it unchanged. The spot checks cover both.

What the checks do not see: a change to an object that keeps its handle, outside the spot checks
(e.g. the protection flag toggled in camera). Names, sizes and capture times of a file on a card do
not change, so downloads are not misled by it.

Growth is bounded: one fingerprint per camera and storage, and storing a listing replaces the
previous one wholesale, so the cache never holds more than the cards' current contents.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from airnef_tui.transfer.history import CameraKey

SPOT_CHECKS = 3

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS object_cache_cards (
    camera_model TEXT NOT NULL,
    camera_serial TEXT NOT NULL,
    storage_id INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (camera_model, camera_serial, storage_id)
    )""",
    """CREATE TABLE IF NOT EXISTS object_cache_entries (
    camera_model TEXT NOT NULL,
    camera_serial TEXT NOT NULL,
    storage_id INTEGER NOT NULL,
    handle INTEGER NOT NULL,
    info BLOB NOT NULL,  -- the ObjectInfo dataset as the camera sent it
    PRIMARY KEY (camera_model, camera_serial, storage_id, handle),
    FOREIGN KEY (camera_model, camera_serial, storage_id)
        REFERENCES object_cache_cards (camera_model, camera_serial, storage_id) ON DELETE CASCADE
    ) WITHOUT ROWID""",
)


class StorageLike(Protocol):
    """The parts of a PTP StorageInfo that tell one card from another (`ptpip.StorageInfo`)."""

    @property
    def storage_type(self) -> int: ...
    @property
    def filesystem_type(self) -> int: ...
    @property
    def max_capacity(self) -> int: ...
    @property
    def volume_label(self) -> str: ...
    @property
    def description(self) -> str: ...


def card_fingerprint(storage: StorageLike) -> str:
    """What identifies a card, not its contents: stable while photos are added (module doc)."""
    identity = "\x1f".join(map(str, (
        storage.storage_type, storage.filesystem_type, storage.max_capacity,
        storage.volume_label, storage.description,
    )))
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class RefreshPlan:
    """What to ask the camera for, given the cache and the card's current handle list."""

    reuse: dict[int, bytes] = field(default_factory=dict)  # cached, still listed, trusted
    verify: dict[int, bytes] = field(default_factory=dict)  # cached: fetch again and compare
    fetch: tuple[int, ...] = ()  # not cached: fetch

    def confirmed_by(self, fetched: Mapping[int, bytes]) -> bool:
        """True when every spot-checked handle came back exactly as remembered."""
        return all(fetched.get(handle) == info for handle, info in self.verify.items())


def plan_refresh(cached: Mapping[int, bytes], handles: Iterable[int],
                 spot_checks: int = SPOT_CHECKS) -> RefreshPlan:
    """Split the card's handles into trusted, spot-checked and unknown ones (module doc)."""
    listed = list(dict.fromkeys(handles))
    known = sorted(h for h in listed if h in cached)
    checked = set(_spread(known, spot_checks))
    return RefreshPlan(
        reuse={h: cached[h] for h in known if h not in checked},
        verify={h: cached[h] for h in sorted(checked)},
        fetch=tuple(h for h in listed if h not in cached),
    )


def _spread(ordered: Sequence[int], count: int) -> list[int]:
    """Up to `count` members: the lowest, the highest, then evenly between."""
    if count <= 0 or not ordered:
        return []
    if count == 1:
        return [ordered[0]]
    last = len(ordered) - 1
    picks = {ordered[i * last // (count - 1)] for i in range(count)}
    return sorted(picks)


class ObjectCache:
    """The ObjectInfo cache in an open database (see `airnef_tui.state.db.open_database`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        for statement in _SCHEMA:  # not executescript: it would commit a caller's transaction
            conn.execute(statement)

    def load(self, camera_key: CameraKey, storage_id: int, fingerprint: str) -> dict[int, bytes]:
        """The remembered datasets of this storage, or {} if none or the card is another."""
        rows = self._conn.execute(
            "SELECT e.handle, e.info FROM object_cache_cards AS c JOIN object_cache_entries AS e"
            " USING (camera_model, camera_serial, storage_id)"
            " WHERE c.camera_model = ? AND c.camera_serial = ? AND c.storage_id = ?"
            " AND c.fingerprint = ?",
            (camera_key.model, camera_key.serial, storage_id, fingerprint),
        ).fetchall()
        return {int(handle): bytes(info) for handle, info in rows}

    def store(self, camera_key: CameraKey, storage_id: int, fingerprint: str,
              entries: Mapping[int, bytes]) -> None:
        """Remember a storage's listing, replacing whatever was remembered for it before."""
        key = (camera_key.model, camera_key.serial, storage_id)
        with _savepoint(self._conn):
            self._forget("camera_model = ? AND camera_serial = ? AND storage_id = ?", key)
            self._conn.execute(
                "INSERT INTO object_cache_cards"
                " (camera_model, camera_serial, storage_id, fingerprint) VALUES (?, ?, ?, ?)",
                (*key, fingerprint))
            self._conn.executemany(
                "INSERT INTO object_cache_entries"
                " (camera_model, camera_serial, storage_id, handle, info) VALUES (?, ?, ?, ?, ?)",
                ((*key, handle, bytes(info)) for handle, info in entries.items()))

    def invalidate(self, camera_key: CameraKey, storage_id: int | None = None) -> None:
        """Forget one storage of a camera, or all of them."""
        with _savepoint(self._conn):
            if storage_id is None:
                self._forget("camera_model = ? AND camera_serial = ?",
                             (camera_key.model, camera_key.serial))
            else:
                self._forget("camera_model = ? AND camera_serial = ? AND storage_id = ?",
                             (camera_key.model, camera_key.serial, storage_id))

    def refresh(self, camera_key: CameraKey, storage_id: int, fingerprint: str,
                handles: Iterable[int], fetch: Callable[[int], bytes]) -> dict[int, bytes]:
        """The datasets of exactly `handles`, asking `fetch` (the camera's GetObjectInfo) only
        for what the cache cannot vouch for, and remembering the result (module doc)."""
        listed = list(dict.fromkeys(handles))
        plan = plan_refresh(self.load(camera_key, storage_id, fingerprint), listed)
        fetched = {handle: fetch(handle) for handle in (*plan.verify, *plan.fetch)}
        if plan.confirmed_by(fetched):
            known = {**plan.reuse, **fetched}
        else:
            known = {**fetched, **{h: fetch(h) for h in plan.reuse}}
        infos = {handle: known[handle] for handle in listed}
        self.store(camera_key, storage_id, fingerprint, infos)
        return infos

    def _forget(self, where: str, params: tuple[object, ...]) -> None:
        # Entries first and explicitly: the cascade needs PRAGMA foreign_keys, and a caller's
        # connection might not have it on.
        self._conn.execute(f"DELETE FROM object_cache_entries WHERE {where}", params)
        self._conn.execute(f"DELETE FROM object_cache_cards WHERE {where}", params)


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    """A nestable transaction: works whether or not the caller already holds one."""
    conn.execute("SAVEPOINT object_cache")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO object_cache")
        raise
    finally:
        conn.execute("RELEASE object_cache")
