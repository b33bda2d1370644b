"""`!file` argument files, written to disk for real."""

from __future__ import annotations

import pytest

from airnef_tui.airnefcmd import UsageError, translate
from airnef_tui.airnefcmd.argfiles import MAX_NESTING, expand_argument_files, line_arguments


@pytest.fixture
def write(tmp_path):
    def write(name: str, text: str | bytes) -> str:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return str(path)
    return write


def test_airnefs_form_one_argument_per_line_spaces_kept(write):
    path = write("opts", "--outputdir\n/media/my photos\n--startdate\n12/05/14 15:30:00\n"
                         "--extlist\nNEF\nMOV\n")
    assert expand_argument_files([f"!{path}"]) == [
        "--outputdir", "/media/my photos", "--startdate", "12/05/14 15:30:00",
        "--extlist", "NEF", "MOV"]


def test_option_lines_may_carry_values_split_like_a_shell(write):
    path = write("opts", '--extlist JPG NEF\n--outputdir "/media/my photos"\n'
                         "--filenamespec ' @filename@ '\n")
    assert expand_argument_files([f"!{path}"]) == [
        "--extlist", "JPG", "NEF", "--outputdir", "/media/my photos",
        "--filenamespec", " @filename@ "]


def test_an_equals_line_is_one_argument_as_airnef_took_it(write):
    path = write("opts", "--filenamespec=@filename@ copy\n")
    assert expand_argument_files([f"!{path}"]) == ["--filenamespec=@filename@ copy"]


def test_blank_lines_crlf_bom_and_surrounding_spaces_are_dropped(write):
    path = write("opts", "\ufeff--extlist\r\n\r\n  JPG  \r\n\t\r\n--slot\r\nboth\r\n".encode())
    assert expand_argument_files([f"!{path}"]) == ["--extlist", "JPG", "--slot", "both"]


def test_files_expand_in_place_among_other_arguments(write):
    path = write("opts", "--extlist\nJPG\n")
    assert expand_argument_files(["--slot", "both", f"!{path}", "--ifexists", "skip"]) == [
        "--slot", "both", "--extlist", "JPG", "--ifexists", "skip"]


def test_nested_files_expand_and_later_options_win(write):
    inner = write("inner", "--ifexists\nskip\n")
    outer = write("outer", f"--extlist\nJPG\n!{inner}\n")
    translation = translate([f"!{outer}", "--ifexists", "overwrite"])
    assert "--ext" in translation.argv
    assert translation.argv[translation.argv.index("--if-exists") + 1] == "overwrite"


def test_a_value_after_an_option_may_come_from_a_file(write):
    # as in airnef (argparse), every argument starting with "!" is a file, wherever it stands
    path = write("dir", "/media/photos\n")
    assert expand_argument_files(["--outputdir", f"!{path}"]) == ["--outputdir", "/media/photos"]


def test_relative_paths_are_relative_to_the_current_directory(write, tmp_path, monkeypatch):
    write("opts", "--extlist\nJPG\n")
    monkeypatch.chdir(tmp_path)
    assert expand_argument_files(["!opts"]) == ["--extlist", "JPG"]


def test_a_whole_airnef_command_line_from_a_file(write):
    path = write("job", "--ipaddress\n127.0.0.1\n--extlist\nJPG\n--outputdir\nD\n--ifexists\n"
                        "skip\n--downloadhistory\nignore\n--transferorder\nnewestfirst\n")
    assert translate([f"!{path}"]).argv == translate(
        "--ipaddress 127.0.0.1 --extlist JPG --outputdir D --ifexists skip "
        "--downloadhistory ignore --transferorder newestfirst".split()).argv


def test_a_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="cannot read argument file .*missing.*No such file"):
        translate([f"!{tmp_path / 'missing'}"])


def test_a_directory_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="cannot read argument file"):
        translate([f"!{tmp_path}"])


def test_a_file_that_is_not_utf8_is_a_usage_error(write):
    path = write("latin1", "--outputdir\n/m\xe9dia\n".encode("latin-1"))
    with pytest.raises(UsageError, match="is not UTF-8 text"):
        translate([f"!{path}"])


def test_an_unclosed_quote_names_the_file_and_line(write):
    path = write("opts", '--extlist\nJPG\n--outputdir "/media/my photos\n')
    with pytest.raises(UsageError, match=r"line 3: No closing quotation"):
        translate([f"!{path}"])


def test_a_file_including_itself_is_reported_not_followed_forever(write, tmp_path):
    path = str(tmp_path / "loop")
    write("loop", f"--extlist\nJPG\n!{path}\n")
    with pytest.raises(UsageError, match=f"nested more than {MAX_NESTING} deep"):
        translate([f"!{path}"])


@pytest.mark.parametrize(("line", "arguments"), [
    ("", []),
    ("   ", []),
    ("JPG", ["JPG"]),
    ("/media/my photos", ["/media/my photos"]),
    ("12/05/14 15:30:00", ["12/05/14 15:30:00"]),
    ("--extlist", ["--extlist"]),
    ("--extlist JPG NEF", ["--extlist", "JPG", "NEF"]),
    ("  --slot   both  ", ["--slot", "both"]),
    ('--outputdir "a b"', ["--outputdir", "a b"]),
    ("--filenamespec=@a@ @b@", ["--filenamespec=@a@ @b@"]),
    ("-@filename@ x", ["-@filename@", "x"]),
])
def test_line_arguments(line, arguments):
    assert line_arguments(line) == arguments
