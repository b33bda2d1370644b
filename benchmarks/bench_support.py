"""What the benchmarks that race `airnef-tui get` against gphoto2 on the simulator share.

A card of random bytes on disk (`CardSpec`, `make_card`), the simulator as a subprocess
(`start_simulator`, optionally pinned to a core), one measured download by either tool as a direct
child reaped with os.wait4 so its peak RSS and CPU are its own (`measure_download`), the byte for
byte check of what it wrote (`check_output`), and the machine's load (`pressure_totals`,
`machine_line`). Used by get_vs_gphoto2.py, link_efficiency.py and round_trips.py; not a
benchmark itself. Everything binds and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import filecmp
import os
import select
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_WORK = Path(__file__).resolve().parent / ".work"
MB = 1_000_000
MIB = 1 << 20
GIB = 1 << 30
HOST = "127.0.0.1"
PROFILE = "generic"  # allows a new session per run (sony allows only one)
OURS = "airnef-tui get"
THEIRS = "gphoto2"
CARD_FOLDER = ("DCIM", "100BENCH")
TASKSET = shutil.which("taskset") or "/usr/bin/taskset"


# -- the card ------------------------------------------------------------------------------------

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
        return (f"{self.big_count} × {size_text(self.big_size)} + {self.small_count} × "
                f"{size_text(self.small_size)} = {self.total / MB:.0f} MB, {self.count} files")

    def folder_name(self) -> str:
        return f"card-{self.big_count}x{self.big_size}-{self.small_count}x{self.small_size}"


def size_text(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1000:.0f} kB"


def make_card(work: Path, spec: CardSpec) -> Path:
    """The card's root folder, generated once; a `.ok` stamp beside it (not in it) marks it done."""
    root = work / spec.folder_name()
    stamp = work / (spec.folder_name() + ".ok")
    if stamp.exists() and root.is_dir():
        return root
    shutil.rmtree(root, ignore_errors=True)
    folder = root.joinpath(*CARD_FOLDER)
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


def card_files(card: Path) -> Path:
    """The one folder holding a generated card's files."""
    return card.joinpath(*CARD_FOLDER)


def warm_page_cache(card: Path) -> None:
    """Read the card once, so neither tool's first run pays for cold disk reads on the server."""
    for dirpath, _, filenames in os.walk(card):
        for name in filenames:
            with open(os.path.join(dirpath, name), "rb") as f:
                while f.read(8 << 20):
                    pass


# -- processes -----------------------------------------------------------------------------------

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


def warm_pycache(work: Path) -> None:
    """Import `get` once so byte-code is cached before anything is measured."""
    home = work / "warm-home"
    home.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "airnef_tui", "get", "--help"],
                   env=python_env(home, work), stdout=subprocess.DEVNULL, check=True)
    subprocess.run([sys.executable, "-m", "airnef_tui", "simulate", "--help"],
                   env=python_env(home, work), stdout=subprocess.DEVNULL, check=True)


def pinned(argv: Sequence[str], cpu: int | None) -> list[str]:
    """argv run under `taskset -c CPU` (taskset execs it: same pid, its own rusage)."""
    return list(argv) if cpu is None else [TASKSET, "-c", str(cpu), *argv]


