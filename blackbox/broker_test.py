#!/usr/bin/env python3
"""Black-box tests of the distributed mode: a payment service and two booking instances, each its own process on
its own PostgreSQL database, talking through a real RabbitMQ.

Usage: broker_test.py BINARY POSTGRES_ADMIN_URL
Environment: BOXOFFICE_TEST_AMQP_URL and BOXOFFICE_TEST_RABBITMQ_DIR (scripts/test starts the node).

Scenarios: the second seed's payment scenario across the processes; booking and wallet pushes reaching a socket
on the other booking instance; buy now (hold and pay in one request) heard once on both instances, contested and in a
storm; interoperability with pika (a client nobody here wrote) both ways; faults —
the broker killed with kill -9 and restarted mid-flow, the broker closing every connection, the payment service
killed mid-flow (between commit and ack), a poison message, the payment queue deleted so the relay's messages
come back unroutable — each followed by the invariants read back from both databases; bad broker settings.
"""
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import pika
import websocket

from common import CUT_OFF, Server, answered, check, guest, guest_identity, keyed, request, storm, summary
from distributed import AUTH_SECRET, TOKEN, RabbitNode, Topology, problems, psql, wait_terminal, wallet

BINARY = sys.argv[1]
ADMIN_URL = sys.argv[2]
AMQP_URL = os.environ["BOXOFFICE_TEST_AMQP_URL"]
NODE = RabbitNode(os.environ["BOXOFFICE_TEST_RABBITMQ_DIR"], AMQP_URL)
SEAT_PRICE = 10000  # the demo concert's seats cost 100.00
ENOUGH = 2 * 12000  # more than any demo seat costs (the grand hall's premium seats are 120.00)


def hold(server, seat, owner):
    status, booking, _ = request(server.port, "POST", "/api/book/safe", {"seat_id": seat}, owner)
    return booking["booking_id"] if status == 200 else None


def seed_scenario(top):
    a, b = top.bookings
    alice = guest(a.port)
    account = wallet(top.payments.port, alice, 15000)
    check("the payment service opens a wallet and takes a deposit", request(top.payments.port, "GET", f"/api/accounts/{account}", headers=alice)[1]["balance_minor"] == 15000)
    check("... and verifies a token the booking service signed, without a database (another process, the shared key)",
          request(top.payments.port, "GET", f"/api/accounts/{account}", headers=guest(a.port))[0] == 404)
    first = hold(a, 7, alice)
    status, paid, _ = request(b.port, "POST", f"/api/bookings/{first}/pay", headers=alice)
    check("a booking held on instance A and paid on instance B is confirmed through the broker", status == 200 and paid["status"] == "confirmed", (status, paid))
    second = hold(b, 8, alice)
    status, paid, _ = request(a.port, "POST", f"/api/bookings/{second}/pay", headers=alice)
    check("a purchase above the balance ends cancelled", paid["status"] == "cancelled", paid)
    check("... and charges nothing (balance 50.00)", request(top.payments.port, "GET", f"/api/accounts/{account}", headers=alice)[1]["balance_minor"] == 5000)

    bob = guest(b.port)
    account = wallet(top.payments.port, bob, SEAT_PRICE)
    bookings = [hold((a, b)[n % 2], 10 + n, bob) for n in range(5)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=5) as pool:
        outcomes = list(pool.map(lambda n: request((a, b)[n % 2].port, "POST", f"/api/bookings/{bookings[n]}/pay", headers=bob)[1]["status"], range(5)))
    check("5 concurrent payments of the whole balance: exactly one confirmed", outcomes.count("confirmed") == 1, outcomes)
    check("... four cancelled", outcomes.count("cancelled") == 4, outcomes)
    check("... balance 0", request(top.payments.port, "GET", f"/api/accounts/{account}", headers=bob)[1]["balance_minor"] == 0)
    found = problems(top.booking_url, top.payments_url)
    check("both databases hold every invariant", not found, found)


def refused_within(port, path, headers, seconds=5):
    """How long until `port` answers 401 to a GET of `path` with `headers` (None when it never does within `seconds`)."""
    started = time.time()
    while time.time() - started < seconds:
        if request(port, "GET", path, headers=headers)[0] == 401:
            return time.time() - started
        time.sleep(0.05)
    return None


