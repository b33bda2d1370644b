"""How much of a camera-like link `airnef-tui get` uses, beside gphoto2 on the same link.

The simulator is slowed down like a real camera's Wi-Fi: `--rate` caps object data (bytes per
second; dataset replies are not capped) and `--latency` delays every operation's reply. Rows
(default): 2.5 MB/s and 3 ms, 6 MB/s and 3 ms, 20 MB/s and 2 ms (MB = 10^6 bytes). Each row serves
the same card of large and small files, 4 × 8 MB + 40 × 300 kB (44 MB; `--scale` multiplies both
counts), from a fresh `airnef-tui simulate --profile generic`, and downloads it with

    .venv/bin/python -m airnef_tui get 127.0.0.1:PORT -o DIR --json --history ignore
    gphoto2 --port ptpip:127.0.0.1:PORT:PORT --get-all-files     (in DIR, HOME a fresh folder)

each with a fresh home (AIRNEF_TUI_HOME / HOME), so no history skips a file. For each row it prints
the bytes, the ideal time (bytes / rate: the link busy with object data and nothing else), each
tool's wall time, its link efficiency (ideal / wall) and client CPU per GiB, and the ratio
ours / gphoto2. Goal: at least 95 % of the link on every row, and never slower than gphoto2.

Wall time is the whole command, as a user sees it: start-up, connection, listing (one
GetObjectInfo per object, each paying the latency), the transfer, and closing. A PTP/IP session
runs one transaction at a time, so every operation's latency and every pause the client takes
between operations (writing, fsync) leaves the link idle: that is what the efficiency measures.

Passes (`--pin-core both|off|only`, default both): "any core", and "core 0" where each client runs
under `taskset -c 0` (a stand-in for a Raspberry Pi: one core for the client) and the simulator,
restarted for the pass, under `taskset -c 1`. Every download is checked byte for byte against the
card; a run that is incomplete or wrong is reported, not counted, and its folder is kept.

Run: .venv/bin/python benchmarks/link_efficiency.py [--scale 1] [--runs 1] [--pin-core both]
         [--row 2.5:3 --row 6:3 --row 20:2]
Everything stays on 127.0.0.1. Not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench_support import (
    DEFAULT_WORK, HOST, MB, OURS, PROFILE, THEIRS, CardSpec, Run, RunSettings, cpu_per_gib,
    figure, load_average, machine_line, make_card, measure_download, median_wall, pin_cpus,
    run_line, start_simulator, stop_simulator, warm_page_cache, warm_pycache,
)

BASE_CARD = CardSpec(4, 8 * MB, 40, 300_000)
DEFAULT_ROWS = ((2.5, 3.0), (6.0, 3.0), (20.0, 2.0))  # (MB/s, ms)
GOAL = 0.95


@dataclass(frozen=True)
class Row:
    rate: int  # bytes per second
    latency_ms: float

    def label(self) -> str:
        return f"{self.rate / MB:g} MB/s, {self.latency_ms:g} ms"


@dataclass(frozen=True)
class Pass:
    label: str
    client_cpu: int | None
    sim_cpu: int | None


@dataclass
class RowResult:
    row: Row
    run_pass: Pass
    runs: dict[str, list[Run]]


def parse_row(text: str) -> Row:
    try:
        rate, _, latency = text.partition(":")
        row = Row(round(float(rate) * MB), float(latency or 0))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not RATE_MB_PER_S:LATENCY_MS: {text!r}") from None
    if row.rate <= 0 or row.latency_ms < 0:
        raise argparse.ArgumentTypeError(f"a rate must be positive, a latency not negative: {text}")
    return row


def scaled_card(scale: float) -> CardSpec:
    return CardSpec(max(1, round(BASE_CARD.big_count * scale)), BASE_CARD.big_size,
                    max(1, round(BASE_CARD.small_count * scale)), BASE_CARD.small_size)


def run_row(row: Row, row_index: int, run_pass: Pass, spec: CardSpec, card: Path,
            args: argparse.Namespace) -> RowResult:
    settings = RunSettings(work=args.work, gphoto2=args.gphoto2, timeout=args.timeout,
                           keep=args.keep, get_args=("--json", *args.get_arg),
                           cpu=run_pass.client_cpu)
    sim_home = Path(tempfile.mkdtemp(dir=args.work, prefix="sim-home-"))
    sim, port = start_simulator(
        card, sim_home, args.work / "simulator.log", args.work, cpu=run_pass.sim_cpu,
        extra=("--rate", str(row.rate), "--latency", f"{row.latency_ms:g}"))
    runs: dict[str, list[Run]] = {OURS: [], THEIRS: []}
    try:
        for i in range(args.runs):
            order = (OURS, THEIRS) if (i + row_index) % 2 == 0 else (THEIRS, OURS)
            for tool in order:
                tag = "ours" if tool == OURS else "gphoto2"
                run_dir = (args.runs_dir / f"link-{run_pass.label.replace(' ', '')}-"
                           f"{row.rate}-{i:02d}-{tag}")
                run = measure_download(tool, port, run_dir, spec, card, sim.pid, settings)
                runs[tool].append(run)
                print(run_line(f"{row.label():<16} run {i + 1}/{args.runs}", run), flush=True)
    finally:
        stop_simulator(sim)
        shutil.rmtree(sim_home, ignore_errors=True)
    return RowResult(row, run_pass, runs)


HEADER = (f"{'link':<16} {'pass':<8} {'bytes':>8} {'ideal':>7} | {'ours':>7} {'eff':>6} "
          f"{'CPU/GiB':>7} | {'gphoto2':>7} {'eff':>6} {'CPU/GiB':>7} | {'ours/gp':>7}  goal")


def table_line(result: RowResult, spec: CardSpec) -> str:
    ideal = spec.total / result.row.rate
    walls = {tool: median_wall(runs) for tool, runs in result.runs.items()}
    cells = []
    for tool in (OURS, THEIRS):
        wall = walls[tool]
        eff = ideal / wall if wall else None
        cells.append(f"{figure(wall, '6.2f')}s {figure(eff, '6.1%')} "
                     f"{figure(cpu_per_gib(result.runs[tool], spec.total), '7.2f')}")
    ours, theirs = walls[OURS], walls[THEIRS]
    ratio = ours / theirs if ours and theirs else None
    if ratio is None:
        goal = "—"
    else:
        misses = []
        if ideal / ours < GOAL:
            misses.append(f"link < {GOAL:.0%}")
        if ratio > 1.0:
            misses.append("slower than gphoto2")
        goal = "met" if not misses else "MISSED: " + ", ".join(misses)
    return (f"{result.row.label():<16} {result.run_pass.label:<8} {spec.total / MB:5.1f} MB "
            f"{ideal:6.2f}s | {cells[0]} | {cells[1]} | {figure(ratio, '7.2f')}  {goal}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, metavar="F",
                        help="multiply the card's file counts (4 × 8 MB + 40 × 300 kB) by F "
                             "(at least one of each; default %(default)s)")
    parser.add_argument("--row", dest="rows", action="append", type=parse_row,
                        metavar="MB_PER_S:MS",
                        help="a link to measure, e.g. 6:3 for 6 MB/s and 3 ms per operation "
                             "(repeatable; default 2.5:3, 6:3 and 20:2)")
    parser.add_argument("--runs", type=int, default=1, metavar="N",
                        help="runs per tool, row and pass (default %(default)s; median shown)")
    parser.add_argument("--pin-core", choices=("both", "off", "only"), default="both",
                        help="also (both, the default), never (off) or only (only) run a pass "
                             "with each client under taskset -c 0 and the simulator on core 1")
    parser.add_argument("--timeout", type=float, default=300, metavar="S",
                        help="kill a run after this long (default %(default)s)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, metavar="DIR",
                        help="where the card and run folders go (default benchmarks/.work)")
    parser.add_argument("--out-dir", type=Path, metavar="DIR",
                        help="where the runs download to (default WORK/runs)")
    parser.add_argument("--gphoto2", default=shutil.which("gphoto2") or "/usr/bin/gphoto2",
                        metavar="PATH", help="gphoto2 binary (default %(default)s)")
    parser.add_argument("--get-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for our get, e.g. --get-arg=--chunk-size=4M")
    parser.add_argument("--keep", action="store_true", help="keep every run's output folder")
    args = parser.parse_args()
    if args.scale <= 0 or args.runs < 1:
        parser.error("the scale must be positive and there must be at least one run")
    if shutil.which(args.gphoto2) is None:
        parser.error(f"gphoto2 not found at {args.gphoto2}")
    args.rows = args.rows or [Row(round(mb * MB), ms) for mb, ms in DEFAULT_ROWS]
    return args


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
    args.runs_dir = args.out_dir or args.work / "runs"
    args.runs_dir.mkdir(parents=True, exist_ok=True)
    load = load_average()
    spec = scaled_card(args.scale)
    card = make_card(args.work, spec)
    warm_page_cache(card)
    warm_pycache(args.work)
    chosen = passes(args.pin_core)
    print(f"card: {spec.describe()}; rows: {', '.join(r.label() for r in args.rows)}; "
          f"passes: {', '.join(p.label for p in chosen)}", flush=True)
    results = []
    for run_pass in chosen:
        where = (f"client on core {run_pass.client_cpu}, simulator on core {run_pass.sim_cpu}"
                 if run_pass.client_cpu is not None else "client and simulator on any core")
        print(f"\n== {run_pass.label} ({where})", flush=True)
        for index, row in enumerate(args.rows):
            results.append(run_row(row, index, run_pass, spec, card, args))

    print(f"\ncard {spec.describe()} ({PROFILE} profile, {HOST}); ideal = bytes / rate; "
          f"eff = ideal / wall (median of {args.runs}); CPU/GiB = client user+system s per GiB")
    print(f"goal: eff ≥ {GOAL:.0%} on every row and ours/gphoto2 ≤ 1.00")
    print(HEADER)
    for result in results:
        print(table_line(result, spec))
    print(machine_line(load))
    return 0 if all(r.ok for res in results for runs in res.runs.values() for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
