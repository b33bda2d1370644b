"""Reading config.toml, and changing one table of it without disturbing the rest.

Why not load, modify and dump the whole document: the comments, blank lines, key order and quoting
are the user's, and even a format-preserving library, asked to add a key to a table, puts it after
the comment that introduces the *next* table. So `set_table` changes existing keys where they stand
(tomlkit keeps the line and its trailing comment), adds a missing key right after the table's last
key, and appends a new table at the end of the file, leaving every other byte alone. The result is
parsed again and compared with what was meant; if anything else changed, nothing is written.

Writing is atomic (a temporary file in the same folder, fsynced, then renamed over the old one), so
a crash or a full disk leaves the old file whole; a symlinked config (a dotfiles repository) is
written through the link rather than replaced by a copy; and a file that changed after it was
read (the user's editor saved it meanwhile) is not overwritten.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Table
from tomlkit.toml_document import TOMLDocument

from airnef_tui import paths

Scalar = str | bool | int


class ConfigError(ValueError):
    """The config file cannot be read, parsed or written; the message is one line naming it."""


def _path(path: Path | None) -> Path:
    return paths.config_path() if path is None else path


def _one_line(error: object) -> str:
    return " ".join(str(error).split())


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when there is no file yet."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None


def _decode(data: bytes | None, path: Path) -> str:
    try:
        return "" if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text") from None


def read_config(path: Path | None = None) -> str:
    """The file's text exactly as stored ("" when there is none): line endings kept."""
    path = _path(path)
    return _decode(_read_bytes(path), path)


def parse_config(text: str, path: Path | None = None) -> TOMLDocument:
    try:
        return tomlkit.parse(text)
    except (TOMLKitError, ValueError) as error:
        raise ConfigError(f"{_path(path)} is not valid TOML: {_one_line(error)}") from None


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The file as plain Python values ({} when there is none); ConfigError if it is unusable."""
    path = _path(path)
    return parse_config(read_config(path), path).unwrap()


# -- changing one table ---------------------------------------------------------------------------


def _dotted(keys: tuple[str, ...]) -> str:
    return ".".join(tomlkit.key(key).as_string() for key in keys)


def _expected(document: TOMLDocument, keys: tuple[str, ...], values: Mapping[str, Scalar],
              path: Path) -> dict[str, Any]:
    """The plain values the file must hold after the change: the same, plus `values` at `keys`."""
    expected = document.unwrap()
    node: dict[str, Any] = expected
    for depth, key in enumerate(keys, 1):
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ConfigError(f"{path}: {_dotted(keys[:depth])} is not a table, so "
                              f"[{_dotted(keys)}] cannot be written")
    node.update(values)
    return expected


def _existing_table(document: TOMLDocument, keys: tuple[str, ...]) -> Any | None:
    node: Any = document
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _insert_after_last_key(table: Any, key: str, value: Scalar) -> None:
    """Add `key` after the table's last key, not after the comment that leads into the next
    table (where tomlkit's own `add` would put it)."""
    if not isinstance(table, Table):
        table[key] = value  # an inline table: inside its braces
        return
    body = table.value.body
    keyed = [index for index, (name, item) in enumerate(body)
             if name is not None and not isinstance(item, (Table, AoT))]
    position = keyed[-1] + 1 if keyed else 0
    try:
        table.value._insert_at(position, key, tomlkit.item(value))
    except (AttributeError, IndexError, ValueError):  # a tomlkit without the private helper
        table.add(key, value)


def _appended(text: str, keys: tuple[str, ...], values: Mapping[str, Scalar]) -> str:
    nested: dict[str, Any] = dict(values)
    for key in reversed(keys):
        nested = {key: nested}
    newline = "\r\n" if "\r\n" in text else "\n"
    block = tomlkit.dumps(nested).replace("\n", newline)
    if not text or text.endswith(newline * 2):
        separator = ""
    elif text.endswith(newline):
        separator = newline
    else:
        separator = newline * 2
    return text + separator + block


def set_table(text: str, keys: tuple[str, ...], values: Mapping[str, Scalar],
              path: Path | None = None) -> str:
    """`text` with the table at `keys` (e.g. ("presets", "wedding")) holding `values`: keys it
    has are changed in place, missing ones added after its last key, a new table appended at
    the end. Raises ConfigError when that cannot be done without touching anything else."""
    path = _path(path)
    document = parse_config(text, path)
    expected = _expected(document, keys, values, path)
    table = _existing_table(document, keys)
    if table is None:
        changed = _appended(text, keys, values)
    else:
        for key, value in values.items():
            if key in table:
                table[key] = value  # tomlkit keeps its line and trailing comment
            else:
                _insert_after_last_key(table, key, value)
        changed = document.as_string()
    try:
        result = parse_config(changed, path).unwrap()
    except ConfigError:
        result = None
    if result != expected:
        raise ConfigError(f"cannot write [{_dotted(keys)}] into {path} without disturbing the "
                          "rest of the file; change it by hand")
    return changed


# -- writing ---------------------------------------------------------------------------------------


def _target(path: Path) -> Path:
    """The file to replace: a symlink's target, so the link (and its repository) stays."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _write_atomically(target: Path, data: bytes) -> None:
    """Temporary file beside the target, fsynced, renamed over it; the old mode is kept (a new
    file is private to the user, as mkstemp makes it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(target.parent)


def edit_config(change: Callable[[str], str], path: Path | None = None) -> None:
    """Read the file, let `change` turn its text into the new text, and write that atomically.

    The new text must parse; the file must not have changed since it was read. ConfigError (one
    line) for every failure, and then the file is as it was."""
    path = _path(path)
    target = _target(path)
    before = _read_bytes(target)
    text = _decode(before, path)
    changed = change(text)
    if changed == text:
        return
    parse_config(changed, path)
    try:
        if _read_bytes(target) != before:
            raise ConfigError(f"{path} changed while it was being edited; nothing was written, "
                              "try again")
        _write_atomically(target, changed.encode("utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot write {path}: {error.strerror or error}") from None