def revoked_tokens(top):
    """A guest signs up on one instance: its guest token stops working on the other instance and on the payment
    service (told by `tokens.revoked` through the broker); a logout does the same to the session's access token."""
    a, b = top.bookings
    old, _, _ = guest_identity(a.port)
    wallet(top.payments.port, old, 100)
    status, grant, _ = request(a.port, "POST", "/api/auth/signup", {"email": "broker-revoke@example.test", "password": "a-password-1"}, old)
    check("a guest signs up on instance A", status == 201, (status, grant))
    on_b = refused_within(b.port, "/api/auth/me", old)
    on_payments = refused_within(top.payments.port, "/api/accounts", old)
    check(f"... its guest token is refused on instance B ({on_b and round(on_b, 2)} s) and by the payment service "
          f"({on_payments and round(on_payments, 2)} s) within 5 s", on_b is not None and on_payments is not None, (on_b, on_payments))
    new = {"Authorization": f"Bearer {grant['access_token']}"}
    check("... the customer's new token reads the wallet the guest opened", request(top.payments.port, "GET", "/api/accounts", headers=new)[0] == 200)
    check("... and logs out on instance B", request(b.port, "POST", "/api/auth/logout", {"refresh_token": grant["refresh_token"]})[0] == 204)
    on_a = refused_within(a.port, "/api/auth/me", new)
    on_payments = refused_within(top.payments.port, "/api/accounts", new)
    check(f"... then its access token is refused on instance A ({on_a and round(on_a, 2)} s) and by the payment service "
          f"({on_payments and round(on_payments, 2)} s) within 5 s", on_a is not None and on_payments is not None, (on_a, on_payments))


def pushes_across_instances(top):
    a, b = top.bookings
    wanda, wanda_id, wanda_token = guest_identity(b.port)
    wallet(top.payments.port, wanda, 30000)
    messages = []
    socket = websocket.create_connection(f"ws://127.0.0.1:{a.port}/api/ws", timeout=10)
    socket.send(json.dumps({"action": "auth", "token": wanda_token}))
    socket.recv()
    socket.send(json.dumps({"action": "subscribe", "customer": wanda_id}))
    socket.recv()

    def read():
        try:
            while True:
                messages.append(json.loads(socket.recv()))
        except Exception:
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    booking = hold(b, 20, wanda)
    request(b.port, "POST", f"/api/bookings/{booking}/pay", headers=wanda)
    deadline = time.time() + 5
    while time.time() < deadline and not ({"confirmed"} <= {m.get("status") for m in messages if m.get("type") == "booking"} and any(m.get("type") == "wallet" for m in messages)):
        time.sleep(0.05)
    statuses = [m["status"] for m in messages if m.get("type") == "booking" and m.get("booking_id") == booking]
    check("a socket on instance A sees the booking made and paid on instance B: held, payment_pending, confirmed",
          statuses == ["held", "payment_pending", "confirmed"], statuses)
    balances = [m["balance_minor"] for m in messages if m.get("type") == "wallet"]
    check("... and the balance the payment service charged", balances[-1:] == [20000], balances)
    socket.close()


