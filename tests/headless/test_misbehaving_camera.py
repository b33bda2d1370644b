"""Cameras that misbehave mid-run: one bad file fails alone, the others still download."""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time

import pytest

from airnef_tui.cli import main


@pytest.fixture(autouse=True)
def no_minimum_session(monkeypatch):
    monkeypatch.setattr("airnef_tui.camera.session.MIN_SESSION_SECONDS", 0.0)


def _card(root):
    data = {}
    for index, name in enumerate(["A.JPG", "B.JPG", "C.JPG"]):
        path = root / "DCIM" / "100TEST" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data[name] = bytes([index + 1]) * 600_000
        path.write_bytes(data[name])
    return data


def _get(port: int, out, *extra: str) -> tuple[int, list[dict]]:
    with contextlib.redirect_stdout(io.StringIO()) as stdout:
        code = main(["get", f"127.0.0.1:{port}", "-o", str(out), "--json", "--retry-delay",
                     "0.1", "--chunk-size", "64K", *extra])
    return code, [json.loads(line) for line in stdout.getvalue().splitlines()]


def test_a_file_whose_data_ends_early_fails_alone(start_sim, tmp_path):
    data = _card(tmp_path / "card")
    sim = start_sim(dirs=[tmp_path / "card"], short_objects=["B.JPG"])
    code, records = _get(sim.port, tmp_path / "out")
    status = {r["path"].rsplit("/", 1)[-1]: r for r in records if r["type"] == "file"}
    assert code == 1
    assert status["B.JPG"]["status"] == "failed" and "no data" in status["B.JPG"]["reason"]
    assert not (tmp_path / "out" / "B.JPG").exists()
    for name in ("A.JPG", "C.JPG"):
        assert status[name]["status"] == "downloaded"
        assert (tmp_path / "out" / name).read_bytes() == data[name]


def test_a_file_deleted_on_the_camera_during_the_run_fails_alone(start_sim, tmp_path):
    data = _card(tmp_path / "card")
    sim = start_sim(dirs=[tmp_path / "card"], rate=1_000_000)
    victim = next(f for f in sim.card.files() if f.name == "C.JPG")
    part = tmp_path / "out" / "A.JPG.part"
    result: list = []
    runner = threading.Thread(target=lambda: result.append(_get(sim.port, tmp_path / "out")))
    runner.start()
    deadline = time.monotonic() + 10
    while not part.exists():  # the card is listed and the first file has started
        assert time.monotonic() < deadline
        time.sleep(0.005)
    sim.remove_object(victim.handle)
    runner.join(30)
    code, records = result[0]
    status = {r["path"].rsplit("/", 1)[-1]: r for r in records if r["type"] == "file"}
    assert code == 1
    assert status["C.JPG"]["status"] == "failed"
    assert status["C.JPG"]["reason"] == "no longer on the camera (deleted while connected?)"
    for name in ("A.JPG", "B.JPG"):
        assert (tmp_path / "out" / name).read_bytes() == data[name]


def test_auto_is_discovery_never_a_name_lookup(monkeypatch, capsys, tmp_path):
    """airnef's `--ipaddress auto` means: find the camera. It must never become a DNS query for a
    host called 'auto'; with nothing on the (loopback) network it ends with exit 3 and help."""
    import socket

    real = socket.getaddrinfo

    def no_lookup_of_auto(host, *args, **kwargs):
        assert str(host).lower() != "auto", "a name lookup of 'auto' was attempted"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup_of_auto)
    assert main(["list", "auto", "--auto-timeout", "1"]) == 3
    assert main(["get", "auto", "-o", str(tmp_path / "x"), "--auto-timeout", "1"]) == 3
    errors = capsys.readouterr().err
    assert errors.count("no camera found within 1 s") == 2
    assert "Send to Computer" in errors  # the per-make help
