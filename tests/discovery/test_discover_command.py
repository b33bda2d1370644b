"""`discover`, `list auto` and `airnefcmd --ipaddress auto` end to end, as a user runs them:
real processes, real zeroconf, every packet on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from zeroconf import IPVersion, ServiceInfo, Zeroconf

from airnef_tui.exitcodes import ExitCode

REPO = Path(__file__).resolve().parents[2]


def airnef(*argv: str, home: Path, isolated: bool = False) -> subprocess.Popen:
    """`python -m airnef_tui ARGV`; `isolated` runs it in a network namespace of its own (just a
    loopback), where no other program on this machine can answer, when this user may make one."""
    env = {**os.environ, "AIRNEF_TUI_HOME": str(home), "PYTHONPATH": str(REPO),
           "AIRNEF_TUI_INTERFACES": "127.0.0.1"}
    command = [sys.executable, "-m", "airnef_tui", *argv]
    if isolated and os.geteuid() == 0 and shutil.which("unshare") and shutil.which("ip"):
        command = ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
                   *command]
    return subprocess.Popen(command, text=True, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_discover_finds_an_advertising_simulator_with_make_and_model(start_sim, tmp_path):
    sim = start_sim(files=2, profile="nikon", advertise=True)
    started = time.monotonic()
    process = airnef("discover", "--interface", "127.0.0.1", "--json", "--timeout", "4",
                     home=tmp_path)
    out, err = process.communicate(timeout=20)
    assert process.returncode == ExitCode.OK, err
    mine = [r for r in records(out) if r["port"] == sim.port]
    assert mine, out
    last = mine[-1]
    assert (last["type"], last["address"], last["make"], last["model"], last["sources"],
            last["confirmed"]) == ("camera", "127.0.0.1", "nikon", sim.model, ["mdns"], False)
    assert last["name"].startswith("D_7200_"), last
    assert time.monotonic() - started < 15


def test_discover_notices_a_camera_that_leaves(start_sim, tmp_path):
    sim = start_sim(files=2, profile="nikon", advertise=True)
    port = sim.port
    process = airnef("discover", "--json", "--timeout", "6", home=tmp_path)
    lines: list[dict] = []

    def read() -> None:
        for line in process.stdout:
            lines.append(json.loads(line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 8
    while not any(r["port"] == port and r["type"] == "camera" for r in lines):
        assert time.monotonic() < deadline, "the camera was not found"
        time.sleep(0.05)
    sim.stop()
    process.wait(timeout=20)
    reader.join(timeout=5)
    assert any(r["type"] == "gone" and r["port"] == port for r in lines), lines


def test_nothing_found_is_exit_3_with_what_to_do(tmp_path):
    process = airnef("discover", "--timeout", "1", home=tmp_path, isolated=True)
    out, err = process.communicate(timeout=20)
    assert process.returncode == ExitCode.UNREACHABLE
    assert "no camera found" in err and "Send to Computer" in err and "Traceback" not in err


def register_plain_service(port: int) -> tuple[Zeroconf, ServiceInfo]:
    """Another program's announcement: a Nikon-style instance name, no TXT at all."""
    zc = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
    name = f"Z_6_{port}{os.getpid() % 1000}"
    info = ServiceInfo("_ptp._tcp.local.", f"{name}._ptp._tcp.local.",
                       addresses=[socket.inet_aton("127.0.0.1")], port=port,
                       server=f"{name.lower()}.local.")
    zc.register_service(info)
    return zc, info


def test_list_auto_connects_to_a_camera_announced_by_another_program(start_sim, tmp_path):
    sim = start_sim(files=3, profile="generic")
    zc, info = register_plain_service(sim.port)
    try:
        process = airnef("list", "auto", "--json", "--auto-timeout", "8", home=tmp_path)
        out, err = process.communicate(timeout=30)
    finally:
        zc.unregister_service(info)
        zc.close()
    assert process.returncode == ExitCode.OK, err
    assert f"127.0.0.1:{sim.port}" in err  # it says which camera it took
    files = [r for r in records(out) if r["type"] == "file"]
    assert sorted(f["name"] for f in files) == sorted(o.name for o in sim.card.files())


def test_airnefcmd_ipaddress_auto_downloads_from_the_camera_found(start_sim, tmp_path):
    sim = start_sim(files=2, profile="nikon", advertise=True)
    out_dir = tmp_path / "photos"
    env = {**os.environ, "AIRNEF_TUI_HOME": str(tmp_path), "PYTHONPATH": str(REPO),
           "AIRNEF_TUI_INTERFACES": "127.0.0.1"}
    done = subprocess.run([sys.executable, "-m", "airnef_tui.airnefcmd", "--ipaddress", "auto",
                           "--outputdir", str(out_dir)], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(o.name for o in sim.card.files())


def test_two_cameras_make_auto_exit_2_naming_both(start_sim, tmp_path):
    first = start_sim(files=1, profile="nikon", advertise=True, serial="1000001")
    second = start_sim(files=1, profile="nikon", advertise=True, serial="1000002")
    process = airnef("list", "auto", "--auto-timeout", "8", home=tmp_path)
    out, err = process.communicate(timeout=30)
    assert process.returncode == ExitCode.BAD_ARGUMENTS, err
    assert f"127.0.0.1:{first.port}" in err and f"127.0.0.1:{second.port}" in err
    assert "give one's address instead of auto" in err
