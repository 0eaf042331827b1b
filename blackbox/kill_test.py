#!/usr/bin/env python3
"""Black-box: `kill -9` the embedded server in the middle of a storm of keyed holds, then of keyed payments, then of
keyed refunds, then of an event's cancellation, restart it, and check that every retry with its `Idempotency-Key` gets the one effect its key made
(never a second booking or refund, never a key stuck "in use"), every booking still reaches a terminal state, nobody
is charged twice, every refund is credited once with the price of its tickets, and money is conserved.

Usage: kill_test.py BINARY
"""
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time

from common import Server, answered, check, guest, keyed, request, storm, summary

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
TOKEN = "kill-test-organizer"
EVENT = {
    "title": "Kill Test", "venue": "Lab", "starts_at": "2030-01-01T20:00:00Z", "hold_ttl_seconds": 4,
    "categories": [{"id": "std", "price_minor": 4000}],
    "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A-H", "seats": "1-25", "category": "std"}]}]},
}
USERS = 30
BOOKINGS_PER_USER = 3


def blocked_seats(ordinals, seats):
    """How many seats a refund kept off sale: its tickets that are seats (a booking's seats are its first tickets)."""
    count = len(list(filter(None, seats.split(","))))
    return sum(1 for ordinal in ordinals.split(",") if ordinal and int(ordinal) <= count)


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
    # A refund that kept its seats off sale leaves them claimed by the refunded booking.
    blocked = sum(blocked_seats(ordinals, seats) for ordinals, seats in bookings.execute(
        "SELECT r.ordinals, b.seat_ids FROM refunds r JOIN bookings b ON b.id = r.booking_id WHERE r.releases_seats = 0"))
    if sold != confirmed_seats + blocked:
        problems.append(f"{sold} seats sold but confirmed bookings hold {confirmed_seats} and refunds keep {blocked} off sale")
    # Every refund credited is one ledger entry under the refund's id, of its amount; no booking gets back more than it paid.
    credited = {refund: amount for refund, amount in bookings.execute("SELECT id, amount_minor FROM refunds WHERE credited_at IS NOT NULL")}
    ledger = {entry: amount for entry, amount in payments.execute("SELECT id, amount_minor FROM ledger WHERE kind = 'refund'")}
    for refund, amount in credited.items():
        if ledger.get(refund) != amount:
            problems.append(f"refund {refund} of {amount} reads credited; the ledger has {ledger.get(refund)}")
    for booking, back in payments.execute("SELECT booking_id, SUM(amount_minor) FROM ledger WHERE kind = 'refund' GROUP BY booking_id"):
        paid = -(payments.execute("SELECT COALESCE(SUM(amount_minor), 0) FROM ledger WHERE kind = 'charge' AND booking_id = ?", (booking,)).fetchone()[0])
        if back > paid:
            problems.append(f"booking {booking} got {back} back, paid {paid}")
    return problems


def unfinished(data_dir):
    bookings = sqlite3.connect(os.path.join(data_dir, "booking.sqlite"))
    return bookings.execute("SELECT COUNT(*) FROM bookings WHERE status IN ('held', 'payment_pending')").fetchone()[0]


def state_of(server, booking, by_booking):
    return request(server.port, "GET", f"/api/bookings/{booking}", headers=by_booking[booking])[1]["status"]


