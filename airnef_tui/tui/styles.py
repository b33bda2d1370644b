"""Finding the stylesheet both in a source checkout and in an installed wheel.

The stylesheet lives in the checkout's top-level `styles/` folder; the wheel carries the same
folder inside the package as `airnef_tui/styles/` (pyproject's force-include). Textual resolves a
relative CSS_PATH against the module defining the App, which cannot name both places, so the path
is resolved here, to an absolute path, before the App class is defined.
"""

from __future__ import annotations

from pathlib import Path

STYLESHEET = "app.tcss"


def stylesheet_path(package_dir: Path | None = None) -> Path:
    """`<package>/styles/app.tcss` when installed, else `<checkout>/styles/app.tcss`."""
    package = package_dir or Path(__file__).resolve().parents[1]
    candidates = (package / "styles" / STYLESHEET, package.parent / "styles" / STYLESHEET)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"airnef-tui's stylesheet is missing: looked for {candidates[0]} and {candidates[1]}")
