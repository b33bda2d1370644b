"""airnef's `!file` arguments: an argument `!path` stands for the arguments written in that file.

What airnef 1.1 did (argparse's `fromfile_prefix_chars='!'`): every argument starting with `!`,
wherever it stands (even where a value is expected), is replaced by the file's lines, one argument
per line and verbatim, so a line may hold a value with spaces (`/my photos`, `12/05/14 15:30:00`);
`!` arguments inside a file are expanded too; a relative path is relative to the current directory.

What we add, without changing the meaning of any file that worked with airnef:

- A line that starts with `-` and goes on, after whitespace, with more text (`--extlist JPG NEF`,
  `--outputdir "/my photos"`) is split like a POSIX shell would split it (shlex). airnef rejected
  such lines as unknown arguments, so no working file contains one. A line whose first word holds
  an `=` (`--filenamespec=@filename@ copy`) is one argument, exactly as airnef took it.
- Blank lines are skipped and surrounding whitespace is dropped from every line (airnef kept it,
  which only ever produced values that matched nothing). To keep such spaces, quote the value on an
  option line: `--filenamespec " @filename@ "`.
- A byte-order mark (Windows Notepad) is ignored; files must be UTF-8.
- A file that includes itself is reported instead of recursing forever.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path

from airnef_tui.airnefcmd.errors import UsageError

PREFIX = "!"
MAX_NESTING = 16

_FIRST_WORD_AND_REST = re.compile(r"(\S+)\s+(\S.*)")


def expand_argument_files(argv: Sequence[str]) -> list[str]:
    """argv with every `!path` replaced by the arguments in that file, recursively."""
    return _expand(list(argv), depth=0)


def _expand(argv: list[str], depth: int) -> list[str]:
    expanded: list[str] = []
    for argument in argv:
        if not argument.startswith(PREFIX):
            expanded.append(argument)
            continue
        if depth >= MAX_NESTING:
            raise UsageError(f"argument files nested more than {MAX_NESTING} deep at {argument!r}"
                             " (does a file include itself?)")
        path = argument[len(PREFIX):]
        expanded.extend(_expand(_read_arguments(path), depth + 1))
    return expanded


def _read_arguments(path: str) -> list[str]:
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise UsageError(f"cannot read argument file {path!r}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"argument file {path!r} is not UTF-8 text") from None
    arguments: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            arguments.extend(line_arguments(line))
        except ValueError as error:
            raise UsageError(f"argument file {path!r}, line {number}: {error}") from None
    return arguments


def line_arguments(line: str) -> list[str]:
    """The arguments one line of an argument file stands for (see the module doc).

    Raises ValueError for an option line shlex cannot split (an unclosed quote).
    """
    stripped = line.strip()
    if not stripped:
        return []
    option_line = _FIRST_WORD_AND_REST.fullmatch(stripped)
    if stripped.startswith("-") and option_line and "=" not in option_line.group(1):
        return shlex.split(stripped)
    return [stripped]