def buy_now(top):
    """Buy now through the broker: one request holds and pays; the instance that made the buy tells its own sockets at
    once and the other instance's through the broker, each once."""
    a, b = top.bookings
    carl, carl_id, carl_token = guest_identity(a.port)
    account = wallet(top.payments.port, carl, 30000)
    sockets = {}
    messages = {"A": [], "B": []}
    for name, server in (("A", a), ("B", b)):
        socket = websocket.create_connection(f"ws://127.0.0.1:{server.port}/api/ws", timeout=10)
        socket.send(json.dumps({"action": "auth", "token": carl_token}))
        socket.recv()
        socket.send(json.dumps({"action": "subscribe", "customer": carl_id}))
        socket.recv()
        sockets[name] = socket

        def read(socket=socket, into=messages[name]):
            try:
                while True:
                    into.append(json.loads(socket.recv()))
            except Exception:
                pass

        threading.Thread(target=read, daemon=True).start()
    status, bought, _ = request(a.port, "POST", "/api/book/safe", {"seat_id": 700, "pay": True}, carl)
    check("buy now on instance A: one request answers confirmed, through the broker", status == 200 and bought.get("status") == "confirmed", (status, bought))
    price = bought.get("amount_minor", 0)
    deadline = time.time() + 5
    seen = lambda name: [m["status"] for m in messages[name] if m.get("type") == "booking" and m.get("booking_id") == bought.get("booking_id")]
    while time.time() < deadline and not all(seen(name)[-1:] == ["confirmed"] for name in messages):
        time.sleep(0.05)
    time.sleep(0.5)
    check("... its own instance's socket hears payment_pending and confirmed, once each (the broker's echo is skipped)",
          seen("A") == ["payment_pending", "confirmed"], seen("A"))
    check("... and the other instance's socket hears them too, once each, through the broker", seen("B") == ["payment_pending", "confirmed"], seen("B"))
    for socket in sockets.values():
        socket.close()
    status, pair, _ = request(b.port, "POST", "/api/bookings", {"event_id": bought.get("event_id"), "seat_ids": [701, 702], "pay": True}, carl)
    check("buy now of two seats on instance B: 201 confirmed", status == 201 and pair.get("status") == "confirmed", (status, pair))
    spent = price + pair.get("amount_minor", 0)
    balance = request(top.payments.port, "GET", f"/api/accounts/{account}", headers=carl)[1]["balance_minor"]
    check("... the wallet charged once for each", balance == 30000 - spent, (balance, spent))
    poor = guest(b.port)
    wallet(top.payments.port, poor, 1)
    status, declined, _ = request(b.port, "POST", "/api/book/safe", {"seat_id": 703, "pay": True}, poor)
    check("a buy the wallet cannot cover answers cancelled", status == 200 and declined.get("status") == "cancelled", (status, declined))
    check("... and its seat is on sale again, on the other instance too", hold(a, 703, guest(a.port)) is not None)

    buyers = [guest(n % 2 and b.port or a.port) for n in range(10)]
    for buyer in buyers:
        wallet(top.payments.port, buyer, ENOUGH)
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda n: request((a, b)[n % 2].port, "POST", "/api/book/safe", {"seat_id": 710, "pay": True}, buyers[n], timeout=30), range(10)))
    statuses = [(status, body.get("status") if isinstance(body, dict) else None) for status, body, _ in answers]
    check("10 funded buyers buy one seat at once on both instances: one confirmed", statuses.count((200, "confirmed")) == 1, statuses)
    check("... nine 409", sum(1 for status, _ in statuses if status == 409) == 9, statuses)
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda n: request((a, b)[n % 2].port, "POST", "/api/book/safe", {"seat_id": 720 + n, "pay": True}, buyers[n], timeout=30), range(10)))
    check("10 buys of distinct seats across both instances: all confirmed", all(status == 200 and body.get("status") == "confirmed" for status, body, _ in answers),
          [(status, body.get("status") if isinstance(body, dict) else body) for status, body, _ in answers])
    found = problems(top.booking_url, top.payments_url)
    check("... and both databases hold every invariant", not found, found)


def pika_interop(top):
    parameters = pika.URLParameters(AMQP_URL)
    connection = pika.BlockingConnection(parameters)
    channel = connection.channel()
    watch = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(watch, "boxoffice.messages", routing_key="#")
    a, _ = top.bookings
    pia, pia_id, _ = guest_identity(a.port)
    wallet(top.payments.port, pia, 2 * SEAT_PRICE)
    booking = hold(a, 30, pia)
    request(a.port, "POST", f"/api/bookings/{booking}/pay", headers=pia)
    seen = {}
    deadline = time.time() + 10
    while time.time() < deadline and len(seen) < 2:
        method, properties, body = channel.basic_get(watch, auto_ack=True)
        if method:
            seen[method.routing_key] = (properties, json.loads(body))
        else:
            time.sleep(0.05)
    requested, succeeded = seen.get("payment.requested"), seen.get("payment.succeeded")
    check("pika reads what our relays published: payment.requested and payment.succeeded", requested and succeeded, sorted(seen))
    if requested:
        properties, body = requested
        check("... persistent, JSON, message-id a UUID, type set, body snake_case",
              properties.delivery_mode == 2 and properties.content_type == "application/json" and uuid.UUID(properties.message_id)
              and properties.type == "payment.requested" and body.get("booking_id", "").lower() == booking and body.get("amount_minor") == SEAT_PRICE,
              (properties, body))

    top.payments.stop()
    pending = hold(a, 31, pia)
    status, paid, _ = request(a.port, "POST", f"/api/bookings/{pending}/pay", headers=pia)
    time.sleep(0.5)
    NODE.ctl("purge_queue", "boxoffice.payments")
    properties = pika.BasicProperties(content_type="application/json", delivery_mode=2, message_id=str(uuid.uuid4()), type="payment.requested")
    body = json.dumps({"booking_id": pending, "user_identifier": pia_id, "amount_minor": SEAT_PRICE, "currency": "EUR"})
    channel.confirm_delivery()
    channel.basic_publish("boxoffice.messages", "payment.requested", body, properties, mandatory=True)
    connection.close()
    top.restart_payments()
    deadline = time.time() + 15
    final = None
    while time.time() < deadline:
        final = request(a.port, "GET", f"/api/bookings/{pending}", headers=pia)[1]["status"]
        if final != "payment_pending":
            break
        time.sleep(0.1)
    check("a payment request published by pika is taken by our payment service and the booking is confirmed", final == "confirmed", (status, paid, final))


