"""Run Python in a network namespace of its own, with only a loopback interface, up.

`python tests/isolated_python.py PYTHON ARGS...` execs `PYTHON ARGS...` there. The suite's
parallel workers start through it (tests/conftest.py), so each has its own 127.0.0.1: the
simulators, the mDNS and SSDP announcements and the discovery that listens for them stay inside
one worker. Without it, a test that expects to find one camera would find its neighbours'.

Its ephemeral ports stop below 55000: the tests bind Fujifilm's fixed port, 55740, which the
kernel otherwise hands out now and then as the local port of an outgoing connection (the
default range is 32768-60999), and the bind then fails with "address in use".

As root only the network is unshared. Anyone else first enters a user namespace that maps
their own uid and gid to themselves, which grants the capability to bring loopback up until
the exec, and leaves the tests running as who they are (file permissions still apply).

`--check` says whether this machine allows it (exit 0) or why not (exit 1, one line): containers
often forbid new namespaces, and the suite then runs in one process, as it always could.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
EPHEMERAL_PORTS = "32768 54999"


def _unshare() -> None:
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWNET if uid == 0 else CLONE_NEWNET | CLONE_NEWUSER
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(flags) != 0:
        raise OSError(ctypes.get_errno(), f"unshare: {os.strerror(ctypes.get_errno())}")
    if uid != 0:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                           ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w", encoding="ascii") as file:
                file.write(text)


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def _keep_fixed_ports_free() -> None:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", "w", encoding="ascii") as file:
            file.write(EPHEMERAL_PORTS)
    except OSError:
        pass  # not allowed here (some user namespaces): the old range, the rare clash


def main(argv: list[str]) -> int:
    try:
        _unshare()
        _loopback_up()
        _keep_fixed_ports_free()
    except OSError as error:
        print(f"isolated_python: no network namespace here ({error.strerror or error})",
              file=sys.stderr)
        return 1
    if argv == ["--check"]:
        return 0
    os.execv(argv[0], argv)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
