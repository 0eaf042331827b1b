#!/usr/bin/env python3
"""Black-box: `kill -9` the embedded server in the middle of a payment storm, restart it, and check that
every booking still reaches a terminal state, nobody is charged twice, and money is conserved.

Usage: kill_test.py BINARY
"""
import concurrent.futures
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time

from common import CUT_OFF, Server, check, guest, request, summary

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
TOKEN = "kill-test-organizer"
EVENT = {
    "title": "Kill Test", "venue": "Lab", "starts_at": "2030-01-01T20:00:00Z", "hold_ttl_seconds": 4,
    "categories": [{"id": "std", "price_minor": 4000}],
    "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A-D", "seats": "1-25", "category": "std"}]}]},
}
USERS = 30
BOOKINGS_PER_USER = 3


def money_problems(data_dir):
    payments = sqlite3.connect(os.path.join(data_dir, "payments.sqlite"))
    bookings = sqlite3.connect(os.path.join(data_dir, "booking.sqlite"))
    problems = []
    for account, balance, ledger in payments.execute(
            "SELECT id, balance_minor, (SELECT COALESCE(SUM(amount_minor), 0) FROM ledger WHERE account_id = accounts.id) FROM accounts"):
        if balance < 0 or balance != ledger:
            problems.append(f"account {account}: balance {balance}, ledger {ledger}")
    for booking, charges in payments.execute("SELECT booking_id, COUNT(*) FROM ledger WHERE kind = 'charge' GROUP BY booking_id"):
        if charges > 1:
            problems.append(f"booking {booking} charged {charges} times")
    status = dict(bookings.execute("SELECT id, status FROM bookings"))
    for booking, paid in payments.execute("SELECT booking_id, status FROM payments"):
        if paid == "succeeded" and status.get(booking) != "confirmed":
            problems.append(f"payment of {booking} succeeded, booking is {status.get(booking)}")
    deposits = payments.execute("SELECT COALESCE(SUM(amount_minor), 0) FROM ledger WHERE kind = 'deposit'").fetchone()[0]
    charged = -payments.execute("SELECT COALESCE(SUM(amount_minor), 0) FROM ledger WHERE kind = 'charge'").fetchone()[0]
    refunded = payments.execute("SELECT COALESCE(SUM(amount_minor), 0) FROM ledger WHERE kind = 'refund'").fetchone()[0]
    balances = payments.execute("SELECT COALESCE(SUM(balance_minor), 0) FROM accounts").fetchone()[0]
    if balances != deposits - charged + refunded:
        problems.append(f"money not conserved: balances {balances} != {deposits} - {charged} + {refunded}")
    sold = bookings.execute("SELECT COUNT(*) FROM seat_claims WHERE status = 'sold'").fetchone()[0]
    confirmed_seats = sum(len(seats.split(",")) for (seats,) in bookings.execute("SELECT seat_ids FROM bookings WHERE status = 'confirmed'"))
    if sold != confirmed_seats:
        problems.append(f"{sold} seats sold but confirmed bookings hold {confirmed_seats}")
    return problems


def unfinished(data_dir):
    bookings = sqlite3.connect(os.path.join(data_dir, "booking.sqlite"))
    return bookings.execute("SELECT COUNT(*) FROM bookings WHERE status IN ('held', 'payment_pending')").fetchone()[0]


def main():
    data_dir = tempfile.mkdtemp(prefix="boxoffice-kill-")
    env = {"BOXOFFICE_ORGANIZER_TOKEN": TOKEN}
    try:
        server = Server(BINARY, data_dir, env=env)
        status, event, _ = request(server.port, "POST", "/api/events", EVENT, {"Authorization": f"Bearer {TOKEN}"})
        first_seat = event["first_seat_id"]
        booking_ids, owners = [], {}
        for user in range(USERS):
            owner = guest(server.port)
            _, account, _ = request(server.port, "POST", "/api/accounts", {}, owner)
            # Some wallets can pay for one booking only, so cancellations and confirmations interleave.
            request(server.port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": 4000 * (1 + user % BOOKINGS_PER_USER)}, owner)
            for n in range(BOOKINGS_PER_USER):
                seat = first_seat + user * BOOKINGS_PER_USER + n
                _, hold, _ = request(server.port, "POST", "/api/book/safe", {"seat_id": seat}, owner)
                booking_ids.append(hold["booking_id"])
                owners[hold["booking_id"]] = owner

        def pay(booking):
            try:
                return request(server.port, "POST", f"/api/bookings/{booking}/pay", headers=owners[booking], timeout=10)[0]
            except OSError:
                return "killed"

        killer = threading.Timer(0.15, lambda: server.process.send_signal(signal.SIGKILL))
        killer.start()
        with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
            answers = list(pool.map(pay, booking_ids))
        killer.join()
        server.process.wait(timeout=10)
        server.log.close()
        answered = sum(1 for answer in answers if answer != "killed")
        print(f"     {len(booking_ids)} payments sent, {answered} answered before kill -9, {len(booking_ids) - answered} cut off")
        check("the server was killed mid-flow", server.process.returncode == -signal.SIGKILL, server.process.returncode)

        server = Server(BINARY, data_dir, env=env)
        started = time.time()
        while unfinished(data_dir) and time.time() - started < 30:
            time.sleep(0.2)
        left = unfinished(data_dir)
        check(f"after restart every booking reaches a terminal state ({time.time() - started:.1f} s)", left == 0, f"{left} unfinished")
        problems = money_problems(data_dir)
        check("no negative balance, no double charge, money conserved, every success confirmed", not problems, problems)
        counts = {}
        for booking in booking_ids:
            state = request(server.port, "GET", f"/api/bookings/{booking}", headers=owners[booking])[1]["status"]
            counts[state] = counts.get(state, 0) + 1
        settled = counts.get("confirmed", 0) + counts.get("cancelled", 0)
        print(f"     outcome: {counts}; {max(settled - answered, 0)} payments in flight at the kill were completed after restart")
        check("the API agrees: no booking left held or pending", not ({"held", "payment_pending"} & set(counts)), counts)
        check("the restarted server stops cleanly", server.stop() == 0)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return summary("kill -9 black-box")


if __name__ == "__main__":
    sys.exit(main())
