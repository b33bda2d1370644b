"""The live preview behind the rename pane: camera file → target, or why not, and what collides.

Built for typing: `set_specs` after each keystroke re-renders every selected file as text only,
reusing the per-token value columns of earlier specs (see `ValueColumns`), and finds duplicate
targets with one dictionary pass. Everything that needs more (spans to colour, asking the disk
whether a target exists, the `-new-N` name it would get) is done per row, for the rows on screen,
by `row(i)`; `summary()` does the disk part for all rows when the caller can afford it.

Targets are text relative to the output folder, `/`-separated, exactly what `plan_target` would
join under it; `path(i)` makes the Path.
"""

from __future__ import annotations

import bisect
import enum
import posixpath
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .compiled import CompiledSpec, ValueColumns
from .errors import TargetError
from .facts import FileFacts
from .spans import Rendered, Span
from .target import apply_suffix, camera_name, check_suffix, plan_in_folder, unique_candidate

IfExists = Literal["uniquename", "skip", "overwrite", "exit"]
IF_EXISTS_POLICIES: tuple[IfExists, ...] = ("uniquename", "skip", "overwrite", "exit")
DATE_FALLBACK_WARNING = "capture time unknown: capture-date specifiers used the download time"


class Outcome(str, enum.Enum):
    """What the download would do with a file, given the if-exists policy."""

    WRITE = "write"          # written at its target
    RENAME = "rename"        # written under a -new-N name (uniquename)
    SKIP = "skip"            # not downloaded (skip)
    OVERWRITE = "overwrite"  # replaces a file (overwrite)
    STOP = "stop"            # the run stops here (exit)
    ERROR = "error"          # no target: the spec gave nothing usable for this file


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """One selected file as the preview pane shows it.

    `index` and the indexes in `same_target_as` / `case_clash_with` are 0-based positions in the
    file list; `note` (for people) counts rows from 1. `final_target` is where the file would
    really be written (None when skipped, stopping, or in error).
    """

    index: int
    camera_path: str
    target: str | None
    error: str | None
    spans: tuple[Span, ...]
    same_target_as: tuple[int, ...]
    case_clash_with: tuple[int, ...]
    exists_locally: bool
    outcome: Outcome
    final_target: str | None
    note: str
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PreviewSummary:
    """Counts over all rows, for the pane's status line and for refusing to start a bad run."""

    total: int
    errors: int
    duplicates: int
    existing: int
    outcomes: dict[Outcome, int]


