"""Specifier names ignore case, except where airnef's table tells two specifiers apart by case."""

from __future__ import annotations

import pytest
from rename_strategies import reference_facts

from airnef_tui.rename import SPECIFIERS, SpecError, compile_spec


def render(text: str) -> str:
    return compile_spec(text, "file").render(reference_facts()).text


@pytest.mark.parametrize(("spec", "expected"), [
    ("@FILENAME@", "DSC_0014.NEF"),
    ("@FileName_Root@", "DSC_0014"),
    ("@CAPTUREDATE@", "20150924"),
    ("@CaptureDate_m@", "09"),        # the prefix's case never matters
    ("@CAPTUREDATE_M@", "September"),
    ("@capturedate_DOW@", "Thursday"),
    ("@CAPTUREDATE_dow@", "4"),
    ("@capturedate_MONTH@", "September"),
    ("@capturedate_DayOfWeek@", "Thursday"),
    ("@capturedate_s@", "Fall"),      # dates have no seconds: _s and _S are both the season
    ("@capturedate_Season@", "Fall"),
    ("@capturetime_S@", "13"),        # times have no season: _S and _s are both seconds
    ("@capturetime_M@", "05"),        # and no month: _M is the minute
    ("@DLDATE_M@", "September"),
    ("@dldate_m@", "09"),
    ("@filename:::U@", "DSC_0014.NEF"),
    ("@cameramake:::U@", "NIKON"),
])
def test_case_rules(spec, expected):
    assert render(spec) == expected


@pytest.mark.parametrize("spec", ["@capturedate_Dow@", "@capturedate_dOW@", "@dldate_DoW@"])
def test_mixed_case_weekday_is_refused(spec):
    with pytest.raises(SpecError) as caught:
        render(spec)
    assert caught.value.code == "ambiguous_case"


def test_every_spelling_of_every_specifier_is_reachable():
    for specifier in SPECIFIERS:
        if specifier.context_only:
            continue
        for spelling in specifier.spellings:
            compiled = compile_spec(f"@{spelling}@", "file")
            assert compiled.value_steps[0].specifier is specifier, spelling


@pytest.mark.parametrize(("options", "expected"), [
    ("lc", "Nikon"), ("cl", "Nikon"),     # airnef's order whatever the written one: u, l, then c
    ("lu", "nikon"), ("ul", "nikon"),     # u then l: lower wins
    ("c", "Nikon"),                       # c is str.capitalize: the rest goes lower case
    ("uc", "Nikon"), ("cu", "Nikon"),
    ("uu", "NIKON"), ("ULC", "Nikon"),
])
def test_option_letters_apply_in_airnefs_fixed_order(options, expected):
    facts = reference_facts(make="nIKON")
    assert compile_spec(f"@cameramake:::{options}@", "file").render(facts).text == expected


def test_case_options_apply_after_the_slice():
    assert render("@filename:4:8:u@") == "0014"
    assert render("@cameramodel:1::l@") == "7200"
    assert render("@filename_root:-4::c@") == "0014"
    assert render("@filename_root:::c@") == "Dsc_0014"
    assert render("@cameraserial:::c@") == "35551323"
