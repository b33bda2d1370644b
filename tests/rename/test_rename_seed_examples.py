"""Every example of airnef's rename documentation (developer notes, 09/24/15) and of our
compatibility notes, rendered exactly as shown there."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from rename_strategies import REFERENCE_TIME, reference_facts

from airnef_tui.airnefcmd import main as airnefcmd
from airnef_tui.rename import SpecError, compile_spec, plan_target, safe_component

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

# airnef's case options, for a Nikon ("Nikon Corporation"; the make is its first word), and the
# compatibility notes' example.
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


def test_dir_spec_tree_example_as_the_notes_list_the_folders():
    """The notes promise c:\\mypics\\Nikon, c:\\mypics\\Nikon\\D7200 and
    c:\\mypics\\Nikon\\D7200\\35551323, the order make, model, serial. The camera reports
    "Nikon Corporation"; the folder is "Nikon"."""
    spec = compile_spec(r"@cameramake@\@cameramodel@\@cameraserial@", "dir")
    target = plan_target(reference_facts(), None, spec, Path("/mypics"))
    assert target == Path("/mypics/Nikon/D7200/35551323/DSC_0014.NEF")


def test_dir_spec_tree_example_as_the_notes_write_the_spec():
    """The notes' spec itself, --dirnamespec "@cameramodel@\\@cameramake@\\@cameraserial@",
    puts the model first (airnef's code follows the spec, not that list of folders); either way
    the make's folder is "Nikon", never "Nikon Corporation"."""
    spec = compile_spec(r"@cameramodel@\@cameramake@\@cameraserial@", "dir")
    assert spec.render(reference_facts()).text == "D7200/Nikon/35551323"
    target = plan_target(reference_facts(), None, spec, Path("/mypics"))
    assert target == Path("/mypics/D7200/Nikon/35551323/DSC_0014.NEF")


def test_dir_spec_tree_example_end_to_end_through_airnefcmd(start_sim, tmp_path, monkeypatch,
                                                           capsys):
    """The same spec through airnefcmd against the simulated Nikon, whose device info says
    "Nikon Corporation" as a real one does."""
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 0.0)
    sim = start_sim(profile="nikon", files=1)
    out = tmp_path / "mypics"
    code = airnefcmd(["--ipaddress", f"127.0.0.1:{sim.port}", "--outputdir", str(out),
                      "--dirnamespec", r"@cameramodel@\@cameramake@\@cameraserial@"])
    assert code == 0, capsys.readouterr().err
    folders = sorted(path.relative_to(out).as_posix() for path in out.rglob("*")
                     if path.is_dir())
    assert folders == ["D7200", "D7200/Nikon", "D7200/Nikon/3012345"]


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


# -- The audit: every rule of the spec language against airnef 1.1 --------------------------------
#
# airnef 1.1's behaviour as its notes describe it, checked against its released code where the
# notes are silent: names ignore case, date parts come from strftime (%W for the week), `_dow` is
# Monday=1, seasons go by day of the year, counters are formatted with four digits, subscripts are
# a Python slice, the case options are applied u, then l, then c (`str.capitalize`) whatever
# order they are written in, and the replace tokens act on the output built so far.
#
# Each case: (spec, changes to the reference facts, what airnef 1.1 printed and we print too).
# Rendered as a "text" spec (no name rules), and as a name spec when the result is a clean name.

def at(*fields: int) -> datetime:
    return datetime(*fields)


CAMERA_MAKE = [
    # @cameramake@ is the first word of the manufacturer string the camera reports.
    ("[@cameramake@]", {"make": "Nikon Corporation"}, "[Nikon]"),
    ("[@cameramake@]", {"make": "Sony Corporation"}, "[Sony]"),
    ("[@cameramake@]", {"make": "Canon Inc."}, "[Canon]"),
    ("[@cameramake@]", {"make": "FUJIFILM"}, "[FUJIFILM]"),
    ("[@cameramake@]", {"make": "Nikon"}, "[Nikon]"),
    ("[@cameramake@]", {"make": ""}, "[]"),
    ("[@cameramake@]", {"make": "   "}, "[]"),
    # Subscripts, case options and replace work on the word, not on the whole string.
    ("@cameramake:-3:@", {}, "kon"),
    ("@cameramake:::u@", {}, "NIKON"),
    ("@cameramake@@replace~Nikon~N@", {}, "N"),
    ("@cameramake@@replace~Corporation~Corp@", {}, "Nikon"),
]