def payment_storm(top, count, start_seat):
    """Holds `count` seats for `count` customers with wallets and pays them all at once, from both instances."""
    a, b = top.bookings
    users = [guest(a.port) for _ in range(count)]
    for n, user in enumerate(users):
        wallet(top.payments.port, user, ENOUGH if n % 3 else 1000)
    bookings = [hold((a, b)[n % 2], start_seat + n, users[n]) for n in range(count)]

    def pay(n):
        try:
            return request((a, b)[n % 2].port, "POST", f"/api/bookings/{bookings[n]}/pay", headers=users[n], timeout=30)[0]
        except CUT_OFF:
            return None

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=16)
    futures = [pool.submit(pay, n) for n in range(count)]
    return pool, futures


def keyed_retries_after_a_kill(top, users=30, first_seat=300):
    """Keyed holds, then keyed pays, sent to instance A, which is killed with kill -9 mid-flow; every client retries
    with its key on instance B (one database): each key's write happened once, and its retry learns what it made."""
    a, b = top.bookings
    identities = [guest_identity(b.port) for _ in range(users)]
    owners = [identity[0] for identity in identities]
    for n, owner in enumerate(owners):
        wallet(top.payments.port, owner, ENOUGH if n % 3 else 1000)

    def killed_and_restarted():
        a.process.wait(timeout=10)
        a.log.close()
        top.bookings[0] = top.start_booking(0, wait=True)
        return top.bookings[0]

    def hold_on(server, n):
        return request(server.port, "POST", "/api/book/safe", {"seat_id": first_seat + n}, keyed(owners[n], f"hold-{n}"), timeout=10)

    first = storm([lambda n=n: hold_on(a, n) for n in range(users)], 0.1, a.process.kill)
    made = {n: answer[1]["booking_id"] for n, answer in enumerate(first) if answer != "killed" and answer[0] == 200}
    started, bookings, stuck, found = time.time(), {}, [], 0
    for n in range(users):
        status, answer, headers, _ = answered(b.port, "POST", "/api/book/safe", keyed(owners[n], f"hold-{n}"), {"seat_id": first_seat + n})
        if status == 200:
            bookings[n] = answer["booking_id"]
            found += n not in made and headers.get("Idempotent-Replayed") == "true"
        else:
            stuck.append((n, status, answer))
    print(f"     {len(made)} of {users} keyed holds answered by instance A before its kill -9; all retried on B in {time.time() - started:.1f} s; "
          f"{found} committed but unanswered were found by their retry", flush=True)
    check("keyed holds cut off by an instance's kill -9, retried on the other instance: every one answered", not stuck, stuck[:3])
    check("... a hold answered before the kill is the same booking when retried", all(bookings.get(n) == id for n, id in made.items()))
    names = ",".join(f"'{identity[1]}'" for identity in identities)
    rows = int(psql(top.booking_url, f"SELECT count(*) FROM bookings WHERE user_identifier IN ({names})")[0][0])
    check("... and no key made two bookings", rows == len(bookings), (rows, len(bookings)))

    a = killed_and_restarted()

    def pay_on(server, n):
        return request(server.port, "POST", f"/api/bookings/{bookings[n]}/pay", headers=keyed(owners[n], f"pay-{n}"), timeout=10)

    storm([lambda n=n: pay_on(a, n) for n in bookings], 0.15, a.process.kill)
    disagree = []
    for n in bookings:
        status, answer, _, _ = answered(b.port, "POST", f"/api/bookings/{bookings[n]}/pay", keyed(owners[n], f"pay-{n}"))
        if status not in (200, 202) or (answer or {}).get("status") not in ("confirmed", "cancelled", "payment_pending"):
            disagree.append((n, status, answer))
    check("keyed pays cut off by an instance's kill -9, retried on the other instance: every one answered with its outcome", not disagree, disagree[:3])
    after_fault(top, "booking instance killed with kill -9 mid-flow, keyed retries on the other")
    charges = psql(top.payments_url, "SELECT count(*) FROM payments.ledger WHERE kind = 'charge' GROUP BY booking_id HAVING count(*) > 1")
    check("... nobody charged twice", not charges, charges)
    killed_and_restarted()


