"""plan_target, the one place that decides paths; unique_name; the unknown-capture-date rule."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from rename_strategies import reference_facts

from airnef_tui.rename import (
    TargetError,
    compile_optional,
    compile_spec,
    photo_day,
    plan_relative,
    plan_target,
    unique_name,
)

OUT = Path("/pics")


def plan(name: str | None, folder: str | None, facts=None, suffix: str = ""):
    return plan_target(facts or reference_facts(), compile_optional(name, "file"),
                       compile_optional(folder, "dir"), OUT, suffix)


def test_no_specs_keep_the_camera_name_in_the_output_folder():
    assert plan(None, None) == OUT / "DSC_0014.NEF"


def test_presets_shape():
    assert plan("@capturedate@-@capturetime@-@filename@", "@capturedate_y@/@capturedate_iso@") \
        == OUT / "2015" / "2015-09-24" / "20150924-140513-DSC_0014.NEF"


def test_hostile_camera_name_without_a_spec_is_made_safe():
    facts = reference_facts(camera_filename="../../etc/passwd")
    assert plan(None, None, facts) == OUT / "_._.._etc_passwd"


@pytest.mark.parametrize("folder", ["../x", "/abs/x", "./x", "x/..", "x//", " . /x", "..\\x"])
def test_dir_specs_never_climb_out(folder):
    target = plan(None, folder)
    assert target == OUT / "x" / "DSC_0014.NEF" or target == OUT / "abs" / "x" / "DSC_0014.NEF"


def test_dir_spec_values_cannot_add_folders():
    facts = reference_facts(model="EOS R5/R6")
    assert plan(None, "@cameramodel@", facts) == OUT / "EOS R5_R6" / "DSC_0014.NEF"


def test_empty_dir_result_means_the_output_folder():
    facts = reference_facts(model="")
    assert plan(None, "@cameramodel@", facts) == OUT / "DSC_0014.NEF"


def test_empty_name_is_an_error_for_that_file_only():
    result = plan("@filename:20:@", None)
    assert isinstance(result, TargetError) and result.code == "empty_name"
    long_name = reference_facts(camera_filename="A_VERY_LONG_FILE_NAME.NEF")
    assert plan("@filename:20:@", None, long_name) == OUT / "E.NEF"


def test_a_name_only_made_of_dots_is_empty():
    result = plan("@filename@@replacere~.*~..@", None)
    assert isinstance(result, TargetError) and result.code == "empty_name"


def test_separator_produced_by_a_replace_is_an_error_for_that_file_only():
    spec = "@filename_ext@@replace~NEF~raw/x@"
    result = plan(spec, None)
    assert isinstance(result, TargetError) and result.code == "path_in_name"
    assert "raw/x" in result.message
    jpeg = reference_facts(camera_filename="DSC_0014.JPG")
    assert plan(spec, None, jpeg) == OUT / "JPG"


def test_unsafe_characters_from_a_replace_are_cleaned():
    assert plan("@filename@@replace~_~:@", None) == OUT / "DSC_0014.NEF"
    assert plan("@filename@@replace~DSC~a?b@", None) == OUT / "a_b_0014.NEF"


def test_thumbnail_suffix_replaces_the_extension():
    assert plan(None, None, suffix=".sthumb.jpg") == OUT / "DSC_0014.sthumb.jpg"
    # @filename@ is the local name, which already holds the suffix.
    assert plan("@capturedate@_@filename@", None, suffix=".lthumb.jpg") == \
        OUT / "20150924_DSC_0014.lthumb.jpg"
    # @capturefilename@ is the camera's name: its extension is swapped for the suffix.
    assert plan("@capturedate@_@capturefilename@", None, suffix=".lthumb.jpg") == \
        OUT / "20150924_DSC_0014.lthumb.jpg"
    assert plan("@dlnum@", None, suffix=".sthumb.jpg") == OUT / "0045.sthumb.jpg"


def test_bad_thumbnail_suffix_is_a_programming_error():
    with pytest.raises(ValueError):
        plan(None, None, suffix="/x.jpg")


def test_relative_plan_comes_with_spans_over_folder_and_name():
    relative, spans = plan_relative(reference_facts(), compile_spec("@dlnum@-x", "file"),
                                    compile_spec("@cameramodel@", "dir"))
    assert relative == "D7200/0045-x"
    assert [(relative[s.start:s.end], s.source) for s in spans] == [
        ("D7200", "cameramodel"), ("/", "separator"), ("0045", "dlnum"), ("-x", "literal")]


def test_spans_after_a_replace_keep_the_unchanged_parts():
    rendered = compile_spec("@cameramodel@_@filename@@replace~0014~X@", "file").render(
        reference_facts())
    assert rendered.text == "D7200_DSC_X.NEF"
    assert [(rendered.text[s.start:s.end], s.source) for s in rendered.spans] == [
        ("D7200", "cameramodel"), ("_", "literal"), ("DSC_", "filename"), ("X", "replace"),
        (".NEF", "filename")]


def test_unknown_capture_time_falls_back_to_the_download_time():
    facts = reference_facts(captured=None, downloaded_at=datetime(2020, 2, 29, 23, 59, 58))
    spec = compile_spec("@capturedate_iso@_@capturetime@", "file")
    rendered = spec.render(facts)
    assert rendered.text == "2020-02-29_235958"
    assert rendered.used_download_time
    assert not spec.render(reference_facts()).used_download_time
    assert not compile_spec("@filename@", "file").render(facts).used_download_time


def test_download_time_specifiers_use_the_run_timestamp():
    facts = reference_facts(downloaded_at=datetime(2016, 1, 2, 3, 4, 5))
    assert compile_spec("@dldate_iso@ @dltime_iso@", "file").render(facts).text == \
        "2016-01-02 03-04-05"


def test_counters_have_four_digits_at_least():
    facts = reference_facts(dlnum=7, dlnum_lifetime=123456, dltoday=12)
    assert compile_spec("@dlnum@_@dlnum_lifetime@_@dltoday@", "file").render(facts).text == \
        "0007_123456_0012"


@pytest.mark.parametrize(("moment", "day"), [
    (datetime(2015, 9, 24, 2, 59, 59), datetime(2015, 9, 23)),
    (datetime(2015, 9, 24, 3, 0, 0), datetime(2015, 9, 24)),
    (datetime(2015, 1, 1, 1, 0, 0), datetime(2014, 12, 31)),
])
def test_photo_days_start_at_three_in_the_morning(moment, day):
    assert photo_day(moment) == day.date()


def test_unique_name_picks_the_smallest_free_number():
    taken = {OUT / "DSC_0014.NEF", OUT / "DSC_0014-new-1.NEF", OUT / "DSC_0014-new-3.NEF"}
    assert unique_name(OUT / "DSC_0014.NEF", taken.__contains__) == OUT / "DSC_0014-new-2.NEF"
    assert unique_name(OUT / "free.NEF", taken.__contains__) == OUT / "free.NEF"


def test_unique_name_without_extension_and_with_several_dots():
    taken = {OUT / "0045", OUT / "a.tar.gz"}
    assert unique_name(OUT / "0045", taken.__contains__) == OUT / "0045-new-1"
    assert unique_name(OUT / "a.tar.gz", taken.__contains__) == OUT / "a.tar-new-1.gz"


def test_unique_name_stays_within_the_name_length_limit():
    long_name = OUT / ("a" * 251 + ".NEF")
    result = unique_name(long_name, {long_name}.__contains__)
    assert result.name.endswith("-new-1.NEF")
    assert len(result.name.encode("utf-8")) == 255



def test_every_slash_of_a_folder_is_a_separator_span():
    rendered = compile_spec("@capturedate_y@/x-@cameramodel@/@replace~x~y@", "dir").render(
        reference_facts())
    assert rendered.text == "2015/y-D7200"
    assert [(rendered.text[s.start:s.end], s.source) for s in rendered.spans] == [
        ("2015", "capturedate_y"), ("/", "separator"), ("y", "replace"), ("-", "literal"),
        ("D7200", "cameramodel")]
    dropped = compile_spec("a/../@cameramodel@", "dir").render(reference_facts())
    assert dropped.text == "a/D7200"
    assert [(dropped.text[s.start:s.end], s.source) for s in dropped.spans] == [
        ("a", "literal"), ("/", "separator"), ("D7200", "cameramodel")]
