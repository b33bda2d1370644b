"""Where `airnef-tui get`'s time goes: round trips, pauses between them, fixed costs (issue pt 4).

The simulator runs in this process, with every transaction timed (a wrapper around the command
session's `_transact`, installed here, in this process only: nothing in the package changes), so
each download splits into

    start-up  spawn → first operation (interpreter and imports or library loading, TCP connect,
              the Init handshakes, the event channel)
    listing   first operation → first object read (GetObjectHandles, GetObjectInfo, ...)
    transfer  first object read → end of the last one's reply, itself split into the camera busy
              answering (latency, rate cap, sending) and the client's pauses between operations,
              within a file (writing a piece) and between files (landing: fsync, rename, fsync
              of the folder, the history, opening the next .part)
    close     end of the last read → process exit (CloseSession, Nikon's 1 s minimum session)

with the operations counted per file and the object reads per MiB. Scenarios (each a fresh
simulator and a fresh home, every download checked byte for byte):

  small shoot  8 × 25 MB + 80 × 300 kB, unthrottled loopback
  link 20 MB/s 4 × 8 MB + 40 × 300 kB, --rate 20 MB/s --latency 2 ms

each downloaded by gphoto2, by our get as it is, and by our get with one thing changed to price
one suggestion: `--chunk-size 32M` (one read per file, as GetObject would be), the output on
/dev/shm (fsync costs nothing there), a second run with the same home (the object-info cache
is warm: how many GetObjectInfo remain), and all three at once. Then the fixed costs: the bare
interpreter, the minimum-session hold (a one-file card, generic against nikon profile), and,
with strace, the fsync and other file system calls per file of each tool.

Run: .venv/bin/python benchmarks/round_trips.py [--scale 1] [--runs 3] [--no-strace] [--pin-core]
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
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench_support import (
    DEFAULT_WORK, HOST, MB, MIB, OURS, REPO, THEIRS, CardSpec, RunSettings, card_files,
    check_output, download_command, figure, make_card, pin_cpus, pinned, python_env, run_child,
    warm_page_cache, warm_pycache,
)

sys.path.insert(0, str(REPO))
from airnef_tui.ptpip import OpCode  # noqa: E402
from airnef_tui.simulator import Simulator, SimulatorConfig  # noqa: E402
from airnef_tui.simulator.session import CommandSession  # noqa: E402

READS = {OpCode.GET_OBJECT, OpCode.GET_PARTIAL_OBJECT, OpCode.MTP_GET_PARTIAL_OBJECT_64,
         OpCode.NIKON_GET_PARTIAL_OBJECT_EX}
SHORT = {OpCode.GET_OBJECT_INFO: "ObjectInfo", OpCode.GET_PARTIAL_OBJECT: "PartialObject",
         OpCode.GET_OBJECT: "GetObject", OpCode.GET_OBJECT_HANDLES: "ObjectHandles",
         OpCode.MTP_GET_PARTIAL_OBJECT_64: "Partial64", OpCode.NIKON_GET_EVENT: "NikonGetEvent"}
STRACE = shutil.which("strace")
FS_CALLS = "fsync,fdatasync,openat,rename,renameat,renameat2,link,linkat,utimensat,write"


LEGEND = """
cpu: the client's user + system seconds. wall = start + list + xfer + close (seconds; of the run
of median wall). busy: the camera answering during the transfer, from request in to reply sent
(latency, rate cap, sendall into the socket). in-file / between files: from one reply sent to the
next request in (total = mean × count), within one file's pieces or from one file to the next.
On the rate-capped link that is the client's own pause with the link idle (writing; landing a
file: fsync, rename, folder fsync, history; opening the next); unthrottled, sendall returns once
the bytes are in the socket buffers, so it also holds the client reading them. reads/MiB: object
reads per MiB of the files of 1 MiB or more. eff: ideal (bytes / rate) / wall. op cap: ideal /
(ideal + operations × latency), the best a client making that many round trips could reach even
with no start-up and no pause at all."""


@dataclass
class Op:
    code: int
    handle: int | None
    start: float
    end: float


class Recorder:
    """Times every transaction of the in-process simulators (request in → reply sent)."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        original = getattr(CommandSession, "_transact", None)
        if original is None:
            raise SystemExit("CommandSession._transact is gone: update round_trips.Recorder")
        recorder = self

        def timed(session: CommandSession, event: object) -> None:
            start = time.perf_counter()
            try:
                original(session, event)
            finally:
                request = event.request  # type: ignore[attr-defined]
                handle = request.params[0] if request.params else None
                recorder.ops.append(Op(request.code, handle, start, time.perf_counter()))

        CommandSession._transact = timed  # type: ignore[method-assign]