DATES = [
    # Two-digit fields are zero-padded; times are 24-hour.
    ("@capturedate@ @capturedate_y@ @capturedate_m@ @capturedate_d@", {"captured": at(2015, 1, 5)},
     "20150105 2015 01 05"),
    ("@capturetime@ @capturetime_h@ @capturetime_m@ @capturetime_s@",
     {"captured": at(2015, 1, 5, 3, 4, 5)}, "030405 03 04 05"),
    ("@capturetime@", {"captured": at(2015, 9, 24, 0, 0, 0)}, "000000"),
    ("@capturedate@-@capturetime@", {"captured": at(2015, 12, 31, 23, 59, 59)},
     "20151231-235959"),
    # Week of the year as strftime's %W: weeks start on Monday, days before the first one are 00.
    ("@capturedate_woy@", {"captured": at(2015, 1, 1)}, "00"),   # a Thursday
    ("@capturedate_woy@", {"captured": at(2017, 1, 1)}, "00"),   # a Sunday
    ("@capturedate_woy@", {"captured": at(2017, 1, 2)}, "01"),   # the first Monday
    ("@capturedate_woy@", {"captured": at(2018, 1, 1)}, "01"),   # a Monday on 1 January
    ("@capturedate_woy@", {"captured": at(2015, 12, 31)}, "52"),
    ("@capturedate_woy@", {"captured": at(2012, 12, 31)}, "53"),
    # Day of the week: Monday = 1 ... Sunday = 7.
    ("@capturedate_dow@", {"captured": at(2015, 9, 21)}, "1"),
    ("@capturedate_dow@", {"captured": at(2015, 9, 27)}, "7"),
    *[("@capturedate_dayofweek@ @capturedate_DOW@", {"captured": at(2015, 9, 21 + offset)},
       f"{name} {name}")
      for offset, name in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                     "Saturday", "Sunday"])],
    *[("@capturedate_month@ @capturedate_M@", {"captured": at(2015, month, 1)}, f"{name} {name}")
      for month, name in enumerate(["January", "February", "March", "April", "May", "June",
                                    "July", "August", "September", "October", "November",
                                    "December"], start=1)],
    # Seasons go by the day of the year, so in a leap year they start a calendar day earlier.
    ("@capturedate_season@", {"captured": at(2016, 3, 19)}, "Winter"),  # day 79
    ("@capturedate_season@", {"captured": at(2016, 3, 20)}, "Spring"),  # day 80
    ("@capturedate_season@", {"captured": at(2016, 12, 19)}, "Fall"),   # day 354
    ("@capturedate_S@", {"captured": at(2016, 12, 20)}, "Winter"),      # day 355
    # Download specifiers use the download time (one per run), capture ones the capture time.
    ("@capturedate@ @dldate@", {"captured": at(2014, 1, 2, 3, 4, 5)}, "20140102 20150924"),
    ("@capturetime@ @dltime@", {"captured": at(2014, 1, 2, 3, 4, 5)}, "030405 140513"),
    ("@dldate@ @dldate_y@ @dldate_m@ @dldate_d@ @dldate_dow@ @dldate_woy@",
     {"downloaded_at": at(2015, 1, 5, 3, 4, 5)}, "20150105 2015 01 05 1 01"),
    ("@dldate_month@ @dldate_M@ @dldate_dayofweek@ @dldate_DOW@ @dldate_season@ @dldate_S@",
     {"downloaded_at": at(2015, 1, 5, 3, 4, 5)}, "January January Monday Monday Winter Winter"),
    ("@dltime@ @dltime_h@ @dltime_m@ @dltime_s@", {"downloaded_at": at(2015, 1, 5, 3, 4, 5)},
     "030405 03 04 05"),
]

