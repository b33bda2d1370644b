"""Properties over any spec text and any file facts, hostile camera names included."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rename_strategies import file_facts, spec_texts

from airnef_tui.rename import (
    SpecError,
    TargetError,
    compile_spec,
    plan_relative,
    plan_target,
)
from airnef_tui.rename.compiled import ValueColumns, _suspect_rows
from airnef_tui.rename.pathsafe import MAX_NAME_BYTES, clean_characters, is_clean_component

OUTPUT = Path("/home/me/pics")
kinds = st.sampled_from(["file", "dir", "text"])
any_text = st.one_of(spec_texts, st.text(max_size=30))


def compiled_or_none(text: str, kind: str):
    try:
        return compile_spec(text, kind)
    except SpecError:
        return None


@settings(deadline=None)
@given(any_text, kinds)
def test_any_text_compiles_or_raises_a_spec_error_inside_the_text(text, kind):
    try:
        compile_spec(text, kind)
    except SpecError as error:
        assert 0 <= error.position <= error.end <= len(text)
        assert "\n" not in str(error)
        assert str(error).startswith(f"spec error at column {error.position + 1}: ")


def _assert_safe_relative(relative: str) -> None:
    assert "\x00" not in relative
    assert not relative.startswith("/") and "\\" not in relative
    for part in relative.split("/"):
        assert part not in ("", ".", "..")
        assert len(part.encode("utf-8")) <= MAX_NAME_BYTES
    assert unicodedata.is_normalized("NFC", relative)


def _assert_tiled(text: str, spans) -> None:
    position = 0
    for span in spans:
        assert span.start == position and span.end > span.start
        position = span.end
    assert position == len(text)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200, deadline=None)
@given(spec_texts, st.sampled_from(["file", "dir"]), file_facts())
def test_rendered_names_and_folders_are_always_safe(text, kind, facts):
    spec = compiled_or_none(text, kind)
    assume(spec is not None)
    rendered = spec.render(facts)
    _assert_tiled(rendered.text, rendered.spans)
    if kind == "file":
        if rendered.error is None:
            assert rendered.text and "/" not in rendered.text
            _assert_safe_relative(rendered.text)
        else:
            assert rendered.error_code in ("empty_name", "path_in_name")
    elif rendered.text:
        _assert_safe_relative(rendered.text)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200, deadline=None)
@given(st.one_of(st.none(), spec_texts), st.one_of(st.none(), spec_texts), file_facts(),
       st.sampled_from(["", ".sthumb.jpg"]))
def test_targets_stay_strictly_inside_the_output_folder(name_text, dir_text, facts, suffix):
    name_spec = None if name_text is None else compiled_or_none(name_text, "file")
    dir_spec = None if dir_text is None else compiled_or_none(dir_text, "dir")
    target = plan_target(facts, name_spec, dir_spec, OUTPUT, suffix)
    if isinstance(target, TargetError):
        assert target.code in ("empty_name", "path_in_name")
        return
    assert target.is_absolute() and OUTPUT in target.parents
    relative = target.relative_to(OUTPUT).as_posix()
    _assert_safe_relative(relative)
    if suffix:
        assert target.name.endswith(suffix)
    planned = plan_relative(facts, name_spec, dir_spec, suffix)
    assert planned[0] == relative
    _assert_tiled(*planned)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150, deadline=None)
@given(spec_texts, kinds, st.lists(file_facts(), min_size=1, max_size=6))
def test_column_rendering_equals_rendering_each_file(text, kind, files):
    spec = compiled_or_none(text, kind)
    assume(spec is not None)
    one_by_one = []
    for facts in files:
        rendered = spec.render(facts)
        one_by_one.append(rendered.text if rendered.error is None else rendered.error)
    columns = spec.render_texts(files, ValueColumns(files))
    assert [str(item) if isinstance(item, TargetError) else item for item in columns] == \
        one_by_one


@given(st.lists(spec_texts, min_size=2, max_size=5), st.lists(file_facts(), min_size=1,
                                                                  max_size=4))
@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=100, deadline=None)
def test_cached_columns_give_the_same_results_as_fresh_ones(texts, files):
    """The value cache is shared across specs while the user types: it must never leak a
    value of one token into another."""
    shared = ValueColumns(files)
    for text in texts:
        spec = compiled_or_none(text, "file")
        if spec is None:
            continue
        assert spec.render_texts(files, shared) == spec.render_texts(files, ValueColumns(files))


@settings(deadline=None)
@given(st.lists(st.text(max_size=8).map(clean_characters)
                | st.sampled_from(["", ".", "..", " ", "a.", "con", "LPT1.x", "é", "x" * 300]),
                min_size=1, max_size=12))
def test_the_batch_scan_flags_every_name_that_needs_a_look(names):
    flagged = set(_suspect_rows(names))
    for index, name in enumerate(names):
        if index not in flagged:
            assert is_clean_component(name), name