def after_fault(top, name):
    left = wait_terminal(top.booking_url, 60)
    counts = dict(psql(top.booking_url, "SELECT status, count(*) FROM bookings GROUP BY status"))
    print(f"     after {name.split(' (')[0]}: bookings {counts}", flush=True)
    check(f"{name}: every paid booking reaches confirmed or cancelled", left == 0, f"{left} still payment_pending")
    found = problems(top.booking_url, top.payments_url)
    check(f"{name}: both databases hold every invariant", not found, found)


def faults(top):
    pool, futures = payment_storm(top, 30, 100)
    time.sleep(0.3)
    NODE.kill()
    time.sleep(2)
    NODE.start()
    pool.shutdown(wait=True)
    after_fault(top, "broker killed with kill -9 and restarted mid-flow")
    ready = all(server.ready() for server in [top.payments, *top.bookings])
    deadline = time.time() + 20
    while not ready and time.time() < deadline:
        time.sleep(0.2)
        ready = all(server.ready() for server in [top.payments, *top.bookings])
    check("... every process is ready again by itself", ready)

    pool, futures = payment_storm(top, 30, 140)
    time.sleep(0.2)
    closed = NODE.close_boxoffice_connections()
    pool.shutdown(wait=True)
    check(f"the broker closed {closed} connections of ours mid-flow", closed >= 6, closed)
    after_fault(top, "connections closed by the broker")

    pool, futures = payment_storm(top, 30, 180)
    time.sleep(0.2)
    top.payments.process.kill()
    top.payments.process.wait()
    time.sleep(1)
    top.restart_payments()
    pool.shutdown(wait=True)
    after_fault(top, "payment service killed with kill -9 mid-flow (deliveries committed but not acknowledged come again)")

    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    channel.confirm_delivery()
    poison = str(uuid.uuid4())
    channel.basic_publish("boxoffice.messages", "payment.requested", "{not json",
                          pika.BasicProperties(content_type="application/json", delivery_mode=2, message_id=poison, type="payment.requested"),
                          mandatory=True)
    connection.close()
    deadline = time.time() + 10
    kept = []
    while time.time() < deadline and not kept:
        kept = psql(top.payments_url, f"SELECT consumer, type FROM payments.dead_letters WHERE message_id = '{poison}'")
        time.sleep(0.1)
    check("a poison message is kept in the payment service's dead letters", kept == [["payments", "payment.requested"]], kept)
    deadline = time.time() + 10
    while time.time() < deadline and not NODE.queue_messages("boxoffice.dead-letters"):
        time.sleep(0.2)
    check("... and in the broker's dead-letter queue", (NODE.queue_messages("boxoffice.dead-letters") or 0) >= 1, NODE.ctl("list_queues", "name", "messages"))

    NODE.ctl("delete_queue", "boxoffice.payments")
    a, _ = top.bookings
    owner = guest(a.port)
    wallet(top.payments.port, owner, ENOUGH)
    booking = hold(a, 230, owner)
    request(a.port, "POST", f"/api/bookings/{booking}/pay", headers=owner, timeout=30)
    after_fault(top, "payment queue deleted (the relay's message comes back unroutable, stays in the outbox, goes once the queue is declared again)")
    final = request(a.port, "GET", f"/api/bookings/{booking}", headers=owner)[1]
    check("... that booking is confirmed", final["status"] == "confirmed", final)


