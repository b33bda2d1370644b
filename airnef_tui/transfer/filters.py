"""Which of a camera's files to transfer, and in what order.

The rules, where airnef's were narrower or left a case open:

- Extensions match case-insensitively, with or without a leading dot (`jpg`, `.JPG`). `<NOEXT>`
  selects names without an extension; as with `os.path.splitext`, a name's leading dot does not
  start an extension (`.hidden` has none).
- Folder names match any directory level of the camera path, case-insensitively, so `--folder
  DCIM` takes the whole DCIM tree and `--exclude-folder 101NIKON` drops that folder wherever it is.
  `<ROOT>` stands for files at the card root. An exclusion wins over an inclusion.
- A date window (`since`/`until`, both inclusive) excludes files whose capture time is unknown: a
  file we cannot place in time is not "in" any window. Without a window they are kept.
  Bounds compare with capture times as `dates.comparable` explains.
- `slot` picks cards before any other filter looks at the files: "firstfound" is the
  lowest-numbered slot holding any file at all, as airnef chose a card, not a set of files.
- Order is by capture time, oldest or newest first; files of unknown time come last either way, and
  ties keep camera path order, then slot, then the camera's listing order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from operator import attrgetter
from typing import Protocol, TypeVar

from airnef_tui.transfer.dates import comparable

NO_EXTENSION = "<NOEXT>"
ROOT_FOLDER = "<ROOT>"
SLOT_CHOICES = ("firstfound", "first", "second", "both")
ORDER_CHOICES = ("oldest", "newest")


class CameraFileLike(Protocol):
    """What filters, history and planning need to know of a file on the camera."""

    @property
    def handle(self) -> int: ...
    @property
    def storage_id(self) -> int: ...
    @property
    def slot(self) -> int: ...  # 1 or 2
    @property
    def path(self) -> str: ...  # card-root-relative, '/'-joined: "DCIM/100NIKON/DSC_0001.NEF"
    @property
    def name(self) -> str: ...
    @property
    def folder(self) -> str: ...  # immediate parent's name, "" at the card root
    @property
    def size(self) -> int: ...
    @property
    def captured(self) -> datetime | None: ...  # naive local, or aware when the camera gave a zone


F = TypeVar("F", bound=CameraFileLike)


def extension_of(name: str) -> str:
    """The upper-cased extension without its dot, "" when there is none (`.hidden` has none)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem.strip("."):
        return ""
    return ext.upper()


def folders_of(path: str) -> list[str]:
    """Every directory level of a camera path, upper-cased: "DCIM/100NIKON/x.JPG" → both."""
    return [part.upper() for part in path.split("/")[:-1] if part]


