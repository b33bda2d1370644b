"""Every airnef option and value → the exact `airnef-tui` argv it becomes."""

from __future__ import annotations

import pytest

from airnef_tui.airnefcmd import UsageError, translate
from airnef_tui.airnefcmd.options import OPTIONS, Kind

# Our options in the order translate() writes them (airnef's order, --exec last), and airnef's
# defaults that are always written, so each case below states only what the option changes.
ORDER = [
    "-o", "--thumbnails", "--realtime", "--ext", "--since", "--until", "--if-exists", "--history",
    "--folder", "--exclude-folder", "--name", "--dir-spec", "--order", "--slot",
    "--camera-transfer-list", "--exec-ext", "--exec-options", "--realtime-poll", "--log-level",
    "--connect-timeout", "--io-timeout", "--retries", "--retry-delay", "--chunk-size", "--guid",
    "--host-name", "--clock-sync", "--camera-sleep-when-done", "--exec",
]
GET_PINNED = {"-o": ".", "--if-exists": "uniquename", "--history": "skip", "--order": "oldest",
              "--slot": "firstfound", "--camera-transfer-list": "use"}
LIST_PINNED = {"--order": "oldest", "--slot": "firstfound"}


def expected(command: str, host: str = "192.168.1.1", **flags: str | list[str]) -> list[str]:
    """`flags` by our option name with `_` for `-` (`if_exists`), `o` for `-o`."""
    chosen = dict(GET_PINNED if command == "get" else LIST_PINNED)
    for key, value in flags.items():
        chosen["-o" if key == "o" else "--" + key.replace("_", "-")] = value
    argv = [command, host]
    for flag in ORDER:
        if flag in chosen:
            value = chosen[flag]
            argv += [flag, *value] if isinstance(value, list) else [flag, value]
    return argv


def test_no_arguments_is_airnefs_default_download():
    assert translate([]).argv == [
        "get", "192.168.1.1", "-o", ".", "--if-exists", "uniquename", "--history", "skip",
        "--order", "oldest", "--slot", "firstfound", "--camera-transfer-list", "use"]
    assert translate([]).warnings == []


def test_the_issues_example_command_line():
    translation = translate(
        "--ipaddress 127.0.0.1 --extlist JPG --outputdir D --ifexists skip "
        "--downloadhistory ignore --transferorder newestfirst".split())
    assert translation.argv == [
        "get", "127.0.0.1", "-o", "D", "--ext", "JPG", "--if-exists", "skip",
        "--history", "ignore", "--order", "newest", "--slot", "firstfound",
        "--camera-transfer-list", "use"]
    assert translation.warnings == []


def test_the_issues_example_with_a_port_both_ways():
    by_address = translate(["--ipaddress", "127.0.0.1:15741", "--extlist", "JPG"]).argv
    by_option = translate(["--ipaddress", "127.0.0.1", "--port", "15741", "--extlist", "JPG"]).argv
    assert by_address == by_option == expected("get", host="127.0.0.1:15741", ext="JPG")


