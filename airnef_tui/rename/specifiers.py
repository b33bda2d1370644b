"""The table of specifiers: every name a spec may use, what it prints, and how names are matched.

Names are matched without regard to case, except where airnef's own table gives two specifiers
that differ only in case: on the date specifiers, `_m` is the month number and `_M` the month name,
`_dow` the weekday number and `_DOW` the weekday name. Those suffixes must be all lower or all upper
case; `_Dow` is refused as ambiguous. The long spellings `_month`, `_dayofweek` and `_season` mean
the same as `_M`, `_DOW` and `_S` and are the canonical names.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from . import values
from .facts import FileFacts


@dataclass(frozen=True, slots=True)
class Specifier:
    """One `@name@` a spec may use.

    `example` is what it prints for the reference file of the documentation (DSC_0014.NEF shot
    2015-09-24 14:05:13 on a Nikon D7200, serial 35551323, downloaded at the same time).
    `context_only` specifiers print the download path and are refused in file and dir specs.
    `column` gives the same values as `value` for many files at once, faster (the preview
    renders whole selections per keystroke).
    """

    name: str
    category: str
    description: str
    example: str
    value: Callable[[FileFacts], str]
    column: Callable[[Sequence[FileFacts]], list[str]]
    aliases: tuple[str, ...] = ()
    from_airnef: bool = True
    uses_capture_time: bool = False
    context_only: bool = False

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


REPLACE_NAMES = ("replace", "replacere")


Moments = Callable[[Sequence[FileFacts]], list[datetime]]
Formatter = Callable[[datetime], str]


def _capture_moment(facts: FileFacts) -> datetime:
    return facts.captured if facts.captured is not None else facts.downloaded_at


def _capture_moments(files: Sequence[FileFacts]) -> list[datetime]:
    return [facts.captured if facts.captured is not None else facts.downloaded_at
            for facts in files]


def _download_moments(files: Sequence[FileFacts]) -> list[datetime]:
    return [facts.downloaded_at for facts in files]


def _by_day(moments: Moments, fmt: Formatter) -> Callable[[Sequence[FileFacts]], list[str]]:
    """A column of a date-only format, formatted once per distinct day."""

    def column(files: Sequence[FileFacts]) -> list[str]:
        memo: dict[int, str] = {}
        result = []
        for moment in moments(files):
            day = moment.toordinal()
            text = memo.get(day)
            if text is None:
                text = memo[day] = fmt(moment)
            result.append(text)
        return result

    return column


def _each(moments: Moments, fmt: Formatter) -> Callable[[Sequence[FileFacts]], list[str]]:
    return lambda files: list(map(fmt, moments(files)))


@dataclass(frozen=True, slots=True)
class _Family:
    """Capture or download: where the moment comes from, for one file and for many."""

    label: str
    category: str
    moment: Callable[[FileFacts], datetime]
    moments: Moments
    uses_capture_time: bool


_CAPTURE = _Family("capture", "capture", _capture_moment, _capture_moments, True)
_DOWNLOAD = _Family("download", "download", attrgetter("downloaded_at"), _download_moments,
                    False)


def _dated(family: _Family, name: str, description: str, example: str, fmt: Formatter,
           aliases: tuple[str, ...], from_airnef: bool, date_only: bool) -> Specifier:
    moment = family.moment
    column = (_by_day if date_only else _each)(family.moments, fmt)
    return Specifier(name, family.category, f"{family.label} {description}", example,
                     lambda facts: fmt(moment(facts)), column, aliases, from_airnef,
                     family.uses_capture_time)


def _date_family(prefix: str, family: _Family) -> list[Specifier]:
    """The date specifiers of one family (capture or download), airnef's and ours."""

    def spec(suffix: str, description: str, example: str, fmt: Formatter,
             aliases: tuple[str, ...] = (), from_airnef: bool = True) -> Specifier:
        name = f"{prefix}_{suffix}" if suffix else prefix
        return _dated(family, name, description, example, fmt,
                      tuple(f"{prefix}_{alias}" for alias in aliases), from_airnef, True)

    return [
        spec("", "date, yyyymmdd", "20150924", values.date_compact),
        spec("y", "year, yyyy", "2015", lambda m: f"{m.year:04d}"),
        spec("m", "month, mm", "09", lambda m: values.TWO_DIGITS[m.month]),
        spec("d", "day of the month, dd", "24", lambda m: values.TWO_DIGITS[m.day]),
        spec("dow", "day of the week, Monday=1 … Sunday=7", "4",
             lambda m: str(m.isoweekday())),
        spec("woy", "week of the year, Monday first (strftime %W)", "38", values.week_of_year),
        spec("month", "month name (also spelt _M)", "September",
             lambda m: values.MONTH_NAMES[m.month - 1], aliases=("M",)),
        spec("dayofweek", "weekday name (also spelt _DOW)", "Thursday",
             lambda m: values.WEEKDAY_NAMES[m.weekday()], aliases=("DOW",)),
        spec("season", "season, northern hemisphere (also spelt _S)", "Fall", values.season,
             aliases=("S",)),
        spec("iso", "date, yyyy-mm-dd", "2015-09-24", values.date_iso, from_airnef=False),
        spec("yy", "year, two digits", "15", lambda m: values.TWO_DIGITS[m.year % 100],
             from_airnef=False),
        spec("mon", "month name, three letters", "Sep",
             lambda m: values.MONTH_NAMES[m.month - 1][:3], from_airnef=False),
        spec("doy", "day of the year, 001-366", "267",
             lambda m: f"{values.day_of_year(m):03d}", from_airnef=False),
    ]


