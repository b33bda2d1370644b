"""`main`: help, warnings, handing the translation to `airnef_tui.cli.main`, and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from airnef_tui import cli
from airnef_tui.airnefcmd import main, translate
from airnef_tui.airnefcmd.options import OPTIONS, Kind, Section


class FakeCli:
    """Stands in for `airnef_tui.cli.main`: records what it was given, ends as told."""

    def __init__(self, ends_with: int | BaseException = 0):
        self.calls: list[list[str]] = []
        self.ends_with = ends_with

    def __call__(self, argv):
        self.calls.append(list(argv))
        if isinstance(self.ends_with, BaseException):
            raise self.ends_with
        return self.ends_with


@pytest.fixture
def fake_cli(monkeypatch):
    def install(ends_with: int | BaseException = 0) -> FakeCli:
        fake = FakeCli(ends_with)
        monkeypatch.setattr(cli, "main", fake)
        return fake
    return install


def test_main_runs_the_translation(fake_cli, capsys):
    fake = fake_cli()
    airnef = ["--ipaddress", "127.0.0.1", "--extlist", "JPG", "--outputdir", "D"]
    assert main(airnef) == 0
    assert fake.calls == [translate(airnef).argv]
    assert capsys.readouterr() == ("", "")


def test_main_reads_sys_argv_when_given_nothing(fake_cli, monkeypatch):
    fake = fake_cli()
    monkeypatch.setattr(sys, "argv", ["airnefcmd", "--action", "listfiles"])
    assert main() == 0
    assert fake.calls == [["list", "192.168.1.1", "--order", "oldest", "--slot", "firstfound"]]


def test_warnings_go_to_stderr_before_the_run(fake_cli, capsys):
    fake_cli()
    assert main(["--ifexists", "prompt", "--printstackframes", "yes"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "airnefcmd: warning: --ifexists prompt: airnef-tui does not ask; existing files are kept "
        "and the new one gets a unique name (uniquename)",
        "airnefcmd: warning: --printstackframes has no counterpart in airnef-tui; ignored"]


@pytest.mark.parametrize("asking", [["--help"], ["-h"], ["--he"], ["--extlist", "JPG", "--help"]])
def test_help_lists_airnefs_options_and_what_they_become(asking, fake_cli, capsys):
    fake = fake_cli()
    assert main(asking) == 0
    out, err = capsys.readouterr()
    assert fake.calls == [] and err == ""
    assert out.startswith("usage: airnefcmd")
    for option in OPTIONS:
        assert option.flag in out
        if option.kind is Kind.MAPPED:
            assert option.ours in out
    for section in Section:
        assert section.value in out
    assert "AIRNEFCMD_LEGACY_EXIT_CODES=1" in out
    assert "!FILE" in out


@pytest.mark.parametrize("ours", [0, 1, 2, 3, 4, 130])
def test_our_exit_codes_by_default(ours, fake_cli, monkeypatch):
    monkeypatch.delenv("AIRNEFCMD_LEGACY_EXIT_CODES", raising=False)
    fake_cli(ours)
    assert main([]) == ours


@pytest.mark.parametrize(("ours", "airnefs"), [
    (0, 0), (1, 5006), (2, 5000), (3, 4004), (4, 4000), (130, 4), (77, 77)])
def test_airnefs_exit_codes_in_legacy_mode(ours, airnefs, fake_cli, monkeypatch):
    """`main` returns airnef's number itself, as airnef gave it to sys.exit; what a shell then
    sees (the number modulo 256) is checked in test_airnefcmd_exit_status.py."""
    monkeypatch.setenv("AIRNEFCMD_LEGACY_EXIT_CODES", "1")
    fake_cli(ours)
    assert main([]) == airnefs


@pytest.mark.parametrize("setting", ["0", "", "yes", "true"])
def test_only_1_turns_legacy_mode_on(setting, fake_cli, monkeypatch):
    monkeypatch.setenv("AIRNEFCMD_LEGACY_EXIT_CODES", setting)
    fake_cli(3)
    assert main([]) == 3


@pytest.mark.parametrize(("leaving", "status", "legacy_status"), [
    (SystemExit(2), 2, 5000), (SystemExit(None), 0, 0), (SystemExit(3), 3, 4004)])
def test_cli_exiting_instead_of_returning_is_mapped_too(leaving, status, legacy_status,
                                                       fake_cli, monkeypatch):
    fake_cli(leaving)
    assert main([]) == status
    monkeypatch.setenv("AIRNEFCMD_LEGACY_EXIT_CODES", "1")
    assert main([]) == legacy_status


def test_cli_exiting_with_a_message_prints_it_and_gives_1(fake_cli, capsys):
    fake_cli(SystemExit("camera went away"))
    assert main([]) == 1
    assert capsys.readouterr().err == "camera went away\n"


def _run(*arguments: str, legacy: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("AIRNEFCMD_LEGACY_EXIT_CODES", None)
    if legacy:
        env["AIRNEFCMD_LEGACY_EXIT_CODES"] = "1"
    return subprocess.run([sys.executable, "-m", "airnef_tui.airnefcmd", *arguments],
                          capture_output=True, text=True, env=env, timeout=60)


def test_as_a_program_help_exits_0():
    done = _run("--help")
    assert done.returncode == 0, done.stderr
    assert "--ipaddress" in done.stdout and done.stderr == ""


def test_as_a_program_a_bad_value_is_one_line_and_exit_2():
    done = _run("--ifexists", "ask")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "airnefcmd: error: argument --ifexists: invalid choice: 'ask' "
        "(choose from 'uniquename', 'skip', 'overwrite', 'prompt', 'exit')"]


def test_as_a_program_legacy_5000_reaches_a_posix_shell_as_airnefs_did():
    done = _run("--ifexists", "ask", legacy=True)
    assert done.returncode == 136  # 5000 modulo 256, what a shell saw from airnef too


def test_the_console_script_is_this_main():
    scripts = entry_points(group="console_scripts", name="airnefcmd")
    assert [script.value for script in scripts] == ["airnef_tui.airnefcmd:main"]