def refunds_cut_by_kill(server, data_dir, env, confirmed):
    """Keyed refunds of every confirmed booking (half with the seat back on sale, half kept off) cut by kill -9: after the
    restart every retry with its key answers with the refund its key made, and every refund is credited exactly once."""
    organizer = {"Authorization": f"Bearer {TOKEN}"}

    def refund_call(n, booking):
        body = {"seats": "release" if n % 2 else "block"}
        return lambda: request(server.port, "POST", f"/api/bookings/{booking}/refund", body, keyed(organizer, f"refund-{booking}"), timeout=10), body

    calls = [refund_call(n, booking) for n, booking in enumerate(confirmed)]
    answers = storm([call for call, _ in calls], 0.1, server.process.kill)
    server.process.wait(timeout=10)
    server.log.close()
    made = {confirmed[i]: answer[1]["id"] for i, answer in enumerate(answers) if answer != "killed" and answer[0] == 201}
    print(f"     {len(confirmed)} keyed refunds sent, {len(made)} answered 201 before kill -9, {sum(1 for a in answers if a == 'killed')} cut off")
    check("the server was killed mid-refund", server.process.returncode == -signal.SIGKILL, server.process.returncode)
    server = Server(BINARY, data_dir, env=env)
    retried, wrong = {}, []
    for i, booking in enumerate(confirmed):
        status, answer, _, _ = answered(server.port, "POST", f"/api/bookings/{booking}/refund", keyed(organizer, f"refund-{booking}"), calls[i][1])
        if status in (200, 201) and (answer or {}).get("id"):
            retried[booking] = answer["id"]
        else:
            wrong.append((booking, status, answer))
    check("every refund retried with its key answers with a refund", not wrong, wrong[:3])
    check("a refund answered before the kill is the same refund when retried", all(retried.get(k) == v for k, v in made.items()),
          [(k, v, retried.get(k)) for k, v in made.items() if retried.get(k) != v][:3])
    bookings = sqlite3.connect(os.path.join(data_dir, "booking.sqlite"))
    started = time.time()
    while bookings.execute("SELECT COUNT(*) FROM refunds WHERE credited_at IS NULL").fetchone()[0] and time.time() - started < 30:
        time.sleep(0.2)
    refunds = dict(bookings.execute("SELECT booking_id, COUNT(*) FROM refunds GROUP BY booking_id"))
    pending = bookings.execute("SELECT COUNT(*) FROM refunds WHERE credited_at IS NULL").fetchone()[0]
    check(f"one refund per booking, each credited ({time.time() - started:.1f} s)",
          sorted(refunds) == sorted(confirmed) and set(refunds.values()) <= {1} and pending == 0, (len(refunds), len(confirmed), pending))
    statuses = dict(bookings.execute("SELECT id, status FROM bookings"))
    check("every refunded booking reads refunded", all(statuses[b] == "refunded" for b in confirmed))
    payments = sqlite3.connect(os.path.join(data_dir, "payments.sqlite"))
    back = dict(payments.execute("SELECT booking_id, SUM(amount_minor) FROM ledger WHERE kind = 'refund' GROUP BY booking_id"))
    check("each booking got back the price of its ticket, once", all(back.get(b) == 4000 for b in confirmed),
          [(b, back.get(b)) for b in confirmed if back.get(b) != 4000][:3])
    problems = money_problems(data_dir)
    check("refunds kept every money invariant", not problems, problems)
    return server