@dataclass(frozen=True)
class FileFilter:
    """A selection of camera files. Values are normalised on creation, so a filter built from user
    input compares equal to one built from canonical values."""

    extensions: frozenset[str] | None = None
    since: datetime | None = None
    until: datetime | None = None
    folders: frozenset[str] | None = None
    exclude_folders: frozenset[str] = frozenset()
    slot: str = "firstfound"
    order: str = "oldest"

    def __post_init__(self) -> None:
        if self.slot not in SLOT_CHOICES:
            raise ValueError(f"bad slot {self.slot!r}: expected one of {', '.join(SLOT_CHOICES)}")
        if self.order not in ORDER_CHOICES:
            raise ValueError(
                f"bad order {self.order!r}: expected one of {', '.join(ORDER_CHOICES)}")
        if (self.since is not None and self.until is not None
                and comparable(self.since) > comparable(self.until)):
            raise ValueError(
                f"the date window is empty: since {self.since} is after until {self.until}")
        normalise = partial(object.__setattr__, self)  # frozen: normalise once, here
        if self.extensions is not None:
            normalise("extensions", frozenset(map(_normalise_extension, self.extensions)))
        if self.folders is not None:
            normalise("folders", frozenset(map(_normalise_folder, self.folders)))
        normalise("exclude_folders", frozenset(map(_normalise_folder, self.exclude_folders)))

    def apply(self, files: Iterable[F]) -> list[F]:
        """The selected files in transfer order."""
        return self._ordered(*self._select(self._on_chosen_slots(list(files))))

    def describe(self) -> str:
        """One line for logs and the start of a run, e.g. "JPG, NEF files; captured from … ;
        in folders 100NIKON; slot first found; oldest first"."""
        parts = []
        if self.extensions is None:
            parts.append("all files")
        else:
            parts.append(", ".join(sorted(self.extensions)) + " files")
        if self.since is not None or self.until is not None:
            window = "captured"
            if self.since is not None:
                window += f" from {self.since.isoformat(sep=' ')}"
            if self.until is not None:
                window += f" until {self.until.isoformat(sep=' ')}"
            parts.append(window + " (files with no capture date excluded)")
        if self.folders is not None:
            parts.append("in folders " + ", ".join(sorted(self.folders)))
        if self.exclude_folders:
            parts.append("not in folders " + ", ".join(sorted(self.exclude_folders)))
        parts.append("slot " + ("first found" if self.slot == "firstfound" else self.slot))
        parts.append(f"{self.order} first")
        return "; ".join(parts)

    def _on_chosen_slots(self, files: list[F]) -> list[F]:
        if self.slot == "both" or not files:
            return files
        if self.slot == "firstfound":
            wanted = min(map(_SLOT, files))
        else:
            wanted = 1 if self.slot == "first" else 2
        return [f for f in files if f.slot == wanted]

    def _select(self, files: list[F]) -> tuple[list[F], list[F], bool]:
        """The extension, folder and date tests in one tight pass, since it runs over whole
        listings (100,000 files on a big card); it also sorts the chosen into files with a
        capture time and files without, and says whether any time carries a zone. A card holds
        few distinct extensions and folders, so each is judged once and remembered."""
        by_extension = self.extensions is not None
        by_folder = self.folders is not None or bool(self.exclude_folders)
        by_date = self.since is not None or self.until is not None
        wanted = {"" if e == NO_EXTENSION else e for e in self.extensions or ()}
        since = comparable(self.since) if self.since is not None else datetime.min
        until = comparable(self.until) if self.until is not None else datetime.max
        extension_verdicts: dict[str, bool] = {}
        folder_verdicts: dict[str, bool] = {}
        dated: list[F] = []
        undated: list[F] = []
        zoned = False
        for f in files:
            if by_extension:
                stem, _, tail = f.name.rpartition(".")
                if not stem or stem[0] == ".":  # no dot, or a leading one: rare, judge in full
                    selected = extension_of(f.name) in wanted
                else:
                    selected = extension_verdicts.get(tail)
                    if selected is None:
                        selected = extension_verdicts[tail] = tail.upper() in wanted
                if not selected:
                    continue
            if by_folder:
                directory = f.path.rpartition("/")[0]
                selected = folder_verdicts.get(directory)
                if selected is None:
                    selected = folder_verdicts[directory] = self._folder_selected(directory)
                if not selected:
                    continue
            captured = f.captured
            if captured is None:
                if not by_date:
                    undated.append(f)
                continue
            if captured.tzinfo is not None:
                zoned = True
                if by_date and not since <= comparable(captured) <= until:
                    continue
            elif by_date and not since <= captured <= until:
                continue
            dated.append(f)
        return dated, undated, zoned

    def _folder_selected(self, directory: str) -> bool:
        levels = folders_of(directory + "/") or [ROOT_FOLDER]
        if self.exclude_folders.intersection(levels):
            return False
        return self.folders is None or not self.folders.isdisjoint(levels)

    def _ordered(self, dated: list[F], undated: list[F], zoned: bool) -> list[F]:
        """Successive stable sorts, least significant key first: faster than one tuple key.
        A reversed sort is stable too, so ties keep path order whichever way time runs."""
        for group in (dated, undated):
            if self.slot == "both":
                group.sort(key=_SLOT)
            group.sort(key=_PATH)
        dated.sort(key=_comparable_capture if zoned else _CAPTURED, reverse=self.order == "newest")
        return dated + undated


_SLOT = attrgetter("slot")
_PATH = attrgetter("path")
_CAPTURED = attrgetter("captured")


def _comparable_capture(file: CameraFileLike) -> datetime:
    assert file.captured is not None
    return comparable(file.captured)


def _normalise_extension(text: str) -> str:
    cleaned = text.strip()
    if cleaned.upper() == NO_EXTENSION:
        return NO_EXTENSION
    return cleaned.lstrip(".").upper()


def _normalise_folder(text: str) -> str:
    cleaned = text.strip().strip("/")
    if "/" in cleaned or not cleaned:
        raise ValueError(
            f"bad folder {text!r}: expected one camera folder name, e.g. 100NIKON or <ROOT>")
    if cleaned.upper() == ROOT_FOLDER:
        return ROOT_FOLDER
    return cleaned.upper()
