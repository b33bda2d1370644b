"""airnef's exit codes as a shell really sees them: a POSIX exit status is one byte, so a child
process's status is airnef's number modulo 256 (4004 arrives as 164), as it was with airnef.

`main` returns the numbers themselves (tests/airnefcmd/test_airnefcmd_main.py checks that); these
tests run airnefcmd as a program and look at the status its parent gets, and check the README's
table against both."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from airnef_tui.airnefcmd.legacy_exit_codes import AIRNEF_CODE, ENVIRONMENT_VARIABLE

pytestmark = pytest.mark.skipif(sys.platform == "win32",
                                reason="Windows keeps the whole exit code; this is about POSIX")

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
AIRNEFCMD_DOC = README.split("\n## airnef's command line: `airnefcmd`\n", 1)[1].split("\n## ", 1)[0]

# Ends the child with `code` from what stands in for airnef-tui, through airnefcmd's __main__.
CHILD = """
import runpy, sys
from airnef_tui import cli
cli.main = lambda argv: {code}
sys.argv = ["airnefcmd"]
runpy.run_module("airnef_tui.airnefcmd", run_name="__main__")
"""


def _environment(legacy: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.pop(ENVIRONMENT_VARIABLE, None)
    if legacy:
        env[ENVIRONMENT_VARIABLE] = "1"
    return env


def _status_of_child_ending_with(code: int, legacy: bool) -> int:
    done = subprocess.run([sys.executable, "-c", CHILD.format(code=code)], capture_output=True,
                          text=True, env=_environment(legacy), timeout=60)
    assert done.stderr == "", done.stderr
    return done.returncode


# (our code, the status a shell sees in legacy mode: airnef's number modulo 256)
LEGACY_STATUS = [
    (0, 0),      # airnef 0
    (1, 142),    # airnef 5006
    (2, 136),    # airnef 5000
    (3, 164),    # airnef 4004
    (4, 160),    # airnef 4000
    (130, 4),    # airnef 4 (EINTR)
]


@pytest.mark.parametrize(("ours", "shell_sees"), LEGACY_STATUS)
def test_legacy_status_is_airnefs_number_modulo_256(ours, shell_sees):
    assert _status_of_child_ending_with(ours, legacy=True) == shell_sees
    assert AIRNEF_CODE[ours] % 256 == shell_sees


@pytest.mark.parametrize("ours", [ours for ours, _ in LEGACY_STATUS])
def test_our_codes_reach_the_shell_unchanged(ours):
    assert _status_of_child_ending_with(ours, legacy=False) == ours


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(("legacy", "shell_sees"), [(True, 164), (False, 3)])
def test_an_unreachable_camera_shows_164_as_it_did_with_airnef(legacy, shell_sees, tmp_path):
    """No stand-in here: the real airnefcmd, a port nothing listens on."""
    done = subprocess.run(
        [sys.executable, "-m", "airnef_tui.airnefcmd", "--ipaddress",
         f"127.0.0.1:{_closed_port()}", "--retrycount", "1", "--connecttimeout", "2",
         "--outputdir", str(tmp_path / "out")],
        capture_output=True, text=True, env=_environment(legacy), timeout=60)
    assert done.returncode == shell_sees, done.stderr
    assert "cannot reach camera" in done.stderr


TABLE_ROW = re.compile(r"^\| (\d+) \| [^|]+ \| (\d+) \| (.+) \|$", re.M)


def test_the_readme_table_gives_what_a_shell_sees_and_what_we_return():
    rows = TABLE_ROW.findall(AIRNEFCMD_DOC)
    airnefs = [int(code) for code, _, _ in rows]
    assert airnefs == [0, 4, *range(4000, 4005), *range(5000, 5014)]
    returned_for = {}
    for code, shown, ours in rows:
        assert int(shown) == int(code) % 256, code
        if ours != "—":
            returned_for[int(code)] = int(ours.split()[0])
    assert returned_for == {airnef: ours for ours, airnef in AIRNEF_CODE.items()}