CASES = [
    # --ipaddress and --port
    (["--ipaddress", "10.0.0.7"], expected("get", host="10.0.0.7")),
    (["--ipaddress", "AUTO"], expected("get", host="auto")),
    (["--ipaddress", "Camera.Local"], expected("get", host="camera.local")),
    (["--ipaddress", "10.0.0.7:15740"], expected("get", host="10.0.0.7:15740")),
    (["--port", "1234"], expected("get", host="192.168.1.1:1234")),
    (["--ipaddress", "10.0.0.7:99", "--port", "99"], expected("get", host="10.0.0.7:99")),
    (["--ipaddress", "::1"], expected("get", host="[::1]")),
    (["--ipaddress", "::1", "--port", "99"], expected("get", host="[::1]:99")),
    (["--ipaddress", "[fe80::1]:99"], expected("get", host="[fe80::1]:99")),
    # --action
    (["--action", "getfiles"], expected("get")),
    (["--action", "getsmallthumbs"], expected("get", thumbnails="small")),
    (["--action", "GetLargeThumbs"], expected("get", thumbnails="large")),
    (["--action", "listfiles"], expected("list")),
    # --realtimedownload, --realtimepollsecs
    (["--realtimedownload", "disabled"], expected("get", realtime="disabled")),
    (["--realtimedownload", "afternormal"], expected("get", realtime="afternormal")),
    (["--realtimedownload", "ONLY"], expected("get", realtime="only")),
    (["--realtimepollsecs", "7"], expected("get", realtime_poll="7")),
    # filters
    (["--extlist", "JPG"], expected("get", ext="JPG")),
    (["--extlist", "nef", "MOV", "<noext>"], expected("get", ext=["nef", "MOV", "<NOEXT>"])),
    (["--startdate", "12/05/14"], expected("get", since="12/05/14")),
    (["--startdate", "12/05/14 15:30:00"], expected("get", since="12/05/14 15:30:00")),
    (["--enddate", "06/12/14"], expected("get", until="06/12/14")),
    (["--enddate", "2014-06-12"], expected("get", until="2014-06-12")),
    (["--onlyfolders", "100D7200", "101D7200"], expected("get", folder=["100D7200", "101D7200"])),
    (["--onlyfolders", "<root>"], expected("get", folder="<ROOT>")),
    (["--excludefolders", "103D7200", "<Root>"],
     expected("get", exclude_folder=["103D7200", "<ROOT>"])),
    (["--transferorder", "oldestfirst"], expected("get")),
    (["--transferorder", "NewestFirst"], expected("get", order="newest")),
    (["--slot", "firstfound"], expected("get")),
    (["--slot", "first"], expected("get", slot="first")),
    (["--slot", "second"], expected("get", slot="second")),
    (["--slot", "Both"], expected("get", slot="both")),
    # where files land
    (["--outputdir", "/tmp/my photos"], expected("get", o="/tmp/my photos")),
    (["--filenamespec", "@capturedate@-@filename@"],
     expected("get", name="@capturedate@-@filename@")),
    (["--dirnamespec", "@capturedate_year@/@capturedate_month@"],
     expected("get", dir_spec="@capturedate_year@/@capturedate_month@")),
    (["--ifexists", "uniquename"], expected("get")),
    (["--ifexists", "skip"], expected("get", if_exists="skip")),
    (["--ifexists", "OVERWRITE"], expected("get", if_exists="overwrite")),
    (["--ifexists", "exit"], expected("get", if_exists="exit")),
    (["--ifexists", "prompt"], expected("get", if_exists="uniquename")),
    (["--downloadhistory", "skipfiles"], expected("get")),
    (["--downloadhistory", "ignore"], expected("get", history="ignore")),
    (["--downloadhistory", "Clear"], expected("get", history="clear")),
    (["--cameratransferlist", "useifavail"], expected("get")),
    (["--cameratransferlist", "exitifnotavail"], expected("get", camera_transfer_list="require")),
    (["--cameratransferlist", "IGNORE"], expected("get", camera_transfer_list="ignore")),
    # --downloadexec and its options
    (["--downloadexec", "/usr/bin/exiftool", "@pf@"],
     expected("get", exec=["/usr/bin/exiftool", "@pf@"])),
    (["--downloadexec=/usr/bin/true"], expected("get", exec="/usr/bin/true")),
    (["--downloadexec", "notify-send", "Got @filename@", "@pf@"],
     expected("get", exec=["notify-send", "Got @filename@", "@pf@"])),
    (["--downloadexec_extlist", "jpg", "<NoExt>"], expected("get", exec_ext=["jpg", "<NOEXT>"])),
    (["--downloadexec_options", "wait"], expected("get", exec_options="wait")),
    (["--downloadexec_options", "WAIT", "ExitOnFailCode", "delay", "ignorelauncherror",
      "notildereplacement", "wait"],
     expected("get", exec_options="wait,exitonfailcode,delay,ignorelauncherror,"
                                  "notildereplacement")),
    # logging and the hidden connection options
    (["--logginglevel", "normal"], expected("get", log_level="normal")),
    (["--logginglevel", "Verbose"], expected("get", log_level="verbose")),
    (["--logginglevel", "debug"], expected("get", log_level="debug")),
    (["--connecttimeout", "20"], expected("get", connect_timeout="20")),
    (["--socketreadwritetimeout", "9"], expected("get", io_timeout="9")),
    (["--retrycount", "5"], expected("get", retries="4")),
    (["--retrycount", "1"], expected("get", retries="0")),
    (["--retrycount", "0"], expected("get", retries="0")),
    (["--retrydelaysecs", "0"], expected("get", retry_delay="0")),
    (["--maxgetobjtransfersizekb", "1024"], expected("get", chunk_size="1048576")),
    (["--maxgetobjtransfersizekb", "64"], expected("get", chunk_size="65536")),
    (["--initcmdreq_guid", "0x7766554433221100-0x0000000000009988"],
     expected("get", guid="0x7766554433221100-0x0000000000009988")),
    (["--initcmdreq_guid", "0xAB-0xCD"],
     expected("get", guid="0x00000000000000ab-0x00000000000000cd")),
    (["--initcmdreq_guid", "9988"], expected("get", guid="0x0000000000000000-0x0000000000009988")),
    (["--initcmdreq_guid", "AA:BB:CC:DD:EE:FF"], expected("get", guid="aa:bb:cc:dd:ee:ff")),
    (["--initcmdreq_hostname", "Studio PC"], expected("get", host_name="Studio PC")),
    (["--maxclockdeltabeforesync", "5"], expected("get", clock_sync="5")),
    (["--maxclockdeltabeforesync", "DisableSync"], expected("get", clock_sync="never")),
    (["--maxclockdeltabeforesync", "alwayssync"], expected("get", clock_sync="always")),
    (["--camerasleepwhendone", "YES"], expected("get", camera_sleep_when_done="yes")),
    (["--camerasleepwhendone", "no"], expected("get", camera_sleep_when_done="no")),
]


