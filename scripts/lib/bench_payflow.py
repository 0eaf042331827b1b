#!/usr/bin/env python3
"""Runs `loadtest pay-flow` with the in-process transport and through RabbitMQ, each on fresh PostgreSQL databases,
and prints the table of BENCHMARKS.md.

Usage: bench_payflow.py BINARY POSTGRES_ADMIN_URL AMQP_URL [--seconds N]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "blackbox"))
from common import Server  # noqa: E402

TOKEN = "bench-organizer-token"
PARSE = {
    "confirmed": r"confirmed\s+(\d+) bookings, (\d+)/s",
    "latency": r"pay→conf ms\s+p50 ([\d.]+)\s+p90 ([\d.]+)\s+p99 ([\d.]+)\s+max ([\d.]+)",
    "invariants": r"invariants\s+(\w+)",
}


def database(admin_url, prefix):
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    subprocess.run(["psql", admin_url, "-qtAc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return admin_url.rsplit("/", 1)[0] + "/" + name


def start(binary, admin_url, amqp_url, mode, work):
    env = {"BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_DEMO": "false", "BOXOFFICE_LOG_LEVEL": "error",
           "BOXOFFICE_DATABASE_POOL_SIZE": "64", "BOXOFFICE_DATABASE_URL": database(admin_url, "bench_booking"),
           "BOXOFFICE_PAYMENTS_DATABASE_URL": database(admin_url, "bench_payments")}
    if mode == "in-process":
        server = Server(binary, os.path.join(work, uuid.uuid4().hex[:8]), env=env)
        return [server], server.port, server.port
    env["BOXOFFICE_BROKER_URL"] = amqp_url
    env["BOXOFFICE_AUTH_SECRET"] = "bench-payflow-signing-secret-of-32-bytes"
    payments = Server(binary, os.path.join(work, uuid.uuid4().hex[:8]), env=dict(env, BOXOFFICE_ROLE="payments"))
    booking = Server(binary, os.path.join(work, uuid.uuid4().hex[:8]), env=dict(env, BOXOFFICE_ROLE="booking"))
    return [booking, payments], booking.port, payments.port


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("admin_url")
    parser.add_argument("amqp_url")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="boxoffice-payflow-")
    rows = []
    try:
        for clients in (128, 512):
            for mode in ("in-process", "RabbitMQ"):
                servers, port, payments = start(args.binary, args.admin_url, args.amqp_url, mode, work)
                result = subprocess.run(
                    [args.binary, "loadtest", "pay-flow", "--url", f"http://127.0.0.1:{port}", "--payments-url", f"http://127.0.0.1:{payments}",
                     "--organizer-token", TOKEN, "--clients", str(clients), "--duration", str(args.seconds)],
                    capture_output=True, text=True, timeout=args.seconds * 10 + 120,
                )
                for server in servers:
                    server.stop()
                row = {"mode": mode, "clients": clients}
                for key, pattern in PARSE.items():
                    match = re.search(pattern, result.stdout)
                    row[key] = match.groups() if match else ("?",) * 4
                rows.append(row)
                print(f"{mode:10} {clients:4} clients: {row['confirmed'][1]} confirmed/s, p50 {row['latency'][0]} p99 {row['latency'][2]} ms, "
                      f"{row['invariants'][0]}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("| transport | clients | confirmed bookings/s | pay→confirmed p50 ms | p90 ms | p99 ms | max ms | invariants |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        latency = row["latency"]
        print(f"| {row['mode']} | {row['clients']} | {row['confirmed'][1]} | {latency[0]} | {latency[1]} | {latency[2]} | {latency[3]} | {row['invariants'][0]} |")


if __name__ == "__main__":
    main()
