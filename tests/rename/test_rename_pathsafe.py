"""safe_component: one name every common filesystem accepts, from any text a camera sends."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import dataclasses
from pathlib import Path

from rename_strategies import hostile_names, reference_facts

from airnef_tui.rename import camera_name, compile_spec, plan_target, safe_component
from airnef_tui.rename.preview import PreviewModel
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


@pytest.mark.parametrize("name, safe", [
    ("A.JPG.part", "A.JPG.part_"),
    ("clip.PART", "clip.PART_"),
    ("part", "part"),
    ("A.partial", "A.partial"),
])
def test_names_ending_like_a_partial_download_are_kept_apart(name, safe):
    """`<target>.part` holds a download in progress: a camera file named like one must not land
    where another file's partial download is written (it would be overwritten)."""
    assert safe_component(name) == safe
    assert camera_name(name) == safe
    spec = compile_spec("@filename@", "file")
    facts = dataclasses.replace(reference_facts(), camera_filename=name, local_filename=name)
    assert plan_target(facts, spec, None, Path("/out")) == Path("/out") / safe
    assert plan_target(facts, None, None, Path("/out")) == Path("/out") / safe
    for name_spec in (spec, None):  # the bulk path of the preview pane and the planner
        preview = PreviewModel(Path("/out"), [facts], exists=lambda path: False,
                               name_spec=name_spec)
        assert preview.target(0) == safe


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u200f", "\u061c"])
def test_bidirectional_controls_never_reach_a_name(control):
    """They make `photo<RLO>gpj.exe` display as `photoexe.jpg`."""
    assert control not in safe_component(f"photo{control}gpj.exe")
    assert control not in camera_name(f"photo{control}gpj.exe")