@pytest.mark.parametrize(("airnef", "ours"), CASES)
def test_option_and_value(airnef, ours):
    assert translate(airnef).argv == ours


def test_every_option_we_act_on_has_a_case_above():
    covered = {airnef[0].split("=")[0] for airnef, _ in CASES}
    assert {o.flag for o in OPTIONS if o.kind is not Kind.IGNORED} <= covered


@pytest.mark.parametrize(("option", "value"), [
    (option, value) for option in OPTIONS if option.kind is Kind.MAPPED and option.choices
    for value in option.choices])
def test_every_choice_is_accepted_in_any_case_and_mapped(option, value):
    argv = translate([option.flag, value.upper()]).argv
    assert argv[argv.index(option.ours) + 1] == option.choices[value]


def test_downloadexec_comes_last_even_when_given_first():
    argv = translate(["--downloadexec", "echo", "@pf@", "--extlist", "JPG"]).argv
    assert argv[-3:] == ["--exec", "echo", "@pf@"]
    assert argv[argv.index("--ext") + 1] == "JPG"


def test_a_single_value_starting_with_a_dash_is_joined_to_its_option():
    argv = translate(["--filenamespec=-@filename@", "--outputdir=-photos"]).argv
    assert "--name=-@filename@" in argv
    assert "-o-photos" in argv


def test_a_later_occurrence_replaces_an_earlier_one_as_in_airnef():
    assert translate(["--extlist", "JPG", "--extlist", "NEF"]).argv == expected("get", ext="NEF")


def test_multi_value_options_take_values_up_to_the_next_option():
    argv = translate(
        ["--extlist", "JPG", "NEF", "--onlyfolders", "100NIKON", "--slot", "both"]).argv
    assert argv == expected("get", ext=["JPG", "NEF"], folder="100NIKON", slot="both")


def test_listfiles_keeps_filters_and_names():
    argv = translate(["--action", "listfiles", "--ipaddress", "10.0.0.7", "--extlist", "NEF",
                      "--startdate", "01/01/15", "--enddate", "01/31/15", "--onlyfolders", "A",
                      "--excludefolders", "B", "--filenamespec", "@filename@",
                      "--dirnamespec", "@capturedate_year@", "--transferorder", "newestfirst",
                      "--slot", "second"]).argv
    assert argv == [
        "list", "10.0.0.7", "--ext", "NEF", "--since", "01/01/15", "--until", "01/31/15",
        "--folder", "A", "--exclude-folder", "B", "--name", "@filename@",
        "--dir-spec", "@capturedate_year@", "--order", "newest", "--slot", "second"]


def test_listfiles_drops_download_options_with_a_warning_each():
    translation = translate(["--action", "listfiles", "--outputdir", "D", "--ifexists", "skip",
                             "--downloadhistory", "clear", "--realtimedownload", "only",
                             "--retrycount", "3", "--downloadexec", "echo"])
    assert translation.argv == expected("list")
    assert translation.warnings == [
        f"--{name} does not apply to --action listfiles; ignored"
        for name in ("outputdir", "realtimedownload", "ifexists", "downloadhistory",
                     "downloadexec", "retrycount")]


def test_realtime_only_drops_the_date_window_as_airnef_did():
    translation = translate(["--realtimedownload", "only", "--startdate", "01/01/15",
                             "--enddate", "01/02/15", "--extlist", "JPG"])
    assert translation.argv == expected("get", realtime="only", ext="JPG")
    assert [w.split()[0] for w in translation.warnings] == ["--startdate", "--enddate"]


