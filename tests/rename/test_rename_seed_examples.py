"""Every example of airnef's rename documentation (developer notes, 09/24/15) and of our
compatibility notes, rendered exactly as shown there."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from rename_strategies import reference_facts

from airnef_tui.rename import compile_spec, plan_target

# (spec, output) from the specifier table; the table's sample file is DSC_0014.NEF, serial
# 35551323, model D7200, make Nikon, shot and downloaded 2015-09-24 14:05:13, folder 100D7200,
# slot 1, @dlnum@ 45 and @dlnum_lifetime@ 5345.
SPECIFIER_TABLE = [
    ("@capturedate@", "20150924"),
    ("@capturedate_m@", "09"),
    ("@capturedate_d@", "24"),
    ("@capturedate_y@", "2015"),
    ("@capturedate_dow@", "4"),
    ("@capturedate_woy@", "38"),
    ("@capturedate_M@", "September"),
    ("@capturedate_DOW@", "Thursday"),
    ("@capturedate_S@", "Fall"),
    ("@capturetime@", "140513"),
    ("@capturetime_h@", "14"),
    ("@capturetime_m@", "05"),
    ("@capturetime_s@", "13"),
    ("@dldate@", "20150924"),
    ("@dldate_m@", "09"),
    ("@dldate_d@", "24"),
    ("@dldate_y@", "2015"),
    ("@dldate_dow@", "4"),
    ("@dldate_woy@", "38"),
    ("@dldate_M@", "September"),
    ("@dldate_DOW@", "Thursday"),
    ("@dldate_S@", "Fall"),
    ("@dltime@", "140513"),
    ("@dltime_h@", "14"),
    ("@dltime_m@", "05"),
    ("@dltime_s@", "13"),
    ("@filename@", "DSC_0014.NEF"),
    ("@filename_root@", "DSC_0014"),
    ("@filename_ext@", "NEF"),
    ("@camerafolder@", "100D7200"),
    ("@slotnumber@", "1"),
    ("@cameramake@", "Nikon"),
    ("@cameramodel@", "D7200"),
    ("@cameraserial@", "35551323"),
    ("@dlnum@", "0045"),
    ("@dlnum_lifetime@", "5345"),
    ("@@", "@"),
    # The long spellings airnef 1.1 shipped for the case-only ones.
    ("@capturedate_month@", "September"),
    ("@capturedate_dayofweek@", "Thursday"),
    ("@capturedate_season@", "Fall"),
    ("@dldate_month@", "September"),
    ("@dldate_dayofweek@", "Thursday"),
    ("@dldate_season@", "Fall"),
    # 1.1's camera-name specifiers (the table's @filename@ rows describe them).
    ("@capturefilename@", "DSC_0014.NEF"),
    ("@capturefilename_root@", "DSC_0014"),
    ("@capturefilename_ext@", "NEF"),
]

# "Here are some examples based on a sample filename of DSC_0014.NEF".
SUBSCRIPTS = [
    ("@filename:4:8@", "0014"),
    ("@filename::3@", "DSC"),
    ("@filename:4:@", "0014.NEF"),
    ("@filename:-3:@", "NEF"),
    ("@filename:-3:-2@", "N"),
]

# airnef's case options, for a camera make of "Nikon" (and the compatibility notes' example).
CASE_OPTIONS = [
    ("@cameramake:::u@", "NIKON"),
    ("@cameramake:::l@", "nikon"),
    ("@cameramake:::c@", "Nikon"),
    ("@filename_root:::l@", "dsc_0014"),
]


@pytest.mark.parametrize(("spec", "expected"), SPECIFIER_TABLE + SUBSCRIPTS + CASE_OPTIONS)
@pytest.mark.parametrize("kind", ["file", "text"])
def test_documented_examples(spec, expected, kind):
    assert compile_spec(spec, kind).render(reference_facts()).text == expected


@pytest.mark.parametrize(("spec", "expected"), SPECIFIER_TABLE + SUBSCRIPTS + CASE_OPTIONS)
def test_documented_examples_through_the_column_renderer(spec, expected):
    facts = reference_facts()
    assert compile_spec(spec, "file").render_texts([facts, facts]) == [expected, expected]


def test_replace_example_from_the_notes_renders_the_extension_without_its_dot():
    """The notes show "Main Camera_0001.NEF" for this spec, but their own table (and airnef's
    code) make @filename_ext@ "NEF" without the dot, and so does their second replace example
    ("D7200\\Raw Files", not "D7200\\.Raw Files"). Both cannot hold; the table wins."""
    facts = reference_facts(dlnum=1)
    spec = compile_spec("@cameraserial@@replace~35551323~Main Camera@_@dlnum@@filename_ext@",
                        "file")
    assert spec.render(facts).text == "Main Camera_0001NEF"


def test_replace_example_with_the_dot_written_out_gives_the_documented_name():
    facts = reference_facts(dlnum=1)
    spec = compile_spec("@cameraserial@@replace~35551323~Main Camera@_@dlnum@.@filename_ext@",
                        "file")
    assert spec.render(facts).text == "Main Camera_0001.NEF"


@pytest.mark.parametrize("spec", [r"@cameramodel@\@filename_ext@@replace~NEF~Raw Files@",
                                  "@cameramodel@/@filename_ext@@replace~NEF~Raw Files@"])
def test_dir_replace_example_backslash_or_slash(spec):
    """airnef's Windows example "D7200\\Raw Files": our dir specs separate folders with `/`
    and take `\\` as a separator too."""
    facts = reference_facts()
    compiled = compile_spec(spec, "dir")
    assert compiled.render(facts).text == "D7200/Raw Files"
    target = plan_target(facts, None, compiled, Path("/pics"))
    assert target == Path("/pics/D7200/Raw Files/DSC_0014.NEF")


def test_dir_spec_tree_example():
    """--outputdir c:\\mypics --dirnamespec "@cameramake@\\@cameramodel@\\@cameraserial@"."""
    spec = compile_spec(r"@cameramake@\@cameramodel@\@cameraserial@", "dir")
    target = plan_target(reference_facts(), None, spec, Path("/mypics"))
    assert target == Path("/mypics/Nikon/D7200/35551323/DSC_0014.NEF")


def test_replace_acts_only_on_the_text_to_its_left():
    spec = compile_spec("NEF-@replace~NEF~raw@-NEF", "file")
    assert spec.render(reference_facts()).text == "raw--NEF"


def test_replacere_uses_python_regular_expressions():
    spec = compile_spec(r"@filename@@replacere~^DSC_0*([0-9]+)\.(\w+)$~\2-\1@", "file")
    assert spec.render(reference_facts()).text == "NEF-14"


@pytest.mark.parametrize(("month", "day", "season"), [
    (3, 20, "Winter"),   # day 79 of 2015
    (3, 21, "Spring"),   # day 80
    (6, 20, "Spring"),   # day 171
    (6, 21, "Summer"),   # day 172
    (9, 20, "Summer"),   # day 263
    (9, 21, "Fall"),     # day 264
    (12, 20, "Fall"),    # day 354
    (12, 21, "Winter"),  # day 355
    (1, 1, "Winter"),
])
def test_season_boundaries_by_day_of_year(month, day, season):
    facts = reference_facts(captured=datetime(2015, month, day, 12))
    assert compile_spec("@capturedate_season@", "file").render(facts).text == season
