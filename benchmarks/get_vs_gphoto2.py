"""`airnef-tui get` against `gphoto2 --get-all-files` on the same simulated card (issue 3, point 8).

Generates a card of random bytes once (default 20 × 25 MB + 200 × 300 kB, reused while its sizes
match), serves it with one `airnef-tui simulate --profile generic` for all runs, then downloads it
with each tool in turn (alternating which goes first), several runs each, and prints

    card: 20 × 25.0 MB + 200 × 300 kB = 560 MB, 220 files (generic profile, 127.0.0.1), ...
    airnef-tui get   median 7.18 s  78 MB/s  31 files/s  peak RSS 27 MB  CPU 3.4 s/GiB ...
    gphoto2          median 7.60 s  74 MB/s  29 files/s  peak RSS 25 MB  CPU 6.4 s/GiB ...
    ratio airnef-tui/gphoto2: 0.94 (goal < 1.0)

Each tool runs as a direct child reaped with os.wait4, so its peak RSS and CPU are its own (not
the maximum over every child, as RUSAGE_CHILDREN would give). Wall time is as-is: it includes
Python's start-up, our client's one-second minimum session (for Nikon bodies) and its two fsyncs
per file (file and folder), and gphoto2's own start-up; gphoto2 does not fsync. Every run begins
after a sync(2), so no run flushes the previous one's dirty pages; `--out-dir /dev/shm/...` takes
the disk out altogether. Each run line shows the machine-wide CPU and I/O stall share (Linux PSI)
during it: on a busy machine the figures swing with it. Our children get byte-code cached under
WORK/pycache even where PYTHONDONTWRITEBYTECODE is set, as an installed package would have.
Every run's output is checked against the card (names, sizes and, unless --no-compare, bytes); a
run that is incomplete or wrong is reported and not counted, and its folder is kept.

Run: .venv/bin/python benchmarks/get_vs_gphoto2.py [--quick] [--runs 5] [--big 20 --big-mb 25 ...]
Everything stays on 127.0.0.1. Not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_WORK = Path(__file__).resolve().parent / ".work"
MB = 1_000_000
GIB = 1 << 30
HOST = "127.0.0.1"
PROFILE = "generic"  # allows a new session per run (sony allows only one)
OURS = "airnef-tui get"
THEIRS = "gphoto2"


@dataclass(frozen=True)
class CardSpec:
    big_count: int
    big_size: int
    small_count: int
    small_size: int

    def files(self) -> dict[str, int]:
        """name → size; one folder and unique names, as gphoto2 saves everything side by side."""
        names: dict[str, int] = {}
        for _ in range(self.big_count):
            names[f"DSC_{len(names) + 1:04d}.NEF"] = self.big_size
        for _ in range(self.small_count):
            names[f"DSC_{len(names) + 1:04d}.JPG"] = self.small_size
        return names

    @property
    def total(self) -> int:
        return self.big_count * self.big_size + self.small_count * self.small_size

    @property
    def count(self) -> int:
        return self.big_count + self.small_count

    def describe(self) -> str:
        return (f"{self.big_count} × {_size(self.big_size)} + {self.small_count} × "
                f"{_size(self.small_size)} = {self.total / MB:.0f} MB, {self.count} files")

    def folder_name(self) -> str:
        return f"card-{self.big_count}x{self.big_size}-{self.small_count}x{self.small_size}"


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1000:.0f} kB"


def make_card(work: Path, spec: CardSpec) -> Path:
    """The card's root folder, generated once; a `.ok` stamp beside it (not in it) marks it done."""
    root = work / spec.folder_name()
    stamp = work / (spec.folder_name() + ".ok")
    if stamp.exists() and root.is_dir():
        return root
    shutil.rmtree(root, ignore_errors=True)
    folder = root / "DCIM" / "100BENCH"
    folder.mkdir(parents=True)
    print(f"generating {spec.describe()} under {root} ...", flush=True)
    for name, size in spec.files().items():
        with open(folder / name, "wb") as f:
            left = size
            while left:
                piece = min(left, 4 << 20)
                f.write(os.urandom(piece))
                left -= piece
    stamp.write_text(spec.describe() + "\n")
    return root


def warm_page_cache(card: Path) -> None:
    """Read the card once, so neither tool's first run pays for cold disk reads on the server."""
    for dirpath, _, filenames in os.walk(card):
        for name in filenames:
            with open(os.path.join(dirpath, name), "rb") as f:
                while f.read(8 << 20):
                    pass


def start_simulator(card: Path, home: Path, log: Path) -> tuple[subprocess.Popen, int]:
    env = python_env(home, log.parent)
    with open(log, "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "airnef_tui", "simulate", "--host", HOST, "--port", "0",
             "--dir", str(card), "--profile", PROFILE],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, text=True, env=env,
            cwd=REPO)
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline().strip() if ready else ""
    if not line.startswith("listening on "):
        process.kill()
        process.wait()
        raise SystemExit(f"the simulator did not start ({line!r}); see {log}")
    return process, int(line.rpartition(":")[2])


