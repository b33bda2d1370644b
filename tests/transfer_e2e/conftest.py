"""Fixtures for the end-to-end tests of `airnef-tui list` / `get` (and `airnefcmd`) against the
simulator over real loopback sockets, with the real SQLite history under AIRNEF_TUI_HOME (set per
test by tests/conftest.py). No mocks of our own code: the simulator is the camera. The CLI runs
in-process through `airnef_tui.cli.main` (fast) except where a signal or a resource limit needs a
real process. Plain helpers live in e2e_support.py."""

from __future__ import annotations

import re
import socket
import subprocess
import sys

import pytest
from e2e_support import TREE, CliResult, python_env, write_card

from airnef_tui.simulator import Simulator


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """A tripwire: any name lookup in this process for a host other than loopback fails the test
    (a mistyped address must never become a DNS query that leaves the machine)."""
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        text = host.decode() if isinstance(host, bytes) else host
        if text not in LOOPBACK:
            raise AssertionError(f"a name lookup left loopback: {host!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


@pytest.fixture(autouse=True)
def short_minimum_session(monkeypatch):
    """The 1 s minimum session for Nikon bodies would dominate in-process tests (the fixture of
    tests/camera/conftest.py; a candidate for tests/conftest.py)."""
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 0.0)


@pytest.fixture
def start_sim(start_sim):
    """tests/conftest.py's start_sim with Sony's one-session rule lifted: most tests here connect
    more than once."""

    def start(**options) -> Simulator:
        options.setdefault("sony_single_session", False)
        return start_sim(**options)

    return start


@pytest.fixture
def card_tree(tmp_path):
    """(root, {relative path: bytes}) of the 3-level card e2e_support.TREE describes."""
    root = tmp_path / "card"
    return root, write_card(root, TREE)


@pytest.fixture
def cli(capsys):
    """cli(*argv) runs `airnef-tui ARGV` in-process and returns a CliResult; argparse's
    SystemExit becomes the exit code."""
    from airnef_tui.cli import main

    def run(*argv) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as leaving:
            code = leaving.code if isinstance(leaving.code, int) else 1
        out, err = capsys.readouterr()
        return CliResult(int(code), out, err)

    return run


@pytest.fixture
def sim_process():
    """sim_process(*simulate_args): `python -m airnef_tui simulate --port 0 ARGS` in its own
    process, so that killing a client cannot take the camera with it; returns (process, port)."""
    started: list[subprocess.Popen] = []

    def start(*args) -> tuple[subprocess.Popen, int]:
        process = subprocess.Popen(
            [sys.executable, "-m", "airnef_tui", "simulate", "--port", "0", *map(str, args)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=python_env())
        started.append(process)
        line = process.stdout.readline()
        match = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)\s*", line)
        assert match, f"simulator said {line!r}"
        return process, int(match.group(1))

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()
