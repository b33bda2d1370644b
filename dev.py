#!/usr/bin/env python3
"""Set-up and entry point for a checkout: `python3 dev.py demo` and `python3 dev.py test`.

Why a Python script rather than make or a shell script: a fresh Raspberry Pi OS or Debian has
python3 and python3-venv but not necessarily make, and this file must work before anything else is
installed. It creates (or reuses) `.venv/` beside itself, installs the project in editable mode
with its test extra, and re-installs only when `pyproject.toml` changed since the last install.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# Most of a test's time is spent waiting on sockets and timeouts, not computing, so four workers
# finish in about a third of the time even on two cores. Each has its own loopback network
# (tests/conftest.py), or, where that is not allowed, the suite runs in one process.
TEST_WORKERS = "4"
VENV = ROOT / ".venv"
STAMP = VENV / ".airnef-tui-installed"

USAGE = """usage: python3 dev.py COMMAND [ARGS...]

commands:
  demo [ARGS...]    launch airnef-tui against a built-in simulated camera (airnef-tui --demo)
  test [ARGS...]    run the test suite in 4 workers (ARGS go to pytest; -n 0: one process)
  run  ARGS...      run airnef-tui with ARGS inside the project's virtual environment
  bench NAME        run benchmarks/NAME.py inside the project's virtual environment
  venv              only create or update .venv/
"""


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _wanted_stamp() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> Path:
    """Create .venv and install the project into it, unless it is already up to date."""
    python = _venv_python()
    if not python.exists():
        print(f"dev.py: creating virtual environment in {VENV}", file=sys.stderr)
        try:
            venv.EnvBuilder(with_pip=True, upgrade_deps=False).create(VENV)
        except Exception as exc:  # ensurepip missing on Debian without python3-venv
            sys.exit(f"dev.py: cannot create {VENV}: {exc}\n"
                     "dev.py: on Debian or Raspberry Pi OS: sudo apt install python3-venv")
    if not STAMP.exists() or STAMP.read_text().strip() != _wanted_stamp():
        print("dev.py: installing airnef-tui and its test dependencies into .venv", file=sys.stderr)
        pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run(pip + ["install", "--upgrade", "pip"], check=False)
        result = subprocess.run(pip + ["install", "-e", f"{ROOT}[test]"])
        if result.returncode != 0:
            sys.exit("dev.py: pip install failed (see above)")
        STAMP.write_text(_wanted_stamp() + "\n")
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE, end="")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in {"demo", "test", "run", "bench", "venv"}:
        print(f"dev.py: unknown command {command!r}\n\n{USAGE}", end="", file=sys.stderr)
        return 2
    python = str(ensure_venv())
    os.chdir(ROOT)
    if command == "venv":
        return 0
    if command == "demo":
        args = [python, "-m", "airnef_tui", "--demo", *rest]
    elif command == "test":
        chosen = any(arg.startswith(("-n", "--numprocesses")) for arg in rest)
        workers = [] if chosen else ["-n", TEST_WORKERS]
        args = [python, "-m", "pytest", *workers, *rest]
    elif command == "bench":
        if not rest:
            print("dev.py: bench needs a benchmark name, e.g. `python3 dev.py bench download`",
                  file=sys.stderr)
            return 2
        args = [python, str(ROOT / "benchmarks" / f"{rest[0]}.py"), *rest[1:]]
    else:
        args = [python, "-m", "airnef_tui", *rest]
    try:
        return subprocess.call(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