def pin_cpus() -> tuple[int, int | None]:
    """(client core, simulator core): the first two cores this process may use (normally 0 and 1);
    the simulator's is None on a one-core machine, where it then shares the client's."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        allowed = list(range(os.cpu_count() or 1))
    return allowed[0], (allowed[1] if len(allowed) > 1 else None)


def start_simulator(card: Path, home: Path, log: Path, work: Path, *,
                    extra: Sequence[str] = (), cpu: int | None = None,
                    profile: str = PROFILE) -> tuple[subprocess.Popen, int]:
    """`airnef-tui simulate` serving CARD on 127.0.0.1 (a free port); (process, port)."""
    env = python_env(home, work)
    argv = [sys.executable, "-m", "airnef_tui", "simulate", "--host", HOST, "--port", "0",
            "--dir", str(card), "--profile", profile, *extra]
    with open(log, "wb") as err:
        process = subprocess.Popen(pinned(argv, cpu), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=err, text=True, env=env,
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


def run_child(argv: list[str], cwd: Path, env: dict[str, str], timeout: float,
              log: Path, stderr_log: Path | None = None,
              ) -> tuple[float, int, os.struct_rusage, bool]:
    """Run argv as a direct child; (wall seconds, exit code, its own rusage, timed out).
    stdout (and stderr, unless `stderr_log` is given) go to `log`."""
    with open(log, "wb") as out, open(stderr_log or os.devnull, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                   stdout=out,
                                   stderr=err if stderr_log else subprocess.STDOUT)
        timed_out = not _wait_exited(process, timeout)
        if timed_out:
            process.kill()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return wall, process.returncode, usage, timed_out


def _wait_exited(process: subprocess.Popen, timeout: float) -> bool:
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


# -- one measured download -----------------------------------------------------------------------

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

    @property
    def cpu(self) -> float:
        return self.user + self.system


@dataclass(frozen=True)
class RunSettings:
    """How each measured download runs (the same for both tools)."""

    work: Path  # pycache lives here
    gphoto2: str
    timeout: float = 600
    compare: bool = True  # every byte, not only names and sizes
    sync: bool = True  # sync(2) before each run
    keep: bool = False  # keep every run's folder, not only failed ones
    get_args: tuple[str, ...] = ()  # extra arguments for our get
    cpu: int | None = None  # pin the client to this core


def download_command(tool: str, port: int, out: Path, home: Path,
                     settings: RunSettings) -> tuple[list[str], dict[str, str]]:
    """(argv, env) of one download of the whole card by TOOL, into OUT (also its cwd)."""
    if tool == OURS:
        argv = [sys.executable, "-m", "airnef_tui", "get", f"{HOST}:{port}", "-o", str(out),
                "--history", "ignore", *settings.get_args]
        env = python_env(home, settings.work)
    else:
        argv = [settings.gphoto2, "--port", f"ptpip:{HOST}:{port}:{port}", "--get-all-files"]
        env = dict(os.environ, HOME=str(home))
    return pinned(argv, settings.cpu), env


def measure_download(tool: str, port: int, run_dir: Path, spec: CardSpec, card: Path,
                     sim_pid: int, settings: RunSettings) -> Run:
    """One download of the card by TOOL into RUN_DIR/out with a fresh home (RUN_DIR/home: our
    AIRNEF_TUI_HOME, gphoto2's HOME), measured and checked; RUN_DIR is removed when all is well."""
    shutil.rmtree(run_dir, ignore_errors=True)
    out, home = run_dir / "out", run_dir / "home"
    out.mkdir(parents=True)
    home.mkdir()
    argv, env = download_command(tool, port, out, home, settings)
    if settings.sync:  # start clean: with ext4 data=ordered an fsync also flushes others' pages
        os.sync()
    server_before, pressure_before = cpu_seconds_of(sim_pid), pressure_totals()
    wall, code, usage, timed_out = run_child(argv, out, env, settings.timeout,
                                             run_dir / "log.txt")
    server_after, pressure_after = cpu_seconds_of(sim_pid), pressure_totals()
    pressure = (None if pressure_before is None or pressure_after is None
                else {k: (pressure_after[k] - pressure_before[k]) / 1e6 / wall
                      for k in pressure_before})
    server_cpu = (None if server_before is None or server_after is None
                  else server_after - server_before)
    rss_unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    run = Run(tool, wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss * rss_unit, server_cpu,
              pressure)
    if timed_out:
        run.problems.append(f"killed after the {settings.timeout:g} s timeout")
    elif code != 0:
        run.problems.append(f"exit code {code}")
    run.problems += check_output(out, spec.files(), card_files(card), settings.compare)
    if run.ok and not settings.keep:
        shutil.rmtree(run_dir)
    else:
        run.problems.append(f"kept {run_dir}")
    return run


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


def run_line(label: str, run: Run) -> str:
    """One progress line per measured run."""
    status = "ok" if run.ok else "FAILED: " + "; ".join(run.problems)
    stalls = ("" if run.pressure is None else
              f"  stalls cpu {run.pressure['cpu']:4.0%} io {run.pressure['io']:4.0%}")
    return (f"  {label} {run.tool:<15} {run.wall:6.2f} s  peak RSS {run.peak_rss / MB:3.0f} MB  "
            f"CPU {run.cpu:5.2f} s{stalls}  {status}")


def machine_line(load: float) -> str:
    return (f"machine: {os.cpu_count()} CPUs, load average {load:.2f} before the runs (other work "
            "may be running; 'stalls' is the machine-wide PSI share of each run's wall time some "
            "task waited for a CPU or for I/O), simulator on the same machine")


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def median_wall(runs: Sequence[Run]) -> float | None:
    """Median wall time of the complete runs; None when none completed."""
    good = [r.wall for r in runs if r.ok]
    return statistics.median(good) if good else None


def cpu_per_gib(runs: Sequence[Run], total_bytes: int) -> float | None:
    """Median client CPU (user + system) per GiB downloaded, over the complete runs."""
    good = [r.cpu for r in runs if r.ok]
    return statistics.median(good) / (total_bytes / GIB) if good else None


def figure(value: float | None, form: str, missing: str = "—") -> str:
    return missing if value is None else format(value, form)