@dataclass
class Timeline:
    label: str
    wall: float
    cpu: float
    ops: list[Op]
    files: int
    sizes: dict[int, int]  # handle → size of every file on the card
    startup: float = 0.0
    listing: float = 0.0
    transfer: float = 0.0
    close: float = 0.0
    camera_busy: float = 0.0  # transfer: sum of reply times
    gaps_within: list[float] = field(default_factory=list)  # transfer: pauses inside a file
    gaps_between: list[float] = field(default_factory=list)  # transfer: pauses between files
    problems: list[str] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)  # of every run, when this is the median

    def counts(self) -> Counter[int]:
        return Counter(op.code for op in self.ops)

    def reads_per_mib(self) -> float | None:
        """Object reads per MiB of the files of at least 1 MiB (None: no such file)."""
        big = {h: size for h, size in self.sizes.items() if size >= MIB}
        reads = sum(1 for op in self.ops if op.code in READS and op.handle in big)
        return reads / (sum(big.values()) / MIB) if big else None


def analyse(label: str, ops: list[Op], spawn: float, wall: float, cpu: float,
            sizes: dict[int, int]) -> Timeline:
    ops = sorted(ops, key=lambda op: op.start)
    line = Timeline(label, wall, cpu, ops, len(sizes), sizes)
    reads = [i for i, op in enumerate(ops) if op.code in READS]
    if not ops or not reads:
        line.problems.append("no object reads seen")
        return line
    first, last = reads[0], reads[-1]
    line.startup = ops[0].start - spawn
    line.listing = ops[first].start - ops[0].start
    line.transfer = ops[last].end - ops[first].start
    line.close = spawn + wall - ops[last].end
    line.camera_busy = sum(op.end - op.start for op in ops[first:last + 1])
    previous = ops[first]
    for op in ops[first + 1:last + 1]:
        gap = op.start - previous.end
        same = op.code in READS and previous.code in READS and op.handle == previous.handle
        (line.gaps_within if same else line.gaps_between).append(gap)
        previous = op
    return line


@dataclass(frozen=True)
class Scenario:
    name: str
    spec: CardSpec
    rate: int | None = None
    latency_ms: float = 0.0
    profile: str = "generic"


@dataclass(frozen=True)
class Variant:
    label: str
    tool: str
    get_args: tuple[str, ...] = ()
    shm: bool = False  # download to /dev/shm
    warm_cache: bool = False  # a first, unmeasured run with the same home


