#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tools/gdb/listening.py PORT - does a TCP server listen on 127.0.0.1:PORT (make gdb's QEMU)?

`make gdb-attach` asks this before it starts gdb: with no `make gdb`
running, gdb would wait for its connection and end with nothing more than
"Connection timed out".  The answer comes from the kernel's tables of TCP
sockets (/proc/net/tcp, /proc/net/tcp6), not from connecting: QEMU's gdb
stub stops the machine when a client connects, and this is only a look.

Exits 0 if a socket listens on the port at 127.0.0.1 (or at any address),
1 if none does, 2 for a bad PORT.  If the tables cannot be read (not
Linux), it says 0 and leaves the verdict to gdb.
"""
import sys

LISTEN = "0A"           # TCP_LISTEN in the st column
# Local addresses that take a connection to 127.0.0.1, as the tables spell them.
ADDRESSES = {
    "/proc/net/tcp": ("0100007F", "00000000"),
    "/proc/net/tcp6": ("0000000000000000FFFF00000100007F", "00000000000000000000000000000000"),
}


def listening(port, tables=ADDRESSES):
    """True if a socket listens on @port at an address 127.0.0.1 reaches; None if no
    table could be read."""
    read = False
    for path, addrs in tables.items():
        try:
            with open(path) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        read = True
        for row in rows:
            cols = row.split()
            if len(cols) > 3 and cols[3] == LISTEN and ":" in cols[1]:
                addr, hexport = cols[1].rsplit(":", 1)
                if addr in addrs and int(hexport, 16) == port:
                    return True
    return False if read else None


def main(argv):
    if len(argv) != 2 or not argv[1].isdigit() or not 0 < int(argv[1]) < 65536:
        sys.stderr.write("usage: listening.py PORT (1-65535)\n")
        return 2
    return 1 if listening(int(argv[1])) is False else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
