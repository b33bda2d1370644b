"""SSDP's words as byte vectors: what we send, what we accept, and what we refuse."""

from __future__ import annotations

import pytest

from airnef_tui.discovery.ssdp_messages import (
    CANON_WFT, MAX_DESCRIPTION, NO_FACTS, SONY_MTP, DeviceFacts, Location, SsdpError,
    build_description_request, build_notify, build_response, build_search, camera_announcement,
    clean_text, make_from_manufacturer, parse_description, parse_http_response, parse_location,
    parse_message, usn_uuid)

SONY_REPLY = (
    b"HTTP/1.1 200 OK\r\n"
    b"CACHE-CONTROL: max-age=1800\r\n"
    b"EXT:\r\n"
    b"LOCATION: http://192.168.122.1:1900/DeviceDescription.xml\r\n"
    b"SERVER: UPnP/1.0 SonyImagingDevice/1.0\r\n"
    b"ST: urn:microsoft-com:service:MtpNullService:1\r\n"
    b"USN: uuid:00000000-0000-1010-8000-1c994c0f3a1b"
    b"::urn:microsoft-com:service:MtpNullService:1\r\n"
    b"\r\n")

SONY_DESCRIPTION = b"""<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
  <specVersion><major>1</major><minor>0</minor></specVersion>
  <device>
    <deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>
    <friendlyName>ILCE-7M3</friendlyName>
    <manufacturer>Sony Corporation</manufacturer>
    <modelName>ILCE-7M3</modelName>
    <UDN>uuid:00000000-0000-1010-8000-1c994c0f3a1b</UDN>
    <serviceList><service>
      <serviceType>urn:microsoft-com:service:MtpNullService:1</serviceType>
    </service></serviceList>
  </device>
</root>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<root xmlns="urn:schemas-upnp-org:device-1-0"><device>
<friendlyName>&lol9;</friendlyName></device></root>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE root [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<root xmlns="urn:schemas-upnp-org:device-1-0"><device>
<friendlyName>&secret;</friendlyName></device></root>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE root SYSTEM "http://127.0.0.1:9/evil.dtd">
<root xmlns="urn:schemas-upnp-org:device-1-0"><device>
<friendlyName>x</friendlyName></device></root>
"""


# -- building -------------------------------------------------------------------------------------

def test_m_search_is_byte_exact():
    assert build_search(SONY_MTP) == (
        b"M-SEARCH * HTTP/1.1\r\n"
        b"HOST: 239.255.255.250:1900\r\n"
        b'MAN: "ssdp:discover"\r\n'
        b"MX: 1\r\n"
        b"ST: urn:microsoft-com:service:MtpNullService:1\r\n"
        b"\r\n")


def test_search_host_follows_the_destination():
    assert b"HOST: 127.0.0.1:40000\r\n" in build_search(CANON_WFT, host="127.0.0.1:40000")


def test_response_and_notifies_are_byte_exact():
    usn = f"uuid:abc::{CANON_WFT}"
    assert build_response(CANON_WFT, usn, "http://10.0.0.5:49152/upnp/CameraDevDesc.xml",
                          server="S/1") == (
        b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT: \r\n"
        b"LOCATION: http://10.0.0.5:49152/upnp/CameraDevDesc.xml\r\nSERVER: S/1\r\n"
        b"ST: urn:schemas-canon-com:service:ICPO-WFTEOSSystemService:1\r\n"
        b"USN: uuid:abc::urn:schemas-canon-com:service:ICPO-WFTEOSSystemService:1\r\n\r\n")
    assert build_notify(CANON_WFT, usn, alive=False) == (
        b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
        b"NT: urn:schemas-canon-com:service:ICPO-WFTEOSSystemService:1\r\n"
        b"NTS: ssdp:byebye\r\n"
        b"USN: uuid:abc::urn:schemas-canon-com:service:ICPO-WFTEOSSystemService:1\r\n\r\n")
    alive = build_notify(CANON_WFT, usn, alive=True, location="http://10.0.0.5/d.xml")
    assert b"NTS: ssdp:alive\r\n" in alive and b"LOCATION: http://10.0.0.5/d.xml\r\n" in alive


