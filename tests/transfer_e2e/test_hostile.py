"""Hostile camera names and specs producing `..` never write outside the output folder; each file
lands under a safe name or is reported failed."""

from __future__ import annotations

import os
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from e2e_support import address

HOSTILE_SIZE = 30_000


def as_received(camera_path: str) -> str:
    """A served path as a client reads it off the wire: a PTP string ends at NUL, and a lone
    surrogate cannot be decoded from UTF-16 (it becomes U+FFFD)."""
    text = camera_path.split("\x00")[0]
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def snapshot(folder: Path, *but: Path) -> set[str]:
    """Every path under folder except those under `but` (the output and data folders)."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if here / d not in but]
        found.update(str(here / name) for name in dirnames + filenames)
    return found


def assert_safe(target: str, out: Path) -> Path:
    path = Path(target)
    assert path.is_absolute()
    relative = path.relative_to(out)  # raises if outside
    for part in relative.parts:
        assert part not in ("", ".", "..") and not part.startswith("."), target
        assert "/" not in part and "\\" not in part and "\x00" not in part, target
        assert not any(unicodedata.category(ch) == "Cc" for ch in part), target
        assert len(os.fsencode(part)) <= 255, target
    assert os.path.realpath(path).startswith(str(out) + os.sep)
    return path


@pytest.fixture
def jail(tmp_path):
    """(out, check): the output folder two levels under tmp_path, and a check that nothing
    appeared outside it anywhere under tmp_path's parent (other tests' folders included) or at
    the absolute paths the hostile names aim at."""
    out = tmp_path / "jail" / "out"
    out.parent.mkdir()
    watched = tmp_path.parent
    home = Path(os.environ["AIRNEF_TUI_HOME"])  # the history database lives there
    before = snapshot(watched, out, home)
    aimed = ["/abs.JPG", "/x.JPG", "/etc/passwd.JPG", "/abs", "/esc", "/escape"]
    assert not any(os.path.lexists(p) for p in aimed)

    def check() -> None:
        assert snapshot(watched, out, home) - before == set()
        assert not any(os.path.lexists(p) for p in aimed)

    return out, check


def test_hostile_names_land_inside_under_safe_names(start_sim, cli, jail):
    out, check = jail
    sim = start_sim(files=1, hostile_names=True)
    served = Counter(as_received(o.camera_path) for o in sim.card.files())

    result = cli("get", address(sim), "-o", out, "--json")

    check()
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    assert Counter(r["path"] for r in result.files) == served  # every file is accounted for
    downloaded = [r for r in result.files if r["status"] == "downloaded"]
    for record in result.files:
        assert record["status"] in ("downloaded", "failed"), record
        if record["status"] == "failed":
            assert record["reason"], record
            continue
        path = assert_safe(record["target"], out)
        assert path.stat().st_size == record["bytes"]
    targets = [r["target"] for r in downloaded]
    assert len(set(targets)) == len(targets)  # duplicates did not overwrite one another
    written = sorted(str(p) for p in out.rglob("*") if p.is_file())
    assert written == sorted(targets)
    assert len(downloaded) >= len(served) - 3  # nearly all hostile files do get a safe name
    hostile = [r for r in downloaded if r["path"] != "DCIM/100MEDIA/IMG_0001.JPG"]
    assert all(r["bytes"] == HOSTILE_SIZE for r in hostile)


@pytest.mark.parametrize("spec", [
    ["--dir-spec", ".."],
    ["--dir-spec", "../../escape"],
    ["--dir-spec", "/abs/x"],
    ["--dir-spec", "@filename@"],
    ["--dir-spec", "@camerafolder@/../.."],
    ["--dir-spec", "~/x"],
    ["--name", "@filename@.."],
    ["--name", ".."],
])
def test_specs_producing_dotdot_stay_inside(spec, start_sim, cli, jail):
    out, check = jail
    sim = start_sim(files=1, hostile_names=True)

    listed = cli("list", address(sim), "-o", out, "--json", *spec)
    result = cli("get", address(sim), "-o", out, "--json", *spec)

    check()
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err
    assert len(result.files) == len(sim.card.files())
    for record in result.files:
        if record["status"] == "failed":
            assert record["reason"] and record["target"] is None
        else:
            assert record["status"] == "downloaded", record
            assert_safe(record["target"], out)
    # list planned exactly what get wrote
    planned = {r["path"]: r["target"] for r in listed.files}
    wrote = {r["path"]: r["target"] for r in result.files}
    assert planned == wrote


@pytest.mark.parametrize("spec", [
    ["--name", "../@filename@"],
    ["--name", "@filename@/../../x"],
])
def test_a_name_spec_with_a_slash_is_refused_before_connecting(spec, start_sim, cli, jail):
    out, check = jail
    sim = start_sim(files=1)

    result = cli("get", address(sim), "-o", out, *spec)

    check()
    assert result.code == 2
    assert result.err.startswith("airnef-tui: --name:") and result.err.count("\n") == 1
    assert sim.stats.connections == 0
    assert not out.exists() or not any(out.iterdir())
