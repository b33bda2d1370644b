"""The errors of the rename engine, each saying what went wrong and where.

A spec is typed by a person into a text field, so a `SpecError` carries the span to underline, not
just a message. A spec that compiles can still fail for one particular file (a name that comes out
empty, or turns into a path); that is a `TargetError` value returned in place of the path, never an
exception, so one odd file cannot stop a batch of ten thousand.
"""

from __future__ import annotations

from dataclasses import dataclass


class SpecError(ValueError):
    """A rename spec that cannot be compiled.

    `position` is the 0-based character offset of the problem in the spec text and `end` the end of
    the offending span (exclusive), so `text[position:end]` is what to underline; both lie within
    `0..len(text)`. `code` names the kind of problem for programs ("unknown_specifier", ...).
    """

    def __init__(self, message: str, position: int, end: int | None = None, *,
                 code: str = "syntax") -> None:
        self.message = message
        self.position = position
        self.end = position if end is None else max(end, position)
        self.code = code
        super().__init__(f"spec error at column {position + 1}: {message}")


@dataclass(frozen=True, slots=True)
class TargetError:
    """Why one file has no target path; returned by `plan_target` instead of a path.

    `code` is "empty_name" or "path_in_name" (airnef exited with 5010 / 5011 for these).
    """

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


class PresetError(ValueError):
    """A user preset that cannot be read, written, or compiled; the message names the preset."""