def bad_settings(work):
    result = subprocess.run([BINARY, "serve", "--role", "booking", "--broker", "amqp://bad url"], capture_output=True, text=True, timeout=30)
    check("a malformed --broker URL is refused with a clear message, not a crash",
          result.returncode != 0 and "broker URL" in result.stderr and "Fatal error" not in result.stderr, result.stderr[-300:])
    result = subprocess.run([BINARY, "serve", "--role", "payments"], capture_output=True, text=True, timeout=30,
                            env={**os.environ, "BOXOFFICE_AUTH_SECRET": AUTH_SECRET})
    check("role payments without a broker is refused with a clear message", result.returncode != 0 and "--broker" in result.stderr, result.stderr[-300:])

    wrong = AMQP_URL.replace("boxoffice:boxoffice@", "boxoffice:not-the-password@")
    server = Server(BINARY, os.path.join(work, "wrong"), env={"BOXOFFICE_BROKER_URL": wrong, "BOXOFFICE_ORGANIZER_TOKEN": TOKEN}, wait=False)
    deadline = time.time() + 15
    while "cannot reach the broker" not in server.log_text() and time.time() < deadline:
        time.sleep(0.1)
    status, problem, _ = request(server.port, "GET", "/health/ready")
    log = server.log_text()
    check("a wrong broker password: a clear log line and 503 on /health/ready", "cannot reach the broker" in log and status == 503, (status, log[-400:]))
    check("... naming the broker in the readiness answer", "broker" in problem.get("detail", ""), problem)
    check("... no password in any log line", "not-the-password" not in log)
    check("... and no crash", server.process.poll() is None)
    server.stop()

    NODE.shell(f"rabbitmq_stop '{NODE.directory}'")
    server = Server(BINARY, os.path.join(work, "down"), env={"BOXOFFICE_BROKER_URL": AMQP_URL, "BOXOFFICE_ORGANIZER_TOKEN": TOKEN}, wait=False)
    deadline = time.time() + 15
    while "cannot reach the broker" not in server.log_text() and time.time() < deadline:
        time.sleep(0.1)
    down = request(server.port, "GET", "/health/ready")[0]
    NODE.start()
    try:
        server.wait_ready(30)
        came_up = True
    except RuntimeError:
        came_up = False
    check("a broker down at start: 503 until it comes, then ready by itself", down == 503 and came_up, (down, came_up))
    check("... no password in any log line", "boxoffice:boxoffice" not in server.log_text())
    server.stop()


def refunds_with_the_payment_service_killed(top):
    """Every confirmed booking refunded (half kept off sale) from both instances, the payment service killed with kill -9
    mid-flow and restarted: every refund is credited exactly once, with the booking's price."""
    a, b = top.bookings
    confirmed = [row[0] for row in psql(top.booking_url, "SELECT id FROM bookings WHERE status = 'confirmed'")]
    organizer = {"Authorization": f"Bearer {TOKEN}"}

    def refund(n):
        try:
            return request((a, b)[n % 2].port, "POST", f"/api/bookings/{confirmed[n]}/refund", {"seats": "release" if n % 2 else "block"}, organizer, timeout=30)[0]
        except CUT_OFF:
            return None

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=16)
    futures = [pool.submit(refund, n) for n in range(len(confirmed))]
    time.sleep(0.1)
    top.payments.process.kill()
    top.payments.process.wait()
    time.sleep(1)
    top.restart_payments()
    pool.shutdown(wait=True)
    answers = [future.result() for future in futures]
    check(f"{len(confirmed)} refunds asked from both instances while the payment service was killed: each answered 201", answers.count(201) == len(confirmed),
          sorted(set(map(str, answers))))
    deadline = time.time() + 60
    pending = None
    while time.time() < deadline:
        pending = psql(top.booking_url, "SELECT count(*) FROM refunds WHERE credited_at IS NULL")[0][0]
        if pending == "0":
            break
        time.sleep(0.2)
    check("after the payment service's restart every refund is credited", pending == "0", f"{pending} pending")
    back = dict(psql(top.payments_url, "SELECT booking_id, SUM(amount_minor) FROM payments.ledger WHERE kind = 'refund' GROUP BY booking_id"))
    paid = dict(psql(top.payments_url, "SELECT booking_id, -SUM(amount_minor) FROM payments.ledger WHERE kind = 'charge' GROUP BY booking_id"))
    wrong = [(booking, back.get(booking), paid.get(booking)) for booking in confirmed if back.get(booking) != paid.get(booking)]
    check("... each booking got back exactly what it paid, once", not wrong, wrong[:3])
    after_fault(top, "refunds with the payment service killed with kill -9 mid-flow")


def main():
    work = tempfile.mkdtemp(prefix="boxoffice-broker-blackbox-")
    top = None
    try:
        top = Topology(BINARY, ADMIN_URL, AMQP_URL, work)
        seed_scenario(top)
        revoked_tokens(top)
        pushes_across_instances(top)
        buy_now(top)
        pika_interop(top)
        keyed_retries_after_a_kill(top)
        faults(top)
        refunds_with_the_payment_service_killed(top)
        check("every process stops cleanly", top.stop() == [0, 0, 0])
        top = None
        bad_settings(work)
    finally:
        if top:
            top.stop()
        shutil.rmtree(work, ignore_errors=True)
    return summary("broker black-box")


if __name__ == "__main__":
    sys.exit(main())
