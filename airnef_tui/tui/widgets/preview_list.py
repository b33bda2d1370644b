"""The rename preview's rows: where each selected file would go, coloured by what made each part.

A line-API `ScrollView`: only the rows on screen are asked of the `PreviewModel` (`row(i)` renders
spans and asks the disk whether the target exists), so a preview of 10,000 selected files costs the
same per keystroke as one of ten. Rows are numbered from 1 because the model's notes ("same target
as row 3") count that way.
"""

from __future__ import annotations

import posixpath

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip

from airnef_tui.rename.preview import PreviewModel, PreviewRow
from airnef_tui.rename.spans import LITERAL, REPLACE, SANITIZED, SEPARATOR, SUFFIX
from airnef_tui.rename.specifiers import SPECIFIERS
from airnef_tui.tui.widgets.text_line import displayed
from airnef_tui.tui.widgets.steady_scrollbars import SteadyScrollbars

ERROR_MARK = "✗"
NOTE_MARK = "!"

# Colours follow the kind of value a part came from, as the legend under the list explains.
CATEGORY_OF_SOURCE = {spec.name: spec.category for spec in SPECIFIERS}
CATEGORY_OF_SOURCE.update({
    LITERAL: "literal", SEPARATOR: "literal",
    SANITIZED: "changed", REPLACE: "changed", SUFFIX: "changed",
})
LEGEND = (
    ("capture", "capture time"), ("download", "download time"), ("file", "camera file"),
    ("camera", "camera"), ("counter", "counter"), ("literal", "typed text"),
    ("changed", "cleaned/replaced"),
)
CATEGORIES = ("capture", "download", "file", "camera", "counter", "context", "literal", "changed")


class PreviewList(SteadyScrollbars, can_focus=True):
    COMPONENT_CLASSES = {
        *(f"preview-list--{category}" for category in CATEGORIES),
        "preview-list--rownum", "preview-list--note", "preview-list--error",
        "preview-list--placeholder",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.model: PreviewModel | None = None
        self.placeholder = ""
        self._lines: dict[int, Text] = {}

    def show(self, model: PreviewModel | None, placeholder: str = "") -> None:
        """Show `model`'s rows (after new specs or a new selection): the row cache is dropped."""
        self.model = model
        self.placeholder = placeholder
        self._lines.clear()
        rows = len(model) if model is not None else 0
        if displayed(self):
            self.virtual_size = Size(0, max(rows, 1))
        else:  # the hidden panel: showing it lays it out, so no layout (and repaint) now
            self.set_reactive(PreviewList.virtual_size, Size(0, max(rows, 1)))
        if self.scroll_y > rows:
            self.scroll_to(y=0, animate=False)
        self.refresh()

    def on_resize(self) -> None:
        self.refresh()

    def category_style(self, category: str) -> Style:
        """The style of a component: a value category, or rownum/note/error/placeholder."""
        return self.get_component_rich_style(f"preview-list--{category}")

    def line_text(self, index: int) -> Text:
        """Row `index` (0-based) as styled text, built once per preview."""
        line = self._lines.get(index)
        if line is None:
            assert self.model is not None
            line = self._lines[index] = self._render_row(self.model.row(index))
        return line

    def visible_lines(self) -> list[str]:
        """The plain text of the rows on screen (what a person reads, e.g. in tests)."""
        top = int(self.scroll_y)
        count = len(self.model) if self.model is not None else 0
        return [self.line_text(index).plain
                for index in range(top, min(count, top + self.scrollable_content_region.height))]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        model = self.model
        if model is None or len(model) == 0:
            if y == 0 and self.placeholder:
                text = Text(self.placeholder, style=self.category_style("placeholder"))
                return self._strip(text, width)
            return Strip.blank(width, self.rich_style)
        if index >= len(model):
            return Strip.blank(width, self.rich_style)
        return self._strip(self.line_text(index), width)

    def _strip(self, text: Text, width: int) -> Strip:
        line = text.copy()
        line.truncate(width, overflow="ellipsis", pad=True)
        segments = list(line.render(self.app.console))
        return Strip(segments, width).apply_style(self.rich_style)

    def _render_row(self, row: PreviewRow) -> Text:
        assert self.model is not None
        number_width = len(str(len(self.model)))
        text = Text(no_wrap=True)
        text.append(f"{row.index + 1:>{number_width}} ", style=self.category_style("rownum"))
        if row.target is None:
            text.append(f"{ERROR_MARK} {posixpath.basename(row.camera_path)}: {row.error}",
                        style=self.category_style("error"))
            return text
        notes = [note for note in (row.note, *row.warnings) if note]
        text.append(f"{NOTE_MARK} " if notes else "  ",
                    style=self.category_style("note"))
        self._append_target(text, row)
        if notes:
            text.append("  " + "; ".join(notes), style=self.category_style("note"))
        return text

    def _append_target(self, text: Text, row: PreviewRow) -> None:
        target = row.target or ""
        spans = row.spans
        tiles = bool(spans) and spans[0].start == 0 and spans[-1].end == len(target) and all(
            a.end == b.start for a, b in zip(spans, spans[1:]))
        if not tiles:
            text.append(target)
            return
        for span in spans:
            category = CATEGORY_OF_SOURCE.get(span.source, "literal")
            text.append(target[span.start:span.end], style=self.category_style(category))
