#!/usr/bin/env python3
"""Turns bench/run's raw figures into the Markdown report: the machine, a
table of medians per endpoint and server, peak RSS, and the targets with
PASS or MISS.

Usage: report.py DIR   (DIR holds machine.txt, startup.txt, results.tsv,
rss.txt as bench/run writes them)

"Server CPU per request" is the server's user plus system time over a run
divided by the requests wrk completed: what a request costs the server,
whichever side was the limit (softirq time spent outside the process, such
as loopback delivery in ksoftirqd, is not in it).

Ratios are taken within each repetition (frontierd and its peer measured
minutes apart at most, under the same conditions) and the median of those
ratios is reported.
"""
import collections
import os
import statistics
import sys

# Targets: (endpoint, peer, minimum ratio of frontierd's rate to the peer's).
RATIO_TARGETS = [
    ("pre-rendered leaderboard", "nginx", 1.2),
    ("filtered list", "nginx", 0.6),
]
JSON_SERVER_MIN = 30.0
P99_MAX_US = 2000
STARTUP_MAX_MS = 50.0


def parse_fields(text):
    return dict(field.split("=", 1) for field in text.split())


def load(directory):
    rows = []
    with open(os.path.join(directory, "results.tsv")) as f:
        for line in f:
            rep, name, status, server, fields = line.rstrip("\n").split("\t")
            row = parse_fields(fields)
            row.update(rep=int(rep), name=name, status=int(status), server=server)
            rows.append(row)
    return rows


def check_statuses(rows):
    """Every response must have had the endpoint's status; wrk counts
    statuses above 399 as status errors."""
    problems = []
    for r in rows:
        requests, errors = int(r["requests"]), int(r["status_errors"])
        wanted = requests if r["status"] >= 400 else 0
        if errors != wanted or int(r["socket_errors"]) != 0:
            problems.append(
                f"{r['server']} {r['name']} repetition {r['rep']}: {requests} requests, "
                f"{errors} with an error status (expected {wanted}), "
                f"{r['socket_errors']} socket errors")
    return problems


def fmt_us(us):
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.0f} µs"


def main():
    directory = sys.argv[1]
    rows = load(directory)
    machine = open(os.path.join(directory, "machine.txt")).read().splitlines()
    startups = {}
    for line in open(os.path.join(directory, "startup.txt")):
        label, *fields = line.split()
        startups[label] = [float(x) for x in fields if "=" not in x]
    rss = {}
    for line in open(os.path.join(directory, "rss.txt")):
        _, server, kib = line.split()
        rss[server] = int(kib)

    by = collections.defaultdict(list)  # (name, server) -> rows
    names = []
    servers = []
    for r in rows:
        by[(r["name"], r["server"])].append(r)
        if r["name"] not in names:
            names.append(r["name"])
        if r["server"] not in servers:
            servers.append(r["server"])

    def median(name, server, key):
        return statistics.median(float(r[key]) for r in by[(name, server)])

    def ratio(name, peer):
        """Median over repetitions of frontierd's rate over the peer's."""
        mine = {r["rep"]: float(r["rps"]) for r in by[(name, "frontierd")]}
        theirs = {r["rep"]: float(r["rps"]) for r in by[(name, peer)]}
        return statistics.median(mine[k] / theirs[k] for k in mine if k in theirs)

    print("## Machine\n")
    for line in machine:
        kind, rest = line.split(" ", 1)
        print(f"- {rest}")
    print()
    reps = max(r["rep"] for r in rows)
    print(f"## Throughput and latency (medians of {reps} runs)\n")
    print("| Endpoint | Server | Requests/s | p50 | p99 | Server CPU per request | frontierd ÷ nginx | frontierd ÷ json-server |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name in names:
        for server in servers:
            cpu_us = statistics.median(
                float(r["cpu_s"]) * 1e6 / int(r["requests"]) for r in by[(name, server)])
            cells = [name, server, f"{median(name, server, 'rps'):,.0f}",
                     fmt_us(median(name, server, "p50_us")),
                     fmt_us(median(name, server, "p99_us")),
                     f"{cpu_us:.1f} µs"]
            if server == "frontierd":
                cells += [f"{ratio(name, 'nginx'):.2f}x", f"{ratio(name, 'json-server'):.1f}x"]
            else:
                cells += ["", ""]
            print("| " + " | ".join(cells) + " |")
    print()
    print("## Peak RSS (VmHWM at the end of the run)\n")
    print("| Server | Peak RSS |")
    print("|---|---:|")
    for server in servers:
        note = " (master + worker)" if server == "nginx" else ""
        print(f"| {server}{note} | {rss.get(server, 0) / 1024:.1f} MiB |")
    print()

    verdicts = []
    for name, peer, minimum in RATIO_TARGETS:
        value = ratio(name, peer)
        verdicts.append((f"{name}: at least {minimum}x {peer}", f"{value:.2f}x", value >= minimum))
    worst = min(names, key=lambda n: ratio(n, "json-server"))
    value = ratio(worst, "json-server")
    verdicts.append((f"every endpoint at least {JSON_SERVER_MIN:.0f}x json-server",
                     f"lowest {value:.1f}x ({worst})", value >= JSON_SERVER_MIN))
    connections = next((l.split("connections=")[1].split()[0] for l in machine if "connections=" in l), "?")
    worst = max(names, key=lambda n: median(n, "frontierd", "p99_us"))
    value = median(worst, "frontierd", "p99_us")
    verdicts.append((f"p99 under {P99_MAX_US / 1000:.0f} ms at {connections} connections",
                     f"highest {fmt_us(value)} ({worst})", value < P99_MAX_US))
    for label, what in (("import", "importing the seed into a new in-memory database"),
                        ("load", "loading the database file an earlier start made")):
        times = startups[label]
        value = statistics.median(times)
        verdicts.append((f"ready within {STARTUP_MAX_MS:.0f} ms of start, {what} "
                         f"(median of {len(times)})",
                         f"{value:.1f} ms (each: {', '.join(f'{t:.0f}' for t in times)})",
                         value <= STARTUP_MAX_MS))
    print("## Targets\n")
    print("| Target | Measured | Verdict |")
    print("|---|---|---|")
    for target, measured, ok in verdicts:
        print(f"| {target} | {measured} | {'PASS' if ok else 'MISS'} |")

    problems = check_statuses(rows)
    if problems:
        print("\n## Invalid runs\n")
        for p in problems:
            print(f"- {p}")
        sys.exit(1)


if __name__ == "__main__":
    main()
