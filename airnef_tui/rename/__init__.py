"""The rename engine: airnef 1.1's spec language, compiled once, rendered per file, path-safe.

Pure: no files, sockets or clocks, except `presets`, which reads and writes the config file when
asked. The README's "Renaming files" section describes the language as users see it.

What other layers call:
- `compile_spec` / `compile_optional` once per spec text (SpecError on mistakes);
- `plan_target` for each file to download (the one place that decides paths), `unique_name` for
  `--if-exists uniquename`, `safe_component` for any name a camera supplies;
- `PreviewModel` behind the TUI's rename pane; `presets` for named specs.
"""

from .compiled import CompiledSpec, ValueColumns
from .errors import PresetError, SpecError, TargetError
from .facts import FileFacts, photo_day
from .parser import compile_optional, compile_spec
from .pathsafe import safe_component
from .presets import BUILTIN_PRESETS, Preset
from .preview import IF_EXISTS_POLICIES, IfExists, Outcome, PreviewModel, PreviewRow
from .spans import Rendered, Span
from .specifiers import SPECIFIERS, Specifier
from .target import apply_suffix, camera_name, plan_relative, plan_target, unique_name

__all__ = [
    "BUILTIN_PRESETS", "IF_EXISTS_POLICIES", "SPECIFIERS", "CompiledSpec", "FileFacts",
    "IfExists", "Outcome", "Preset", "PresetError", "PreviewModel", "PreviewRow", "Rendered",
    "Span", "SpecError", "Specifier", "TargetError", "ValueColumns", "apply_suffix",
    "camera_name", "compile_optional", "compile_spec", "photo_day", "plan_relative",
    "plan_target", "safe_component", "unique_name",
]
