"""Fujifilm PC AutoSave's messages as bytes: the camera's DISCOVER, REGISTER and IMPORT read,
our NOTIFY and 200 OK answers written. No sockets."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airnef_tui.discovery.fuji_autosave_messages import (
    DEFAULT_IMPORTER, DISCOVER_PORTS, MAX_DATAGRAM, MAX_VALUE, NOTIFY_PORT, AutosaveError,
    CameraRequest, Discover, build_answer, build_notify, camera_address, importer_name,
    parse_camera_request, parse_discover, parse_status)

DISCOVER = (b"DISCOVER * HTTP/1.1\r\nHOST: 255.255.255.255:51542\r\nMX: 5\r\n"
            b"SERVICE: PCAUTOSAVE/1.0\r\nDSCADDR: 192.168.1.23\r\n\r\n")


def test_the_ports_are_the_documented_ones():
    assert DISCOVER_PORTS == (51542, 51541)
    assert NOTIFY_PORT == 51540


# -- DISCOVER -----------------------------------------------------------------------------------


def test_a_discover_gives_the_cameras_address():
    assert parse_discover(DISCOVER) == Discover("192.168.1.23", service="PCAUTOSAVE/1.0")


def test_a_discover_is_read_leniently():
    """No space after the colon, LF alone, names in any case and spelling, NUL padding as C
    firmware sends its whole buffer, a repeated header (the first wins)."""
    data = (b"discover * HTTP/1.1\nservice:PCAUTOSAVE/1.0\ndsc-addr:192.168.0.7\n"
            b"Dsc_Name:  X-T2 of Ann  \ndscmodel:X-T2\nDSCMODEL: X-T20\n").ljust(512, b"\0")
    assert parse_discover(data) == Discover("192.168.0.7", name="X-T2 of Ann", model="X-T2",
                                            service="PCAUTOSAVE/1.0")


def test_a_discover_without_service_or_address_is_still_one():
    """It came to an AutoSave port: the sender is the camera."""
    assert parse_discover(b"DISCOVER * HTTP/1.1\r\n\r\n") == Discover(None)


def test_any_pcautosave_version_is_accepted():
    assert parse_discover(b"DISCOVER\r\nSERVICE: pcautosave/2.0\r\n").service == "pcautosave/2.0"


@pytest.mark.parametrize("value, expected", [
    ("192.168.1.23", "192.168.1.23"),
    (" 10.0.0.5:55740 ", "10.0.0.5"),
    ("127.0.0.2", "127.0.0.2"),
    ("0.0.0.0", None),
    ("255.255.255.255", None),
    ("224.0.0.251", None),
    ("240.1.2.3", None),
    ("fe80::1", None),
    ("camera.local", None),
    ("192.168.1.256", None),
    ("", None),
])
def test_dscaddr_must_be_a_unicast_ipv4_address(value, expected):
    assert camera_address(value) == expected
    data = f"DISCOVER * HTTP/1.1\r\nDSCADDR: {value}\r\n".encode()
    assert parse_discover(data).address == expected


@pytest.mark.parametrize("data, why", [
    (b"", "empty"),
    (b"\0" * 64, "no text"),
    (b"\r\n\r\n", "no text"),
    (b"NOTIFY * HTTP/1.1\r\nDSCADDR: 192.168.1.23\r\n", "not a DISCOVER"),
    (b"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n", "not a DISCOVER"),
    (b"DISCOVERY * HTTP/1.1\r\nSERVICE: PCSS/1.0\r\n", "not a DISCOVER"),
    (b"DISCOVER * HTTP/1.1\r\nSERVICE: PCSS/1.0\r\n", "another service"),
    (DISCOVER.ljust(MAX_DATAGRAM + 1, b" "), "more than"),
])
def test_what_is_not_a_discover_says_why(data, why):
    with pytest.raises(AutosaveError, match=why):
        parse_discover(data)


def test_a_discover_of_exactly_the_cap_is_read():
    assert parse_discover(DISCOVER.ljust(MAX_DATAGRAM, b"\0")).address == "192.168.1.23"


def test_names_are_cleaned_for_a_terminal():
    data = ("DISCOVER\r\nDSCNAME: \x1b[2J\x1b]0;pwned\x07X\u202eT2\r\n"
            f"DSCMODEL: {'M' * 500}\r\n").encode() + b"DSCADDR: \xff\xfe\r\n"
    found = parse_discover(data)
    assert "\x1b" not in found.name and "\x07" not in found.name and "\u202e" not in found.name
    assert found.name == "[2J ]0;pwned X T2"
    assert found.model == "M" * MAX_VALUE
    assert found.address is None


# -- NOTIFY, REGISTER, IMPORT, our answers ------------------------------------------------------


def test_notify_vector():
    assert build_notify("192.168.1.23", "airnef-tui") == (
        b"NOTIFY * HTTP/1.1\r\nHOST: 192.168.1.23:51540\r\nIMPORTER: airnef-tui\r\n")
    assert build_notify("192.168.1.23", "pi", blank_line=True) == (
        b"NOTIFY * HTTP/1.1\r\nHOST: 192.168.1.23:51540\r\nIMPORTER: pi\r\n\r\n")


@pytest.mark.parametrize("camera, importer", [
    ("192.168.1.23\r\nEVIL: 1", DEFAULT_IMPORTER),
    ("camera.local", DEFAULT_IMPORTER),
    ("192.168.1.23", "pc\r\nEVIL: 1"),
    ("192.168.1.23", "Jürgen"),
    ("192.168.1.23", ""),
    ("192.168.1.23", "x" * 33),
])
def test_notify_refuses_what_would_break_the_message(camera, importer):
    with pytest.raises(ValueError):
        build_notify(camera, importer)


@pytest.mark.parametrize("text, expected", [
    ("raspberrypi", "raspberrypi"),
    ("Jürgen's PC\r\n", "J_rgen's PC__"),
    ("  spaced  ", "spaced"),
    ("x" * 40, "x" * 32),
    ("", DEFAULT_IMPORTER),
    ("\0\x01", DEFAULT_IMPORTER),
])
def test_importer_name_makes_any_host_name_usable(text, expected):
    assert importer_name(text) == expected
    build_notify("192.168.1.23", importer_name(text))  # always accepted


def test_the_cameras_answer_to_notify():
    assert parse_status(b"HTTP/1.1 200 OK\r\n\r\n") == 200
    assert parse_status(b"http/1.0 404\n") == 404
    for junk in (b"", b"200 OK\r\n", b"HTTP/1.1 OK\r\n", b"HTTP/1.1 2000 OK\r\n"):
        with pytest.raises(AutosaveError):
            parse_status(junk)


def test_register_is_read_with_name_and_model():
    request = parse_camera_request(b"REGISTER * HTTP/1.1\r\nDSCNAME: FUJIFILM-X-T2-8A4F\r\n"
                                   b"DSCMODEL: X-T2\r\n\r\n")
    assert request == CameraRequest("REGISTER", "*", name="FUJIFILM-X-T2-8A4F", model="X-T2")
    assert request.registering


def test_import_guest_is_read():
    request = parse_camera_request(b"IMPORT /guest HTTP/1.1\r\nDSCMODEL:X-S10\r\n\r\n")
    assert request == CameraRequest("IMPORT", "/guest", model="X-S10")
    assert not request.registering
    assert parse_camera_request(b"import\n").target == ""


@pytest.mark.parametrize("data", [b"", b"GET / HTTP/1.1\r\n\r\n", b"NOTIFY * HTTP/1.1\r\n",
                                  b"R" * 5000])
def test_other_requests_are_refused(data):
    with pytest.raises(AutosaveError):
        parse_camera_request(data)


def test_answer_vectors():
    register = b"HTTP/1.1 200 OK\r\nFOLDER: guest\r\nServiceName: PCAUTOSAVE/1.0\r\n"
    assert build_answer(register=True) == register
    assert build_answer(CameraRequest("REGISTER")) == register
    assert build_answer(register=True, blank_line=True) == register + b"\r\n"
    assert build_answer(CameraRequest("IMPORT", "/guest")) == b"HTTP/1.1 200 OK\r\n"
    assert build_answer(register=False) == b"HTTP/1.1 200 OK\r\n"
    with pytest.raises(ValueError):
        build_answer()
    with pytest.raises(ValueError):
        build_answer(register=True, folder="guest\r\nEVIL: 1")


# -- anything at all ----------------------------------------------------------------------------

_TEXTISH = st.lists(st.sampled_from([
    b"DISCOVER * HTTP/1.1", b"REGISTER *", b"IMPORT /guest", b"HTTP/1.1 200 OK",
    b"SERVICE: PCAUTOSAVE/1.0", b"SERVICE:PCSS/1.0", b"DSCADDR: 192.168.1.23", b"DSCADDR:",
    b"DSCNAME: \x1b[31mX", b"dscmodel:X-T4", b":", b"\0", b"\xff\xfe", b"\r\n", b"\n", b" ",
    b"a" * 300]), max_size=30).map(b"\r\n".join)


def _well_formed(name: str, model: str) -> bool:
    return all(len(v) <= MAX_VALUE and v.isprintable() and "\x1b" not in v for v in (name, model))


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=MAX_DATAGRAM + 8), _TEXTISH))
def test_any_bytes_are_a_discover_or_an_autosave_error(data):
    try:
        found = parse_discover(data)
    except AutosaveError:
        return
    assert found.address is None or ipaddress.IPv4Address(found.address)
    assert _well_formed(found.name, found.model)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=5000), _TEXTISH))
def test_any_bytes_are_a_request_or_an_autosave_error(data):
    try:
        request = parse_camera_request(data)
    except AutosaveError:
        pass
    else:
        assert request.method in ("REGISTER", "IMPORT")
        assert _well_formed(request.name, request.model)
    try:
        assert 100 <= parse_status(data) <= 999
    except AutosaveError:
        pass
