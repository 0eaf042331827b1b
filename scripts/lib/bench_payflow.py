#!/usr/bin/env python3
"""Runs `loadtest pay-flow` through RabbitMQ and with the in-process transport, each on fresh PostgreSQL databases, and
embedded (SQLite, one process), for
hold-then-pay and for buy-now (and, given --baseline, hold-then-pay of an earlier build in the same run), and prints the
tables of BENCHMARKS.md: throughput, latency, and the CPU each process spent per confirmed booking.

CPU is read from /proc: the booking and payment processes by pid; PostgreSQL and RabbitMQ as every process of their
system users (`postgres`, `rabbitmq`), exited children included (their parents' cutime), so run it on a quiet machine
with no other cluster of theirs busy; the load generator from this script's children's rusage.

Usage: bench_payflow.py BINARY POSTGRES_ADMIN_URL AMQP_URL [--seconds N] [--clients N ...] [--baseline OLD_BINARY]
"""
import argparse
import os
import pwd
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "blackbox"))
from common import Server  # noqa: E402

TOKEN = "bench-organizer-token"
TICKS = os.sysconf("SC_CLK_TCK")
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
    env = {"BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_DEMO": "false", "BOXOFFICE_LOG_LEVEL": "error"}
    if mode == "embedded":
        server = Server(binary, os.path.join(work, uuid.uuid4().hex[:8]), env=env)
        return {"booking": server}, server.port, server.port
    env.update({"BOXOFFICE_DATABASE_POOL_SIZE": "64", "BOXOFFICE_DATABASE_URL": database(admin_url, "bench_booking"),
                "BOXOFFICE_PAYMENTS_DATABASE_URL": database(admin_url, "bench_payments")})
    if mode == "in-process":
        server = Server(binary, os.path.join(work, uuid.uuid4().hex[:8]), env=env)
        return {"booking": server}, server.port, server.port
    env["BOXOFFICE_BROKER_URL"] = amqp_url
    env["BOXOFFICE_AUTH_SECRET"] = "bench-payflow-signing-secret-of-32-bytes"
    payments = Server(binary, os.path.join(work, uuid.uuid4().hex[:8]), env=dict(env, BOXOFFICE_ROLE="payments"))
    booking = Server(binary, os.path.join(work, uuid.uuid4().hex[:8]), env=dict(env, BOXOFFICE_ROLE="booking"))
    return {"booking": booking, "payments": payments}, booking.port, payments.port


def process_seconds(pid, children=False):
    """CPU seconds a process spent (user + system), with its reaped children's when asked."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


def user_seconds(user):
    """CPU seconds every process of a system user spent, its exited children included."""
    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        return 0.0
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                total += process_seconds(pid, children=True)
        except OSError:
            continue
    return total


def cpu(servers):
    """What every process has spent so far, by the names of the CPU table."""
    spent = {name: process_seconds(server.process.pid) for name, server in servers.items()}
    spent["PostgreSQL"] = user_seconds("postgres")
    spent["RabbitMQ"] = user_seconds("rabbitmq")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent["generator"] = usage.ru_utime + usage.ru_stime
    return spent


def run(label, binary, flow, mode, clients, args, work):
    servers, port, payments = start(binary, args.admin_url, args.amqp_url, mode, work)
    command = [binary, "loadtest", "pay-flow", "--url", f"http://127.0.0.1:{port}", "--payments-url", f"http://127.0.0.1:{payments}",
               "--organizer-token", TOKEN, "--clients", str(clients), "--duration", str(args.seconds)]
    if flow == "buy-now":
        command.append("--buy-now")
    before = cpu(servers)
    result = subprocess.run(command, capture_output=True, text=True, timeout=args.seconds * 10 + 120)
    after = cpu(servers)
    for server in servers.values():
        server.stop()
    row = {"label": label, "flow": flow, "mode": mode, "clients": clients}
    for key, pattern in PARSE.items():
        match = re.search(pattern, result.stdout)
        row[key] = match.groups() if match else ("?",) * 4
    confirmed = int(row["confirmed"][0]) if row["confirmed"][0] != "?" else 0
    # Setting up (guests, wallets) is inside the window too: it is small next to a run's bookings, and counted alike for all.
    row["cpu"] = {name: (after[name] - before[name]) * 1000 / confirmed if confirmed else None for name in after}
    if row["invariants"][0] == "?":
        print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("admin_url")
    parser.add_argument("amqp_url")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, nargs="+", default=[256])
    parser.add_argument("--baseline", help="an earlier build's binary, run hold-then-pay in the same run")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="boxoffice-payflow-")
    runs = []
    if args.baseline:
        runs += [("baseline", args.baseline, "hold+pay")]
    runs += [("this build", args.binary, "hold+pay"), ("this build", args.binary, "buy-now")]
    rows = []
    try:
        for clients in args.clients:
            for mode in ("RabbitMQ", "in-process", "embedded"):
                for label, binary, flow in runs:
                    row = run(label, binary, flow, mode, clients, args, work)
                    rows.append(row)
                    print(f"{label:10} {flow:8} {mode:10} {clients:4} clients: {row['confirmed'][1]} confirmed/s, "
                          f"p50 {row['latency'][0]} p99 {row['latency'][2]} ms, {row['invariants'][0]}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("| build | flow | transport | clients | confirmed bookings/s | to confirmed p50 ms | p90 ms | p99 ms | max ms | invariants |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        latency = row["latency"]
        print(f"| {row['label']} | {row['flow']} | {row['mode']} | {row['clients']} | {row['confirmed'][1]} | {latency[0]} | {latency[1]} | "
              f"{latency[2]} | {latency[3]} | {row['invariants'][0]} |")
    names = ["booking", "payments", "PostgreSQL", "RabbitMQ", "generator"]
    print()
    print("CPU ms per confirmed booking (all processes but the generator are the system's; in-process and embedded, payments runs in the booking process):")
    print()
    print("| build | flow | transport | clients | " + " | ".join(names) + " | system total |")
    print("|---|---|---|---:|" + "---:|" * (len(names) + 1))
    for row in rows:
        spent = row["cpu"]
        cells = [f"{spent[name]:.3f}" if spent.get(name) is not None else "–" for name in names]
        system = sum(spent[name] for name in names[:-1] if spent.get(name) is not None)
        print(f"| {row['label']} | {row['flow']} | {row['mode']} | {row['clients']} | " + " | ".join(cells) + f" | {system:.3f} |")


if __name__ == "__main__":
    main()
