"""Architecture rules that keep the headless commands fast and the layers honest."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "airnef_tui"
HEADLESS_MODULES = [
    "airnef_tui.cli", "airnef_tui.ptpip", "airnef_tui.camera", "airnef_tui.simulator",
    "airnef_tui.rename", "airnef_tui.transfer", "airnef_tui.airnefcmd",
]


def _imported_roots(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_tui_imports_textual_or_rich():
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*.py")
        if "tui" not in path.relative_to(PACKAGE).parts[:1]
        and _imported_roots(path) & {"textual", "rich"}
    ]
    assert offenders == []


def test_headless_modules_do_not_load_textual_or_rich():
    existing = [m for m in HEADLESS_MODULES
                if (PACKAGE / m.split(".", 1)[1].replace(".", "/")).exists()
                or (PACKAGE / (m.split(".", 1)[1].replace(".", "/") + ".py")).exists()]
    assert "airnef_tui.cli" in existing
    code = (
        "import importlib, sys\n"
        f"for name in {existing!r}:\n"
        "    importlib.import_module(name)\n"
        "import airnef_tui.cli as cli\n"
        "cli.build_parser()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_pure_layers_do_no_io():
    """ptpip/ and rename/ take bytes and facts, never sockets, files or the clock."""
    forbidden = {"socket", "selectors", "subprocess", "threading", "time"}
    offenders = {}
    for layer in ("ptpip", "rename"):
        for path in (PACKAGE / layer).rglob("*.py"):
            bad = _imported_roots(path) & forbidden
            if bad:
                offenders[str(path.relative_to(PACKAGE))] = sorted(bad)
    assert offenders == {}
