"""Turning any text into one file or folder name that every common filesystem accepts.

Used for the output of rename specs and, by the transfer layer, for names a camera supplies: a
camera is an untrusted peer on the network, and its names must not walk out of the download
folder, hide files, or fail to write on a Windows or exFAT disk.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata

#: Longest name, in UTF-8 bytes, that ext4, APFS, NTFS and exFAT all accept.
MAX_NAME_BYTES = 255
#: An "extension" longer than this is not one worth keeping when a name is shortened.
MAX_KEPT_EXTENSION_BYTES = 32

_ILLEGAL = '/\\:*?"<>|'
REPLACEMENT = "_"

#: str.translate table replacing every character no common filesystem takes in a name.
COMPONENT_TABLE: dict[int, str] = {
    **{code: REPLACEMENT for code in range(0x20)},
    0x7F: REPLACEMENT,
    **{code: REPLACEMENT for code in range(0x80, 0xA0)},
    # Lone surrogates (a camera's broken UTF-16) cannot be encoded, so cannot be written.
    **{code: REPLACEMENT for code in range(0xD800, 0xE000)},
    **{ord(char): REPLACEMENT for char in _ILLEGAL},
    # Bidirectional controls make `photo\u202egpj.exe` display as `photoexe.jpg`: never keep them.
    **{code: REPLACEMENT for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                                      *range(0x2066, 0x206A))},
}
#: The same for a folder path: `/` separates folders, `\` too (airnef's Windows spelling).
DIR_TABLE: dict[int, str] = {**COMPONENT_TABLE, ord("/"): "/", ord("\\"): "/"}

# Finding nothing to replace is far cheaper than a translate(), and it is the common case.
_UNSAFE = re.compile("[" + "".join(
    re.escape(chr(code)) for code in sorted(COMPONENT_TABLE) if code < 0xD800)
    + "\ud800-\udfff]")


def clean_characters(text: str) -> str:
    """`text` with every character illegal in a name replaced by `_` (nothing else changed)."""
    return text.translate(COMPONENT_TABLE) if _UNSAFE.search(text) else text

# Device names Windows will not create as files, with or without an extension.
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{dev}{n}" for dev in ("COM", "LPT") for n in range(1, 10)])
_RESERVED_PREFIXES = frozenset(name[:3] for name in _WINDOWS_RESERVED)
_RESERVED_INITIALS = frozenset(name[0] for name in _WINDOWS_RESERVED) | \
    frozenset(name[0].lower() for name in _WINDOWS_RESERVED)


def _is_reserved(name: str) -> bool:
    return name[0] in _RESERVED_INITIALS and name[:3].upper() in _RESERVED_PREFIXES and \
        name.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED


def is_clean_component(name: str) -> bool:
    """True if `safe_component(name) == name`, decided quickly for the common case.

    Only meant for text whose characters were already cleaned with COMPONENT_TABLE.
    """
    if not name or name[0] == "." or name[-1] in " ." or \
            name[-5:].lower() == PARTIAL_SUFFIX:
        return False
    if name.isascii():
        if len(name) > MAX_NAME_BYTES:
            return False
    elif len(name.encode("utf-8")) > MAX_NAME_BYTES or \
            not unicodedata.is_normalized("NFC", name):
        return False
    return name[0] not in _RESERVED_INITIALS or not _is_reserved(name)


#: Downloads land through `<target>.part`; a target that itself ended so could be overwritten by
#: another file's partial download, so such names get a `_` appended.
PARTIAL_SUFFIX = ".part"


def _fix_ends(name: str) -> str:
    """No trailing dot or space (Windows drops them silently), no leading dot (a hidden file),
    no `.part` ending (reserved for downloads in progress)."""
    name = name.rstrip(" .")
    if name.startswith("."):
        name = REPLACEMENT + name[1:]
    if name.lower().endswith(PARTIAL_SUFFIX):
        name += REPLACEMENT
    return name


def _utf8_prefix(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` that fits in `max_bytes` of UTF-8, cut between characters."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")


def fit_name(root: str, tail: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """`root + tail`, shortening `root` so the whole fits in `max_bytes` of UTF-8.

    Why a separate tail: an extension, a `-new-3` marker or a thumbnail suffix must survive the
    cut, or the file would lose its type or its uniqueness.
    """
    room = max_bytes - len(tail.encode("utf-8"))
    if room <= 0:
        return _utf8_prefix(root + tail, max_bytes)
    return _utf8_prefix(root, room) + tail


def _split_extension(name: str) -> tuple[str, str]:
    root, extension = posixpath.splitext(name)
    if len(extension.encode("utf-8")) > MAX_KEPT_EXTENSION_BYTES:
        return name, ""
    return root, extension


def safe_component(text: str) -> str:
    """`text` made into one safe file or folder name; never empty, never `.` or `..`.

    Characters `/ \\ : * ? " < > |`, NUL and other control characters become `_`; trailing dots
    and spaces are removed; a leading dot becomes `_` (so `..` becomes `__`); Windows device names
    (CON, NUL, COM1…) get a `_` prefix; the result is NFC-normalised and at most 255 UTF-8 bytes,
    shortened before its extension. Text with nothing usable left becomes `_`.
    """
    name = clean_characters(unicodedata.normalize("NFC", text))
    if name and set(name) <= {"."}:
        return REPLACEMENT * min(len(name), MAX_NAME_BYTES)
    name = _fix_ends(name)
    if not name:
        return REPLACEMENT
    if _is_reserved(name):
        name = REPLACEMENT + name
    if len(name) * 4 > MAX_NAME_BYTES and len(name.encode("utf-8")) > MAX_NAME_BYTES:
        root, extension = _split_extension(name)
        name = _fix_ends(fit_name(root, extension))
        # Cutting may have split a decomposed sequence that NFC would now compose differently.
        name = unicodedata.normalize("NFC", name)
        if not name:
            return REPLACEMENT
    return name