def _time_family(prefix: str, family: _Family) -> list[Specifier]:
    def spec(suffix: str, description: str, example: str, fmt: Formatter,
             from_airnef: bool = True) -> Specifier:
        name = f"{prefix}_{suffix}" if suffix else prefix
        return _dated(family, name, description, example, fmt, (), from_airnef, False)

    return [
        spec("", "time, hhmmss", "140513", values.time_compact),
        spec("h", "hour, hh (24-hour)", "14", lambda m: values.TWO_DIGITS[m.hour]),
        spec("m", "minute, mm", "05", lambda m: values.TWO_DIGITS[m.minute]),
        spec("s", "second, ss", "13", lambda m: values.TWO_DIGITS[m.second]),
        spec("iso", "time, hh-mm-ss (no colons: Windows refuses them)", "14-05-13",
             values.time_iso, from_airnef=False),
    ]


def _file_and_camera() -> list[Specifier]:
    def spec(name: str, category: str, description: str, example: str,
             value: Callable[[FileFacts], str], *, from_airnef: bool = True,
             context_only: bool = False) -> Specifier:
        return Specifier(name, category, description, example, value,
                         lambda files: list(map(value, files)), (), from_airnef, False,
                         context_only)

    return [
        spec("filename", "file", "local file name (the camera's, or the thumbnail's)",
             "DSC_0014.NEF", attrgetter("local_filename")),
        spec("filename_root", "file", "local file name without its extension", "DSC_0014",
             lambda f: values.name_root(f.local_filename)),
        spec("filename_ext", "file", "local file name's extension, without the dot", "NEF",
             lambda f: values.name_extension(f.local_filename)),
        spec("filename_ext_lower", "file", "the extension in lower case", "nef",
             lambda f: values.name_extension(f.local_filename).lower(), from_airnef=False),
        spec("capturefilename", "file", "the camera's file name", "DSC_0014.NEF",
             attrgetter("camera_filename")),
        spec("capturefilename_root", "file", "the camera's file name without its extension",
             "DSC_0014", lambda f: values.name_root(f.camera_filename)),
        spec("capturefilename_ext", "file", "the camera's file name's extension", "NEF",
             lambda f: values.name_extension(f.camera_filename)),
        spec("camerafolder", "file", "the camera folder holding the file", "100D7200",
             attrgetter("camera_folder")),
        spec("slotnumber", "file", "the card slot the file comes from (1 or 2)", "1",
             lambda f: str(f.slot)),
        spec("cameramake", "camera",
             "camera make: first word of the manufacturer (Nikon Corporation gives Nikon)",
             "Nikon", lambda f: values.camera_make(f.make)),
        spec("cameramodel", "camera", "camera model", "D7200", attrgetter("model")),
        spec("cameraserial", "camera", "camera serial number", "35551323", attrgetter("serial")),
        spec("dlnum", "counter", "n-th file downloaded in this run, 4 digits", "0045",
             lambda f: values.counter(f.dlnum)),
        spec("dlnum_lifetime", "counter",
             "n-th file downloaded from this camera (model + serial) ever, 4 digits", "5345",
             lambda f: values.counter(f.dlnum_lifetime)),
        spec("dltoday", "counter",
             "n-th file downloaded from this camera today (days start at 03:00), 4 digits",
             "0007", lambda f: values.counter(f.dltoday), from_airnef=False),
        spec("path", "context", "download folder (only in --downloadexec arguments)",
             "/home/me/pics", lambda f: f.output_dir, context_only=True),
        spec("pf", "context", "download folder joined with the file name "
             "(only in --downloadexec arguments)", "/home/me/pics/DSC_0014.NEF",
             lambda f: f.output_dir.rstrip("/") + "/" + f.local_filename
             if f.output_dir else f.local_filename, context_only=True),
    ]


