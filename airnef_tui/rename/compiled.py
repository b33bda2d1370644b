"""A compiled spec: a list of steps decided once, then run for each file.

Two ways to run it, sharing every text rule so they cannot disagree:
- `render(facts)` for one file, with spans saying which specifier produced which characters;
- `render_texts(files, columns)` for many files at once, text only, working column by column
  over cached per-token values. That is what keeps the preview fast while a spec is being typed:
  the facts do not change between keystrokes, so a token seen before costs nothing.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from typing import Literal

from .errors import TargetError
from .facts import FileFacts
from .pathsafe import (
    COMPONENT_TABLE,
    DIR_TABLE,
    clean_characters,
    is_clean_component,
    safe_component,
)
from .spans import LITERAL, REPLACE, SANITIZED, SEPARATOR, Rendered, Span, rewrite_spans
from .specifiers import Specifier

SpecKind = Literal["file", "dir", "text"]


@dataclass(frozen=True, slots=True)
class LiteralStep:
    """Text copied as is (already cleaned for the spec's kind when compiled)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ValueStep:
    """A specifier, sliced and re-cased as its fields ask.

    `case` holds each of the options `u`, `l`, `c` at most once, in that order (the parser puts
    them so): the order airnef applied them in.

    `key` identifies the values it yields for a given file, whatever spec it appears in; columns
    of values are cached under it.
    """

    specifier: Specifier
    first: int | None
    last: int | None
    case: str
    clean: bool
    start: int
    end: int
    #: No slice and no case option: `finish` only cleans.
    plain: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plain",
                           self.first is None and self.last is None and not self.case)

    @property
    def key(self) -> tuple[str, int | None, int | None, str, bool]:
        return (self.specifier.name, self.first, self.last, self.case, self.clean)

    def finish(self, raw: str) -> str:
        """Slice, re-case and clean one raw value."""
        if self.plain and raw.isascii():
            return clean_characters(raw) if self.clean else raw
        if not raw.isascii():
            raw = unicodedata.normalize("NFC", raw)
        if self.first is not None or self.last is not None:
            raw = raw[self.first:self.last]
        for option in self.case:
            if option == "u":
                raw = raw.upper()
            elif option == "l":
                raw = raw.lower()
            else:
                raw = raw.capitalize()
        if self.clean:
            raw = clean_characters(raw)
            if not raw.isascii():
                raw = unicodedata.normalize("NFC", raw)
        return raw

    def value(self, facts: FileFacts) -> str:
        return self.finish(self.specifier.value(facts))


@dataclass(frozen=True, slots=True)
class ReplaceStep:
    """`@replace~find~new@` or `@replacere~regex~new@`: rewrites all the text to its left."""

    find: str
    new: str
    pattern: re.Pattern[str] | None
    start: int
    end: int

    def apply(self, text: str) -> str:
        if self.pattern is not None:
            return self.pattern.sub(self.new, text)
        return text.replace(self.find, self.new)


Step = LiteralStep | ValueStep | ReplaceStep


class ValueColumns:
    """Values of each token for a fixed list of files, computed once and kept across specs.

    Why: while the user types, the files stay the same and most tokens of the new spec were in
    the previous one; their column of 10,000 values is then reused as is.
    """

    def __init__(self, files: Sequence[FileFacts], max_columns: int = 128) -> None:
        self.files = files
        self._raw: dict[str, list[str]] = {}
        self._finished: dict[tuple, list[str]] = {}
        self._longest: dict[tuple, int] = {}
        self._max_columns = max_columns

    def column(self, step: ValueStep) -> list[str]:
        finished = self._finished.get(step.key)
        if finished is None:
            finished = self._finish_column(step, self._raw_column(step.specifier))
            if len(self._finished) >= self._max_columns:
                self._finished.clear()
                self._longest.clear()
            self._finished[step.key] = finished
        return finished

    def longest(self, step: ValueStep) -> int:
        """Length of the longest value in `step`'s column (bounds the names it goes into)."""
        longest = self._longest.get(step.key)
        if longest is None:
            column = self.column(step)
            longest = self._longest[step.key] = max(map(len, column), default=0)
        return longest

    def _raw_column(self, specifier: Specifier) -> list[str]:
        raw = self._raw.get(specifier.name)
        if raw is None:
            raw = self._raw[specifier.name] = specifier.column(self.files)
        return raw

    @staticmethod
    def _finish_column(step: ValueStep, raw: list[str]) -> list[str]:
        """`step.finish` over a column, once per distinct value (makes, models and dates
        repeat across a card)."""
        finish = step.finish
        memo: dict[str, str] = {}
        result = []
        for text in raw:
            done = memo.get(text)
            if done is None:
                done = memo[text] = finish(text)
            result.append(done)
        return result


