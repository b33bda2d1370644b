"""Presets: the built-ins, and the user's own kept in the real config file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rename_strategies import reference_facts

from airnef_tui import paths
from airnef_tui.rename import PresetError, plan_target
from airnef_tui.rename.presets import (
    BUILTIN_PRESETS,
    Preset,
    PresetProblem,
    all_presets,
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
    assert load_user_presets().presets == [] and load_user_presets().problems == []
    assert [preset.name for preset in all_presets().presets] == [p.name for p in BUILTIN_PRESETS]


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
    assert load_user_presets().presets == [wedding, Preset("plain", "")]
    assert find_preset("wedding") == wedding


def test_user_preset_replaces_a_builtin_of_the_same_name(config):
    config.parent.mkdir(parents=True)
    config.write_text('[presets.date-folders]\ndescription = "Mine"\n'
                      'dir_spec = "@capturedate_iso@"\n')
    mine = Preset("date-folders", "Mine", "", "@capturedate_iso@")
    assert find_preset("date-folders") == mine
    assert [p.name for p in all_presets().presets].count("date-folders") == 1


GOOD = '[presets.good]\ndescription = "Fine"\ndir_spec = "@cameramodel@"\n\n'


@pytest.mark.parametrize(("table", "message"), [
    ('[presets.bad]\nfile_spec = "@filname@"\n',
     "preset 'bad': file_spec '@filname@': spec error at column 1: unknown specifier"),
    ('[presets.bad]\ndir_spec = "@path@"\n', "preset 'bad': dir_spec '@path@'"),
    ('[presets.bad]\nfile_spec = 3\n', "preset 'bad': file_spec must be a string"),
    ('[presets.bad]\nfilespec = "@dlnum@"\n', "preset 'bad': unknown key 'filespec'"),
    ('[presets]\nbad = "x"\n', "preset 'bad': expected a [presets.bad] table"),
    ('[presets." bad"]\n', "must not start or end with a space"),
])
def test_a_bad_preset_is_named_and_skipped_while_the_others_load(config, table, message):
    config.parent.mkdir(parents=True)
    config.write_text(GOOD + table + '\n[presets.also-good]\nfile_spec = "@dlnum@"\n')
    loaded = load_user_presets()
    assert [preset.name for preset in loaded.presets] == ["good", "also-good"]
    [problem] = loaded.problems
    assert problem.name is not None and problem.name.strip() == "bad"
    assert message in str(problem) and "\n" not in str(problem)
    with pytest.raises(PresetError, match=re.escape(message)):  # by name: why it is unusable
        find_preset(problem.name)


@pytest.mark.parametrize(("text", "message"), [
    ("presets = 1\n", "must be a table of presets"),
    ("[presets.x\n", "is not valid TOML"),
    (b"\xff\xfe", "is not UTF-8 text"),
])
def test_an_unreadable_presets_table_leaves_the_builtins(config, text, message):
    config.parent.mkdir(parents=True)
    config.write_bytes(text if isinstance(text, bytes) else text.encode())
    loaded = all_presets()
    assert [preset.name for preset in loaded.presets] == [p.name for p in BUILTIN_PRESETS]
    [problem] = loaded.problems
    assert problem.name is None and message in str(problem)
    assert find_preset("date-folders").builtin
    with pytest.raises(PresetError, match=f"no preset named 'mine' .*; .*{message}"):
        find_preset("mine")


def test_unknown_preset_lists_the_known_ones(config):
    with pytest.raises(PresetError, match="no preset named 'nope' \\(known: camera-names"):
        find_preset("nope")


USERS_FILE = """\
# My airnef-tui settings. Keep this comment.
[camera]
host = "192.168.1.1"   # the D7200 at home

[presets.wedding]
description = "Client folders by day"   # for Anna
file_spec = "@capturedate_iso@_@filename@"

# The next table is not a preset.
[backup]
paths = ["/mnt/a", "/mnt/b"]
"""


def test_saving_a_new_preset_appends_it_and_keeps_every_other_byte(config):
    config.parent.mkdir(parents=True)
    config.write_text(USERS_FILE)
    mine = Preset("by day", "Days, with \"quotes\"", "", "@capturedate_iso@")
    save_user_preset(mine)
    text = config.read_text()
    assert text.startswith(USERS_FILE)
    assert text[len(USERS_FILE):] == (
        '\n[presets."by day"]\ndescription = "Days, with \\"quotes\\""\n'
        'file_spec = ""\ndir_spec = "@capturedate_iso@"\n')
    assert find_preset("by day") == mine
    assert [p.name for p in load_user_presets().presets] == ["wedding", "by day"]


def test_saving_over_a_preset_changes_it_in_place(config):
    config.parent.mkdir(parents=True)
    config.write_text(USERS_FILE)
    save_user_preset(Preset("wedding", "Client folders by day", "@filename@", "@capturedate_y@"))
    assert config.read_text() == USERS_FILE.replace(
        'file_spec = "@capturedate_iso@_@filename@"\n',
        'file_spec = "@filename@"\ndir_spec = "@capturedate_y@"\n')


def test_saving_into_no_file_creates_it(config):
    save_user_preset(Preset("first", "", "@dlnum@", ""))
    assert config.read_text() == \
        '[presets.first]\ndescription = ""\nfile_spec = "@dlnum@"\ndir_spec = ""\n'


@pytest.mark.parametrize(("preset", "message"), [
    (Preset("", "", "", ""), "a preset needs a name"),
    (Preset("x", "", "@filname@", ""), "preset 'x': file_spec '@filname@'"),
])
def test_an_unusable_preset_is_not_saved(config, preset, message):
    with pytest.raises(PresetError, match=message):
        save_user_preset(preset)
    assert not config.exists()


def test_a_file_that_is_not_toml_is_left_alone(config):
    config.parent.mkdir(parents=True)
    config.write_text("[presets.x\n# mine\n")
    with pytest.raises(PresetError, match="preset 'y' not saved: .* is not valid TOML"):
        save_user_preset(Preset("y", "", "", ""))
    assert config.read_text() == "[presets.x\n# mine\n"


def test_problems_are_values_with_the_presets_name():
    assert str(PresetProblem("a", "preset 'a': broken")) == "preset 'a': broken"
