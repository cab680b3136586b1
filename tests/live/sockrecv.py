#!/usr/bin/env python3
"""sockrecv.py - a datagram socket the live tests own, standing in for
/dev/log (syslog) or /run/systemd/journal/socket (journald).

    sockrecv.py PATH OUT    bind an AF_UNIX datagram socket at PATH, then
                            append each datagram to OUT as one base64 line,
                            until killed (the socket file stays: a sender
                            then gets ECONNREFUSED, as from a dead journald)

"ready" on stdout once bound.
"""
import base64
import os
import socket
import sys


def main(path, out):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    print("ready", flush=True)
    with open(out, "a") as f:
        while True:
            data = s.recv(1 << 20)
            f.write(base64.b64encode(data).decode() + "\n")
            f.flush()


if __name__ == "__main__":
    main(*sys.argv[1:3])