FILES_AND_COUNTERS = [
    ("@dlnum@", {"dlnum": 1}, "0001"),
    ("@dlnum@", {"dlnum": 9999}, "9999"),
    ("@dlnum@", {"dlnum": 10000}, "10000"),     # at least four digits, never cut
    ("@dlnum_lifetime@", {"dlnum_lifetime": 1}, "0001"),
    ("@dlnum_lifetime@", {"dlnum_lifetime": 123456}, "123456"),
    ("@slotnumber@", {"slot": 2}, "2"),
    ("[@camerafolder@]", {"camera_folder": ""}, "[]"),   # a file at the card's root
    ("@camerafolder@", {"camera_folder": "100NIKON"}, "100NIKON"),
    # The extension never has its dot; the root is everything before the last dot.
    ("[@filename_root@|@filename_ext@]", {"camera_filename": "README"}, "[README|]"),
    ("[@filename_root@|@filename_ext@]", {"camera_filename": "archive.tar.gz"},
     "[archive.tar|gz]"),
    ("[@filename_root@|@filename_ext@]", {"camera_filename": ".hidden"}, "[.hidden|]"),
    ("[@filename_root@|@filename_ext@]", {"camera_filename": "DSC_0014."}, "[DSC_0014|]"),
    # @filename…@ are the local name (a thumbnail's), @capturefilename…@ the camera's.
    ("@filename@|@filename_ext@|@capturefilename@|@capturefilename_ext@",
     {"local_filename": "DSC_0014.thumb.jpg"}, "DSC_0014.thumb.jpg|jpg|DSC_0014.NEF|NEF"),
]

SUBSCRIPT_RULES = [
    ("@filename:0:3@", {}, "DSC"),
    ("@filename:4:100@", {}, "0014.NEF"),        # past the end: to the end
    ("[@filename:100:@]", {}, "[]"),
    ("@filename:-100:3@", {}, "DSC"),
    ("[@filename:8:4@]", {}, "[]"),              # end before start: nothing
    ("[@filename:-4:-4@]", {}, "[]"),
    ("@filename::@", {}, "DSC_0014.NEF"),
    ("@filename:@", {}, "DSC_0014.NEF"),
    ("@filename:-0:@", {}, "DSC_0014.NEF"),      # -0 is 0
    ("@filename:+4:8@", {}, "0014"),             # a sign and spaces are allowed, as int() did
    ("@filename: 4 : 8 @", {}, "0014"),
    ("@filename:007:8@", {}, "4"),
    ("@filename:4:8:@", {}, "0014"),             # empty options
    ("@dlnum:-2:@", {}, "45"),
    ("@capturedate:0:4@", {}, "2015"),
    ("@capturedate_month::3@", {}, "Sep"),
]

CASE_OPTION_RULES = [
    ("@filename:::u@", {}, "DSC_0014.NEF"),
    ("@filename:::l@", {}, "dsc_0014.nef"),
    ("@filename:::c@", {}, "Dsc_0014.nef"),      # capitalise lowers the rest
    ("@filename:::U@", {}, "DSC_0014.NEF"),      # option letters ignore case
    ("@filename:::lu@", {}, "dsc_0014.nef"),     # u, then l: whatever the written order
    ("@filename:::ul@", {}, "dsc_0014.nef"),
    ("@filename:::cu@", {}, "Dsc_0014.nef"),     # u, then c
    ("@filename:::cl@", {}, "Dsc_0014.nef"),
    ("@filename:::ulc@", {}, "Dsc_0014.nef"),
    ("@filename:::uuu@", {}, "DSC_0014.NEF"),
    ("@filename:4::c@", {}, "0014.nef"),         # the slice first, then the case
    ("@cameramodel:::c@", {}, "D7200"),
    ("@capturedate_month:::u@", {}, "SEPTEMBER"),
    ("@capturedate_dayofweek::3:l@", {}, "thu"),
]

REPLACE_RULES = [
    ("@filename@@replace~NEF~RAW@", {}, "DSC_0014.RAW"),
    ("A@replace~A~B@A", {}, "BA"),                          # only the output so far
    ("@replace~a~b@xa", {}, "xa"),                          # nothing to its left yet
    ("x@replace~x~y@@replace~y~z@", {}, "z"),               # each sees the previous one's output
    ("@cameramodel@-@replace~D~Z@@cameramodel@", {}, "Z7200-D7200"),
    ("@filename_root@@replace~DSC~@", {}, "_0014"),         # the new text may be empty
    ("@filename@@replace~0~@", {}, "DSC_14.NEF"),           # every occurrence
    ("@filename@@replace~nef~raw@", {}, "DSC_0014.NEF"),    # the find text is case-sensitive
    ("@filename:::l@@replace~dsc~DSC@", {}, "DSC_0014.nef"),  # case options come before it
    ("@filename@@replacere~(?i)nef~raw@", {}, "DSC_0014.raw"),
    ("@filename@@replacere~[0-9]~#@", {}, "DSC_####.NEF"),
    (r"@filename@@replacere~^(\w+)\.(\w+)$~\2_\1@", {}, "NEF_DSC_0014"),
    ("@dlnum@@replacere~^0+~@", {}, "45"),
    ("@filename@@replace~DSC_0014.NEF~x:y@", {}, "x:y"),   # (a "text" spec keeps the colon)
]