def _concat(done: list[str] | None, segment: list[str | list[str]], count: int) -> list[str]:
    """Row-wise concatenation of an optional column and a mix of constants and columns."""
    parts: list[str | list[str]] = [] if done is None else [done]
    for part in segment:
        if isinstance(part, str) and parts and isinstance(parts[-1], str):
            parts[-1] += part
        else:
            parts.append(part)
    if not any(isinstance(part, list) for part in parts):
        return ["".join(parts)] * count  # type: ignore[arg-type]
    if len(parts) == 1:
        return list(parts[0])
    iterables = [part if isinstance(part, list) else repeat(part, count) for part in parts]
    return list(map("".join, zip(*iterables)))


def _clip(spans: list[Span], start: int, end: int) -> list[Span]:
    return [Span(max(s.start, start) - start, min(s.end, end) - start, s.source)
            for s in spans if s.end > start and s.start < end]


def _empty_name(text: str) -> bool:
    return text.strip(" .") == ""


def finish_file_name(text: str, rewritten: bool, spans: list[Span] | None = None
                     ) -> tuple[str | TargetError, list[Span] | None]:
    """The final file name for a rendered text, or why there is none.

    `rewritten` says whether a replace step ran: only then can the text hold characters the
    earlier steps had not already cleaned (literal separators were refused when compiling).
    """
    if rewritten:
        if "/" in text or "\\" in text:
            shown = text if len(text) <= 80 else text[:77] + "..."
            return (TargetError("path_in_name",
                                f"the file name spec gave {shown!r}, which holds a path separator;"
                                " put folders in the directory spec"), spans)
        text = text.translate(COMPONENT_TABLE)
    if _empty_name(text):
        return (TargetError("empty_name", "the file name spec gave an empty name for this file"),
                spans)
    if is_clean_component(text):
        return text, spans
    fixed = safe_component(text)
    return fixed, None if spans is None else rewrite_spans(spans, text, fixed, SANITIZED)


def finish_dir(text: str, rewritten: bool, spans: list[Span] | None = None
               ) -> tuple[str, list[Span] | None]:
    """The final relative folder path (`/`-separated) for a rendered dir text.

    Parts made only of dots and spaces (``, `.`, `..`) are dropped: they are path syntax, not
    names, and dropping them keeps every folder inside the download folder.
    """
    if rewritten:
        text = text.translate(DIR_TABLE)
    if all(map(is_clean_component, text.split("/"))):
        return text, None if spans is None else _separate_slashes(text, spans)
    kept: list[str] = []
    kept_spans: list[Span] = []
    position = 0
    for part in text.split("/"):
        start, position = position, position + len(part) + 1
        if _empty_name(part):
            continue
        fixed = part if is_clean_component(part) else safe_component(part)
        if spans is not None:
            offset = sum(len(k) + 1 for k in kept)
            if kept:
                kept_spans.append(Span(offset - 1, offset, SEPARATOR))
            part_spans = rewrite_spans(_clip(spans, start, start + len(part)), part, fixed,
                                       SANITIZED)
            kept_spans.extend(Span(s.start + offset, s.end + offset, s.source)
                              for s in part_spans)
        kept.append(fixed)
    return "/".join(kept), None if spans is None else kept_spans


def _separate_slashes(text: str, spans: list[Span]) -> list[Span]:
    """`spans` with every `/` of a folder path as its own "separator" span."""
    result: list[Span] = []
    for start, end, source in spans:
        if "/" not in text[start:end]:
            result.append(Span(start, end, source))
            continue
        position = start
        for part in text[start:end].split("/"):
            if part:
                result.append(Span(position, position + len(part), source))
            position += len(part)
            if position < end:
                result.append(Span(position, position + 1, SEPARATOR))
                position += 1
    return result