def cancellation_cut_by_kill(server, data_dir, env, owners):
    """An event with a paid booking of every customer (and a few holds) is called off; the server is killed -9 once the
    job has refunded some: after the restart the job goes on, and every booking is refunded exactly once."""
    organizer = {"Authorization": f"Bearer {TOKEN}"}
    _, event, _ = request(server.port, "POST", "/api/events", EVENT, organizer)
    first = event["first_seat_id"]
    paid = []
    for n, owner in enumerate(owners):
        _, account, _ = request(server.port, "GET", "/api/accounts", headers=owner)
        request(server.port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": 4000 * 4}, owner)
        for k in range(4):
            _, hold, _ = request(server.port, "POST", "/api/book/safe", {"seat_id": first + n * 5 + k}, owner)
            status, booking, _ = request(server.port, "POST", f"/api/bookings/{hold['booking_id']}/pay", headers=owner)
            if status == 200 and booking["status"] == "confirmed":
                paid.append(hold["booking_id"])
        request(server.port, "POST", "/api/book/safe", {"seat_id": first + n * 5 + 4}, owner)
    status, answer, _ = request(server.port, "POST", f"/api/events/{event['id']}/cancel", headers=organizer)
    check("the cancellation is accepted", status == 202, (status, answer, server.failures()))
    started = time.time()
    while time.time() - started < 30:
        job = request(server.port, "GET", f"/api/events/{event['id']}/cancel", headers=organizer)[1]
        if job["refunded"] > 0 or job["status"] == "finished":
            break
        time.sleep(0.01)
    server.process.kill()
    server.process.wait(timeout=10)
    server.log.close()
    print(f"     {len(paid)} paid bookings; killed -9 with {job['refunded']} refunded, {job['remaining']} left")
    check("the server was killed mid-cancellation", job["status"] == "running" and job["remaining"] > 0, job)
    server = Server(BINARY, data_dir, env=env)
    started = time.time()
    while time.time() - started < 60:
        job = request(server.port, "GET", f"/api/events/{event['id']}/cancel", headers=organizer)[1]
        if job["status"] == "finished":
            break
        time.sleep(0.2)
    check(f"after the restart the job finishes ({time.time() - started:.1f} s)", job["status"] == "finished" and job["remaining"] == 0, job)
    check("it counts every paid booking refunded", job["refunded"] == len(paid), (job["refunded"], len(paid)))
    bookings = sqlite3.connect(os.path.join(data_dir, "booking.sqlite"))
    refunds = dict(bookings.execute("SELECT booking_id, COUNT(*) FROM refunds WHERE event_id = ? GROUP BY booking_id", (event["id"],)))
    check("each paid booking refunded exactly once", sorted(refunds) == sorted(paid) and set(refunds.values()) == {1}, (len(refunds), len(paid)))
    left = bookings.execute("SELECT COUNT(*) FROM bookings WHERE event_id = ? AND status IN ('held', 'payment_pending', 'confirmed')", (event["id"],)).fetchone()[0]
    check("nothing of the event is held, waiting or paid", left == 0, left)
    started = time.time()
    while bookings.execute("SELECT COUNT(*) FROM refunds WHERE credited_at IS NULL").fetchone()[0] and time.time() - started < 30:
        time.sleep(0.2)
    problems = money_problems(data_dir)
    check("every refund credited once, money conserved", not problems and not bookings.execute("SELECT COUNT(*) FROM refunds WHERE credited_at IS NULL").fetchone()[0], problems)
    return server


def main():
    data_dir = tempfile.mkdtemp(prefix="boxoffice-kill-")
    env = {"BOXOFFICE_ORGANIZER_TOKEN": TOKEN}
    try:
        server = Server(BINARY, data_dir, env=env)
        status, event, _ = request(server.port, "POST", "/api/events", EVENT, {"Authorization": f"Bearer {TOKEN}"})
        first_seat = event["first_seat_id"]
        owners = [guest(server.port) for _ in range(USERS)]

        # Keyed holds cut by kill -9: every retry with its key after the restart gets the one booking its key made.
        holds = [(user, n) for user in range(USERS) for n in range(BOOKINGS_PER_USER)]

        def hold_call(user, n):
            path_body = {"event_id": event["id"], "seat_ids": [first_seat + USERS * BOOKINGS_PER_USER + user * BOOKINGS_PER_USER + n]}
            return lambda: request(server.port, "POST", "/api/bookings", path_body, keyed(owners[user], f"hold-{user}-{n}"), timeout=10), path_body

        calls = [hold_call(user, n) for user, n in holds]
        first = storm([call for call, _ in calls], 0.1, server.process.kill)
        server.process.wait(timeout=10)
        server.log.close()
        made = {holds[i]: answer[1]["id"] for i, answer in enumerate(first) if answer != "killed" and answer[0] == 201}
        print(f"     {len(holds)} keyed holds sent, {len(made)} answered 201 before kill -9, {sum(1 for a in first if a == 'killed')} cut off")
        check("the server was killed mid-hold", server.process.returncode == -signal.SIGKILL, server.process.returncode)
        server = Server(BINARY, data_dir, env=env)
        started = time.time()
        retried, found = {}, 0
        stuck = []
        for i, (user, n) in enumerate(holds):
            status, answer, headers, _ = answered(server.port, "POST", "/api/bookings", keyed(owners[user], f"hold-{user}-{n}"), calls[i][1])
            if status in (200, 201) and answer.get("id"):
                retried[(user, n)] = answer["id"]
                found += (user, n) not in made and headers.get("Idempotent-Replayed") == "true"
            else:
                # Every key has its own seat: any other answer is a key stuck or a hold refused for nothing.
                stuck.append((user, n, status, answer))
        print(f"     every keyed hold retried after the restart in {time.time() - started:.1f} s; "
              f"{found} committed but unanswered at the kill were found by their retry, not written again")
        check("every retried hold gets an answer (no key left 'in use')", not stuck, stuck[:3])
        check("a hold answered before the kill is the same booking when retried", all(retried.get(k) == v for k, v in made.items()),
              [(k, v, retried.get(k)) for k, v in made.items() if retried.get(k) != v][:3])
        bookings = sqlite3.connect(os.path.join(data_dir, "booking.sqlite"))
        per_user = dict(bookings.execute("SELECT user_identifier, COUNT(*) FROM bookings GROUP BY user_identifier"))
        doubled = {user: count for user, count in per_user.items() if count > BOOKINGS_PER_USER}
        check("no key made two bookings: at most one booking per key in the database", not doubled and len(retried) == sum(per_user.values()), (doubled, len(retried), sum(per_user.values())))

        # Keyed pays cut by kill -9.
        booking_ids, by_booking = [], {}
        for user in range(USERS):
            owner = owners[user]
            _, account, _ = request(server.port, "POST", "/api/accounts", {}, owner)
            # Some wallets can pay for one booking only, so cancellations and confirmations interleave.
            request(server.port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": 4000 * (1 + user % BOOKINGS_PER_USER)}, owner)
            for n in range(BOOKINGS_PER_USER):
                seat = first_seat + user * BOOKINGS_PER_USER + n
                _, hold, _ = request(server.port, "POST", "/api/book/safe", {"seat_id": seat}, owner)
                booking_ids.append(hold["booking_id"])
                by_booking[hold["booking_id"]] = owner

        def pay_call(booking):
            return lambda: request(server.port, "POST", f"/api/bookings/{booking}/pay", headers=keyed(by_booking[booking], f"pay-{booking}"), timeout=10)[0]

        answers = storm([pay_call(booking) for booking in booking_ids], 0.15, server.process.kill)
        server.process.wait(timeout=10)
        server.log.close()
        answered_before = sum(1 for answer in answers if answer != "killed")
        print(f"     {len(booking_ids)} keyed payments sent, {answered_before} answered before kill -9, {len(booking_ids) - answered_before} cut off")
        check("the server was killed mid-payment", server.process.returncode == -signal.SIGKILL, server.process.returncode)

        server = Server(BINARY, data_dir, env=env)
        started = time.time()
        while unfinished(data_dir) and time.time() - started < 30:
            time.sleep(0.2)
        left = unfinished(data_dir)
        check(f"after restart every booking reaches a terminal state ({time.time() - started:.1f} s)", left == 0, f"{left} unfinished")
        problems = money_problems(data_dir)
        check("no negative balance, no double charge, money conserved, every success confirmed", not problems, problems)
        counts, disagree = {}, []
        for booking in booking_ids:
            state = request(server.port, "GET", f"/api/bookings/{booking}", headers=by_booking[booking])[1]["status"]
            counts[state] = counts.get(state, 0) + 1
            status, answer, _, _ = answered(server.port, "POST", f"/api/bookings/{booking}/pay", keyed(by_booking[booking], f"pay-{booking}"))
            # A pay that reached the database answers with its outcome (or the 202 it answered before the kill, again);
            # one cut off before it runs now, on an expired hold.
            outcome = (status, (answer or {}).get("status"))
            if outcome not in ((200, state), (202, "payment_pending")) and not (status == 409 and state == "expired"):
                disagree.append((booking, state, status, answer))
        settled = counts.get("confirmed", 0) + counts.get("cancelled", 0)
        print(f"     outcome: {counts}; {max(settled - answered_before, 0)} payments in flight at the kill were completed after restart")
        check("the API agrees: no booking left held or pending", not ({"held", "payment_pending"} & set(counts)), counts)
        check("every pay retried with its key answers with the booking's outcome", not disagree, disagree[:3])
        problems = money_problems(data_dir)
        check("the retries charged nobody again", not problems, problems)

        server = refunds_cut_by_kill(server, data_dir, env, [b for b in booking_ids if state_of(server, b, by_booking) == "confirmed"])
        server = cancellation_cut_by_kill(server, data_dir, env, owners)
        check("the restarted server stops cleanly", server.stop() == 0)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return summary("kill -9 black-box")


if __name__ == "__main__":
    sys.exit(main())
