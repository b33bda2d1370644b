"""The script that makes the README's screenshots keeps working (on a small, unthrottled card)."""

from __future__ import annotations

import html
import re

from airnef_tui.tui.screenshots import take_screenshots


def svg_text(path) -> str:
    """The words an SVG screenshot shows, one space between them."""
    words = re.findall(r">([^<>]+)</text>", path.read_text(encoding="utf-8"))
    return " ".join(" ".join(html.unescape(word).split()) for word in words)


async def test_the_screenshot_script_captures_discovery_the_browser_and_a_transfer(tmp_path):
    discovery, browser, transfer = await take_screenshots(tmp_path, files=14, rate=None)
    assert (discovery.name, browser.name, transfer.name) == (
        "discovery.svg", "browser.svg", "transfer.svg")
    found = svg_text(discovery)
    assert "demo camera" in found and "mdns" in found and "1 camera found" in found
    shown = svg_text(browser)
    assert "Camera file" in shown and "DSC_0001.JPG" in shown and "✓" in shown
    assert "@capturedate@-@capturetime@-@filename@" in shown
    assert "@capturedate_y@/@capturedate_iso@" in shown
    assert "9 of 14 selected" in shown
    shown = svg_text(transfer)  # caught half-way, or done on an unthrottled card
    assert "Downloading 9 selected file(s)" in shown or "9 of 9 files downloaded" in shown
