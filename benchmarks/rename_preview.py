"""How fast the rename preview follows the user's typing over 10,000 selected files.

Run: .venv/bin/python benchmarks/rename_preview.py [--files N] [--repeat R]

Prints the median of R runs for:
- a full evaluation: a new PreviewModel (nothing cached) rendering a name spec and a dir spec for
  every file, with duplicate detection (goal < 100 ms for 10,000 files);
- an incremental update: the same model after one more character typed into the name spec
  (goal < 20 ms);
- the visible window: 50 rows with spans, existence checks and -new-N names;
- a full summary, which asks `exists` about every target;
- `plan_target` per file, the downloader's path.
Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
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


def median_ms(action, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    files = synthetic_files(args.files)
    output = Path("/photos")
    on_disk = {output / "2015" / "2015-09-24" / "20150924-090000-DSC_0000.NEF"}
    exists = on_disk.__contains__
    name_spec = compile_spec(NAME_SPEC, "file")
    dir_spec = compile_spec(DIR_SPEC, "dir")

    def full() -> PreviewModel:
        return PreviewModel(output, files, exists=exists, name_spec=name_spec, dir_spec=dir_spec)

    full_ms = median_ms(full, args.repeat)

    # One keystroke: the spec gains a character. Each run types into a fresh copy of a model
    # that has already shown the previous spec, as the pane's model would have.
    typed = [compile_spec(NAME_SPEC + "x" * (count + 1), "file") for count in range(args.repeat)]
    models = [full() for _ in range(args.repeat)]
    pairs = iter(zip(models, typed))

    def keystroke() -> None:
        model, spec = next(pairs)
        model.set_specs(spec, dir_spec)

    keystroke_ms = median_ms(keystroke, args.repeat)

    # A keystroke that completes a token never seen before (its column must be computed).
    new_token = [compile_spec(NAME_SPEC + "@cameraserial:" + str(count) + "@", "file")
                 for count in range(args.repeat)]
    models = [full() for _ in range(args.repeat)]
    pairs = iter(zip(models, new_token))
    new_token_ms = median_ms(keystroke, args.repeat)

    model = full()
    window_ms = median_ms(lambda: (model.forget_existence(), model.rows(0, 50)), args.repeat)
    summary_ms = median_ms(lambda: (model.forget_existence(), model.summary()), args.repeat)
    sample = files[:2000]
    plan_ms = median_ms(lambda: [plan_target(f, name_spec, dir_spec, output) for f in sample],
                        max(3, args.repeat // 3))
    render_ms = median_ms(lambda: [name_spec.render(f) for f in sample], max(3, args.repeat // 3))

    count = len(files)
    print(f"spec: --name {NAME_SPEC!r} --dir-spec {DIR_SPEC!r}; median of {args.repeat} runs")
    print(f"full evaluation of {count} files: {full_ms:.1f} ms (goal < 100 ms)")
    print(f"incremental update after one keystroke, {count} files: {keystroke_ms:.1f} ms "
          "(goal < 20 ms)")
    print(f"keystroke completing a new token, {count} files: {new_token_ms:.1f} ms")
    print(f"visible window of 50 rows (spans, exists, -new-N): {window_ms:.2f} ms")
    print(f"summary over {count} files (one exists() per target): {summary_ms:.1f} ms")
    print(f"plan_target per file (downloader path): {plan_ms * 1000 / len(sample):.1f} us")
    print(f"render with spans, name spec, per file: {render_ms * 1000 / len(sample):.1f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