LITERAL_AT_RULES = [
    ("a@@b", {}, "a@b"),
    ("@@@filename@", {}, "@DSC_0014.NEF"),
    ("@filename@@@", {}, "DSC_0014.NEF@"),
    ("@@@@", {}, "@@"),
    ("@@@@@filename@", {}, "@@DSC_0014.NEF"),
    ("@@x@replace~x~y@", {}, "@y"),
]

NAME_CASE_RULES = [
    ("@FILENAME@", {}, "DSC_0014.NEF"),
    ("@FileName_Ext@", {}, "NEF"),
    ("@CaptureFileName_Root@", {}, "DSC_0014"),
    ("@CameraMake@", {}, "Nikon"),
    ("@DLNUM@", {}, "0045"),
    ("@SlotNumber@", {}, "1"),
    ("@CAPTUREDATE_WOY@", {}, "38"),
    ("@CAPTUREDATE_MONTH@", {}, "September"),
    ("@Capturedate_Season@", {}, "Fall"),
    ("@capturetime_M@", {}, "05"),   # times have no month: the minute, as in airnef
    ("@CAPTURETIME_S@", {}, "13"),
]

SAME_AS_AIRNEF = (CAMERA_MAKE + DATES + FILES_AND_COUNTERS + SUBSCRIPT_RULES + CASE_OPTION_RULES
                  + REPLACE_RULES + LITERAL_AT_RULES + NAME_CASE_RULES)


def _case_id(case: tuple) -> str:
    spec, changes, _ = case
    shown = ",".join(f"{key}={value}" for key, value in changes.items())
    return f"{spec} [{shown}]" if shown else spec


@pytest.mark.parametrize(("spec", "changes", "expected"), SAME_AS_AIRNEF,
                         ids=list(map(_case_id, SAME_AS_AIRNEF)))
def test_audit_same_as_airnef(spec, changes, expected):
    facts = reference_facts(**changes)
    assert compile_spec(spec, "text").render(facts).text == expected
    if expected and safe_component(expected) == expected:
        compiled = compile_spec(spec, "file")
        assert compiled.render(facts).text == expected
        assert compiled.render_texts([facts, facts]) == [expected, expected]


# Specs airnef 1.1 refused too (it said "Unknown specifier", "Missing specifier after @",
# "... is not integer", "Too many subscripts", "No search string specified" ...).
REFUSED_BY_BOTH = [
    ("@foo@", "unknown_specifier"),
    ("@ filename@", "unknown_specifier"),
    ("@capturedate_x@", "unknown_specifier"),
    ("@filename", "unclosed"),
    ("x@", "unclosed"),
    ("@@@", "unclosed"),
    ("@filename:1:2:u:x@", "too_many_fields"),
    ("@filename:x@", "bad_subscript"),
    ("@filename:1:y@", "bad_subscript"),
    ("@filename:2.5@", "bad_subscript"),
    ("@filename:0x10@", "bad_subscript"),
    ("@filename:1e2@", "bad_subscript"),
    ("@filename:--1@", "bad_subscript"),
    ("@replace@", "bad_replace"),
    ("@replace~a@", "bad_replace"),
    ("@replace~a~b~c@", "too_many_fields"),
    ("@replacere~a~b~c@", "too_many_fields"),
    ("@replace:1~a~b@", "bad_field"),
    ("@filename~a@", "bad_field"),
]


@pytest.mark.parametrize(("spec", "code"), REFUSED_BY_BOTH)
def test_audit_refused_like_airnef(spec, code):
    for kind in ("file", "dir", "text"):
        with pytest.raises(SpecError) as caught:
            compile_spec(spec, kind)
        assert caught.value.code == code


# -- Where we deliberately differ from airnef 1.1 (each listed, with its reason, in the README's
# "Where airnef-tui differs from airnef 1.1") -----------------------------------------------------

