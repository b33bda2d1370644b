"""What the transfer screen says about a run, decided from plain numbers in one place.

The screen used to build its sentences inside event handlers, and they went stale: the header
kept "Downloading 40 selected file(s)" when all 40 were skipped, and "· 6 seconds left" outlived a
cancelled run. Here the words are functions of a `RunTally` (counted from the run's own file
events) and of how the run ended, so each line is rewritten whole when the run changes state, and
the summary's counts add up to the files the run had: downloaded + skipped + failed + not
attempted.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from pathlib import Path

from rich.text import Text

from airnef_tui.app.units import duration, rate, size
from airnef_tui.transfer.events import FileFinished, FileStatus, SkipReason, Summary
from airnef_tui.tui.messages import TransferEnded, TransferOutcome

IF_EXISTS_RULES = ("uniquename", "skip", "overwrite")  # the order `e` cycles through
IF_EXISTS_WORDS = {  # short: the options line fits 80 columns
    "uniquename": "keep both", "skip": "skip", "overwrite": "overwrite", "exit": "stop the run",
}


class RunKind(enum.Enum):
    PICKED = "picked"  # the files selected in the browser
    AGAIN = "again"  # files the history had skipped, downloaded again (`g`)
    WATCH = "watch"  # new shots only (`w` once a run had ended)


@dataclass
class RunTally:
    """One run on the transfer screen, counted from its FileFinished events.

    `picked` files started the run; `before` of them are in the history and will be skipped
    (when it is used); new shots found while watching add to `total`.
    """

    kind: RunKind
    picked: int
    picked_bytes: int  # bytes of the picked files the history does not skip
    before: int = 0
    total: int = field(init=False)
    fetch_bytes: int | None = None  # what the engine planned to fetch, once it said
    downloaded: int = 0
    skipped_history: int = 0
    skipped_existing: int = 0
    failed: int = 0
    new_shots: int = 0
    bytes: int = 0
    in_history: list[str] = field(default_factory=list)  # camera paths skipped as downloaded

    def __post_init__(self) -> None:
        self.total = self.picked

    def count(self, event: FileFinished) -> None:
        if event.status is FileStatus.DOWNLOADED:
            self.downloaded += 1
            self.bytes += event.bytes
        elif event.status is FileStatus.FAILED:
            self.failed += 1
        elif event.reason == SkipReason.IN_HISTORY.value:
            self.skipped_history += 1
            self.in_history.append(event.path)
        else:
            self.skipped_existing += 1

    def shots_found(self, total: int) -> None:
        """`total`: the run's files so far, new shots included (NewFiles.total)."""
        self.new_shots += max(0, total - self.total)
        self.total = max(self.total, total)

    @property
    def skipped(self) -> int:
        return self.skipped_history + self.skipped_existing

    @property
    def handled(self) -> int:
        return self.downloaded + self.skipped + self.failed

    @property
    def not_attempted(self) -> int:
        return max(0, self.total - self.handled)

    @property
    def to_fetch(self) -> int:
        return self.picked - self.before


def shown_target(target: Path | None, output_dir: Path) -> str:
    """Targets relative to the output folder (named in the title), to keep log lines short."""
    if target is None:
        return ""
    try:
        return str(target.relative_to(output_dir))
    except ValueError:
        return str(target)


def file_line(event: FileFinished, output_dir: Path) -> Text:
    """The log's row for a file: ✓ where it landed, – why it was skipped, ✗ why it failed."""
    line = Text(no_wrap=True)
    target = shown_target(event.target, output_dir)
    if event.status is FileStatus.DOWNLOADED:
        speed = f", {rate(event.bytes / event.seconds)}" if event.seconds > 0 else ""
        line.append("✓ ", style="bold green")
        line.append(f"{event.path} → {target} ({size(event.bytes)}{speed})")
    elif event.status is FileStatus.SKIPPED:
        line.append("– ", style="dim")
        line.append(f"{event.path}: skipped, {event.reason}"
                    + (f" ({target})" if target else ""), style="dim")
    else:
        line.append("✗ ", style="bold red")
        line.append(f"{event.path}: failed: {event.reason}", style="red")
    return line


def files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def headline(tally: RunTally, ended: TransferEnded, *, watched: bool, idle: bool) -> str:
    """One or two words for how the run ended. `watched`: it watched for new shots; `idle`:
    nothing was in flight when it ended (a cancel then stops watching, it abandons no file)."""
    outcome = ended.outcome
    if outcome is TransferOutcome.CANCELLED:
        return "Stopped watching" if watched and idle else "Cancelled"
    if outcome is TransferOutcome.STOPPED:
        return "Stopped"
    if tally.failed:
        return "Done, with failures"
    if watched:
        return "Done watching"
    if tally.total and tally.downloaded == 0 and tally.skipped_history == tally.total:
        return "Nothing downloaded"
    return "Done"


def header(tally: RunTally, camera: str, output_dir: Path, *,
           ended_as: str | None = None, watching: bool = False) -> Text:
    """The screen's top lines: what this run does (or did, once `ended_as` names how it ended),
    from which camera, into which folder."""
    text = Text()
    first = _header_first_line(tally, ended_as)
    if watching and ended_as is None and tally.kind is not RunKind.WATCH:
        first = f"Watching for new shots; the {files(tally.picked)} selected are done"
    text.append(first, style="bold")
    text.append(f"\nfrom {camera} into {output_dir}")
    return text