def stop_simulator(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def python_env(home: Path, work: Path) -> dict[str, str]:
    """Environment for our Python children: this checkout importable, its own data directory, and
    byte-code cached under WORK (as an installed package has it), even where
    PYTHONDONTWRITEBYTECODE is set, so no run pays for compiling every module from source."""
    env = dict(os.environ, AIRNEF_TUI_HOME=str(home), AIRNEF_TUI_INTERFACES=HOST,
               PYTHONPYCACHEPREFIX=str(work / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + old if old else "")
    return env


def cpu_seconds_of(pid: int) -> float | None:
    """User + system CPU of a running process from /proc (Linux), for the simulator's share."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def pressure_totals() -> dict[str, int] | None:
    """System-wide stall time so far (µs, "some" line of /proc/pressure/cpu and io; Linux PSI):
    how much other work on the machine held the measured run back."""
    totals = {}
    try:
        for kind in ("cpu", "io"):
            some = Path(f"/proc/pressure/{kind}").read_text().splitlines()[0]
            totals[kind] = int(some.rpartition("total=")[2])
    except (OSError, ValueError, IndexError):
        return None
    return totals


@dataclass
class Run:
    tool: str
    wall: float
    user: float
    system: float
    peak_rss: int  # bytes
    server_cpu: float | None
    pressure: dict[str, float] | None  # share of the wall time something stalled on cpu / io
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def run_child(argv: list[str], cwd: Path, env: dict[str, str], timeout: float,
              log: Path) -> tuple[float, int, os.struct_rusage, bool]:
    """Run argv as a direct child; (wall seconds, exit code, its own rusage, timed out)."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                   stdout=out, stderr=subprocess.STDOUT)
        timed_out = not _wait_readable(process, timeout)
        if timed_out:
            process.kill()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return wall, process.returncode, usage, timed_out


def _wait_readable(process: subprocess.Popen, timeout: float) -> bool:
    """Wait for the child to exit without reaping it (a pidfd, or polling); False on timeout."""
    try:
        fd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT):
                return True
            time.sleep(0.002)
        return False
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


def check_output(out: Path, expected: dict[str, int], card_folder: Path,
                 compare: bool) -> list[str]:
    """What is wrong with a run's output folder: missing, extra, short or different files."""
    got: dict[str, Path] = {}
    extra: list[str] = []
    for dirpath, _, filenames in os.walk(out):
        for name in filenames:
            path = Path(dirpath) / name
            if name in expected and name not in got:
                got[name] = path
            else:
                extra.append(str(path.relative_to(out)))
    problems = []
    missing = sorted(set(expected) - set(got))
    if missing:
        problems.append(f"{len(missing)} missing (e.g. {missing[0]})")
    if extra:
        problems.append(f"{len(extra)} unexpected (e.g. {extra[0]})")
    wrong_size = [n for n, p in got.items() if p.stat().st_size != expected[n]]
    if wrong_size:
        problems.append(f"{len(wrong_size)} with a wrong size (e.g. {wrong_size[0]})")
    elif compare:
        differ = [n for n, p in got.items()
                  if not filecmp.cmp(p, card_folder / n, shallow=False)]
        if differ:
            problems.append(f"{len(differ)} with different bytes (e.g. {differ[0]})")
    total = sum(p.stat().st_size for p in got.values())
    if not problems and (len(got) != len(expected) or total != sum(expected.values())):
        problems.append(f"{len(got)} files, {total} bytes")
    return problems


def measure(tool: str, port: int, runs_dir: Path, index: int, spec: CardSpec, card: Path,
            sim: subprocess.Popen, args: argparse.Namespace) -> Run:
    run_dir = runs_dir / f"{index:02d}-{'ours' if tool == OURS else 'gphoto2'}"
    shutil.rmtree(run_dir, ignore_errors=True)
    out, home = run_dir / "out", run_dir / "home"
    out.mkdir(parents=True)
    home.mkdir()
    if tool == OURS:
        argv = [sys.executable, "-m", "airnef_tui", "get", f"{HOST}:{port}", "-o", str(out),
                "--history", "ignore", *args.get_arg]
        env = python_env(home, args.work)
    else:
        argv = [args.gphoto2, "--port", f"ptpip:{HOST}:{port}:{port}", "--get-all-files"]
        env = dict(os.environ, HOME=str(home))
    if args.sync:  # start clean: with ext4 data=ordered an fsync also flushes others' dirty pages
        os.sync()
    server_before, pressure_before = cpu_seconds_of(sim.pid), pressure_totals()
    wall, code, usage, timed_out = run_child(argv, out, env, args.timeout, run_dir / "log.txt")
    server_after, pressure_after = cpu_seconds_of(sim.pid), pressure_totals()
    pressure = (None if pressure_before is None or pressure_after is None
                else {k: (pressure_after[k] - pressure_before[k]) / 1e6 / wall
                      for k in pressure_before})
    server_cpu = (None if server_before is None or server_after is None
                  else server_after - server_before)
    rss_unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    run = Run(tool, wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss * rss_unit, server_cpu,
              pressure)
    if timed_out:
        run.problems.append(f"killed after the {args.timeout:g} s timeout")
    elif code != 0:
        run.problems.append(f"exit code {code}")
    run.problems += check_output(out, spec.files(), card / "DCIM" / "100BENCH", args.compare)
    if run.ok and not args.keep:
        shutil.rmtree(run_dir)
    else:
        run.problems.append(f"kept {run_dir}")
    return run


def summary_line(tool: str, runs: list[Run], spec: CardSpec) -> str:
    good = [r for r in runs if r.ok]
    failed = len(runs) - len(good)
    label = f"{tool:<16}"
    if not good:
        return f"{label} no complete run ({failed} failed)"
    wall = statistics.median(r.wall for r in good)
    cpu = statistics.median((r.user + r.system) for r in good) / (spec.total / GIB)
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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a fast sanity run: 3 × 5 MB + 30 × 300 kB, 2 runs each "
                             "(explicit size and run options still win)")
    parser.add_argument("--big", type=int, metavar="N", help="number of big files (default 20)")
    parser.add_argument("--big-mb", type=float, metavar="MB", help="big file size (default 25)")
    parser.add_argument("--small", type=int, metavar="N",
                        help="number of small files (default 200)")
    parser.add_argument("--small-kb", type=float, metavar="KB",
                        help="small file size (default 300)")
    parser.add_argument("--runs", type=int, metavar="N", help="runs per tool (default 3)")
    parser.add_argument("--timeout", type=float, default=600, metavar="S",
                        help="kill a run after this long (default %(default)s)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, metavar="DIR",
                        help="where the card and run folders go (default benchmarks/.work)")
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
                        help="also run our get once under cProfile into FILE and print top costs")
    args = parser.parse_args()
    quick = args.quick
    defaults = {"big": (3, 20), "big_mb": (5, 25), "small": (30, 200), "small_kb": (300, 300),
                "runs": (2, 3)}
    for name, (quick_value, full_value) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick_value if quick else full_value)
    if min(args.big, args.small) < 0 or args.big + args.small == 0 or args.runs < 1:
        parser.error("need at least one file and one run")
    if shutil.which(args.gphoto2) is None:
        parser.error(f"gphoto2 not found at {args.gphoto2}")
    return args


