"""Loaded (through PYTHONPATH) by servers the tests start: an audit hook that appends
every attempt to reach a host other than this machine to $ADOPTSIM_NET_AUDIT.

Name lookups (`socket.getaddrinfo`, `gethostbyname`) and connects are both recorded, so
an attempt counts even when the machine is offline and the lookup fails.
"""

from __future__ import annotations

import os
import sys

_LOG = os.environ.get("ADOPTSIM_NET_AUDIT")
_LOCAL = {"", "localhost", "127.0.0.1", "::1", "0.0.0.0", "::", "ip6-localhost"}


def _local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).lower()
    return host in _LOCAL or host.startswith("127.") or host.endswith(".localhost")


def _hook(event: str, args) -> None:
    host = None
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        host = args[0]
    elif event in ("socket.connect", "socket.sendto") and len(args) > 1:
        address = args[1]
        if not isinstance(address, tuple):  # AF_UNIX path
            return
        host = address[0]
    else:
        return
    if not _local(host):
        with open(_LOG, "a") as f:  # noqa: PTH123 - keep this file dependency-free
            f.write(f"{os.getpid()} {event} {host!r}\n")


if _LOG:
    sys.addaudithook(_hook)
