"""The script that makes the README's screenshots keeps working: every screen at both sizes, each
picture showing what it is meant to (on a small, unthrottled card)."""

from __future__ import annotations

import html
import re

from airnef_tui.tui.screenshots import NAME_SPEC, SIZES, take_screenshots

FOLDER_SPEC = "@capturedate_y@/@capturedate_iso@"  # the date-folders preset's


def svg_text(path) -> str:
    """The words an SVG screenshot shows, one space between them."""
    words = re.findall(r">([^<>]+)</text>", path.read_text(encoding="utf-8"))
    return " ".join(" ".join(html.unescape(word).split()) for word in words)


async def test_the_screenshot_script_captures_every_screen_at_80x24_and_120x40(tmp_path):
    written = await take_screenshots(tmp_path, files=14, rate=None)
    assert [path.name for path in written] == [
        "discovery-80x24.svg", "browser-80x24.svg", "browser-rename-80x24.svg", "help-80x24.svg",
        "transfer-80x24.svg",
        "discovery-120x40.svg", "browser-120x40.svg", "help-120x40.svg", "transfer-120x40.svg"]
    shots = {path.stem: svg_text(path) for path in written}
    for width, height in SIZES:
        size = f"{width}x{height}"
        found = shots[f"discovery-{size}"]
        assert "demo camera" in found and "demo, mdns · answered" in found
        shown = shots[f"browser-{size}"]
        assert "Camera file" in shown and "DSC_0001.JPG" in shown and "✓" in shown
        assert "9 of 14 selected" in shown and "3 ✓" in shown
        keys = shots[f"help-{size}"]
        assert "Keys · Esc or q closes" in keys and "Files (the browser) · this screen" in keys
        moved = shots[f"transfer-{size}"]  # caught half-way, or done on an unthrottled card
        assert "Downloading 9 selected file(s)" in moved or "9 of 9 files downloaded" in moved
        assert "→ 2024/2024-05-0" in moved  # the log: where the files went, renamed
    wide, narrow, panel = shots["browser-120x40"], shots["browser-80x24"], shots[
        "browser-rename-80x24"]
    assert NAME_SPEC in wide and FOLDER_SPEC in wide and "9 to download" in wide
    assert NAME_SPEC not in narrow and "p rename pane" in narrow  # the pane is a panel there
    assert NAME_SPEC in panel and FOLDER_SPEC in panel and "9 to download" in panel
    assert "DSC_0001.JPG" not in panel  # in the list's place
