"""libgphoto2, an independent PTP/IP client, lists and fetches every file from every profile.

This keeps the simulator honest: it must behave like a camera that a third-party client already
supports, not just like what our own client expects. gphoto2 runs with HOME in a temporary folder
(it stores its GUID there), stdin closed, and a timeout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from airnef_tui.ptpip.codes import OpCode

pytestmark = pytest.mark.gphoto2

GPHOTO2 = shutil.which("gphoto2") or "/usr/bin/gphoto2"
# libgphoto2 keeps a random GUID per HOME. A real Sony only accepts an authorised GUID or one whose
# last 6 bytes are zero, so give it one of the latter, as a user of Sony's app would have to.
ZERO_MAC_SETTINGS = "ptp2_ip=guid=4a:6f:79:21:00:01:02:03:04:05:00:00:00:00:00:00\n"
LISTED = re.compile(r"^#\d+\s+(\S+)\s", re.MULTILINE)


def gphoto2(port: int, home: Path, cwd: Path, *actions: str) -> str:
    home.mkdir(exist_ok=True)
    (home / ".gphoto").mkdir(exist_ok=True)
    (home / ".gphoto" / "settings").write_text(ZERO_MAC_SETTINGS)
    cwd.mkdir(exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C"}
    done = subprocess.run([GPHOTO2, "--port", f"ptpip:127.0.0.1:{port}:{port}", *actions],
                          cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize("profile", ["generic", "nikon", "canon", "sony"])
def test_gphoto2_lists_and_fetches_a_generated_card(start_sim, tmp_path, profile):
    sim = start_sim(profile=profile, files=5)  # Sony: its one session per run, as on the camera
    out = tmp_path / "out"
    listing = gphoto2(sim.port, tmp_path / "home", out, "--list-files", "--get-all-files")
    files = sim.card.files()
    assert sorted(LISTED.findall(listing)) == sorted(f.name for f in files)
    assert any(f.size > 1 << 20 for f in files)
    for served in files:
        assert (out / served.name).read_bytes() == served.content(), served.camera_path
    opcodes = {read.opcode for read in sim.stats.reads}
    assert {OpCode.GET_OBJECT, OpCode.GET_PARTIAL_OBJECT} <= opcodes
    assert sim.stats.sessions == 1


@pytest.mark.parametrize("profile", ["generic", "nikon", "canon", "sony"])
def test_gphoto2_fetches_a_three_level_tree_from_disk_byte_identically(start_sim, tmp_path, tree,
                                                                       profile):
    root, contents = tree
    sim = start_sim(profile=profile, dirs=[root])
    out = tmp_path / "out"
    listing = gphoto2(sim.port, tmp_path / "home", out, "--list-files", "--get-all-files")
    assert sorted(LISTED.findall(listing)) == sorted(Path(p).name for p in contents)
    for relative, data in contents.items():
        assert (out / Path(relative).name).read_bytes() == data, relative
