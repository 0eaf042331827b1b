#!/usr/bin/env python3
"""The CSV export of BENCHMARKS.md: memory stays flat however many tickets an event has.

Usage: bench_export.py BINARY [--tickets N ...]
Makes one event with a standing pool on an embedded server, writes paid bookings of ten tickets straight into its
SQLite database (the API would take hours to sell a million), and for each size downloads
`GET /api/events/{id}/export.csv`, counting its lines while sampling the server's resident memory every 20 ms.
"""
import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "blackbox"))
from common import Server, request, rss_kib  # noqa: E402

TOKEN = "bench-organizer-token"
PER_BOOKING = 10


def add_bookings(database, event, pool, count, start):
    connection = sqlite3.connect(database, timeout=30)
    now = int(time.time() * 1000)
    rows = [(str(uuid.uuid4()), event, "confirmed", "", f"{pool}:{PER_BOOKING}", 1500 * PER_BOOKING, "EUR", f"customer-{start + n}",
             now, now + start + n, now) for n in range(count)]
    with connection:
        connection.executemany(
            "INSERT INTO bookings (id, event_id, status, seat_ids, tickets, amount_minor, currency, user_identifier, expires_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    connection.close()


def export(port, pid, event):
    peak = [rss_kib(pid)]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(pid))
            time.sleep(0.02)

    before = peak[0]
    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.time()
    lines = size = 0
    call = urllib.request.Request(f"http://127.0.0.1:{port}/api/events/{event}/export.csv", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(call, timeout=600) as answer:
        while chunk := answer.read(1 << 16):
            size += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.time() - started
    done.set()
    sampler.join()
    return lines - 1, size, seconds, before, peak[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--tickets", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="boxoffice-bench-export-")
    server = Server(args.binary, work, env={"BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_DEMO": "false", "BOXOFFICE_LOG_LEVEL": "error"})
    try:
        event = {"title": "Stadium", "venue": "Field", "starts_at": "2031-01-01T20:00:00Z", "currency": "EUR",
                 "ga_pools": [{"name": "Standing", "price_minor": 1500, "capacity": 1_000_000}]}
        status, created, _ = request(server.port, "POST", "/api/events", event, {"Authorization": f"Bearer {TOKEN}"})
        assert status == 201, created
        event_id, pool = created["id"], created["ga_pools"][0]["id"]
        written = 0
        print(f"{'tickets':>10} {'CSV MB':>8} {'seconds':>8} {'RSS before MiB':>15} {'RSS peak MiB':>13}", flush=True)
        for tickets in sorted(args.tickets):
            bookings = tickets // PER_BOOKING
            add_bookings(os.path.join(work, "booking.sqlite"), event_id, pool, bookings - written, written)
            written = bookings
            lines, size, seconds, before, peak = export(server.port, server.process.pid, event_id)
            assert lines == tickets, f"exported {lines} lines for {tickets} tickets"
            print(f"{lines:>10} {size / 1e6:>8.1f} {seconds:>8.1f} {before / 1024:>15.1f} {peak / 1024:>13.1f}", flush=True)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
