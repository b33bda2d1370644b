"""safe_component: one name every common filesystem accepts, from any text a camera sends."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rename_strategies import hostile_names

from airnef_tui.rename import safe_component
from airnef_tui.rename.pathsafe import (
    MAX_NAME_BYTES,
    clean_characters,
    fit_name,
    is_clean_component,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("DSC_0014.NEF", "DSC_0014.NEF"),
    ("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"),
    ("nul\x00and\x1fcontrol\x7f\x85.JPG", "nul_and_control__.JPG"),
    (".", "_"),
    ("..", "__"),
    ("...", "___"),
    (".hidden", "_hidden"),
    ("trailing. . ", "trailing"),
    ("name.", "name"),
    ("", "_"),
    ("   ", "_"),
    (" .", "_"),
    ("CON", "_CON"),
    ("con.txt", "_con.txt"),
    ("LPT1.JPG", "_LPT1.JPG"),
    ("COM9 .x", "_COM9 .x"),
    ("CONCERT.JPG", "CONCERT.JPG"),
    ("COM10.JPG", "COM10.JPG"),
    ("e\u0301te\u0301.JPG", "\u00e9t\u00e9.JPG"),
    ("\ud800.JPG", "_.JPG"),
    ("../x", "_._x"),
    ("/abs", "_abs"),
])
def test_examples(text, expected):
    assert safe_component(text) == expected


def test_long_names_are_cut_before_the_extension():
    name = safe_component("a" * 300 + ".NEF")
    assert name == "a" * (MAX_NAME_BYTES - 4) + ".NEF"


def test_long_multibyte_names_are_cut_between_characters():
    name = safe_component("日本語" * 40 + ".JPG")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert name.endswith(".JPG")
    assert name.startswith("日本語")


def test_a_long_extension_is_not_kept_whole():
    name = safe_component("x." + "e" * 300)
    assert len(name.encode("utf-8")) == MAX_NAME_BYTES
    assert name.startswith("x.eee")


def test_fit_name_keeps_the_tail():
    assert fit_name("a" * 300, "-new-12.NEF") == "a" * (255 - 11) + "-new-12.NEF"
    assert fit_name("short", ".x") == "short.x"


@settings(deadline=None)
@given(hostile_names)
def test_result_is_a_safe_single_name(text):
    name = safe_component(text)
    assert name and name not in (".", "..")
    assert not any(char in name for char in '/\\:*?"<>|')
    assert all(ord(char) >= 0x20 and not 0x7F <= ord(char) < 0xA0 for char in name)
    assert not name.startswith(".") and not name.endswith((".", " "))
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert unicodedata.is_normalized("NFC", name)


@settings(deadline=None)
@given(st.one_of(hostile_names, st.text(min_size=200, max_size=400)))
def test_idempotent_and_agrees_with_the_quick_check(text):
    name = safe_component(text)
    assert safe_component(name) == name
    assert is_clean_component(name)


@settings(deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=300))
def test_quick_check_never_passes_a_name_that_would_change(text):
    text = clean_characters(text)
    if is_clean_component(text):
        assert safe_component(text) == text
