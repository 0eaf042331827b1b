#!/usr/bin/env python3
"""Best available against picking, on the embedded server, for BENCHMARKS.md.

Usage: bench_best_available.py BINARY [--seconds N] [--rounds N] [--size N] [--clients N]
Each round runs, on fresh servers and taking turns, the flash sale (buyers pick random free seats of a --size hall)
and best-available (buyers of 1–4 seats let the engine choose in the same hall, until it is sold out), and prints
the seats each holds per second, best-available's share of seats side by side and seats left alone, and the ratio.
Finally the size of a 20,000-seat map and its ETag revalidation (seat-map), unchanged by this work.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from bench import TOKEN, loadtest  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "blackbox"))
from common import Server  # noqa: E402


def fact(raw, name):
    match = re.search(rf"^{name}\s+(.*)$", raw, re.MULTILINE)
    return match.group(1) if match else "?"


def run(binary, work, label, scenario, seconds, extra):
    server = Server(binary, os.path.join(work, label), env={"BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_DEMO": "false",
                                                           "BOXOFFICE_LOG_LEVEL": "error", "BOXOFFICE_RATE_LIMITS": "off"})
    try:
        return loadtest(binary, server.port, scenario, seconds, extra)
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=256)
    args = parser.parse_args()
    extra = ["--size", str(args.size), "--clients", str(args.clients)]
    work = tempfile.mkdtemp(prefix="boxoffice-bench-best-")
    rows = []
    try:
        for number in range(args.rounds):
            pick = run(args.binary, work, f"pick-{number}", "flash-sale", args.seconds, extra)
            best = run(args.binary, work, f"best-{number}", "best-available", args.seconds, extra)
            picked = int(pick["throughput"][1]) if pick["throughput"] else 0
            seats = fact(best["raw"], "seats")
            chosen = int(re.search(r"(\d+) seats/s", seats).group(1)) if re.search(r"(\d+) seats/s", seats) else 0
            rows.append((number + 1, picked, pick["latency"], pick["invariants"], chosen, best["latency"], seats,
                         fact(best["raw"], "together"), fact(best["raw"], "left"), best["invariants"], fact(best["raw"], "conflicts")))
            print(f"round {number + 1}: flash-sale {picked} seats/s; best-available {chosen} seats/s "
                  f"({chosen * 100 // max(picked, 1)} %); {fact(best['raw'], 'together')}; {fact(best['raw'], 'left')}", flush=True)
        seat_map = run(args.binary, work, "map", "seat-map", 10, ["--size", "20000", "--clients", "64"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("| round | flash-sale seats/s (p50 / p99 ms) | best-available seats/s (p50 / p99 ms) | ratio | hall held by best available | multi-seat buyers side by side (≤ 90 % sold) | left alone when sold out | 409s | invariants |")
    print("|---:|---:|---:|---:|---|---|---|---:|---|")
    for number, picked, pick_latency, pick_ok, chosen, best_latency, seats, together, left, best_ok, conflicts in rows:
        print(f"| {number} | {picked} ({pick_latency[0]} / {pick_latency[2]}) | {chosen} ({best_latency[0]} / {best_latency[2]}) |"
              f" {chosen * 100 // max(picked, 1)} % | {seats.split(',')[1].strip() if ',' in seats else seats} | {together.split(' of ')[0]} |"
              f" {left} | {conflicts} | {pick_ok[0] if pick_ok else '?'} / {best_ok[0] if best_ok else '?'} |")
    print()
    print(f"seat map of 20,000 seats: {fact(seat_map['raw'], 'full map')}; {fact(seat_map['raw'], 'revalidated')}")
    ok = all(row[3] and row[3][0] == "PASS" and row[9] and row[9][0] == "PASS" for row in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
