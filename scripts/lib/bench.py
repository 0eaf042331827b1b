#!/usr/bin/env python3
"""Runs the benchmark set of BENCHMARKS.md against release builds, on this machine, and prints its tables.

Usage: bench.py BINARY POSTGRES_ADMIN_URL [--seconds N]
Every run gets a fresh server (and a fresh PostgreSQL database or SQLite directory); the load generator and
the server share the machine, as BENCHMARKS.md says.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "blackbox"))
from common import Server, request  # noqa: E402

TOKEN = "bench-organizer-token"
PARSE = {
    "requests": r"requests\s+(\d+) in ([\d.]+) s",
    "successes": r"successes\s+(\d+)",
    "conflicts": r"conflicts\s+(\d+)",
    "errors": r"errors\s+(\d+)",
    "throughput": r"throughput\s+(\d+) requests/s, (\d+) successes/s",
    "latency": r"p50 ([\d.]+)\s+p90 ([\d.]+)\s+p99 ([\d.]+)\s+p99.9 ([\d.]+)\s+max ([\d.]+)",
    "invariants": r"invariants\s+(\w+)",
}


def psql(url, sql):
    subprocess.run(["psql", url, "-qtAc", sql], check=True, capture_output=True)


def server(binary, backend, strategy, admin_url, work):
    data = os.path.join(work, uuid.uuid4().hex[:8])
    env = {"BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_HOLD_STRATEGY": strategy, "BOXOFFICE_DEMO": "false",
           "BOXOFFICE_LOG_LEVEL": "error"}
    if backend == "postgres":
        name = "bench_" + uuid.uuid4().hex[:10]
        psql(admin_url, f"CREATE DATABASE {name}")
        env["BOXOFFICE_DATABASE_URL"] = admin_url.rsplit("/", 1)[0] + "/" + name
        env["BOXOFFICE_DATABASE_POOL_SIZE"] = "64"
    return Server(binary, data, env=env)


def loadtest(binary, port, scenario, seconds, extra=(), token=TOKEN):
    result = subprocess.run(
        [binary, "loadtest", scenario, "--url", f"http://127.0.0.1:{port}", "--organizer-token", token,
         "--duration", str(seconds), *extra],
        capture_output=True, text=True, timeout=seconds * 10 + 120,
    )
    text = result.stdout
    row = {"scenario": scenario, "raw": text.strip()}
    for key, pattern in PARSE.items():
        match = re.search(pattern, text)
        row[key] = match.groups() if match else None
    return row


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def memory_run(binary, work):
    """RSS and start-up time with 1,000,000 seats loaded (10 events × 100,000 seats), embedded SQLite."""
    data = os.path.join(work, "million")
    env = {"BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_DEMO": "false", "BOXOFFICE_LOG_LEVEL": "error"}
    first = Server(binary, data, env=env)
    for n in range(10):
        body = {"title": f"Big {n}", "venue": "Stadium", "starts_at": "2099-01-01T20:00:00Z",
                "categories": [{"id": "std", "price_minor": 5000}],
                "seat_map": {"sections": [{"name": "Bowl", "rows": [{"rows": "1-400", "seats": "1-250", "category": "std"}]}]}}
        request(first.port, "POST", "/api/events", body, {"Authorization": f"Bearer {TOKEN}"})
    first.stop()
    started = time.time()
    second = Server(binary, data, env=env)
    ready = time.time() - started
    request(second.port, "GET", "/api/events/1/seats")
    peak = rss_kb(second.process.pid)
    second.stop()
    return ready, peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("admin_url")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="boxoffice-bench-")
    plan = []
    for backend in ("postgres", "sqlite"):
        for scenario, extra in (("flash-sale", ()), ("hot-seat", ()), ("ga-rush", ()), ("seat-map", ()),
                                ("seat-map", ("--hold-every", "0"))):
            plan.append((backend, "batched", scenario, extra))
        for strategy in ("baseline-update", "baseline-lock"):
            for scenario in ("flash-sale", "hot-seat"):
                plan.append((backend, strategy, scenario, ()))
    rows = []
    try:
        for backend, strategy, scenario, extra in plan:
            srv = server(args.binary, backend, strategy, args.admin_url, work)
            row = loadtest(args.binary, srv.port, scenario, args.seconds, extra)
            srv.stop()
            row.update(backend=backend, strategy=strategy)
            if extra == ("--hold-every", "0"):
                row["scenario"] = "seat-map (reads only)"
            rows.append(row)
            print(f"{backend:8} {strategy:15} {scenario:10} {row['throughput']} {row['latency']} {row['invariants']}", flush=True)
        ready, peak = memory_run(args.binary, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print("| backend | scenario | strategy | requests/s | successes/s | p50 ms | p99 ms | p99.9 ms | max ms | conflicts | errors | invariants |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        throughput = row["throughput"] or ("?", "?")
        latency = row["latency"] or ("?",) * 5
        print(f"| {row['backend']} | {row['scenario']} | {row['strategy']} | {throughput[0]} | {throughput[1]} | {latency[0]} | "
              f"{latency[2]} | {latency[3]} | {latency[4]} | {(row['conflicts'] or ['?'])[0]} | {(row['errors'] or ['?'])[0]} | "
              f"{(row['invariants'] or ['?'])[0]} |")
    print()
    print("| backend | scenario | batched successes/s | ÷ baseline-update | ÷ baseline-lock |")
    print("|---|---|---:|---:|---:|")
    for backend in ("postgres", "sqlite"):
        for scenario in ("flash-sale", "hot-seat"):
            def rate(strategy):
                for row in rows:
                    if row["backend"] == backend and row["scenario"] == scenario and row["strategy"] == strategy and row["throughput"]:
                        return int(row["throughput"][0 if scenario == "hot-seat" else 1])
                return 0
            batched, update, lock = rate("batched"), rate("baseline-update"), rate("baseline-lock")
            print(f"| {backend} | {scenario} | {batched} | {batched / update if update else 0:.1f}× | {batched / lock if lock else 0:.1f}× |")
    print()
    print(f"1,000,000 seats (10 events × 100,000, embedded SQLite): ready {ready:.2f} s after start, peak RSS {peak / 1024:.0f} MB")
    print()
    for row in rows:
        if row["scenario"] in ("seat-map", "seat-map (reads only)", "ga-rush"):
            print(f"{row['scenario']} on {row['backend']}:")
            print("    " + row["raw"].replace("\n", "\n    "))


if __name__ == "__main__":
    sys.exit(main())
