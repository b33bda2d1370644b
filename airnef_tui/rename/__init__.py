"""The rename engine: airnef 1.1's spec language, compiled once, rendered per file, path-safe.

Pure: no files, sockets or clocks (except `presets`, which reads and writes the config file).
See docs/rename.md for the language as users see it.
"""

from .compiled import CompiledSpec, ValueColumns
from .errors import PresetError, SpecError, TargetError
from .facts import FileFacts, photo_day
from .parser import compile_optional, compile_spec
from .pathsafe import safe_component
from .spans import Rendered, Span
from .specifiers import SPECIFIERS, Specifier
from .target import apply_suffix, camera_name, plan_relative, plan_target, unique_name

__all__ = [
    "SPECIFIERS", "CompiledSpec", "FileFacts", "PresetError", "Rendered", "Span", "SpecError",
    "Specifier", "TargetError", "ValueColumns", "apply_suffix", "camera_name", "compile_optional",
    "compile_spec", "photo_day", "plan_relative", "plan_target", "safe_component", "unique_name",
]