def test_builders_refuse_header_injection():
    with pytest.raises(SsdpError):
        build_search("urn:x\r\nEVIL: 1")


def test_description_request_is_byte_exact():
    assert build_description_request(Location("10.0.0.5", 49152, "/upnp/Cam.xml?a=1")) == (
        b"GET /upnp/Cam.xml?a=1 HTTP/1.0\r\nHost: 10.0.0.5:49152\r\nAccept: text/xml\r\n"
        b"Connection: close\r\nUser-Agent: airnef-tui\r\n\r\n")


# -- datagrams ------------------------------------------------------------------------------------

def test_a_sony_reply_parses_into_a_camera():
    message = parse_message(SONY_REPLY)
    assert message.kind == "response"
    assert message.header("location") == "http://192.168.122.1:1900/DeviceDescription.xml"
    announcement = camera_announcement(message)
    assert announcement is not None and announcement.alive
    assert (announcement.make, announcement.target) == ("sony", SONY_MTP)
    assert usn_uuid(announcement.usn) == "00000000-0000-1010-8000-1c994c0f3a1b"


def test_sloppy_but_honest_datagrams_are_accepted():
    """Bare LF line ends, lower-case names, odd spacing, no final blank line."""
    message = parse_message(b"notify * HTTP/1.1".upper() + b"\nnt:urn:schemas-canon-com:service:"
                            b"ICPO-SmartPhoneEOSSystemService:1\nNTS:  ssdp:alive \n"
                            b"usn: uuid:X::y\nlocation: http://10.0.0.7:49152/d.xml\n")
    announcement = camera_announcement(message)
    assert announcement is not None
    assert (announcement.alive, announcement.make, announcement.location) == (
        True, "canon", "http://10.0.0.7:49152/d.xml")


def test_byebye_and_what_says_nothing():
    byebye = camera_announcement(parse_message(build_notify(SONY_MTP, "uuid:u::x", alive=False)))
    assert byebye is not None and not byebye.alive and byebye.location == ""
    assert camera_announcement(parse_message(build_search(SONY_MTP))) is None
    router = build_notify("upnp:rootdevice", "uuid:r", alive=True, location="http://10.0.0.1/")
    assert camera_announcement(parse_message(router)) is None
    update = b"NOTIFY * HTTP/1.1\r\nNT: " + SONY_MTP.encode() + b"\r\nNTS: ssdp:update\r\n\r\n"
    assert camera_announcement(parse_message(update)) is None
    assert camera_announcement(parse_message(b"HTTP/1.1 200 OK\r\nEXT:\r\n\r\n")) is None


@pytest.mark.parametrize("datagram", [
    b"",
    b"\x00\xff" * 40,
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"HTTP/1.1 404 Not Found\r\nST: urn:microsoft-com:service:MtpNullService:1\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nST urn:microsoft-com:service:MtpNullService:1\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nS T: x\r\n\r\n",
    b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 65 + b"\r\n",
    SONY_REPLY[:-2] + b"X-PAD: " + b"a" * 8192 + b"\r\n\r\n",
], ids=["empty", "binary", "http-request", "404", "no-colon", "bad-name", "65-headers", "9KiB"])
def test_malformed_datagrams_are_refused(datagram):
    with pytest.raises(SsdpError):
        parse_message(datagram)


def test_usn_uuid():
    assert usn_uuid("uuid:ABC-1::urn:x") == "abc-1"
    assert usn_uuid("uuid:only") == "only"
    assert usn_uuid("urn:no-uuid") == ""
    assert usn_uuid("") == ""


# -- locations ------------------------------------------------------------------------------------

def test_locations_we_fetch():
    assert parse_location("http://192.168.122.1:1900/DeviceDescription.xml") == Location(
        "192.168.122.1", 1900, "/DeviceDescription.xml")
    assert parse_location("HTTP://10.0.0.5/d.xml?x=1") == Location("10.0.0.5", 80, "/d.xml?x=1")
    assert parse_location("http://10.0.0.5:8080").path == "/"


