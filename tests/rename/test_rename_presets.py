"""Presets: the built-ins, and the user's own kept in the real config file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rename_strategies import reference_facts

from airnef_tui import paths
from airnef_tui.rename import PresetError, plan_target
from airnef_tui.rename.presets import (
    BUILTIN_PRESETS,
    Preset,
    all_presets,
    delete_user_preset,
    find_preset,
    load_user_presets,
    save_user_preset,
)

OUT = Path("/pics")

EXPECTED_BUILTIN_TARGETS = {
    "camera-names": OUT / "DSC_0014.NEF",
    "date-time-original": OUT / "20150924-140513-DSC_0014.NEF",
    "date-folders": OUT / "2015" / "2015-09-24" / "DSC_0014.NEF",
    "by-camera-model": OUT / "D7200" / "DSC_0014.NEF",
    "dlnum-sequence": OUT / "D7200_5345.NEF",
}


@pytest.mark.parametrize("preset", BUILTIN_PRESETS, ids=lambda preset: preset.name)
def test_builtin_presets_plan_what_they_describe(preset):
    name_spec, dir_spec = preset.compile()
    assert plan_target(reference_facts(), name_spec, dir_spec, OUT) == \
        EXPECTED_BUILTIN_TARGETS[preset.name]
    assert preset.description and "\n" not in preset.description


@pytest.fixture
def config(tmp_path, monkeypatch) -> Path:
    """The real config path, under a fresh AIRNEF_TUI_HOME."""
    monkeypatch.setenv("AIRNEF_TUI_HOME", str(tmp_path / "home"))
    path = paths.config_path()
    assert path == tmp_path / "home" / "config" / "config.toml"
    return path


def test_no_config_file_means_no_user_presets(config):
    assert not config.exists()
    assert load_user_presets() == []
    assert [preset.name for preset in all_presets()] == [p.name for p in BUILTIN_PRESETS]


def test_round_trip_through_the_config_file(config):
    wedding = Preset("wedding", "Client folders by day",
                     "@capturedate_iso@_@capturetime_iso@_@filename@",
                     "Weddings/@capturedate_y@/@capturedate_iso@")
    save_user_preset(wedding)
    assert load_user_presets() == [wedding]
    assert find_preset("wedding") == wedding
    assert tomllib.loads(config.read_text())["presets"]["wedding"]["dir_spec"] == \
        "Weddings/@capturedate_y@/@capturedate_iso@"


def test_saving_keeps_every_other_table_and_comment(config):
    original = ('# my settings\n[camera]\nhost = "192.168.1.1"  # the D7200\n'
                'notes = """\n[presets.fake]\nnot a header\n"""\n'
                'matrix = [\n  [1, 2],\n  [3],\n]\n\n'
                '[presets.first]\ndescription = "one"\nfile_spec = "@dlnum@"\n\n'
                '# trailing section\n[zzz]\na = 1\n')
    config.parent.mkdir(parents=True)
    config.write_text(original)
    save_user_preset(Preset("first", "changed", "@filename@", "@cameramodel@"))
    save_user_preset(Preset("second", "added", "", "@capturedate_y@"))
    text = config.read_text()
    assert text.startswith('# my settings\n[camera]\nhost = "192.168.1.1"  # the D7200\n'
                           'notes = """\n[presets.fake]\nnot a header\n"""\n'
                           'matrix = [\n  [1, 2],\n  [3],\n]\n\n[presets.first]\n')
    assert "# trailing section\n[zzz]\na = 1\n" in text
    document = tomllib.loads(text)
    assert document["camera"]["notes"] == "[presets.fake]\nnot a header\n"
    assert document["zzz"] == {"a": 1}
    assert [preset.name for preset in load_user_presets()] == ["first", "second"]
    assert load_user_presets()[0].description == "changed"
    assert delete_user_preset("first") is True
    assert delete_user_preset("first") is False
    assert [preset.name for preset in load_user_presets()] == ["second"]
    document = tomllib.loads(config.read_text())
    assert document["zzz"] == {"a": 1} and document["camera"]["matrix"] == [[1, 2], [3]]


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20) \
    .filter(lambda name: name.strip() and name.isprintable())
plain_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40,
          deadline=None)
@given(names, plain_text, st.sampled_from(["", "@filename@", 'q"uo\'te\t@dlnum@']))
def test_any_name_and_text_round_trip(config, name, description, file_spec):
    preset = Preset(name, description, file_spec, "a\\b/@cameramodel@")
    save_user_preset(preset)
    assert find_preset(name) == preset
    assert delete_user_preset(name)


def test_user_preset_replaces_a_builtin_of_the_same_name(config):
    mine = Preset("date-folders", "Mine", "", "@capturedate_iso@")
    save_user_preset(mine)
    assert find_preset("date-folders") == mine
    assert [p.name for p in all_presets()].count("date-folders") == 1


@pytest.mark.parametrize(("table", "message"), [
    ('[presets.bad]\nfile_spec = "@filname@"\n',
     "preset 'bad': file_spec '@filname@': spec error at column 1: unknown specifier"),
    ('[presets.bad]\ndir_spec = "@path@"\n', "preset 'bad': dir_spec '@path@'"),
    ('[presets.bad]\nfile_spec = 3\n', "preset 'bad': file_spec must be a string"),
    ('[presets.bad]\nfilespec = "@dlnum@"\n', "preset 'bad': unknown key 'filespec'"),
    ('[presets]\nbad = "x"\n', "preset 'bad': expected a [presets.bad] table"),
    ("presets = 1\n", "must be a table of presets"),
    ("[presets.x\n", "is not valid TOML"),
])
def test_invalid_user_presets_are_named(config, table, message):
    config.parent.mkdir(parents=True)
    config.write_text(table)
    with pytest.raises(PresetError) as caught:
        load_user_presets()
    assert message in str(caught.value)


def test_saving_refuses_an_invalid_preset_and_leaves_the_file_alone(config):
    save_user_preset(Preset("ok", "fine", "@dlnum@"))
    before = config.read_text()
    with pytest.raises(PresetError, match="preset 'broken': file_spec"):
        save_user_preset(Preset("broken", "", "@capturedate_y@/@filename@"))
    with pytest.raises(PresetError, match="needs a name"):
        save_user_preset(Preset(" ", "", "@dlnum@"))
    assert config.read_text() == before


def test_a_preset_written_as_an_inline_table_is_not_edited_blindly(config):
    config.parent.mkdir(parents=True)
    config.write_text('[presets]\nmine = { file_spec = "@dlnum@" }\n')
    with pytest.raises(PresetError, match="cannot update"):
        save_user_preset(Preset("mine", "", "@filename@"))
    assert config.read_text() == '[presets]\nmine = { file_spec = "@dlnum@" }\n'


def test_unknown_preset_lists_the_known_ones(config):
    with pytest.raises(PresetError, match="no preset named 'nope' \\(known: camera-names"):
        find_preset("nope")
