"""The config file: read as stored, one table changed in place, written atomically.

Real files under the test's own folder; the user's comments and unrelated tables are compared
byte for byte, because keeping them is the point of the module."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from airnef_tui import paths
from airnef_tui.config import ConfigError, edit_config, load_config, read_config, set_table

USERS_FILE = """\
# airnef-tui, my settings
[camera]
host = "192.168.1.1"   # the D7200

[presets.wedding]
description = "Client folders by day"   # for Anna
file_spec = "@filename@"

# Not a preset: the comment belongs to the next table.
[backup]
paths = ["/mnt/a", "/mnt/b"]
"""


@pytest.fixture
def config(tmp_path) -> Path:
    return tmp_path / "config" / "config.toml"


def test_no_file_reads_as_empty(config):
    assert read_config(config) == "" and load_config(config) == {}


def test_the_default_path_is_under_airnef_tui_home(isolated_home):
    assert paths.config_path() == isolated_home / "config" / "config.toml"
    assert load_config() == {}


def test_an_existing_key_changes_on_its_own_line_keeping_its_comment():
    changed = set_table(USERS_FILE, ("presets", "wedding"), {"description": "Days"})
    assert changed == USERS_FILE.replace('"Client folders by day"   # for Anna',
                                         '"Days"   # for Anna')


def test_a_missing_key_goes_after_the_tables_last_key_not_after_the_next_tables_comment():
    changed = set_table(USERS_FILE, ("presets", "wedding"), {"dir_spec": "@cameramodel@"})
    assert changed == USERS_FILE.replace('file_spec = "@filename@"\n',
                                         'file_spec = "@filename@"\ndir_spec = "@cameramodel@"\n')


@pytest.mark.parametrize(("before", "after"), [
    ("", "[presets.new]\nfile_spec = \"x\"\n"),
    ("a = 1", "a = 1\n\n[presets.new]\nfile_spec = \"x\"\n"),
    ("a = 1\n", "a = 1\n\n[presets.new]\nfile_spec = \"x\"\n"),
    ("a = 1\n\n", "a = 1\n\n[presets.new]\nfile_spec = \"x\"\n"),
    ("a = 1\r\n", "a = 1\r\n\r\n[presets.new]\r\nfile_spec = \"x\"\r\n"),
    ("# only a comment\n", "# only a comment\n\n[presets.new]\nfile_spec = \"x\"\n"),
])
def test_a_new_table_is_appended_after_everything_else(before, after):
    assert set_table(before, ("presets", "new"), {"file_spec": "x"}) == after


def test_a_new_table_keeps_the_users_file_as_its_prefix():
    changed = set_table(USERS_FILE, ("presets", "my day"), {"dir_spec": "@capturedate_iso@"})
    assert changed == USERS_FILE + '\n[presets."my day"]\ndir_spec = "@capturedate_iso@"\n'


@pytest.mark.parametrize(("text", "message"), [
    ("presets = 1\n", ": presets is not a table, so [presets.new] cannot be written"),
    ('presets = { old = { file_spec = "x" } }\n',
     " without disturbing the rest of the file; change it by hand"),
    ("[presets.x\n", " is not valid TOML: "),
])
def test_what_cannot_be_changed_in_place_is_refused(config, text, message):
    with pytest.raises(ConfigError) as caught:
        set_table(text, ("presets", "new"), {"file_spec": "x"}, config)
    assert str(config) in str(caught.value) and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_inline_table_is_changed_inside_its_braces():
    text = '[presets]\nold = { file_spec = "x" }  # inline\n'
    assert set_table(text, ("presets", "old"), {"dir_spec": "y"}) == \
        '[presets]\nold = { file_spec = "x", dir_spec = "y"}  # inline\n'


# -- writing ---------------------------------------------------------------------------------------


def _append_table(text: str) -> str:
    return set_table(text, ("presets", "new"), {"file_spec": "x"})


def test_edit_writes_the_new_text_and_leaves_no_temporary_file(config):
    config.parent.mkdir()
    config.write_text(USERS_FILE)
    edit_config(_append_table, config)
    assert config.read_text().startswith(USERS_FILE)
    assert load_config(config)["presets"]["new"] == {"file_spec": "x"}
    assert sorted(os.listdir(config.parent)) == ["config.toml"]


def test_edit_creates_the_file_and_its_folder(config):
    edit_config(_append_table, config)
    assert config.read_text() == '[presets.new]\nfile_spec = "x"\n'


def test_edit_keeps_the_files_mode(config):
    config.parent.mkdir()
    config.write_text("a = 1\n")
    config.chmod(0o640)
    edit_config(_append_table, config)
    assert stat.S_IMODE(config.stat().st_mode) == 0o640


def test_a_symlinked_config_is_written_through_the_link(config, tmp_path):
    dotfiles = tmp_path / "dotfiles" / "airnef.toml"
    dotfiles.parent.mkdir()
    dotfiles.write_text("a = 1\n")
    config.parent.mkdir()
    config.symlink_to(dotfiles)
    edit_config(_append_table, config)
    assert config.is_symlink()
    assert dotfiles.read_text() == 'a = 1\n\n[presets.new]\nfile_spec = "x"\n'


def test_a_file_changed_meanwhile_is_not_overwritten(config):
    config.parent.mkdir()
    config.write_text("a = 1\n")

    def change_while_the_editor_saves(text: str) -> str:
        config.write_text("a = 2  # saved by the user's editor\n")
        return _append_table(text)

    with pytest.raises(ConfigError, match="changed while it was being edited; nothing was "
                                          "written, try again"):
        edit_config(change_while_the_editor_saves, config)
    assert config.read_text() == "a = 2  # saved by the user's editor\n"


def test_text_that_would_not_parse_is_never_written(config):
    config.parent.mkdir()
    config.write_text("a = 1\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        edit_config(lambda text: text + "[broken\n", config)
    assert config.read_text() == "a = 1\n"
    assert sorted(os.listdir(config.parent)) == ["config.toml"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_folder_that_cannot_be_written_is_one_line(config):
    config.parent.mkdir()
    config.write_text("a = 1\n")
    config.parent.chmod(0o500)
    try:
        with pytest.raises(ConfigError) as caught:
            edit_config(_append_table, config)
    finally:
        config.parent.chmod(0o700)
    assert str(caught.value) == f"cannot write {config}: Permission denied"
    assert config.read_text() == "a = 1\n"


def test_an_unchanged_text_is_not_written(config):
    config.parent.mkdir()
    config.write_text("a = 1\n")
    before = config.stat().st_mtime_ns
    edit_config(lambda text: text, config)
    assert config.stat().st_mtime_ns == before
