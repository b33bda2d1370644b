"""How fast the rename preview follows the user's typing over 10,000 selected files.

Run: .venv/bin/python benchmarks/rename_preview.py [--files N] [--repeat R]

Prints the median (and minimum) of R runs for:
- a full evaluation: a new PreviewModel (nothing cached) rendering a name spec and a dir spec for
  every file, finding duplicates, and preparing the 50 rows on screen (spans, existence, -new-N
  names) (goal < 100 ms for 10,000 files);
- an incremental update: one more character typed into the name spec of a live model, then the
  rows on screen again (goal < 20 ms);
- a keystroke that completes a token not used before (its values must be computed);
- a full summary, which asks `exists` about every target;
- `plan_target` per file, the downloader's path.
Not a test: timings depend on the machine and on what else runs on it (the load is printed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from airnef_tui.rename import FileFacts, compile_spec, plan_target  # noqa: E402
from airnef_tui.rename.preview import PreviewModel  # noqa: E402

NAME_SPEC = "@capturedate@-@capturetime@-@filename@"
DIR_SPEC = "@capturedate_y@/@capturedate_iso@"
EXTENSIONS = ("NEF", "JPG", "MOV")
WINDOW = 50  # rows the pane shows at once


def synthetic_files(count: int) -> list[FileFacts]:
    """A card's worth of plausible files: a few shots a minute over many days."""
    start = datetime(2015, 9, 24, 9, 0, 0)
    downloaded = datetime(2015, 10, 1, 20, 0, 0)
    files = []
    for index in range(count):
        number = index // len(EXTENSIONS) % 10000
        extension = EXTENSIONS[index % len(EXTENSIONS)]
        folder = f"{100 + index // 3000:03d}D7200"
        name = f"DSC_{number:04d}.{extension}"
        files.append(FileFacts(
            camera_filename=name, camera_folder=folder, camera_path=f"DCIM/{folder}/{name}",
            captured=start + timedelta(seconds=17 * (index // len(EXTENSIONS))),
            downloaded_at=downloaded, size=24_000_000, make="Nikon", model="D7200",
            serial="35551323", slot=1 + index % 2, dlnum=index + 1, dlnum_lifetime=5000 + index,
            dltoday=index + 1, output_dir="/photos"))
    return files


class Timings:
    """Wall-clock and CPU time of repeated runs, in ms.

    CPU time is what this process used: on a shared machine, other processes inflate the wall
    clock but not it, so printing both tells a slow machine from a busy one.
    """

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __str__(self) -> str:
        return (f"{statistics.median(self.wall):.1f} ms (min {min(self.wall):.1f}; "
                f"CPU {statistics.median(self.cpu):.1f})")


def timings_ms(action, repeat: int) -> Timings:
    timings = Timings()
    for index in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action(index)
        timings.cpu.append((time.process_time() - cpu) * 1000)
        timings.wall.append((time.perf_counter() - wall) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    files = synthetic_files(args.files)
    count = len(files)
    output = Path("/photos")
    on_disk = {output / "2015" / "2015-09-24" / "20150924-090000-DSC_0000.NEF"}
    exists = on_disk.__contains__
    name_spec = compile_spec(NAME_SPEC, "file")
    dir_spec = compile_spec(DIR_SPEC, "dir")

    def full(_: int) -> PreviewModel:
        model = PreviewModel(output, files, exists=exists, name_spec=name_spec,
                             dir_spec=dir_spec)
        model.rows(0, WINDOW)
        return model

    full_samples = timings_ms(full, args.repeat)

    # Typing: one model, one more character per keystroke, as the pane's model sees it. Each
    # sample is the compile, the re-render of every file, and the rows on screen.
    model = full(0)
    typed = NAME_SPEC

    def keystroke(index: int) -> None:
        nonlocal typed
        typed += "abcdefghijklmnopqrstuvwxyz"[index % 26]
        model.set_specs(compile_spec(typed, "file"), dir_spec)
        model.rows(0, WINDOW)

    keystroke_samples = timings_ms(keystroke, args.repeat)

    # The keystroke that closes a token never used before: its 10,000 values must be computed.
    def new_token(index: int) -> None:
        model.set_specs(compile_spec(f"{NAME_SPEC}@cameraserial:{index}@", "file"), dir_spec)
        model.rows(0, WINDOW)

    new_token_samples = timings_ms(new_token, args.repeat)

    model = full(0)

    def summary(_: int) -> None:
        model.forget_existence()
        model.summary()

    summary_samples = timings_ms(summary, max(3, args.repeat // 3))
    sample = files[:2000]
    plan_samples = timings_ms(
        lambda _: [plan_target(f, name_spec, dir_spec, output) for f in sample], 3)
    per_file = statistics.median(plan_samples.cpu) * 1000 / len(sample)
    report(count, args.repeat, full_samples, keystroke_samples, new_token_samples,
           summary_samples, per_file)
    return 0


def report(count, repeat, full_samples, keystroke_samples, new_token_samples, summary_samples,
           per_file_us) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{count} files; --name {NAME_SPEC!r} --dir-spec {DIR_SPEC!r}; "
          f"median of {repeat} runs; load average {load} on {os.cpu_count()} CPUs")
    print(f"full evaluation of {count} files: {full_samples} (goal < 100 ms)")
    print(f"incremental update after one keystroke, {count} files: "
          f"{keystroke_samples} (goal < 20 ms)")
    print(f"keystroke completing a token not seen before: {new_token_samples}")
    print(f"summary: exists() for every target and all outcomes: {summary_samples}")
    print(f"plan_target (the downloader's call, with spans and a Path), per file: "
          f"{per_file_us:.1f} us CPU")


if __name__ == "__main__":
    raise SystemExit(main())
