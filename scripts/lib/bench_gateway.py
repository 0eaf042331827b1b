#!/usr/bin/env python3
"""The gateway benchmark of BENCHMARKS.md: flash-sale and seat-map straight at one booking instance, then through nginx
to two booking instances, taking turns, in the same run, on the topology `scripts/cluster up` started. Prints, per
run, the throughput, the latency and the CPU each process spent per request.

Usage: bench_gateway.py BINARY CLUSTER_DIR [--seconds N] [--rounds N]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from bench import loadtest  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / TICKS


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as file:
            return [int(child) for child in file.read().split()]
    except FileNotFoundError:
        return []


def read(path):
    with open(path) as file:
        return file.read().strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("cluster")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    ports = dict(line.split("=", 1) for line in read(os.path.join(args.cluster, "ports")).splitlines())
    token = read(os.path.join(args.cluster, "organizer-token"))
    nginx_master = int(read(os.path.join(args.cluster, "nginx", "nginx.pid")))
    postgres_master = int(read(os.path.join(args.cluster, "postgres", "data", "postmaster.pid")).splitlines()[0])
    processes = {
        "nginx": lambda: [nginx_master, *children(nginx_master)],
        "booking-1": lambda: [int(read(os.path.join(args.cluster, "booking-1", "pid")))],
        "booking-2": lambda: [int(read(os.path.join(args.cluster, "booking-2", "pid")))],
        "postgres": lambda: [postgres_master, *children(postgres_master)],
    }
    targets = [("one instance, direct", int(ports["booking_1"])), ("nginx → two instances", int(ports["gateway"]))]
    rows = []
    for scenario in ("flash-sale", "seat-map"):
        for round_number in range(args.rounds):
            for name, port in targets:
                before = {process: cpu_seconds(pids()) for process, pids in processes.items()}
                row = loadtest(args.binary, port, scenario, args.seconds, token=token)
                after = {process: cpu_seconds(pids()) for process, pids in processes.items()}
                requests = int(row["requests"][0]) if row["requests"] else 0
                cpu = {process: (after[process] - before[process]) * 1e6 / max(requests, 1) for process in processes}
                rows.append((scenario, name, row, cpu))
                print(f"{scenario:10} {name:24} {row['throughput'][0] if row['throughput'] else '?':>7} req/s  "
                      f"p99 {row['latency'][2] if row['latency'] else '?'} ms  "
                      + "  ".join(f"{process} {value:.0f} µs" for process, value in cpu.items()), flush=True)
                if not row["invariants"] or row["invariants"][0] != "PASS":
                    print("    " + "\n    ".join(row["raw"].splitlines()[-4:]), flush=True)
    print()
    print("| scenario | target | requests/s | successes/s | p50 ms | p99 ms | nginx µs/req | booking-1 µs/req | booking-2 µs/req | PostgreSQL µs/req | invariants |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for scenario, name, row, cpu in rows:
        throughput = row["throughput"] or ("?", "?")
        latency = row["latency"] or ("?",) * 5
        print(f"| {scenario} | {name} | {throughput[0]} | {throughput[1]} | {latency[0]} | {latency[2]} | {cpu['nginx']:.0f} | "
              f"{cpu['booking-1']:.0f} | {cpu['booking-2']:.0f} | {cpu['postgres']:.0f} | {row['invariants'][0] if row['invariants'] else '?'} |")


if __name__ == "__main__":
    main()
