"""Which part of a rendered name came from which specifier, so the preview can colour it.

Spans always tile the text exactly: contiguous, in order, no gaps, no empty spans. When a later
step rewrites the text (`@replace@`, cleaning, shortening), `rewrite_spans` keeps the spans of the
unchanged head and tail and gives the rewritten middle one span named after the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

LITERAL = "literal"
REPLACE = "replace"
SANITIZED = "sanitized"
SEPARATOR = "separator"
SUFFIX = "suffix"


class Span(NamedTuple):
    """Characters `text[start:end]` of a rendered name came from `source`.

    `source` is a specifier's canonical name (e.g. "capturedate_month"), or one of "literal",
    "replace", "sanitized", "separator", "suffix".
    """

    start: int
    end: int
    source: str


@dataclass(frozen=True, slots=True)
class Rendered:
    """The result of rendering a spec for one file.

    `error` is set when a file-name spec gave no usable name for this file (empty, or a path);
    `text` is then the cleaned-up text, still safe to show but not to use.
    `used_download_time` is True when a capture-date specifier fell back to the download time
    because the capture time was unknown.
    """

    text: str
    spans: tuple[Span, ...] = ()
    error: str | None = None
    error_code: str | None = None
    used_download_time: bool = False


def rewrite_spans(spans: list[Span], old: str, new: str, source: str) -> list[Span]:
    """Spans for `new`, which a step named `source` made from `old` (tiled by `spans`)."""
    if old == new:
        return spans
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    old_tail_start, new_tail_start = len(old) - tail, len(new) - tail
    shift = new_tail_start - old_tail_start
    result: list[Span] = []
    for span in spans:
        if span.start < head:
            result.append(Span(span.start, min(span.end, head), span.source))
    if new_tail_start > head:
        result.append(Span(head, new_tail_start, source))
    for span in spans:
        if span.end > old_tail_start:
            result.append(Span(max(span.start, old_tail_start) + shift, span.end + shift,
                               span.source))
    return _merge(result)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in spans:
        if span.end <= span.start:
            continue
        if merged and merged[-1].source == span.source and merged[-1].end == span.start:
            merged[-1] = Span(merged[-1].start, span.end, span.source)
        else:
            merged.append(span)
    return merged