def test_realtime_afternormal_keeps_the_date_window():
    argv = translate(["--realtimedownload", "afternormal", "--startdate", "01/01/15"]).argv
    assert argv == expected("get", realtime="afternormal", since="01/01/15")


def test_ifexists_prompt_warns_that_it_keeps_both_files():
    translation = translate(["--ifexists", "Prompt"])
    assert translation.argv == expected("get")
    assert translation.warnings == [
        "--ifexists prompt: airnef-tui does not ask; existing files are kept and the new one "
        "gets a unique name (uniquename)"]


IGNORED = [
    (["--printstackframes", "yes"]), (["--mtpobjcache", "Disabled"]),
    (["--mtpobjcache_maxagemins", "60"]), (["--maxgetobjbuffersizekb", "4096"]),
    (["--initcmdreq_hostver", "0x00010001"]), (["--opensessionid", "7"]),
    (["--sonyuniquecmdsenable", "0x3"]), (["--suppressdupconnecterrmsgs", "no"]),
    (["--rtd_pollingmethod", "2"]), (["--rtd_mtppollingmethod_newobjdetection", "numobjs"]),
    (["--rtd_maxsecsbeforeforceinitialobjlistget", "9"]), (["--ssdp_discoveryattempts", "5"]),
    (["--ssdp_discoverytimeoutsecsperattempt", "4"]), (["--ssdp_discoveryflags", "0x1"]),
    (["--ssdp_addservice", "urn:a", "urn:b"]), (["--ssdp_addmulticastif", "10.0.0.1"]),
]


@pytest.mark.parametrize("airnef", IGNORED, ids=lambda argv: argv[0])
def test_hidden_options_without_a_counterpart_are_accepted_and_warned(airnef):
    translation = translate(airnef)
    assert translation.argv == expected("get")
    assert translation.warnings == [f"{airnef[0]} has no counterpart in airnef-tui; ignored"]


def test_every_ignored_option_is_covered_above():
    assert {argv[0] for argv in IGNORED} == {o.flag for o in OPTIONS if o.kind is Kind.IGNORED}


def test_translation_has_no_warnings_for_plain_options():
    everything = ("--ipaddress 1.2.3.4 --realtimedownload afternormal --extlist JPG "
                  "--startdate 01/01/15 --ifexists skip --cameratransferlist ignore "
                  "--downloadexec_options wait --realtimepollsecs 3 --logginglevel debug "
                  "--connecttimeout 1 --retrycount 3 --camerasleepwhendone no").split()
    assert translate(everything).warnings == []


@pytest.mark.parametrize(("airnef", "message"), [
    (["--ipaddress", "auto", "--port", "15740"], "a port cannot be given with --ipaddress auto"),
    (["--ipaddress", "auto:15740"], "a port cannot be given with --ipaddress auto"),
    (["--ipaddress", "1.2.3.4:5", "--port", "6"], "--port 6 contradicts"),
    (["--ipaddress", "1.2.3.4:0"], "bad port in camera address"),
    (["--ipaddress", "1.2.3.4:http"], "bad port in camera address"),
    (["--ipaddress", "[::1"], "bad camera address"),
    (["--ipaddress", "[::1]x"], "bad camera address"),
    (["--ipaddress", ":99"], "bad camera address"),
    (["--ipaddress", "a b"], "bad camera address"),
])
def test_camera_address_errors(airnef, message):
    with pytest.raises(UsageError, match=message.replace("[", r"\[")):
        translate(airnef)


def test_listfiles_keeps_the_connection_options():
    """`list` connects like `get`: a Sony user's GUID and slow-link timeouts still apply."""
    argv = translate(["--action", "listfiles", "--initcmdreq_guid", "aa:bb:cc:dd:ee:ff",
                      "--connecttimeout", "3", "--socketreadwritetimeout", "9",
                      "--maxgetobjtransfersizekb", "512", "--initcmdreq_hostname", "pi"]).argv
    assert argv[:2] == ["list", "192.168.1.1"]
    for pair in (["--guid", "aa:bb:cc:dd:ee:ff"], ["--connect-timeout", "3"],
                 ["--io-timeout", "9"], ["--chunk-size", str(512 * 1024)], ["--host-name", "pi"]):
        index = argv.index(pair[0])
        assert argv[index:index + 2] == pair
