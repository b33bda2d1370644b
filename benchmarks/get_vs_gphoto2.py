"""`airnef-tui get` against `gphoto2 --get-all-files` on the same simulated card (issue 3, point 8).

Two cards of random bytes, generated once each (reused while their sizes match): the big card,
20 × 25 MB + 200 × 300 kB (560 MB), and a small shoot, 8 × 25 MB + 80 × 300 kB (224 MB); `--card`
picks one or both. Each card is served by `airnef-tui simulate --profile generic` and downloaded
by each tool in turn (alternating which goes first), several runs each, in two passes:

  any core  client and simulator wherever the kernel puts them;
  core 0    each client under `taskset -c 0` (a stand-in for a Raspberry Pi: one core for the
            client) and the simulator, restarted for the pass, under `taskset -c 1`, so the two
            never share a core (`--pin-core off|only|both`, default both).

Per card and pass it prints, e.g.

    airnef-tui get   median 7.18 s  78 MB/s  31 files/s  peak RSS 27 MB  CPU 3.4 s/GiB ...
    gphoto2          median 7.60 s  74 MB/s  29 files/s  peak RSS 25 MB  CPU 6.4 s/GiB ...
    ratio airnef-tui/gphoto2: 0.94 (goal < 1.0)

and at the end one overview line per card and pass. Goal: below gphoto2's wall time on both cards.

Each tool runs as a direct child reaped with os.wait4, so its peak RSS and CPU are its own (not
the maximum over every child, as RUSAGE_CHILDREN would give). Wall time is as-is: it includes
Python's start-up, our client's two fsyncs per file (file and folder), and gphoto2's own start-up;
gphoto2 does not fsync. (The one-second minimum session is Nikon's only; this is the generic
profile.) Every run begins after a sync(2), so no run flushes the previous one's dirty pages;
`--out-dir /dev/shm/...` takes the disk out altogether. Each run line shows the machine-wide CPU
and I/O stall share (Linux PSI) during it: on a busy machine the figures swing with it. Our
children get byte-code cached under WORK/pycache, as an installed package would have. Every run's
output is checked against the card (names, sizes and, unless --no-compare, bytes); a run that is
incomplete or wrong is reported and not counted, and its folder is kept.

Run: .venv/bin/python benchmarks/get_vs_gphoto2.py [--quick] [--card big|small|both]
         [--pin-core both|off|only] [--runs 3] [--big 20 --big-mb 25 ...]
Everything stays on 127.0.0.1. Not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from bench_support import (
    DEFAULT_WORK, GIB, HOST, MB, OURS, PROFILE, THEIRS, CardSpec, Run, RunSettings, cpu_per_gib,
    figure, load_average, machine_line, make_card, measure_download, median_wall, pin_cpus,
    python_env, run_line, start_simulator, stop_simulator, warm_page_cache, warm_pycache,
)

CARDS = {  # name: (full size, --quick size)
    "big": (CardSpec(20, 25 * MB, 200, 300_000), CardSpec(3, 5 * MB, 30, 300_000)),
    "small": (CardSpec(8, 25 * MB, 80, 300_000), CardSpec(2, 5 * MB, 20, 300_000)),
}


@dataclass(frozen=True)
class Pass:
    label: str  # "any core" or "core 0"
    client_cpu: int | None
    sim_cpu: int | None


@dataclass
class Outcome:
    card: str
    spec: CardSpec
    run_pass: Pass
    runs: dict[str, list[Run]]


def summary_line(tool: str, runs: list[Run], spec: CardSpec) -> str:
    good = [r for r in runs if r.ok]
    failed = len(runs) - len(good)
    label = f"{tool:<16}"
    if not good:
        return f"{label} no complete run ({failed} failed)"
    wall = statistics.median(r.wall for r in good)
    cpu = statistics.median(r.cpu for r in good) / (spec.total / GIB)
    user = statistics.median(r.user for r in good) / (spec.total / GIB)
    system = statistics.median(r.system for r in good) / (spec.total / GIB)
    peak = max(r.peak_rss for r in good)
    times = " ".join(f"{r.wall:.2f}" if r.ok else "FAIL" for r in runs)
    servers = [r.server_cpu for r in good if r.server_cpu is not None]
    server = f"  simulator CPU {statistics.median(servers):.2f} s" if servers else ""
    return (f"{label} median {wall:6.2f} s {spec.total / wall / MB:5.0f} MB/s "
            f"{spec.count / wall:5.0f} files/s  peak RSS {peak / MB:3.0f} MB  "
            f"CPU {cpu:4.1f} s/GiB (user {user:.1f} sys {system:.1f}){server}  (runs: {times})")


def profile_ours(port: int, runs_dir: Path, target: Path, args: argparse.Namespace) -> None:
    """One extra, unmeasured `get` under cProfile; prints the top costs."""
    import pstats
    if args.sync:
        os.sync()
    with tempfile.TemporaryDirectory(dir=runs_dir, prefix="profile-") as temp:
        out, home = Path(temp) / "out", Path(temp) / "home"
        home.mkdir()
        env = python_env(home, args.work)
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(target), "-m", "airnef_tui",
                        "get", f"{HOST}:{port}", "-o", str(out), "--history", "ignore",
                        *args.get_arg], env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, check=False, timeout=args.timeout)
    print(f"\ncProfile of one `get` written to {target}; top by own time:")
    pstats.Stats(str(target)).sort_stats("tottime").print_stats(15)


def run_pass(name: str, spec: CardSpec, card: Path, run_pass: Pass, runs_dir: Path,
             args: argparse.Namespace) -> Outcome:
    """All runs of both tools on one card in one pass, against a simulator of its own."""
    settings = RunSettings(work=args.work, gphoto2=args.gphoto2, timeout=args.timeout,
                           compare=args.compare, sync=args.sync, keep=args.keep,
                           get_args=tuple(args.get_arg), cpu=run_pass.client_cpu)
    sim_home = Path(tempfile.mkdtemp(dir=args.work, prefix="sim-home-"))
    sim, port = start_simulator(card, sim_home, args.work / "simulator.log", args.work,
                                cpu=run_pass.sim_cpu)
    where = (f"client on core {run_pass.client_cpu}, simulator on core {run_pass.sim_cpu}"
             if run_pass.client_cpu is not None else "client and simulator on any core")
    print(f"\n== {name} card, {run_pass.label}: {spec.describe()} ({where})", flush=True)
    runs: dict[str, list[Run]] = {OURS: [], THEIRS: []}
    try:
        for i in range(args.runs):
            order = (OURS, THEIRS) if i % 2 == 0 else (THEIRS, OURS)
            for tool in order:
                tag = "ours" if tool == OURS else "gphoto2"
                run_dir = runs_dir / f"{name}-{run_pass.label.replace(' ', '')}-{i:02d}-{tag}"
                run = measure_download(tool, port, run_dir, spec, card, sim.pid, settings)
                runs[tool].append(run)
                print(run_line(f"run {i + 1}/{args.runs}", run), flush=True)
        if args.cprofile and run_pass.client_cpu is None:
            target = args.cprofile.with_name(f"{args.cprofile.stem}-{name}{args.cprofile.suffix}")
            profile_ours(port, runs_dir, target, args)
    finally:
        stop_simulator(sim)
        shutil.rmtree(sim_home, ignore_errors=True)
    print(summary_line(OURS, runs[OURS], spec))
    print(summary_line(THEIRS, runs[THEIRS], spec))
    ours, theirs = median_wall(runs[OURS]), median_wall(runs[THEIRS])
    if ours is not None and theirs is not None:
        print(f"ratio airnef-tui/gphoto2: {ours / theirs:.2f} (goal < 1.0)")
    return Outcome(name, spec, run_pass, runs)


def overview(outcomes: list[Outcome]) -> None:
    print("\noverview: median wall time, client CPU per GiB; goal: below gphoto2 on every card")
    print(f"{'card':<6} {'pass':<9} {'MB':>5} {'ours':>8} {'gphoto2':>8} {'ratio':>6}  "
          f"{'ours CPU':>12} {'gphoto2 CPU':>12}  goal")
    for o in outcomes:
        ours, theirs = median_wall(o.runs[OURS]), median_wall(o.runs[THEIRS])
        ratio = ours / theirs if ours is not None and theirs is not None else None
        goal = "—" if ratio is None else ("met" if ratio < 1.0 else "MISSED")
        print(f"{o.card:<6} {o.run_pass.label:<9} {o.spec.total / MB:5.0f} "
              f"{figure(ours, '7.2f')}s {figure(theirs, '7.2f')}s {figure(ratio, '6.2f')}  "
              f"{figure(cpu_per_gib(o.runs[OURS], o.spec.total), '6.2f')} s/GiB "
              f"{figure(cpu_per_gib(o.runs[THEIRS], o.spec.total), '6.2f')} s/GiB  {goal}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a fast sanity run: big 3 × 5 MB + 30 × 300 kB, small 2 × 5 MB + "
                             "20 × 300 kB, 2 runs each (explicit size and run options still win)")
    parser.add_argument("--card", choices=("big", "small", "both"), default="both",
                        help="big: 20 × 25 MB + 200 × 300 kB; small (a small shoot): 8 × 25 MB + "
                             "80 × 300 kB; default %(default)s")
    parser.add_argument("--pin-core", choices=("both", "off", "only"), default="both",
                        help="also (both, the default), never (off) or only (only) run a pass "
                             "with each client under taskset -c 0 and the simulator on core 1")
    parser.add_argument("--big", type=int, metavar="N",
                        help="number of big files on the big card (default 20)")
    parser.add_argument("--big-mb", type=float, metavar="MB",
                        help="big file size on the big card (default 25)")
    parser.add_argument("--small", type=int, metavar="N",
                        help="number of small files on the big card (default 200)")
    parser.add_argument("--small-kb", type=float, metavar="KB",
                        help="small file size on the big card (default 300)")
    parser.add_argument("--runs", type=int, metavar="N", help="runs per tool and pass (default 3)")
    parser.add_argument("--timeout", type=float, default=600, metavar="S",
                        help="kill a run after this long (default %(default)s)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, metavar="DIR",
                        help="where the cards and run folders go (default benchmarks/.work)")
    parser.add_argument("--gphoto2", default=shutil.which("gphoto2") or "/usr/bin/gphoto2",
                        metavar="PATH", help="gphoto2 binary (default %(default)s)")
    parser.add_argument("--get-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for our get, e.g. --get-arg=--chunk-size=4M")
    parser.add_argument("--no-compare", dest="compare", action="store_false",
                        help="check names and sizes only, not every byte")
    parser.add_argument("--keep", action="store_true", help="keep every run's output folder")
    parser.add_argument("--out-dir", type=Path, metavar="DIR",
                        help="where the runs download to (default WORK/runs); e.g. a folder in "
                             "/dev/shm takes the disk out of the comparison")
    parser.add_argument("--no-sync", dest="sync", action="store_false",
                        help="do not sync(2) before each run (by default every run starts with "
                             "no dirty pages left by the one before)")
    parser.add_argument("--cprofile", type=Path, metavar="FILE",
                        help="also run our get once per card under cProfile (unpinned pass) into "
                             "FILE-CARD and print the top costs")
    args = parser.parse_args()
    if args.runs is None:
        args.runs = 2 if args.quick else 3
    if args.runs < 1:
        parser.error("need at least one run")
    if shutil.which(args.gphoto2) is None:
        parser.error(f"gphoto2 not found at {args.gphoto2}")
    args.specs = card_specs(args)
    if any(spec.count == 0 or min(spec.big_count, spec.small_count) < 0
           for spec in args.specs.values()):
        parser.error("need at least one file and no negative counts")
    return args


def card_specs(args: argparse.Namespace) -> dict[str, CardSpec]:
    """The cards to run, by name; --big, --big-mb, --small, --small-kb reshape the big card."""
    names = ("big", "small") if args.card == "both" else (args.card,)
    specs = {name: CARDS[name][1 if args.quick else 0] for name in names}
    if "big" in specs:
        big = specs["big"]
        specs["big"] = replace(
            big,
            big_count=big.big_count if args.big is None else args.big,
            big_size=big.big_size if args.big_mb is None else round(args.big_mb * MB),
            small_count=big.small_count if args.small is None else args.small,
            small_size=big.small_size if args.small_kb is None else round(args.small_kb * 1000))
    return specs


def passes(mode: str) -> list[Pass]:
    client_cpu, sim_cpu = pin_cpus()
    chosen = []
    if mode in ("both", "off"):
        chosen.append(Pass("any core", None, None))
    if mode in ("both", "only"):
        chosen.append(Pass(f"core {client_cpu}", client_cpu, sim_cpu))
    return chosen


def main() -> int:
    args = parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    runs_dir = args.out_dir or args.work / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    load = load_average()
    warm_pycache(args.work)
    outcomes = []
    for name, spec in args.specs.items():
        card = make_card(args.work, spec)
        warm_page_cache(card)
        for chosen in passes(args.pin_core):
            outcomes.append(run_pass(name, spec, card, chosen, runs_dir, args))

    overview(outcomes)
    print(f"({PROFILE} profile, {HOST}), downloading to {runs_dir}")
    print(machine_line(load))
    print("wall times as-is: ours includes Python start-up and two fsyncs per file; gphoto2's "
          "its library start-up, and it does not fsync")
    return 0 if all(r.ok for o in outcomes for runs in o.runs.values() for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
