"""Presets: the built-ins, and the user's own kept in the real config file."""

from __future__ import annotations

from pathlib import Path

import pytest
from rename_strategies import reference_facts

from airnef_tui import paths
from airnef_tui.rename import PresetError, plan_target
from airnef_tui.rename.presets import (
    BUILTIN_PRESETS,
    Preset,
    all_presets,
    find_preset,
    load_user_presets,
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


def test_presets_are_read_from_the_config_file(config):
    config.parent.mkdir(parents=True)
    config.write_text('# my settings\n[camera]\nhost = "192.168.1.1"\n\n'
                      '[presets.wedding]\ndescription = "Client folders by day"\n'
                      'file_spec = "@capturedate_iso@_@capturetime_iso@_@filename@"\n'
                      'dir_spec = "Weddings/@capturedate_y@/@capturedate_iso@"\n\n'
                      '[presets.plain]\n')
    wedding = Preset("wedding", "Client folders by day",
                     "@capturedate_iso@_@capturetime_iso@_@filename@",
                     "Weddings/@capturedate_y@/@capturedate_iso@")
    assert load_user_presets() == [wedding, Preset("plain", "")]
    assert find_preset("wedding") == wedding


def test_user_preset_replaces_a_builtin_of_the_same_name(config):
    config.parent.mkdir(parents=True)
    config.write_text('[presets.date-folders]\ndescription = "Mine"\n'
                      'dir_spec = "@capturedate_iso@"\n')
    mine = Preset("date-folders", "Mine", "", "@capturedate_iso@")
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


def test_unknown_preset_lists_the_known_ones(config):
    with pytest.raises(PresetError, match="no preset named 'nope' \\(known: camera-names"):
        find_preset("nope")