@dataclass(frozen=True, slots=True)
class CompiledSpec:
    """A spec ready to render; build it with `compile_spec`.

    `token_spans` tile the spec text itself (which specifier each `@…@` is), for colouring the
    input field the same way as the result.
    """

    text: str
    kind: SpecKind
    steps: tuple[Step, ...]
    token_spans: tuple[Span, ...]
    rewrites: bool = field(init=False)
    uses_capture_time: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rewrites",
                           any(isinstance(step, ReplaceStep) for step in self.steps))
        object.__setattr__(self, "uses_capture_time", any(
            isinstance(step, ValueStep) and step.specifier.uses_capture_time
            for step in self.steps))

    @property
    def value_steps(self) -> tuple[ValueStep, ...]:
        return tuple(step for step in self.steps if isinstance(step, ValueStep))

    def render(self, facts: FileFacts) -> Rendered:
        """This spec for one file, with spans. A "file" spec may come back with `error` set."""
        chunks: list[str] = []
        spans: list[Span] = []
        position = 0
        for step in self.steps:
            kind = step.__class__
            if kind is LiteralStep:
                piece, source = step.text, LITERAL
            elif kind is ValueStep:
                piece, source = step.value(facts), step.specifier.name
            else:
                old = "".join(chunks)
                new = step.apply(old)
                spans = rewrite_spans(spans, old, new, REPLACE)
                chunks, position = [new], len(new)
                continue
            if not piece:
                continue
            end = position + len(piece)
            if spans and spans[-1][2] == source and spans[-1][1] == position:
                spans[-1] = Span(spans[-1][0], end, source)
            else:
                spans.append(Span(position, end, source))
            chunks.append(piece)
            position = end
        text = "".join(chunks)
        fell_back = facts.captured is None and self.uses_capture_time
        if self.kind == "text":
            return Rendered(text, tuple(spans), None, None, fell_back)
        if self.kind == "dir":
            folder, folder_spans = finish_dir(text, self.rewrites, spans)
            return Rendered(folder, tuple(folder_spans or ()), None, None, fell_back)
        name, name_spans = finish_file_name(text, self.rewrites, spans)
        if isinstance(name, TargetError):
            shown = "" if name.code == "empty_name" else safe_component(text)
            return Rendered(shown, ((Span(0, len(shown), SANITIZED),) if shown else ()),
                            name.message, name.code, fell_back)
        return Rendered(name, tuple(name_spans or ()), None, None, fell_back)

    def render_texts(self, files: Sequence[FileFacts], columns: ValueColumns | None = None
                     ) -> list[str | TargetError]:
        """This spec for many files, text only: the same results as `render(f).text` / `.error`.

        Pass the same `columns` across calls (for the same files) to reuse token values.
        """
        texts, errors = self.render_column(files, columns)
        if not errors:
            return list(texts)
        result: list[str | TargetError] = list(texts)
        for index, error in errors.items():
            result[index] = error
        return result

    def render_column(self, files: Sequence[FileFacts], columns: ValueColumns | None = None
                      ) -> tuple[list[str], dict[int, TargetError]]:
        """`render_texts` as the preview wants it: every row's text ("" for rows in error) and
        the errors by row index, so that the common case is one list of strings."""
        if columns is None:
            columns = ValueColumns(files)
        count = len(files)
        done: list[str] | None = None
        segment: list[str | list[str]] = []
        for step in self.steps:
            if isinstance(step, LiteralStep):
                segment.append(step.text)
            elif isinstance(step, ValueStep):
                segment.append(columns.column(step))
            else:
                done = _concat(done, segment, count)
                segment = []
                apply = step.apply
                done = [apply(text) for text in done]
        done = _concat(done, segment, count)
        if self.kind == "text":
            return done, {}
        rewritten = self.rewrites
        if self.kind == "dir":
            memo: dict[str, str] = {}
            result = []
            for text in done:
                folder = memo.get(text)
                if folder is None:
                    folder = memo[text] = finish_dir(text, rewritten)[0]
                result.append(folder)
            return result, {}
        if rewritten:
            suspects: Sequence[int] = range(count)
        else:
            longest = sum(len(step.text) if isinstance(step, LiteralStep)
                          else columns.longest(step) for step in self.steps)
            suspects = _suspect_rows(done, longest)
        errors: dict[int, TargetError] = {}
        for index in suspects:
            name = finish_file_name(done[index], rewritten)[0]
            if isinstance(name, TargetError):
                errors[index] = name
                done[index] = ""
            else:
                done[index] = name
        return done, errors


# What betrays, in the newline-joined names, a name `finish_file_name` must look at: a name that
# is empty, starts with a dot or with a Windows device name (after a newline, or at the very
# start), or ends with a dot or a space (before a newline, or at the very end).
_SUSPECT_START = re.compile(r"\n(?=[.\n]|(?i:CON|PRN|AUX|NUL|COM|LPT))")
_SUSPECT_END_NEEDLES = (".\n", " \n")
_SUSPECT_PARTIAL_END = re.compile(r"(?i:\.part)\n")  # reserved for downloads in progress
_NAME_LIMIT = 255


def _suspect_rows(texts: list[str], longest: int | None = None) -> list[int]:
    """Indexes of the names that may not be clean, found by a few scans of all of them at once.

    Only for names built from cleaned pieces (so no newline occurs in them). `longest`, if
    known, bounds the names' length and spares a scan. Why: even a cheap Python-level check per
    name costs more than everything else a keystroke does over 10,000 files, while searches over
    the joined text run at C speed. Rows flagged needlessly only cost time.
    """
    if not texts:
        return []
    joined = "\n" + "\n".join(texts) + "\n"
    # Positions below are in `joined`, whose row r starts at starts[r] + 1.
    positions = [match.start() + 1 for match in _SUSPECT_START.finditer(joined)]
    for needle in _SUSPECT_END_NEEDLES:
        found = joined.find(needle)
        while found >= 0:
            positions.append(found)
            found = joined.find(needle, found + 1)
    positions.extend(match.start() for match in _SUSPECT_PARTIAL_END.finditer(joined))
    rows = set()
    if positions:
        starts = list(accumulate((len(text) + 1 for text in texts), initial=1))
        rows.update(bisect_right(starts, position) - 1 for position in positions)
        rows.discard(len(texts))
    if not joined.isascii():
        rows.update(index for index, text in enumerate(texts) if not text.isascii())
    if longest is None or longest > _NAME_LIMIT:
        if max(map(len, texts)) > _NAME_LIMIT:
            rows.update(index for index, text in enumerate(texts) if len(text) > _NAME_LIMIT)
    return sorted(rows)
