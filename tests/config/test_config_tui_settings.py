"""The [tui] section: values read, and each mistake one line while the defaults stand."""

from __future__ import annotations

from pathlib import Path

import pytest

from airnef_tui.config import TuiSettings, load_tui_settings


@pytest.fixture
def config(tmp_path) -> Path:
    return tmp_path / "config.toml"


def test_no_file_gives_the_defaults(config):
    settings = load_tui_settings(config)
    assert settings == TuiSettings(config_path=config)
    assert settings.animations is False and settings.thumbnails is None  # auto


def test_every_setting_is_read(config):
    config.write_text('# mine\n[tui]\noutput = "~/Pictures/camera"\npreset = "date-folders"\n'
                      'file_spec = "@dlnum@"\ndir_spec = ""\nanimations = true\n'
                      'thumbnails = false\n\n[tui.keys]\ndownload = "D"\n'
                      'presets.save = "ctrl+s, f5"\n"files.toggle" = "x"\n')
    settings = load_tui_settings(config)
    assert settings == TuiSettings(
        output=Path("~/Pictures/camera").expanduser(), preset="date-folders",
        file_spec="@dlnum@", dir_spec="", animations=True, thumbnails=False,
        keys={"download": "D", "presets.save": "ctrl+s,f5", "files.toggle": "x"},
        config_path=config)


def test_each_bad_entry_is_one_problem_and_the_rest_is_read(config):
    config.write_text('[tui]\nanimations = "yes"\nthumbnails = false\noutptu = "/x"\n'
                      'preset = ""\nfile_spec = 3\n[tui.keys]\ndownload = 4\nquit = "q,,x"\n'
                      'presets.save = "f5"\n')
    settings = load_tui_settings(config)
    assert settings.thumbnails is False and settings.animations is False
    assert settings.keys == {"presets.save": "f5"}
    assert list(settings.problems) == [
        f"{config} [tui] animations: must be true or false, not 'yes'",
        f"{config} [tui]: unknown setting 'outptu' (known: output, preset, file_spec, "
        "dir_spec, animations, thumbnails, keys)",
        f"{config} [tui] preset: must not be empty",
        f"{config} [tui] file_spec: must be a string, not 3",
        f"{config} [tui.keys] download: must be a string, not 4",
        f"{config} [tui.keys] quit: 'q,,x' has an empty key between its commas",
    ]


@pytest.mark.parametrize(("text", "problem"), [
    ("tui = 1\n", "tui must be a table ([tui])"),
    ("[tui]\nkeys = 1\n", "[tui.keys]: must be a table of binding id = \"key\""),
    ("[tui\n", "is not valid TOML"),
])
def test_a_section_of_the_wrong_shape_gives_the_defaults(config, text, problem):
    config.write_text(text)
    settings = load_tui_settings(config)
    assert settings.keys == {} and settings.animations is False
    [only] = settings.problems
    assert problem in only and "\n" not in only


def test_thumbnails_take_true_false_or_auto(config):
    for written, read in (('"auto"', None), ("true", True), ("false", False)):
        config.write_text(f"[tui]\nthumbnails = {written}\n")
        settings = load_tui_settings(config)
        assert settings.thumbnails is read and settings.problems == ()
    config.write_text('[tui]\nthumbnails = "sometimes"\n')
    settings = load_tui_settings(config)
    assert settings.thumbnails is None
    assert settings.problems == (
        f"{config} [tui] thumbnails: must be true, false or \"auto\", not 'sometimes'",)
