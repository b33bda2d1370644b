"""From spec text to a `CompiledSpec`, with a precise position for every mistake.

Grammar (airnef 1.1's, with its corners decided):
- `@@` is a literal `@`; any other `@` opens a token that the next `@` closes.
- `@name@`, `@name:start@`, `@name:start:end@`, `@name:start:end:options@` — Python slice bounds
  (negative from the end, empty = open) and case options, as airnef applied them: whatever order
  they are written in and however often, `u` (upper) first, then `l` (lower), then `c`
  (`str.capitalize`: first character upper, the rest lower). An unknown letter is an error
  (airnef ignored it).
- `@replace~find~new@` and `@replacere~regex~new@` rewrite all the output to their left; they take
  no subscripts, `find` may not be empty, and `new` may not hold a `~` (there is no escape).
- In a "file" spec a literal `/` or `\\` is an error (folders belong in the dir spec); in a "dir"
  spec both separate folders. `@path@` and `@pf@` only make sense in "text" specs (download-exec
  arguments), so file and dir specs refuse them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from .compiled import CompiledSpec, LiteralStep, ReplaceStep, SpecKind, Step, ValueStep
from .errors import SpecError
from .pathsafe import COMPONENT_TABLE, DIR_TABLE
from .spans import LITERAL, REPLACE, Span
from .specifiers import REPLACE_NAMES, AmbiguousCase, lookup, suggestions

_INTEGER = re.compile(r"[+-]?[0-9]+")
# A bound this large is as good as infinite for a name, and keeps int() far from its limits.
_MAX_BOUND_DIGITS = 9
# The case options in the order airnef applied them, whatever the order written.
_CASE_OPTIONS = "ulc"


def _shown(text: str) -> str:
    """`text` for a one-line message: control and other invisible characters escaped."""
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
                   for char in text)


def compile_spec(text: str, kind: Literal["file", "dir", "text"]) -> CompiledSpec:
    """Compile `text` for use as a file name ("file"), a folder path ("dir"), or a free-form
    argument ("text", no path rules; for --downloadexec). Raises SpecError."""
    if kind not in ("file", "dir", "text"):
        raise ValueError(f"unknown spec kind {kind!r}")
    return _Compiler(text, kind).run()


def compile_optional(text: str | None, kind: Literal["file", "dir"]) -> CompiledSpec | None:
    """None for a blank spec, meaning "the camera's own name" / "straight in the output folder"."""
    if text is None or not text.strip():
        return None
    return compile_spec(text, kind)


class _Compiler:
    def __init__(self, text: str, kind: SpecKind) -> None:
        self.text = text
        self.kind = kind
        self.steps: list[Step] = []
        self.token_spans: list[Span] = []
        self._literal: list[str] = []
        self._literal_start = 0

    def run(self) -> CompiledSpec:
        text, length = self.text, len(self.text)
        position = 0
        while position < length:
            at = text.find("@", position)
            if at < 0:
                self._add_literal(text[position:], position)
                break
            self._add_literal(text[position:at], position)
            if at + 1 < length and text[at + 1] == "@":
                self._add_literal("@", at)
                position = at + 2
                continue
            close = text.find("@", at + 1)
            if close < 0:
                raise SpecError("missing closing @ for the specifier that starts here", at,
                                length, code="unclosed")
            self._flush_literal()
            self._add_token(at, close)
            position = close + 1
        self._flush_literal()
        return CompiledSpec(text, self.kind, tuple(self.steps), tuple(self.token_spans))

    # -- literal text -------------------------------------------------------------------------

    def _add_literal(self, piece: str, start: int) -> None:
        if not piece:
            return
        if not self._literal:
            self._literal_start = start
        if self.kind == "file":
            for offset, char in enumerate(piece):
                if char in "/\\":
                    raise SpecError(
                        f"a file name cannot hold '{char}'; put folders in the directory spec",
                        start + offset, start + offset + 1, code="separator_in_name")
        self._literal.append(piece)

    def _flush_literal(self) -> None:
        if not self._literal:
            return
        raw = "".join(self._literal)
        self._literal = []
        start = self._literal_start
        end = start + len(raw) if "@" not in raw else self._literal_end(start, raw)
        cleaned = raw
        if self.kind != "text":
            table = DIR_TABLE if self.kind == "dir" else COMPONENT_TABLE
            cleaned = unicodedata.normalize("NFC", raw).translate(table)
        self.steps.append(LiteralStep(cleaned, start, end))
        self.token_spans.append(Span(start, end, LITERAL))

    def _literal_end(self, start: int, raw: str) -> int:
        """End in the spec text of a literal run, where each `@` was written `@@`."""
        return start + len(raw) + raw.count("@")

    # -- tokens -------------------------------------------------------------------------------

    def _add_token(self, at: int, close: int) -> None:
        body_start = at + 1
        body = self.text[body_start:close]
        cut = len(body)
        for index, char in enumerate(body):
            if char in ":~":
                cut = index
                break
        name = body[:cut]
        if not name:
            raise SpecError("missing specifier name after @", at, close + 1, code="missing_name")
        if name.lower() in REPLACE_NAMES:
            self._add_replace(name.lower(), body, cut, at, close)
            return
        try:
            specifier = lookup(name)
        except AmbiguousCase as ambiguous:
            raise SpecError(
                f"@{_shown(name)}@ is ambiguous: write @{ambiguous.number.name}@ for the number or "
                f"@{ambiguous.text.name}@ for the name", at, close + 1,
                code="ambiguous_case") from None
        if specifier is None:
            close_names = suggestions(name)
            hint = ""
            if close_names:
                shown = [f"@{n}@" for n in close_names]
                listed = shown[0] if len(shown) == 1 else \
                    ", ".join(shown[:-1]) + " or " + shown[-1]
                hint = f" (did you mean {listed}?)"
            raise SpecError(f"unknown specifier @{_shown(name)}@{hint}", at, close + 1,
                            code="unknown_specifier")
        if specifier.context_only and self.kind != "text":
            raise SpecError(f"@{_shown(name)}@ is the download path, only usable in --downloadexec "
                            "arguments, not in file or folder names", at, close + 1,
                            code="context_only")
        tilde = body.find("~")
        if tilde >= 0:
            raise SpecError("only @replace@ and @replacere@ take ~ fields",
                            body_start + tilde, close, code="bad_field")
        fields = body[cut + 1:].split(":") if cut < len(body) else []
        field_starts = []
        offset = body_start + cut + 1
        for field_text in fields:
            field_starts.append(offset)
            offset += len(field_text) + 1
        if len(fields) > 3:
            raise SpecError("too many fields: at most @name:start:end:options@",
                            field_starts[3] - 1, close, code="too_many_fields")
        bounds = [self._bound(fields[i], field_starts[i]) if i < len(fields) else None
                  for i in range(2)]
        options = self._case_options(fields[2], field_starts[2]) if len(fields) == 3 else ""
        step = ValueStep(specifier, bounds[0], bounds[1], options, self.kind != "text",
                         at, close + 1)
        self.steps.append(step)
        self.token_spans.append(Span(at, close + 1, specifier.name))

    def _case_options(self, written: str, start: int) -> str:
        """The options field as the steps apply it: each of u, l, c at most once, in that order
        (airnef's), whatever the order and case they were written in."""
        for offset, option in enumerate(written):
            if option.lower() not in _CASE_OPTIONS:
                raise SpecError(f"unknown case option '{_shown(option)}' (use u, l or c)",
                                start + offset, start + offset + 1, code="bad_option")
        lowered = written.lower()
        return "".join(option for option in _CASE_OPTIONS if option in lowered)

    def _bound(self, field_text: str, start: int) -> int | None:
        stripped = field_text.strip()
        if not stripped:
            return None
        if not _INTEGER.fullmatch(stripped):
            raise SpecError(f"subscript '{_shown(field_text)}' is not a whole number", start,
                            start + len(field_text), code="bad_subscript")
        sign = -1 if stripped[0] == "-" else 1
        digits = stripped.lstrip("+-").lstrip("0") or "0"
        if len(digits) > _MAX_BOUND_DIGITS:
            return sign * 10 ** _MAX_BOUND_DIGITS
        return sign * int(digits)

    def _add_replace(self, name: str, body: str, cut: int, at: int, close: int) -> None:
        body_start = at + 1
        if cut < len(body) and body[cut] == ":":
            raise SpecError(f"@{name}@ takes no subscripts", body_start + cut, close,
                            code="bad_field")
        if cut == len(body):
            raise SpecError(f"@{name}@ needs a text to find and its replacement: "
                            f"@{name}~find~new@", at, close + 1, code="bad_replace")
        fields = body[cut + 1:].split("~")
        find_start = body_start + cut + 1
        if len(fields) < 2:
            raise SpecError(f"@{name}@ needs a replacement after the text to find: "
                            f"@{name}~find~new@", at, close + 1, code="bad_replace")
        if len(fields) > 2:
            extra = find_start + len(fields[0]) + 1 + len(fields[1])
            raise SpecError(f"too many ~ fields in @{name}@ (a ~ cannot be part of the texts)",
                            extra, close, code="too_many_fields")
        find, new = fields
        if not find:
            raise SpecError(f"@{name}@ has nothing to find", find_start, find_start,
                            code="bad_replace")
        new_start = find_start + len(find) + 1
        pattern = None
        if name == "replacere":
            pattern = self._regex(find, find_start)
            self._check_template(pattern, new, new_start)
        self.steps.append(ReplaceStep(find, new, pattern, at, close + 1))
        self.token_spans.append(Span(at, close + 1, REPLACE))

    def _regex(self, find: str, start: int) -> re.Pattern[str]:
        try:
            return re.compile(find)
        except re.error as error:
            offset = min(error.pos or 0, len(find))
            raise SpecError(f"bad regular expression: {error.msg}", start + offset,
                            start + len(find), code="bad_regex") from None
        except (OverflowError, RecursionError, ValueError) as error:
            raise SpecError(f"bad regular expression: {error}", start, start + len(find),
                            code="bad_regex") from None

    def _check_template(self, pattern: re.Pattern[str], new: str, start: int) -> None:
        try:
            pattern.sub(new, "")
        except re.error as error:
            offset = min(error.pos or 0, len(new))
            raise SpecError(f"bad replacement: {error.msg}", start + offset, start + len(new),
                            code="bad_regex") from None
        except (IndexError, ValueError, OverflowError) as error:
            raise SpecError(f"bad replacement: {error}", start, start + len(new),
                            code="bad_regex") from None
