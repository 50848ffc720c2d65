#!/usr/bin/env python3
"""Times how soon frontierd serves: from just before exec to the first
200 from /readyz, polling in a tight loop over loopback. Runs the start
STARTS times and prints each time and the median in milliseconds.

Usage: startup.py LABEL STARTS PORT CPU PROBE_CPU -- FRONTIERD [ARG]...
Prints one line: LABEL, each time, and median=M.
The daemon runs on core CPU and the polling loop on core PROBE_CPU ("-"
for either: no pinning), so that the loop does not take the daemon's core.
The daemon is killed after each start; the port must be free.
"""
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

REQUEST = b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def probe(port):
    """Returns True when /readyz answered 200 on this attempt."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(REQUEST)
            head = s.recv(64)
            return head.startswith(b"HTTP/1.1 200") or head.startswith(b"HTTP/1.0 200")
    except OSError:
        return False


def one_start(port, cpu, command):
    """Starts the daemon, returns the milliseconds to its first 200."""
    preexec = None
    if cpu is not None:
        preexec = lambda: os.sched_setaffinity(0, {cpu})
    start = time.perf_counter_ns()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=preexec)
    try:
        while True:
            if probe(port):
                return (time.perf_counter_ns() - start) / 1e6
            if proc.poll() is not None:
                raise SystemExit(f"startup.py: the daemon exited with {proc.returncode} before serving")
            if (time.perf_counter_ns() - start) > 10e9:
                raise SystemExit("startup.py: no 200 from /readyz within 10 s")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    if len(sys.argv) < 8 or sys.argv[6] != "--":
        raise SystemExit(__doc__)
    label = sys.argv[1]
    starts, port = int(sys.argv[2]), int(sys.argv[3])
    cpu = None if sys.argv[4] == "-" else int(sys.argv[4])
    if sys.argv[5] != "-":
        os.sched_setaffinity(0, {int(sys.argv[5])})
    command = sys.argv[7:]
    times = []
    for _ in range(starts):
        times.append(one_start(port, cpu, command))
    print(label + " " + " ".join(f"{t:.2f}" for t in times)
          + f" median={statistics.median(times):.2f}")


if __name__ == "__main__":
    main()