@pytest.mark.parametrize("url", [
    "", "https://10.0.0.5/d.xml", "ftp://10.0.0.5/d.xml", "file:///etc/passwd",
    "http://camera.local/d.xml", "http://[::1]:80/d.xml", "http://user:pw@10.0.0.5/d.xml",
    "http://10.0.0.5:0/d.xml", "http://10.0.0.5:99999/d.xml", "http://10.0.0.5/a b",
    "http://10.0.0.5/d.xml\r\nX-Evil: 1", "http://10.0.0.5/" + "a" * 600, "http://10.0.0.256/",
    "http://10.0.0.5/\x1b[31m",
])
def test_locations_we_refuse(url):
    with pytest.raises(SsdpError):
        parse_location(url)


# -- HTTP -----------------------------------------------------------------------------------------

def test_http_bodies():
    assert parse_http_response(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef") == b"abc"
    assert parse_http_response(b"HTTP/1.0 200 OK\r\n\r\nto the close") == b"to the close"
    assert parse_http_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n") == b"abcde"


@pytest.mark.parametrize("reply", [
    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
    b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: nine\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 5",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc",
    b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * (MAX_DESCRIPTION + 1),
    b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
], ids=["404", "truncated", "negative", "nan", "no-head-end", "bad-chunk", "short-chunk",
        "oversized", "not-http"])
def test_http_replies_we_refuse(reply):
    with pytest.raises(SsdpError):
        parse_http_response(reply)


# -- descriptions ---------------------------------------------------------------------------------

def test_a_sony_description():
    facts = parse_description(SONY_DESCRIPTION)
    assert facts == DeviceFacts("ILCE-7M3", "Sony Corporation", "ILCE-7M3",
                                "uuid:00000000-0000-1010-8000-1c994c0f3a1b")
    assert (facts.make, facts.model) == ("sony", "ILCE-7M3")


def test_a_description_without_namespace_and_a_generic_model_name():
    facts = parse_description(b"<root><device><friendlyName>ILCE-6000</friendlyName>"
                              b"<manufacturer>Sony Corporation</manufacturer>"
                              b"<modelName>SonyImagingDevice</modelName></device></root>")
    assert (facts.friendly_name, facts.make, facts.model) == ("ILCE-6000", "sony", "")


def test_names_from_the_network_are_made_safe_to_print():
    """XML 1.0 keeps out C0 controls, but C1 ones (CSI, a terminal escape) and bidi overrides
    get through the parser: they must not reach the screen."""
    facts = parse_description(
        "<root><device><friendlyName>Bad&#155;31m \u202eName\t\n</friendlyName>"
        f"<modelName>{'M' * 300}</modelName></device></root>".encode())
    assert facts.friendly_name == "Bad 31m Name"
    assert facts.model_name == "M" * 64
    assert clean_text("a\x00b\x9bc\x1b[2J") == "a b c [2J"


@pytest.mark.parametrize("document", [
    BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, b"<root><device>", b"", b"\xff\xfe<",
    b"<root><nothing/></root>", b"<root>" + b"x" * (MAX_DESCRIPTION + 1) + b"</root>",
], ids=["billion-laughs", "external-entity", "external-dtd", "unclosed", "empty", "binary",
        "no-device", "oversized"])
def test_hostile_or_broken_descriptions_are_refused(document):
    with pytest.raises(SsdpError):
        parse_description(document)


def test_makes_from_manufacturers():
    assert make_from_manufacturer("Sony Corporation") == "sony"
    assert make_from_manufacturer("Canon Inc.") == "canon"
    assert make_from_manufacturer("CANON") == "canon"
    assert make_from_manufacturer("Evil Corp") == ""
    assert make_from_manufacturer("") == ""
    assert NO_FACTS.make == "" and NO_FACTS.model == ""
