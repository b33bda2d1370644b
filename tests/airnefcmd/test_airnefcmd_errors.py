"""Abbreviated option names, and bad command lines: one line on stderr, exit 2, nothing run."""

from __future__ import annotations

import pytest

from airnef_tui import cli
from airnef_tui.airnefcmd import UsageError, main, translate


@pytest.fixture
def cli_must_not_run(monkeypatch):
    def refuse(argv):
        raise AssertionError(f"cli.main ran with {argv}")
    monkeypatch.setattr(cli, "main", refuse)


@pytest.mark.parametrize(("abbreviated", "full"), [
    (["--ext", "JPG"], ["--extlist", "JPG"]),
    (["--ext=JPG"], ["--extlist=JPG"]),
    (["--out", "D"], ["--outputdir", "D"]),
    (["--ifex", "skip"], ["--ifexists", "skip"]),
    (["--downloadh", "ignore"], ["--downloadhistory", "ignore"]),
    (["--downloadexec_o", "wait"], ["--downloadexec_options", "wait"]),
    (["--downloadexec_e", "JPG"], ["--downloadexec_extlist", "JPG"]),
    (["--tr", "newestfirst"], ["--transferorder", "newestfirst"]),
    (["--maxclock", "alwayssync"], ["--maxclockdeltabeforesync", "alwayssync"]),
    (["--initcmdreq_g", "1-2"], ["--initcmdreq_guid", "1-2"]),
    (["--po", "99"], ["--port", "99"]),
    (["--sl", "both"], ["--slot", "both"]),
    (["--ip", "10.0.0.7", "--ac", "listfiles"],
     ["--ipaddress", "10.0.0.7", "--action", "listfiles"]),
])
def test_unique_prefixes_mean_the_full_option(abbreviated, full):
    assert translate(abbreviated) == translate(full)


def test_an_exact_name_wins_over_longer_names_it_prefixes():
    # --downloadexec is also the start of --downloadexec_extlist and --downloadexec_options
    assert translate(["--downloadexec", "echo"]).argv[-2:] == ["--exec", "echo"]


def test_a_prefix_of_an_ignored_option_still_resolves_to_it():
    assert translate(["--pr", "yes"]).warnings == [
        "--printstackframes has no counterpart in airnef-tui; ignored"]


@pytest.mark.parametrize(("prefix", "candidates"), [
    ("--ex", ["--extlist", "--excludefolders"]),
    ("--down", ["--downloadhistory", "--downloadexec", "--downloadexec_extlist",
                "--downloadexec_options"]),
    ("--downloadexec_", ["--downloadexec_extlist", "--downloadexec_options"]),
    ("--initcmdreq_host", ["--initcmdreq_hostname", "--initcmdreq_hostver"]),  # as in airnef
    ("--maxgetobj", ["--maxgetobjtransfersizekb", "--maxgetobjbuffersizekb"]),  # as in airnef
    ("--re", ["--realtimedownload", "--realtimepollsecs", "--retrycount", "--retrydelaysecs"]),
    ("--p", ["--port", "--printstackframes"]),
])
def test_an_ambiguous_prefix_names_the_candidates(prefix, candidates):
    with pytest.raises(UsageError) as caught:
        translate([prefix, "x"])
    message = str(caught.value)
    assert message.startswith(f"ambiguous option: {prefix} could match ")
    for candidate in candidates:
        assert candidate in message


BAD = [
    (["--ifexists", "ask"], "argument --ifexists: invalid choice: 'ask'"),
    (["--action", "download"], "argument --action: invalid choice: 'download'"),
    (["--downloadhistory", "skip"], "argument --downloadhistory: invalid choice: 'skip'"),
    (["--transferorder", "newest"], "argument --transferorder: invalid choice: 'newest'"),
    (["--slot", "third"], "argument --slot: invalid choice: 'third'"),
    (["--cameratransferlist", "use"], "argument --cameratransferlist: invalid choice: 'use'"),
    (["--realtimedownload", "yes"], "argument --realtimedownload: invalid choice: 'yes'"),
    (["--logginglevel", "quiet"], "argument --logginglevel: invalid choice: 'quiet'"),
    (["--camerasleepwhendone", "maybe"], "argument --camerasleepwhendone: invalid choice"),
    (["--printstackframes", "maybe"], "argument --printstackframes: invalid choice"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["192.168.1.1"], "unrecognized arguments: 192.168.1.1"),
    (["--extlist"], "argument --extlist: expected at least one argument"),
    (["--outputdir"], "argument --outputdir: expected one argument"),
    (["--downloadexec", "echo", "-n"], "unrecognized arguments: -n"),
    (["--realtimepollsecs", "abc"], "argument --realtimepollsecs: invalid integer 'abc'"),
    (["--realtimepollsecs", "0"], "argument --realtimepollsecs: 0 is below the minimum of 1"),
    (["--connecttimeout", "-1"], "argument --connecttimeout: -1 is below the minimum of 1"),
    (["--socketreadwritetimeout", "1.5"], "argument --socketreadwritetimeout: invalid integer"),
    (["--retrycount", "-2"], "argument --retrycount: -2 is below the minimum of 0"),
    (["--retrydelaysecs", "soon"], "argument --retrydelaysecs: invalid integer"),
    (["--maxgetobjtransfersizekb", "0"], "argument --maxgetobjtransfersizekb: 0 is below"),
    (["--maxclockdeltabeforesync", "sometimes"], "argument --maxclockdeltabeforesync: invalid"),
    (["--downloadexec_options", "wait", "launch"],
     "argument --downloadexec_options: unknown option 'launch'"),
    (["--initcmdreq_guid", "0xZZ-0x1"], "argument --initcmdreq_guid: bad GUID '0xZZ-0x1'"),
    (["--initcmdreq_guid", "1-2-3"], "argument --initcmdreq_guid: bad GUID"),
    (["--initcmdreq_guid", "0x11112222333344445-0x1"], "argument --initcmdreq_guid: bad GUID"),
    (["--rtd_pollingmethod", "3"], "argument --rtd_pollingmethod: 3 is above the maximum of 2"),
    (["--ssdp_discoveryflags", "0xg"], "argument --ssdp_discoveryflags: invalid integer"),
    (["--port", "70000"], "argument --port: 70000 is above the maximum of 65535"),
    (["--ipaddress", "auto", "--port", "1"], "a port cannot be given with --ipaddress auto"),
    (["--ex", "JPG"], "ambiguous option: --ex could match --extlist, --excludefolders"),
    (["!/nonexistent/airnef-options"], "cannot read argument file '/nonexistent/airnef-options'"),
]


@pytest.mark.parametrize(("airnef", "message"), BAD)
def test_bad_command_line_is_one_line_and_exit_2(airnef, message, capsys, cli_must_not_run):
    assert main(airnef) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"airnefcmd: error: {message}")


@pytest.mark.parametrize(("airnef", "_message"), BAD[:3])
def test_bad_command_line_gives_airnefs_5000_in_legacy_mode(airnef, _message, monkeypatch,
                                                           capsys, cli_must_not_run):
    monkeypatch.setenv("AIRNEFCMD_LEGACY_EXIT_CODES", "1")
    assert main(airnef) == 5000
