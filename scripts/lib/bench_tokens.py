#!/usr/bin/env python3
"""The flash-sale with tokens against without, on the embedded server, for BENCHMARKS.md.

Usage: bench_tokens.py BINARY [--seconds N] [--rounds N] [--baseline OTHER_BINARY]
Each round runs three configurations on fresh servers, taking turns: anonymous holds (each answer mints a guest
token), holds with each worker's own token (verified on the event loop), and the same with rate limits configured
for the load (one address; per-identity and per-address buckets checked on every hold; the workers' guest tokens
are signups, so those get room too). With --baseline, each round first runs anonymous holds on another build (the
code before accounts), so the cost of the whole change is measured in the same run.
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from bench import TOKEN, loadtest  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "blackbox"))
from common import Server  # noqa: E402

CONFIGURATIONS = [
    ("anonymous (a guest minted per hold)", "off", []),
    ("a token per worker", "off", ["--tokens"]),
    ("a token per worker, limits on (holds=100000/s)", "holds=100000/s,signups=1000/s", ["--tokens"]),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", help="a build to run anonymous holds on first in each round")
    args = parser.parse_args()
    plan = [(args.binary, *configuration) for configuration in CONFIGURATIONS]
    if args.baseline:
        plan.insert(0, (args.baseline, "baseline build, anonymous", "off", []))
    work = tempfile.mkdtemp(prefix="boxoffice-bench-tokens-")
    rows = []
    try:
        for round_number in range(args.rounds):
            for binary, name, limits, extra in plan:
                data = os.path.join(work, f"{round_number}-{len(rows)}")
                server = Server(binary, data, env={"BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_DEMO": "false",
                                                        "BOXOFFICE_LOG_LEVEL": "error", "BOXOFFICE_RATE_LIMITS": limits})
                try:
                    row = loadtest(binary, server.port, "flash-sale", args.seconds, extra)
                finally:
                    server.stop()
                row["name"] = name
                rows.append(row)
                throughput = row["throughput"] or ("?", "?")
                latency = row["latency"] or ("?",) * 5
                print(f"{name:45} {throughput[0]:>7} req/s {throughput[1]:>7} successes/s  p50 {latency[0]} ms  p99 {latency[2]} ms"
                      f"  errors {(row['errors'] or ('?',))[0]}  invariants {(row['invariants'] or ('?',))[0]}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("| holds | requests/s | successes/s | p50 ms | p99 ms | errors | invariants |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        throughput = row["throughput"] or ("?", "?")
        latency = row["latency"] or ("?",) * 5
        print(f"| {row['name']} | {throughput[0]} | {throughput[1]} | {latency[0]} | {latency[2]} | {(row['errors'] or ('?',))[0]} |"
              f" {(row['invariants'] or ('?',))[0]} |")
    return 0 if all(row["invariants"] and row["invariants"][0] == "PASS" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
