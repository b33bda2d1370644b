"""airnef 1.1's command line, end to end: `airnefcmd` downloads what airnef would have."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from e2e_support import TREE, address, basename, python_env, tree_of

from airnef_tui.airnefcmd import main as airnefcmd

JPGS_NEWEST_FIRST = ["DCIM/101TEST/SUB/C001.JPG", "DCIM/100TEST/A001.JPG",
                     "DCIM/101TEST/B001.JPG", "DCIM/100TEST/a003.jpg"]


@pytest.fixture
def run(capsys):
    def go(*argv):
        capsys.readouterr()
        code = airnefcmd([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return go


def downloaded_in_order(out: str) -> list[str]:
    return re.findall(r"\] downloaded (\S+) → ", out)


@pytest.mark.parametrize("where", ["HOST:PORT", "--port"])
def test_airnef_style_get(where, run, start_sim, card_tree, tmp_path):
    root, contents = card_tree
    sim = start_sim(profile="nikon", dirs=[root])
    out = tmp_path / "D"
    camera = (["--ipaddress", address(sim)] if where == "HOST:PORT"
              else ["--ipaddress", "127.0.0.1", "--port", str(sim.port)])
    argv = [*camera, "--extlist", "JPG", "--outputdir", out, "--ifexists", "skip",
            "--downloadhistory", "ignore", "--transferorder", "newestfirst"]

    code, stdout, stderr = run(*argv)

    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert downloaded_in_order(stdout) == JPGS_NEWEST_FIRST  # only JPGs (any case), newest first
    assert tree_of(out) == {basename(p): contents[p] for p in JPGS_NEWEST_FIRST}
    for path in JPGS_NEWEST_FIRST:
        assert int((out / basename(path)).stat().st_mtime) == int(TREE[path][1])

    # airnef again: the history is ignored, so every file is considered and skipped as existing
    code, stdout, stderr = run(*argv)
    assert code == 0, stderr
    assert downloaded_in_order(stdout) == []
    assert stdout.splitlines()[-1].startswith("0 downloaded, 4 skipped as existing, 0 failed")


def test_airnef_style_listfiles_and_abbreviations(run, start_sim, card_tree):
    root, _ = card_tree
    sim = start_sim(dirs=[root])
    code, stdout, stderr = run("--ipaddr", address(sim), "--action", "listfiles", "--ext",
                               "NEF", "<noext>")
    assert code == 0, stderr
    assert "A002.NEF" in stdout and "NOTES" in stdout
    assert "A001.JPG" not in stdout


def test_airnef_style_refusal(run, start_sim, tmp_path):
    sim = start_sim(profile="canon", paired_guid=bytes(16))
    code, _, stderr = run("--ipaddress", address(sim), "--outputdir", tmp_path / "D")
    assert code == 4
    assert "Traceback" not in stderr and "refused" in stderr


def test_airnefcmd_process_against_the_simulate_command(sim_process, card_tree, tmp_path):
    """Both command lines as a user runs them: `airnef-tui simulate --dir` and `airnefcmd`."""
    root, contents = card_tree
    _, port = sim_process("--profile", "nikon", "--dir", root)
    out = tmp_path / "D"
    process = subprocess.run(
        [sys.executable, "-m", "airnef_tui.airnefcmd", "--ipaddress", f"127.0.0.1:{port}",
         "--extlist", "JPG", "--outputdir", str(out), "--ifexists", "skip",
         "--downloadhistory", "ignore", "--transferorder", "newestfirst"],
        capture_output=True, text=True, timeout=30, env=python_env())
    assert process.returncode == 0, process.stderr
    assert downloaded_in_order(process.stdout) == JPGS_NEWEST_FIRST
    assert tree_of(out) == {basename(p): contents[p] for p in JPGS_NEWEST_FIRST}