VARIANTS = (
    Variant("gphoto2", THEIRS),
    Variant("ours", OURS),
    Variant("ours --chunk-size 32M", OURS, ("--chunk-size", "32M")),
    Variant("ours to /dev/shm", OURS, shm=True),
    Variant("ours, cache warm", OURS, warm_cache=True),
    Variant("ours, all three", OURS, ("--chunk-size", "32M"), shm=True, warm_cache=True),
)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.recorder = Recorder()
        client_cpu, sim_cpu = pin_cpus()
        self.client_cpu = client_cpu if args.pin_core else None
        if args.pin_core and sim_cpu is not None:  # this process serves: its threads inherit
            os.sched_setaffinity(0, {sim_cpu})

    def settings(self, get_args: tuple[str, ...]) -> RunSettings:
        return RunSettings(work=self.args.work, gphoto2=self.args.gphoto2, sync=True,
                           get_args=("--json", *get_args), cpu=self.client_cpu)

    def download(self, scenario: Scenario, card: Path, variant: Variant) -> Timeline:
        """The run of median wall time among --runs runs (a failed one wins: it is reported)."""
        lines = [self.download_once(scenario, card, variant) for _ in range(self.args.runs)]
        failed = [t for t in lines if t.problems]
        if failed:
            return failed[0]
        lines.sort(key=lambda t: t.wall)
        chosen = lines[(len(lines) - 1) // 2]
        chosen.walls = [t.wall for t in lines]
        return chosen

    def download_once(self, scenario: Scenario, card: Path, variant: Variant) -> Timeline:
        root = Path("/dev/shm") if variant.shm else self.args.work
        with tempfile.TemporaryDirectory(dir=root, prefix="rt-") as temp:
            home = Path(temp) / "home"
            home.mkdir()
            if variant.warm_cache:
                self.one_get(scenario, card, variant, Path(temp) / "warm", home)
            return self.one_get(scenario, card, variant, Path(temp) / "out", home)

    def one_get(self, scenario: Scenario, card: Path, variant: Variant, out: Path,
                home: Path) -> Timeline:
        config = SimulatorConfig(host=HOST, port=0, dirs=[card], profile=scenario.profile,
                                 rate=scenario.rate, latency_ms=scenario.latency_ms)
        out.mkdir()
        with Simulator(config) as sim:
            argv, env = download_command(variant.tool, sim.port, out, home,
                                         self.settings(variant.get_args))
            os.sync()
            self.recorder.ops = []
            spawn = time.perf_counter()
            wall, code, usage, timed_out = run_child(argv, out, env, 600, out.parent / "log")
            sizes = {obj.handle: obj.size for obj in sim.card.files()}
        ops = list(self.recorder.ops)  # after stop(): a reply still being sent is in (gphoto2
        # leaves without waiting for CloseSession's)
        line = analyse(variant.label, ops, spawn, wall, usage.ru_utime + usage.ru_stime, sizes)
        if code or timed_out:
            line.problems.append(f"exit code {code}" + (" (timed out)" if timed_out else ""))
        line.problems += check_output(out, scenario.spec.files(), card_files(card), True)
        return line


def report(scenario: Scenario, lines: list[Timeline]) -> None:
    spec = scenario.spec
    link = (f"rate {scenario.rate / MB:g} MB/s, latency {scenario.latency_ms:g} ms"
            if scenario.rate else "unthrottled loopback")
    ideal = spec.total / scenario.rate if scenario.rate else None
    print(f"\n== {scenario.name}: {spec.describe()}, {link}"
          + (f"; ideal {ideal:.2f} s" if ideal else ""))
    print(f"{'client':<22} {'cpu':>5} {'wall':>6} {'start':>6} {'list':>6} {'xfer':>6} "
          f"{'close':>6} | {'busy':>6} {'in-file':>15} {'between files':>16} | {'ops':>4} "
          f"{'op/file':>7} {'reads/MiB':>9}" + (f" | {'eff':>6} {'op cap':>6}" if ideal else ""))
    for t in lines:
        if t.problems:
            print(f"{t.label:<22} FAILED: {'; '.join(t.problems)}")
            continue
        per_mib = figure(t.reads_per_mib(), "9.2f")
        within, between = t.gaps_within, t.gaps_between
        tail = ""
        if ideal:  # op cap: the best any client could do with this many round trips
            floor = ideal + len(t.ops) * scenario.latency_ms / 1000
            tail = f" | {ideal / t.wall:6.1%} {ideal / floor:6.1%}"
        print(f"{t.label:<22} {t.cpu:5.2f} {t.wall:6.2f} {t.startup:6.2f} {t.listing:6.2f} "
              f"{t.transfer:6.2f} {t.close:6.2f} | {t.camera_busy:6.2f} {_gaps(within):>15} "
              f"{_gaps(between):>16} |"
              f" {len(t.ops):4d} {len(t.ops) / t.files:7.2f} {per_mib:>9}{tail}")
        mix = ", ".join(f"{_op_name(code)} {n}" for code, n in t.counts().most_common())
        walls = " ".join(f"{w:.2f}" for w in t.walls)
        print(f"{'':<22} ops: {mix}" + (f"; walls of the runs: {walls}" if walls else ""))


def _op_name(code: int) -> str:
    if code in SHORT:
        return SHORT[code]
    try:
        return OpCode(code).name
    except ValueError:
        return hex(code)


def _gaps(gaps: list[float]) -> str:
    if not gaps:
        return "—"
    return f"{sum(gaps):.2f}s={statistics.mean(gaps) * 1000:.1f}ms×{len(gaps)}"


def fixed_costs(bench: Bench, work: Path) -> None:
    """Interpreter start-up, and the minimum session of Nikon bodies on a one-file card."""
    print("\n== fixed costs")
    env = python_env(work / "warm-home", work)
    walls = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(pinned([sys.executable, "-c", "pass"], bench.client_cpu), env=env,
                       check=True)
        walls.append(time.perf_counter() - start)
    print(f"bare interpreter (python -c pass): median {statistics.median(walls) * 1000:.0f} ms "
          "of 5")
    tiny = CardSpec(0, 0, 1, 300_000)
    card = make_card(work, tiny)
    for profile in ("generic", "nikon"):
        scenario = Scenario(f"one file, {profile}", tiny, profile=profile)
        t = bench.download(scenario, card, Variant("ours", OURS))
        if t.problems:
            print(f"one 300 kB file, {profile} profile: FAILED: {'; '.join(t.problems)}")
            continue
        hold = next((op.start for op in t.ops if op.code == OpCode.CLOSE_SESSION), None)
        last_read = max(op.end for op in t.ops if op.code in READS)
        held = f"{hold - last_read:.2f} s" if hold is not None else "no CloseSession"
        print(f"one 300 kB file, {profile:<7} profile: wall {t.wall:.2f} s (start-up "
              f"{t.startup:.2f}, listing {t.listing:.2f}, last read → CloseSession {held}, "
              f"close {t.close:.2f}); {len(t.ops)} operations")


def syscalls(bench: Bench, scenario: Scenario, card: Path, work: Path) -> None:
    """Counts (not times: strace slows everything) of file system calls per downloaded file."""
    print(f"\n== file system calls per file (strace -f -c, {scenario.spec.describe()})")
    for variant in (Variant("ours", OURS), Variant("gphoto2", THEIRS)):
        with tempfile.TemporaryDirectory(dir=work, prefix="rt-strace-") as temp:
            out, home, trace = Path(temp) / "out", Path(temp) / "home", Path(temp) / "trace"
            out.mkdir()
            home.mkdir()
            with Simulator(SimulatorConfig(host=HOST, port=0, dirs=[card])) as sim:
                argv, env = download_command(variant.tool, sim.port, out, home,
                                             bench.settings(()))
                argv = [STRACE, "-f", "-qq", "-c", "-o", str(trace), "-e",
                        f"trace={FS_CALLS}", *argv]
                run_child(argv, out, env, 600, Path(temp) / "log")
            problems = check_output(out, scenario.spec.files(), card_files(card), True)
            counts = _strace_counts(trace)
        files = scenario.spec.count
        summary = ", ".join(f"{name} {n / files:.2f}" for name, n in sorted(counts.items())
                            if name != "write")
        writes = counts.get("write", 0)
        print(f"{variant.label:<8} per file: {summary}; write {writes / files:.1f} "
              f"({writes} in all){'  FAILED: ' + '; '.join(problems) if problems else ''}")


def _strace_counts(trace: Path) -> dict[str, int]:
    """syscall → calls, from strace -c's table (% time, seconds, usecs/call, calls, [errors,]
    syscall)."""
    counts: dict[str, int] = {}
    for line in trace.read_text().splitlines():
        parts = line.split()
        if (len(parts) in (5, 6) and parts[-1].isidentifier() and parts[3].isdigit()
                and parts[-1] != "total"):
            counts[parts[-1]] = int(parts[3])
    return counts


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, metavar="F",
                        help="multiply both cards' file counts by F (default %(default)s)")
    parser.add_argument("--runs", type=int, default=3, metavar="N",
                        help="runs per client and scenario; the one of median wall time is shown "
                             "(default %(default)s)")
    parser.add_argument("--no-strace", dest="strace", action="store_false",
                        help="skip the file system call counts")
    parser.add_argument("--pin-core", action="store_true",
                        help="each client under taskset -c 0, this process (the simulator) on 1")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, metavar="DIR",
                        help="where the cards and run folders go (default benchmarks/.work)")
    parser.add_argument("--gphoto2", default=shutil.which("gphoto2") or "/usr/bin/gphoto2",
                        metavar="PATH", help="gphoto2 binary (default %(default)s)")
    return parser.parse_args()


def scaled(spec: CardSpec, scale: float) -> CardSpec:
    return CardSpec(max(1, round(spec.big_count * scale)), spec.big_size,
                    max(1, round(spec.small_count * scale)), spec.small_size)


def main() -> int:
    args = parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    warm_pycache(args.work)
    bench = Bench(args)
    scenarios = (
        Scenario("small shoot", scaled(CardSpec(8, 25 * MB, 80, 300_000), args.scale)),
        Scenario("link 20 MB/s", scaled(CardSpec(4, 8 * MB, 40, 300_000), args.scale),
                 rate=20 * MB, latency_ms=2.0),
    )
    failed = False
    for scenario in scenarios:
        card = make_card(args.work, scenario.spec)
        warm_page_cache(card)
        lines = [bench.download(scenario, card, variant) for variant in VARIANTS]
        failed |= any(t.problems for t in lines)
        report(scenario, lines)
    print(LEGEND)
    fixed_costs(bench, args.work)
    if args.strace and STRACE:
        syscalls(bench, scenarios[0], make_card(args.work, scenarios[0].spec), args.work)
    where = "any core" if bench.client_cpu is None else f"core {bench.client_cpu}"
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} now; "
          f"clients on {where}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
