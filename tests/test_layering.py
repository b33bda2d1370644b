"""Architecture rules that keep the headless commands fast and the layers honest."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "airnef_tui"
HEADLESS_MODULES = [
    "airnef_tui.cli", "airnef_tui.ptpip", "airnef_tui.camera", "airnef_tui.simulator",
    "airnef_tui.rename", "airnef_tui.transfer", "airnef_tui.airnefcmd", "airnef_tui.config",
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


def _imported_modules(path: pathlib.Path) -> set[str]:
    """Every airnef_tui module a file imports, at any depth of the file (lazy imports count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name for name in names if name.startswith("airnef_tui.")}


def _package_imports(package: str) -> dict[str, set[str]]:
    return {str(path.relative_to(PACKAGE.parent)): _imported_modules(path)
            for path in (PACKAGE / package).rglob("*.py")}


# Which packages each package may import. Data flows down: the interfaces over the shared
# application layer, which drives transfer/rename/camera, which speak ptpip.
ALLOWED = {
    "tui": {"app", "camera", "discovery", "transfer", "rename", "simulator", "ptpip", "exitcodes",
            "paths", "state", "tui", "config"},
    "headless": {"app", "camera", "discovery", "transfer", "rename", "ptpip", "exitcodes",
                 "paths", "state", "headless"},
    "airnefcmd": {"cli", "camera", "exitcodes", "airnefcmd"},
    "app": {"app", "camera", "discovery", "transfer", "rename", "ptpip", "state", "paths"},
    "discovery": {"discovery", "camera", "ptpip", "state", "paths"},
    "transfer": {"transfer", "camera", "rename", "ptpip"},
    "camera": {"camera", "ptpip", "state"},
    "simulator": {"simulator", "discovery", "ptpip", "exitcodes"},
    "rename": {"rename", "paths", "config"},
    "config": {"config", "paths"},
    "ptpip": {"ptpip"},
}


def test_every_package_imports_only_the_layers_below_it():
    breaches = {}
    for package, allowed in ALLOWED.items():
        for module, imports in _package_imports(package).items():
            bad = sorted(name for name in imports if name.split(".")[1] not in allowed)
            if bad:
                breaches[module] = bad
    assert breaches == {}


def test_tui_and_headless_are_siblings_that_never_import_each_other():
    crossing = {module: sorted(name for name in imports if name.startswith(other))
                for side, other in (("tui", "airnef_tui.headless"), ("headless", "airnef_tui.tui"))
                for module, imports in _package_imports(side).items()}
    assert {module: names for module, names in crossing.items() if names} == {}


MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def test_modules_and_functions_stay_small():
    """One concept a module, one step a function: past these sizes a second one is hiding."""
    too_long = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(PACKAGE.parent))
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}:{node.lineno} {node.name}(): {length} lines")
    assert too_long == []