SPECIFIERS: tuple[Specifier, ...] = tuple(
    _date_family("capturedate", _CAPTURE)
    + _time_family("capturetime", _CAPTURE)
    + _date_family("dldate", _DOWNLOAD)
    + _time_family("dltime", _DOWNLOAD)
    + _file_and_camera()
)

BY_NAME: dict[str, Specifier] = {spec.name: spec for spec in SPECIFIERS}

_BY_LOWER_SPELLING: dict[str, Specifier] = {}
for _spec in SPECIFIERS:
    for _spelling in _spec.spellings:
        _BY_LOWER_SPELLING.setdefault(_spelling.lower(), _spec)

# Lower-cased spellings whose case picks between two specifiers: lower = number, upper = name.
_CASE_PAIRS: dict[str, tuple[Specifier, Specifier]] = {
    f"{prefix}_{suffix}": (BY_NAME[f"{prefix}_{suffix}"], BY_NAME[f"{prefix}_{long_name}"])
    for prefix in ("capturedate", "dldate")
    for suffix, long_name in (("m", "month"), ("dow", "dayofweek"))
}

ALL_SPELLINGS: tuple[str, ...] = tuple(
    spelling for spec in SPECIFIERS for spelling in spec.spellings) + REPLACE_NAMES


class AmbiguousCase(LookupError):
    """A case-significant suffix written in mixed case, e.g. `capturedate_Dow`."""

    def __init__(self, number: Specifier, text: Specifier) -> None:
        self.number, self.text = number, text
        super().__init__(number.name, text.name)


def lookup(name: str) -> Specifier | None:
    """The specifier `name` spells, or None; raises AmbiguousCase for e.g. `capturedate_Dow`."""
    lowered = name.lower()
    pair = _CASE_PAIRS.get(lowered)
    if pair is not None:
        suffix = name.rpartition("_")[2]
        if suffix.islower():
            return pair[0]
        if suffix.isupper():
            return pair[1]
        raise AmbiguousCase(*pair)
    return _BY_LOWER_SPELLING.get(lowered)


def suggestions(name: str, limit: int = 3) -> list[str]:
    """Known spellings closest to a mistyped name, best first; only those nearly as close as the
    best, so that `filname` suggests `filename` and not every `filename_…`."""
    by_lower: dict[str, str] = {}
    for spelling in ALL_SPELLINGS:
        by_lower.setdefault(spelling.lower(), spelling)
    wanted = name.lower()
    scored = []
    for lowered, spelling in by_lower.items():
        matcher = difflib.SequenceMatcher(None, wanted, lowered)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
            ratio = matcher.ratio()
            if ratio >= 0.6:
                scored.append((-ratio, spelling))
    scored.sort()
    if not scored:
        return []
    best = -scored[0][0]
    return [spelling for negative, spelling in scored[:limit] if -negative >= best - 0.1]
