"""Isolation shared by every test: no test touches the user's real history, config or GUID, and
discovery stays on loopback."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from airnef_tui.simulator import Simulator, SimulatorConfig


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("airnef-home")
    monkeypatch.setenv("AIRNEF_TUI_HOME", str(home))
    monkeypatch.setenv("AIRNEF_TUI_INTERFACES", "127.0.0.1")
    return home


@pytest.fixture
def start_sim():
    """start_sim(**config): a started simulated camera on a free 127.0.0.1 port (a small
    generated card unless told otherwise), stopped at the end of the test."""
    started: list[Simulator] = []

    def start(**options) -> Simulator:
        options.setdefault("port", 0)
        options.setdefault("files", 4)
        sim = Simulator(SimulatorConfig(**options)).start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


# Independent clients the suite drives when they are installed. A fresh machine with only python3
# may lack them, and the rest of the suite still runs; CI installs both (.ci/run), so there a
# missing one fails instead of skipping quietly.
EXTERNAL_TOOLS = {"gphoto2": "gphoto2", "tmux": "tmux"}


def pytest_collection_modifyitems(config, items):
    in_ci = os.environ.get("CI") == "true"
    for marker, program in EXTERNAL_TOOLS.items():
        if shutil.which(program) or in_ci:
            continue
        skip = pytest.mark.skip(reason=f"{program} is not installed (sudo apt install {program})")
        for item in items:
            if marker in item.keywords:
                item.add_marker(skip)


# Parallel workers (pytest-xdist's -n) each start in a network namespace of their own, so that
# no worker's cameras, mDNS or SSDP reach another's loopback (tests/isolated_python.py). Where
# namespaces are not allowed the suite runs in this one process instead, as before: correct,
# only slower.
ISOLATED_PYTHON = Path(__file__).with_name("isolated_python.py")


def _isolation_refused() -> str | None:
    """None when workers can have their own network, else why not (one line)."""
    try:
        result = subprocess.run([sys.executable, str(ISOLATED_PYTHON), "--check"],
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    return None if result.returncode == 0 else result.stderr.strip()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    workers = getattr(config.option, "tx", None)
    if hasattr(config, "workerinput") or not workers:
        return
    if any(spec != "popen" for spec in workers):
        return  # the user's own --tx: theirs to isolate
    refused = _isolation_refused()
    if refused is None:
        python = shlex.join([sys.executable, str(ISOLATED_PYTHON), sys.executable])
        config.option.tx = [f"popen//python={python}"] * len(workers)
        return
    print(f"tests: one process, not {len(workers)} workers: {refused}", file=sys.stderr)
    config.option.numprocesses = 0
    config.option.dist = "no"
    config.option.tx = []