def _header_first_line(tally: RunTally, ended_as: str | None) -> str:
    if ended_as is not None:
        if ended_as == "Nothing downloaded":
            return (f"Nothing downloaded: the {files(tally.total)} selected were all downloaded "
                    "before")
        shots = f" ({tally.new_shots} new shot(s))" if tally.new_shots else ""
        return f"{ended_as}: {tally.downloaded} of {files(tally.total)}{shots} downloaded"
    if tally.kind is RunKind.WATCH:
        return "Watching for new shots"
    fetch = size(tally.fetch_bytes if tally.fetch_bytes is not None else tally.picked_bytes)
    if tally.kind is RunKind.AGAIN:
        return f"Downloading {files(tally.picked)} again, {fetch} (the history skips none)"
    if tally.picked and tally.to_fetch == 0:
        return f"Nothing to download: the {files(tally.picked)} selected were all downloaded before"
    if tally.before:
        return (f"Downloading {tally.to_fetch} of {tally.picked} selected file(s), {fetch} "
                f"({tally.before} downloaded before, skipped)")
    return f"Downloading {tally.picked} selected file(s), {fetch}"


def counts(tally: RunTally) -> str:
    """Every file of the run in exactly one of four counts, and why files were skipped."""
    skipped = f"{tally.skipped} skipped"
    reasons = [(tally.skipped_history, "already downloaded"),
               (tally.skipped_existing, "already in the folder")]
    given = [(n, why) for n, why in reasons if n]
    if len(given) == 1:
        skipped += f" ({given[0][1]})"
    elif given:
        skipped += " (" + ", ".join(f"{n} {why}" for n, why in given) + ")"
    return (f"{tally.downloaded} downloaded, {tally.failed} failed, {skipped}, "
            f"{tally.not_attempted} not attempted")


def overall_end(tally: RunTally, summary: Summary, ending: str) -> str:
    """The overall line once the run has ended: what moved, and how it ended, no time left."""
    moved = size(tally.bytes or summary.bytes)
    if tally.downloaded == 0:
        return f"Overall: nothing fetched · {ending}"
    took = f" in {duration(summary.seconds)}" if summary.seconds > 0 else ""
    return f"Overall: {moved}{took} · {ending}"


def summary_text(tally: RunTally, ended: TransferEnded, title: str, *, partial_kept: bool,
                 if_exists: str) -> Text:
    """The box under the log: the counts, what became of a partial file, why the run stopped,
    and what can be done next (download again, go back)."""
    summary = ended.summary
    text = Text()
    text.append(f"{title}: ", style="bold")
    text.append(counts(tally))
    moved = tally.bytes or summary.bytes
    text.append(f"; {size(moved)} in {duration(summary.seconds)}")
    if moved and summary.seconds > 0:
        text.append(f" ({rate(moved / summary.seconds)} average)")
    if tally.new_shots:
        text.append(f"\n{tally.new_shots} new shot(s) turned up while watching.")
    if partial_kept:
        text.append("\nThe partial file is kept; the next download of it continues there.")
    if ended.reason:
        text.append(f"\n{ended.reason}")
    if tally.in_history:
        text.append(f"\nPress g to download the {files(len(tally.in_history))} downloaded before "
                    f"again (if a file exists: {IF_EXISTS_WORDS.get(if_exists, if_exists)}, "
                    "e changes that).", style="dim")
    text.append("\nPress Enter or Escape to go back to the files.", style="dim")
    return text


def options_line(*, watch: bool, watching: bool, if_exists: str) -> Text:
    """The run's switches and their keys: watching for new shots, the if-exists rule."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("Watch new shots (w): ")
    if watching:
        text.append("watching", style="bold")
    else:
        text.append("after these files" if watch else "off", style="bold" if watch else "")
    text.append(" · If a file exists (e): ")
    text.append(IF_EXISTS_WORDS.get(if_exists, if_exists), style="bold")
    return text


def next_rule(if_exists: str) -> str:
    rules = IF_EXISTS_RULES
    return rules[(rules.index(if_exists) + 1) % len(rules)] if if_exists in rules else rules[0]


def watching_line(tally: RunTally, poll: float) -> str:
    """The overall line while watching with nothing in flight."""
    got = f" · {tally.new_shots} new so far" if tally.new_shots else ""
    return f"Watching for new shots{got} · looking every {poll:g} s"


def countdown(attempt: int, of: int, cause: str, remaining: float) -> str:
    """The reconnection notice, counting down whole seconds to the next attempt."""
    if remaining <= 0:
        return f"↻ Connection lost ({cause}); reconnecting now (attempt {attempt} of {of})…"
    return (f"↻ Connection lost ({cause}); reconnecting in {math.ceil(remaining)} s "
            f"(attempt {attempt} of {of}) · c cancels")


def status_line(tally: RunTally, progress: str, *, running: bool, title: str | None) -> str:
    """One line for the browser while the run goes on behind it."""
    if not running:
        return f"Download {(title or 'ended').lower()}: {counts(tally)}"
    return f"Download: {tally.handled} of {files(tally.total)} · {progress}"