def main() -> int:
    args = parse_args()
    spec = CardSpec(args.big, round(args.big_mb * MB), args.small, round(args.small_kb * 1000))
    args.work.mkdir(parents=True, exist_ok=True)
    card = make_card(args.work, spec)
    warm_page_cache(card)
    runs_dir = args.out_dir or args.work / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    sim_home = Path(tempfile.mkdtemp(dir=args.work, prefix="sim-home-"))
    subprocess.run([sys.executable, "-m", "airnef_tui", "get", "--help"],  # fills the pycache
                   env=python_env(sim_home, args.work), stdout=subprocess.DEVNULL, check=True)
    sim, port = start_simulator(card, sim_home, args.work / "simulator.log")
    results: dict[str, list[Run]] = {OURS: [], THEIRS: []}
    try:
        for i in range(args.runs):
            order = (OURS, THEIRS) if i % 2 == 0 else (THEIRS, OURS)
            for tool in order:
                run = measure(tool, port, runs_dir, i, spec, card, sim, args)
                results[tool].append(run)
                status = "ok" if run.ok else "FAILED: " + "; ".join(run.problems)
                stalls = ("" if run.pressure is None else
                          f"  stalls cpu {run.pressure['cpu']:4.0%} io {run.pressure['io']:4.0%}")
                print(f"  run {i + 1}/{args.runs} {tool:<15} {run.wall:6.2f} s  "
                      f"peak RSS {run.peak_rss / MB:3.0f} MB  "
                      f"CPU {run.user + run.system:5.2f} s{stalls}  {status}", flush=True)
        if args.cprofile:
            profile_ours(port, runs_dir, args.cprofile, args)
    finally:
        stop_simulator(sim)
        shutil.rmtree(sim_home, ignore_errors=True)

    print()
    print(f"card: {spec.describe()} ({PROFILE} profile, {HOST}), downloading to {runs_dir}")
    print(summary_line(OURS, results[OURS], spec))
    print(summary_line(THEIRS, results[THEIRS], spec))
    good = {tool: [r.wall for r in runs if r.ok] for tool, runs in results.items()}
    if good[OURS] and good[THEIRS]:
        ratio = statistics.median(good[OURS]) / statistics.median(good[THEIRS])
        print(f"ratio airnef-tui/gphoto2: {ratio:.2f} (goal < 1.0)")
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.2f} before the runs (other work "
          "may be running; 'stalls' above is the machine-wide PSI share of each run's wall time "
          "some task waited for a CPU or for I/O), simulator on the same machine")
    print("wall times as-is: ours includes Python start-up, a 1 s minimum session and two fsyncs "
          "per file; gphoto2's its library start-up, and it does not fsync")
    return 0 if all(r.ok for runs in results.values() for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
