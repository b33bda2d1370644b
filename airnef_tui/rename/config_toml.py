"""Replacing or removing one table of a TOML document, leaving every other byte alone.

The config file is the user's: it may hold comments, other programs' sections and hand-made
layout. Rewriting it from parsed data would lose all that, so a table is edited as text: find its
header line, cut its lines, put the new ones in their place. The scanner only needs to know which
lines are table headers, which means following strings (a `[` inside a multi-line string is not a
header) and multi-line arrays (a line of an array may start with `[`).

Every edit is checked by parsing the result: the document must be what the caller expects, else
the edit is refused (e.g. a table written as dotted keys elsewhere, which text edits cannot reach).
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


class TomlEditError(ValueError):
    """The document cannot be parsed, or the edit would not give the expected document."""


def toml_string(value: str) -> str:
    """`value` as a TOML basic string, escaped so that tomllib reads back exactly `value`."""
    out = []
    for char in value:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        elif 0xD800 <= ord(char) < 0xE000:
            raise TomlEditError("a lone surrogate cannot be written to a TOML file")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def table_text(path: tuple[str, ...], values: dict[str, str]) -> str:
    """A `[a.b]` table of string values, as lines ending in a newline."""
    lines = ["[" + ".".join(toml_key(part) for part in path) + "]"]
    lines += [f"{toml_key(key)} = {toml_string(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class _Header:
    line: int
    path: tuple[str, ...]


def _header_path(line: str) -> tuple[str, ...] | None:
    """The key path a header line opens (`[a."b c"]` → ("a", "b c")), None if unreadable."""
    try:
        parsed = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    node: object = parsed
    while isinstance(node, dict) and len(node) == 1:
        key, node = next(iter(node.items()))
        path.append(key)
        if isinstance(node, list):
            node = node[-1] if node else None
    return tuple(path)


def _headers(lines: list[str]) -> list[_Header]:
    """The table header lines (`[x]`, `[[x]]`) outside strings and arrays."""
    headers = []
    in_multiline: str | None = None
    depth = 0
    for number, line in enumerate(lines):
        stripped = line.lstrip()
        if in_multiline is None and depth == 0 and stripped.startswith("["):
            path = _header_path(line)
            if path is not None:
                headers.append(_Header(number, path))
            continue
        in_multiline, depth = _scan(line, in_multiline, depth)
    return headers


def _scan(line: str, in_multiline: str | None, depth: int) -> tuple[str | None, int]:
    """State after one line of values: inside which multi-line string, how deep in brackets."""
    index, length = 0, len(line)
    while index < length:
        if in_multiline is not None:
            end = line.find(in_multiline, index)
            if in_multiline == '"""':
                while end > 0 and _escaped(line, end):
                    end = line.find('"""', end + 1)
            if end < 0:
                return in_multiline, depth
            index = end + 3
            while index < length and line[index] == in_multiline[0]:
                index += 1  # up to two quotes may end the string's content
            in_multiline = None
            continue
        char = line[index]
        if char == "#":
            break
        if line.startswith('"""', index) or line.startswith("'''", index):
            in_multiline = line[index:index + 3]
            index += 3
            continue
        if char == '"':
            index += 1
            while index < length and line[index] != '"':
                index += 2 if line[index] == "\\" else 1
        elif char == "'":
            end = line.find("'", index + 1)
            index = length if end < 0 else end
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        index += 1
    return in_multiline, depth


def _escaped(line: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and line[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _parse(text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TomlEditError(f"not valid TOML: {error}") from None


def replace_table(text: str, path: tuple[str, ...], values: dict[str, str] | None) -> str:
    """`text` with the table at `path` (and its sub-tables) replaced by `values`, or removed
    when `values` is None. Other content is kept byte for byte."""
    before = _parse(text)
    lines = text.splitlines(keepends=True)
    headers = _headers(lines)
    cut_start = cut_end = None
    contiguous_from = None
    for position, header in enumerate(headers):
        if header.path[:len(path)] != path:
            continue
        raw_end = headers[position + 1].line if position + 1 < len(headers) else len(lines)
        if cut_start is None:
            cut_start = header.line
        elif header.line != contiguous_from:
            raise TomlEditError(f"table {'.'.join(path)} is split in several places")
        contiguous_from = raw_end
        end = raw_end
        while end > header.line + 1 and _is_trailing_filler(lines[end - 1]):
            end -= 1  # leave comments and blank lines that lead into the next table
        cut_end = end
    new_table = "" if values is None else table_text(path, values)
    if cut_start is None:
        if values is None:
            return text
        if not text.strip():
            edited = new_table
        else:
            edited = text + ("" if text.endswith("\n") else "\n") + "\n" + new_table
    else:
        edited = "".join(lines[:cut_start]) + new_table + "".join(lines[cut_end:])
    expected = copy.deepcopy(before)
    _set(expected, path, values)
    if _pruned(_parse(edited)) != _pruned(expected):
        raise TomlEditError(f"table {'.'.join(path)} is written in a form that cannot be edited "
                            "automatically (dotted keys or an inline table?)")
    return edited


def _pruned(node: object) -> object:
    """`node` without empty tables: removing a table's last sub-table may or may not leave the
    parent behind, depending on whether it had a header of its own."""
    if not isinstance(node, dict):
        return node
    pruned = {key: _pruned(value) for key, value in node.items()}
    return {key: value for key, value in pruned.items() if value != {}}


def _is_trailing_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _set(document: dict, path: tuple[str, ...], values: dict[str, str] | None) -> None:
    node = document
    for part in path[:-1]:
        node = node.setdefault(part, {})
    if values is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = dict(values)