class PreviewModel:
    """Targets, errors and collisions for a list of selected files, kept up to date cheaply.

    `exists` is asked whether a target path exists locally; it is only called from `row`,
    `rows` and `summary`, and its answers are remembered until `forget_existence()`.
    """

    def __init__(self, output_dir: Path, files: Sequence[FileFacts], *,
                 exists: Callable[[Path], bool], policy: IfExists = "uniquename",
                 suffix: str = "", name_spec: CompiledSpec | None = None,
                 dir_spec: CompiledSpec | None = None) -> None:
        check_suffix(suffix)
        self.output_dir = output_dir
        self.suffix = suffix
        self._exists_callable = exists
        self._existence: dict[str, bool] = {}
        self.policy = _checked_policy(policy)
        self.name_spec = name_spec
        self.dir_spec = dir_spec
        self._load_files(files)
        self._recompute(names_changed=True, folders_changed=True)

    # -- inputs ---------------------------------------------------------------------------------

    def set_files(self, files: Sequence[FileFacts]) -> None:
        """A new selection: every cached value is dropped."""
        self._load_files(files)
        self._recompute(names_changed=True, folders_changed=True)

    def set_specs(self, name_spec: CompiledSpec | None, dir_spec: CompiledSpec | None) -> None:
        """New specs (e.g. after a keystroke): re-render what changed. Never calls `exists`."""
        names_changed = _spec_text(name_spec) != _spec_text(self.name_spec)
        folders_changed = _spec_text(dir_spec) != _spec_text(self.dir_spec)
        self.name_spec, self.dir_spec = name_spec, dir_spec
        if names_changed or folders_changed:
            self._recompute(names_changed, folders_changed)

    def set_policy(self, policy: IfExists) -> None:
        self.policy = _checked_policy(policy)

    def forget_existence(self) -> None:
        """The output folder changed on disk: ask `exists` again."""
        self._existence.clear()

    # -- cheap, all rows ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._files)

    def target(self, index: int) -> str | TargetError:
        """A row's target (relative, `/`-separated) or why it has none."""
        return self._name_errors.get(index) or self._targets[index]

    @property
    def targets(self) -> list[str | TargetError]:
        """Every row's target or error, in file order."""
        return [self.target(index) for index in range(len(self))]

    @property
    def error_count(self) -> int:
        return len(self._name_errors)

    @property
    def duplicate_count(self) -> int:
        """Rows whose target an earlier row already has."""
        return sum(len(group) - 1 for group in self._groups.values())

    def path(self, index: int) -> Path | None:
        target = self.target(index)
        return None if isinstance(target, TargetError) else self._path(target)

    # -- per row, for the rows on screen --------------------------------------------------------

    def rows(self, start: int, stop: int) -> list[PreviewRow]:
        return [self.row(index) for index in range(max(start, 0), min(stop, len(self)))]

    def row(self, index: int, *, with_spans: bool = True) -> PreviewRow:
        """Row `index` as the pane shows it. `with_spans=False` leaves `spans` empty and spares
        rendering the file again (for callers that plan a download, not colour a pane)."""
        facts = self._files[index]
        target = self.target(index)
        warnings = ()
        if facts.captured is None and any(
                spec is not None and spec.uses_capture_time
                for spec in (self.name_spec, self.dir_spec)):
            warnings = (DATE_FALLBACK_WARNING,)
        if isinstance(target, TargetError):
            return PreviewRow(index, facts.camera_path, None, target.message, (), (), (), False,
                              Outcome.ERROR, None, target.message, warnings)
        spans: tuple[Span, ...] = ()
        if with_spans:
            planned = plan_in_folder(facts, self._folder_rendered(index), self.name_spec,
                                     self.suffix)
            if not isinstance(planned, TargetError):
                spans = planned[1]
        group = self._groups.get(target, ())
        others = tuple(other for other in group if other != index)
        clashes = self._case_clashes(target)
        rank = bisect.bisect_left(group, index) if group else 0
        on_disk = self._exists(target)
        outcome, final, note = self._decide(index, target, rank, on_disk, group)
        if clashes:
            note = _join_notes(note, f"differs only in letter case from row {clashes[0] + 1}: "
                                     "collides on Windows, macOS and exFAT disks")
        return PreviewRow(index, facts.camera_path, target, None, spans, others, clashes,
                          on_disk, outcome, final, note, warnings)

    def summary(self) -> PreviewSummary:
        """Outcome counts over all rows; asks `exists` about every distinct target once."""
        outcomes = {outcome: 0 for outcome in Outcome}
        existing = 0
        errors = self._name_errors
        for index, target in enumerate(self._targets):
            if index in errors:
                outcomes[Outcome.ERROR] += 1
                continue
            on_disk = self._exists(target)
            existing += on_disk
            group = self._groups.get(target)
            rank = bisect.bisect_left(group, index) if group else 0
            outcomes[self._outcome_kind(rank + on_disk)] += 1
        return PreviewSummary(len(self), len(errors), self.duplicate_count, existing, outcomes)

    # -- internals ------------------------------------------------------------------------------

    def _load_files(self, files: Sequence[FileFacts]) -> None:
        self._files = [facts.for_thumbnail(self.suffix) for facts in files] if self.suffix \
            else list(files)
        self._columns = ValueColumns(self._files)
        self._camera_names: list[str] | None = None

    def _recompute(self, names_changed: bool, folders_changed: bool) -> None:
        if names_changed:
            self._names, self._name_errors = self._render_names()
        if folders_changed:
            self._folders = None if self.dir_spec is None else \
                self.dir_spec.render_column(self._files, self._columns)[0]
            self._folder_renders: dict[int, Rendered] = {}
        names, folders, errors = self._names, self._folders, self._name_errors
        if folders is None:
            targets: list[str] = names
        elif all(folders):
            targets = list(map("/".join, zip(folders, names)))
        else:
            targets = [f"{folder}/{name}" if folder else name
                       for folder, name in zip(folders, names)]
        # Rows in error hold "" (never a real target).
        count = len(targets)
        distinct = set(targets)
        distinct.discard("")
        groups: dict[str, list[int]] = {}
        if len(distinct) < count - len(errors):
            repeated = {target for target, seen in Counter(targets).items() if seen > 1}
            repeated.discard("")
            for index, target in enumerate(targets):
                if target in repeated:
                    groups.setdefault(target, []).append(index)
        folded: dict[str, list[str]] = {}
        if len(set(map(str.casefold, distinct))) < len(distinct):
            for target in distinct:
                folded.setdefault(target.casefold(), []).append(target)
        self._targets = targets
        self._first_rows: dict[str, int] | None = None
        self._groups = groups
        self._folded = {key: sorted(found) for key, found in folded.items() if len(found) > 1}

    @property
    def _first(self) -> dict[str, int]:
        """Each target's first row; built on demand (only rare rows need it)."""
        if self._first_rows is None:
            targets = self._targets
            first = dict(zip(reversed(targets), range(len(targets) - 1, -1, -1)))
            first.pop("", None)
            self._first_rows = first
        return self._first_rows

    def _render_names(self) -> tuple[list[str], dict[int, TargetError]]:
        files = self._files
        if self.name_spec is None:
            if self._camera_names is None:
                self._camera_names = [camera_name(facts.local_filename) for facts in files]
            names, errors = self._camera_names, {}
        else:
            names, errors = self.name_spec.render_column(files, self._columns)
        if self.suffix:
            suffix = self.suffix
            names = [apply_suffix(name, suffix, facts.camera_filename) if name else name
                     for name, facts in zip(names, files)]
        return names, errors

    def _folder_rendered(self, index: int) -> Rendered | None:
        """Row `index`'s folder with spans, kept while only the name spec changes."""
        if self.dir_spec is None:
            return None
        rendered = self._folder_renders.get(index)
        if rendered is None:
            rendered = self._folder_renders[index] = self.dir_spec.render(self._files[index])
        return rendered

    def _case_clashes(self, target: str) -> tuple[int, ...]:
        found = self._folded.get(target.casefold())
        if not found:
            return ()
        return tuple(sorted(self._first[other] for other in found if other != target))

    def _path(self, target: str) -> Path:
        return self.output_dir.joinpath(*target.split("/"))

    def _exists(self, target: str) -> bool:
        known = self._existence.get(target)
        if known is None:
            known = self._existence[target] = bool(self._exists_callable(self._path(target)))
        return known

    def _outcome_kind(self, taken_before: int) -> Outcome:
        if taken_before == 0:
            return Outcome.WRITE
        return {"uniquename": Outcome.RENAME, "skip": Outcome.SKIP,
                "overwrite": Outcome.OVERWRITE, "exit": Outcome.STOP}[self.policy]

    def _decide(self, index: int, target: str, rank: int, on_disk: bool,
                group: Sequence[int]) -> tuple[Outcome, str | None, str]:
        """What the download would do for a row: its outcome, final target and a note.

        The rows of a group with the same target are downloaded in order: the first is written,
        later ones find it there. So a row's target is "taken" by the local file (if any) and by
        each earlier row of its group.
        """
        taken_before = rank + on_disk
        outcome = self._outcome_kind(taken_before)
        if outcome is Outcome.WRITE:
            later = [other + 1 for other in group if other > index]
            note = f"same target as row {later[0]}, which would come after it" if later else ""
            return outcome, target, note
        cause = f"same target as row {group[0] + 1}" if rank else "exists locally"
        if outcome is Outcome.RENAME:
            final = self._nth_free(index, target, taken_before)
            return outcome, final, f"{cause} → would become {posixpath.basename(final)}"
        if outcome is Outcome.SKIP:
            return outcome, None, f"{cause} → would be skipped"
        if outcome is Outcome.OVERWRITE:
            return outcome, target, f"{cause} → would be overwritten"
        return outcome, None, f"{cause} → would stop the run"

    def _nth_free(self, index: int, target: str, count: int) -> str:
        """The `count`-th `-new-N` variant of `target` free on disk and not planned earlier.

        Exact for the download that follows unless some other file's own planned name is one of
        these `-new-N` names; then the numbers here may be off by the names it takes.
        """
        folder, _, name = target.rpartition("/")
        number = 0
        while True:
            number += 1
            candidate = unique_candidate(name, number)
            if folder:
                candidate = f"{folder}/{candidate}"
            planner = self._first.get(candidate)
            if (planner is None or planner > index) and not self._exists(candidate):
                count -= 1
                if count == 0:
                    return candidate


def _spec_text(spec: CompiledSpec | None) -> tuple[str, str] | None:
    return None if spec is None else (spec.kind, spec.text)


def _checked_policy(policy: str) -> IfExists:
    if policy not in IF_EXISTS_POLICIES:
        raise ValueError(f"unknown if-exists policy {policy!r}")
    return policy  # type: ignore[return-value]


def _join_notes(first: str, second: str) -> str:
    return f"{first}; {second}" if first else second
