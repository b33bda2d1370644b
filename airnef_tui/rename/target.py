"""The one place that decides where a file goes: output folder + rendered folder + name.

The preview pane and the downloader both call `plan_target`, so what the preview shows is what
gets written. `plan_relative` is the same decision as text relative to the output folder, for
callers that plan ten thousand files and do not want a Path object for each.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from pathlib import Path

from .compiled import CompiledSpec
from .errors import TargetError
from .facts import FileFacts
from .pathsafe import clean_characters, fit_name, is_clean_component, safe_component
from .spans import SANITIZED, SEPARATOR, SUFFIX, Rendered, Span, rewrite_spans

CAMERA_NAME = "filename"
UNIQUE_MARKER = "-new-"


def check_suffix(suffix: str) -> None:
    """Thumbnail suffixes come from code, not users; a bad one is a programming error."""
    if suffix and (not suffix.startswith(".") or safe_component("x" + suffix) != "x" + suffix):
        raise ValueError(f"bad thumbnail suffix {suffix!r}: want e.g. '.sthumb.jpg'")


def apply_suffix(name: str, suffix: str, camera_filename: str) -> str:
    """`name` ending in the thumbnail `suffix` exactly once.

    A name that already ends with it (the spec used `@filename@`, which holds it) is kept; a name
    ending with the camera file's extension (`….NEF`) has that extension replaced; any other name
    gets the suffix appended. The name is shortened, if need be, before the suffix.
    """
    if not suffix or name.lower().endswith(suffix.lower()):
        return name
    extension = posixpath.splitext(camera_filename)[1]
    if extension and len(name) > len(extension) and name.lower().endswith(extension.lower()):
        name = name[: -len(extension)]
    return fit_name(name, suffix)


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def camera_name(name: str) -> str:
    """The camera's own file name made safe (a camera is an untrusted peer)."""
    return name if clean_characters(name) == name and is_clean_component(name) \
        else safe_component(name)


def plan_relative(facts: FileFacts, name_spec: CompiledSpec | None,
                  dir_spec: CompiledSpec | None, suffix: str = ""
                  ) -> tuple[str, tuple[Span, ...]] | TargetError:
    """The target relative to the output folder (`/`-separated) with spans saying which
    specifier produced which characters, or why there is none."""
    if suffix:
        facts = facts.for_thumbnail(suffix)
    folder = dir_spec.render(facts) if dir_spec is not None else None
    return plan_in_folder(facts, folder, name_spec, suffix)


def plan_in_folder(facts: FileFacts, folder: Rendered | None, name_spec: CompiledSpec | None,
                   suffix: str = "") -> tuple[str, tuple[Span, ...]] | TargetError:
    """`plan_relative` for facts already adjusted for `suffix` and a folder already rendered
    (the preview keeps folders while the name spec is being typed)."""
    if name_spec is None:
        raw = facts.local_filename
        name = camera_name(raw)
        name_spans = rewrite_spans([Span(0, len(raw), CAMERA_NAME)] if raw else [], raw, name,
                                   SANITIZED)
    else:
        rendered = name_spec.render(facts)
        if rendered.error is not None:
            return TargetError(rendered.error_code or "empty_name", rendered.error)
        name, name_spans = rendered.text, list(rendered.spans)
    final = apply_suffix(name, suffix, facts.camera_filename)
    name_spans = rewrite_spans(list(name_spans), name, final, SUFFIX)
    if folder is None or not folder.text:
        return final, tuple(name_spans)
    offset = len(folder.text) + 1
    spans = [*folder.spans, Span(offset - 1, offset, SEPARATOR),
             *(Span(s.start + offset, s.end + offset, s.source) for s in name_spans)]
    return _join(folder.text, final), tuple(spans)


def is_confined(relative: str) -> bool:
    """True if `relative` names something strictly inside the folder it is relative to."""
    if not relative or relative.startswith("/") or "\\" in relative or "\x00" in relative:
        return False
    parts = relative.split("/")
    return all(part not in ("", ".", "..") for part in parts) and not os.path.isabs(relative)


def plan_target(facts: FileFacts, name_spec: CompiledSpec | None, dir_spec: CompiledSpec | None,
                output_dir: Path, suffix: str = "") -> Path | TargetError:
    """Where `facts`' file goes: a path strictly inside `output_dir`, or a TargetError.

    `name_spec` None keeps the camera's name (made safe); `dir_spec` None puts files straight in
    `output_dir`. `suffix` (e.g. ".sthumb.jpg") marks a thumbnail download: see `apply_suffix`.
    Touches no file system: confinement is checked on the path text.
    """
    check_suffix(suffix)
    planned = plan_relative(facts, name_spec, dir_spec, suffix)
    if isinstance(planned, TargetError):
        return planned
    relative = planned[0]
    if not is_confined(relative):
        # Unreachable by construction; kept so that a future bug fails safe, not outside.
        return TargetError("outside_output", f"refusing a target outside the output folder: "
                                             f"{relative!r}")
    return output_dir.joinpath(*relative.split("/"))


def unique_candidate(name: str, number: int) -> str:
    """`name` with `-new-<number>` before its extension, shortened to stay a valid name."""
    root, extension = posixpath.splitext(name)
    return fit_name(root, f"{UNIQUE_MARKER}{number}{extension}")


def unique_name(path: Path, exists: Callable[[Path], bool]) -> Path:
    """`path` if it is free, else the first free `root-new-N.ext` for N = 1, 2, …

    airnef's `--ifexists uniquename`. `exists` is asked about each candidate (pure: the caller
    decides what "exists" means, a disk or a set of names already planned).
    """
    if not exists(path):
        return path
    number = 1
    while True:
        candidate = path.with_name(unique_candidate(path.name, number))
        if not exists(candidate):
            return candidate
        number += 1
