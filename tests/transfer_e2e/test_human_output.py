"""Output for people: plain whole lines when stdout is not a terminal (cron, pipes, logs), redrawn
in place on a terminal, and a summary line with the counts at the end."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

from e2e_support import TREE, address, python_env

SUMMARY = re.compile(r"(\d+) downloaded(?:, (\d+) skipped as already downloaded)?"
                     r"(?:, (\d+) skipped as existing)?, (\d+) failed; .+")


def counts(line: str) -> tuple[int, int, int, int]:
    match = SUMMARY.fullmatch(line)
    assert match, line
    return tuple(int(g or 0) for g in match.groups())  # type: ignore[return-value]


def test_not_a_terminal_gives_plain_lines_and_a_summary(start_sim, card_tree, cli, tmp_path):
    root, _ = card_tree
    sim = start_sim(dirs=[root], rate=4_000_000)  # ~0.4 s: progress events do fire
    out = tmp_path / "out"
    out.mkdir()
    (out / "NOTES").write_bytes(b"here")

    result = cli("get", address(sim), "-o", out, "--if-exists", "skip", "--ext", "JPG", "NEF",
                 "<NOEXT>")

    assert result.code == 0, result.err
    assert "\r" not in result.out and "\x1b" not in result.out
    lines = result.out.splitlines()
    assert lines[0].startswith(f"{sim.profile.manufacturer} {sim.model}")
    assert "6 file(s)" in lines[0]
    per_file = lines[1:-1]
    assert len(per_file) == len(TREE)
    assert all(re.match(r"\[\d/6\] (downloaded|skipped) ", line) for line in per_file), per_file
    assert any("skipped DCIM/101TEST/NOTES (target exists)" in line for line in per_file)
    assert counts(lines[-1]) == (5, 0, 1, 0)

    again = cli("get", address(sim), "-o", out, "--if-exists", "skip")

    assert counts(again.out.splitlines()[-1]) == (0, 5, 1, 0)


def test_failures_are_counted_in_the_summary(start_sim, cli, tmp_path):
    sim = start_sim(files=2)
    result = cli("get", address(sim), "-o", tmp_path / "out", "--name", "@filename:99:@")
    assert result.code == 1
    lines = result.out.splitlines()
    assert sum(" FAILED " in line for line in lines) == 2
    assert counts(lines[-1]) == (0, 0, 0, 2)


def test_list_prints_a_table(start_sim, card_tree, cli, tmp_path):
    root, _ = card_tree
    sim = start_sim(dirs=[root])
    result = cli("list", address(sim), "-o", tmp_path)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith(f"{sim.profile.manufacturer} {sim.model}") and "6 file(s)" in lines[0]
    assert len(lines) == 1 + len(TREE)
    assert f"→ {tmp_path / 'A001.JPG'}" in result.out
    assert "2024-05-03 10:00:00" in result.out


def test_a_terminal_gets_a_status_line_redrawn_in_place(start_sim, card_tree, tmp_path):
    root, _ = card_tree
    sim = start_sim(dirs=[root], rate=2_000_000)  # ~0.8 s: several redraws
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "airnef_tui", "get", address(sim), "-o", str(tmp_path / "out")],
        stdout=slave, stderr=subprocess.PIPE, env=python_env())
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(30)
    os.close(master)
    process.stderr.close()
    text = b"".join(chunks).decode()
    assert process.returncode == 0
    assert "\r\x1b[K" in text  # redrawn in place
    assert re.search(r"\[\d/6\] \S+ \d+% · .+ of .+ · .+/s", text), text
    final = text.replace("\r\n", "\n").split("\n")
    assert counts(final[-2].split("\r\x1b[K")[-1]) == (6, 0, 0, 0)