# (spec, kind, changes to the reference facts, what we print; what airnef 1.1 did, in a comment)
DIFFERENT_OUTPUT = [
    # The notes' table: _M, _DOW and _S are the names. airnef 1.1 lower-cased every name, so
    # there _M was the month number (09), _DOW the weekday number (4) and _S unknown.
    ("@capturedate_M@", "file", {}, "September"),
    ("@capturedate_DOW@", "file", {}, "Thursday"),
    ("@capturedate_S@", "file", {}, "Fall"),
    ("@capturedate_s@", "file", {}, "Fall"),
    ("@dldate_M@", "file", {}, "September"),
    ("@dldate_DOW@", "file", {}, "Thursday"),
    ("@dldate_S@", "file", {}, "Fall"),
    # airnef 1.1 only knew the replace names in lower case (Unknown specifier otherwise).
    ("@cameramake@@Replace~Nikon~N@", "file", {}, "N"),
    ("@cameramake@@REPLACERE~N.*~N@", "file", {}, "N"),
    # airnef cut the manufacturer at its first space: a leading space gave an empty make, and a
    # tab did not cut.
    ("[@cameramake@]", "text", {"make": "  Nikon Corporation"}, "[Nikon]"),
    ("[@cameramake@]", "text", {"make": "Nikon\tCorporation"}, "[Nikon]"),
    # No capture time: airnef printed the Unix epoch (19700101); we print the download time.
    ("@capturedate@-@capturetime@", "file", {"captured": None}, "20150924-140513"),
    ("@capturedate@", "file", {"captured": None, "downloaded_at": at(2016, 2, 3, 4, 5, 6)},
     "20160203"),
    # Names are made safe, before a replace sees them (airnef wrote what it got, or failed).
    ("@cameramodel@", "file", {"model": "EOS R5/R6"}, "EOS R5_R6"),
    ("@cameramodel@", "dir", {"model": "EOS R5/R6"}, "EOS R5_R6"),
    ("a:b@replace~:~-@", "file", {}, "a_b"),
    ("@filename@@replace~.NEF~:x@", "file", {}, "DSC_0014_x"),
    ("@cameramake@", "dir", {"make": ""}, ""),   # an empty folder part is dropped
]


@pytest.mark.parametrize(("spec", "kind", "changes", "expected"), DIFFERENT_OUTPUT,
                         ids=[f"{spec} ({kind}) {changes or ''}".rstrip()
                              for spec, kind, changes, _ in DIFFERENT_OUTPUT])
def test_deliberate_differences_in_output(spec, kind, changes, expected):
    assert compile_spec(spec, kind).render(reference_facts(**changes)).text == expected


def test_an_empty_make_in_a_name_spec_is_an_empty_name_for_that_file():
    rendered = compile_spec("@cameramake@", "file").render(reference_facts(make=" "))
    assert rendered.error_code == "empty_name"


def test_an_empty_make_in_a_folder_spec_drops_that_folder():
    spec = compile_spec("@cameramake@/@cameramodel@", "dir")
    assert spec.render(reference_facts(make="")).text == "D7200"


# (spec, kind, our error code; what airnef 1.1 did instead, in a comment)
REFUSED_BY_US_ONLY = [
    ("@filename:::x@", "file", "bad_option"),        # airnef ignored unknown option letters
    ("@filename:::u l@", "file", "bad_option"),
    ("@replace~~x@", "file", "bad_replace"),         # airnef put x between every two characters
    ("@capturedate_Dow@", "file", "ambiguous_case"),  # airnef: the weekday number
    ("@filename:1_0@", "file", "bad_subscript"),     # airnef's int() read 10
    ("@path@", "file", "context_only"),              # airnef: the output folder
    ("@pf@", "dir", "context_only"),
    ("@replacere~a(~x@", "file", "bad_regex"),       # airnef stopped with a Python traceback
]


@pytest.mark.parametrize(("spec", "kind", "code"), REFUSED_BY_US_ONLY)
def test_deliberate_differences_refused_by_us(spec, kind, code):
    with pytest.raises(SpecError) as caught:
        compile_spec(spec, kind)
    assert caught.value.code == code


def test_reference_time_is_the_notes_date():
    assert REFERENCE_TIME == datetime(2015, 9, 24, 14, 5, 13)
