"""How facts turn into the text of each specifier: date parts, names, counters.

Names of months and weekdays are English whatever the locale: a rename spec must give the same
file names on every machine (airnef went through strftime and so depended on the locale).
"""

from __future__ import annotations

import posixpath
from datetime import datetime

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Northern-hemisphere seasons by day of the year, as airnef counted them (leap years included).
SPRING_FIRST_DAY, SUMMER_FIRST_DAY, FALL_FIRST_DAY, WINTER_FIRST_DAY = 80, 172, 264, 355


def day_of_year(moment: datetime) -> int:
    return moment.toordinal() - datetime(moment.year, 1, 1).toordinal() + 1


# Two-digit strings by value: indexing a tuple is several times cheaper than formatting, and
# time specifiers are evaluated for every file of a selection.
TWO_DIGITS = tuple(f"{number:02d}" for number in range(100))


def date_compact(moment: datetime) -> str:
    return f"{moment.year:04d}{TWO_DIGITS[moment.month]}{TWO_DIGITS[moment.day]}"


def date_iso(moment: datetime) -> str:
    return f"{moment.year:04d}-{TWO_DIGITS[moment.month]}-{TWO_DIGITS[moment.day]}"


def time_compact(moment: datetime) -> str:
    return TWO_DIGITS[moment.hour] + TWO_DIGITS[moment.minute] + TWO_DIGITS[moment.second]


def time_iso(moment: datetime) -> str:
    """HH-MM-SS: hyphens, because a colon is illegal in Windows and exFAT file names."""
    return f"{TWO_DIGITS[moment.hour]}-{TWO_DIGITS[moment.minute]}-{TWO_DIGITS[moment.second]}"


def week_of_year(moment: datetime) -> str:
    """strftime's %W: weeks start on Monday; days before the year's first Monday are week 00."""
    return f"{(day_of_year(moment) + 6 - moment.weekday()) // 7:02d}"


def season(moment: datetime) -> str:
    day = day_of_year(moment)
    if SPRING_FIRST_DAY <= day < SUMMER_FIRST_DAY:
        return "Spring"
    if SUMMER_FIRST_DAY <= day < FALL_FIRST_DAY:
        return "Summer"
    if FALL_FIRST_DAY <= day < WINTER_FIRST_DAY:
        return "Fall"
    return "Winter"


def camera_make(manufacturer: str) -> str:
    """`@cameramake@`: the first word of the manufacturer string the camera reports.

    A Nikon reports "Nikon Corporation" and airnef printed `Nikon`; Sony "Sony Corporation" gives
    `Sony`, Canon "Canon Inc." gives `Canon`. airnef cut at the first space, so a string starting
    with a space gave an empty make; we skip leading white space first and cut at any white space
    (a tab too). An empty or all-blank manufacturer gives "", as it did in airnef.
    """
    words = manufacturer.split(maxsplit=1)
    return words[0] if words else ""


def counter(number: int) -> str:
    """Download counters print with at least four digits, as airnef's did (0045)."""
    return f"{number:04d}"


def split_extension(filename: str) -> tuple[str, str]:
    """`posixpath.splitext`, at a fraction of its cost for the usual `NAME.EXT`."""
    dot = filename.rfind(".")
    if dot <= 0 or "/" in filename or filename[dot - 1] == ".":
        return posixpath.splitext(filename)
    return filename[:dot], filename[dot:]


def name_root(filename: str) -> str:
    return split_extension(filename)[0]


def name_extension(filename: str) -> str:
    """The extension without its dot (NEF), as airnef's `@filename_ext@` printed it."""
    return split_extension(filename)[1][1:]
