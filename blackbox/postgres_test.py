#!/usr/bin/env python3
"""Black-box tests of several `boxoffice serve` instances on one PostgreSQL, over real HTTP.

Usage: postgres_test.py BINARY ADMIN_URL
  ADMIN_URL  a postgres:// URL of a superuser; each scenario gets a database of its own.
Environment (optional, for the fault scenarios): BOXOFFICE_TEST_PG_STOP and BOXOFFICE_TEST_PG_START, shell
commands that stop and start that PostgreSQL server.

Scenarios: two instances started at the same moment on an empty database migrate and add demo data once;
the seed's 50-on-one-seat attack split across both; a storm of overlapping seat and GA bookings split across
both, verified from the database; a hold on one instance visible on the other within a second; PostgreSQL
unreachable at start (503 until it comes) and restarted while serving (503, then recovery, nothing lost);
tickets scanned on both instances at the same moment (each admitted once).
"""
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

from common import Server, check, guest, guest_identity, pay_settled, request, summary

BINARY = sys.argv[1]
ADMIN_URL = sys.argv[2]
TOKEN = "blackbox-organizer"
STORM_EVENT = {
    "title": "Storm", "venue": "Tiny Club", "starts_at": "2030-01-01T20:00:00Z", "max_tickets_per_booking": 6,
    "categories": [{"id": "std", "price_minor": 2500}],
    "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A-D", "seats": "1-10", "category": "std"}]}]},
    "ga_pools": [{"name": "Standing", "price_minor": 1000, "capacity": 30}],
}


def psql(url, sql):
    output = subprocess.run(["psql", url, "-qtAF", "|", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in output.splitlines() if line]


def new_database():
    name = "blackbox_" + uuid.uuid4().hex[:12]
    psql(ADMIN_URL, f"CREATE DATABASE {name}")
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def start_pair(work, url):
    # Instances of one database share the token-signing key, so a token one issues works on the other.
    env = {"BOXOFFICE_DATABASE_URL": url, "BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_AUTH_SECRET": "postgres-test-signing-secret-32-bytes-long"}
    servers = [Server(BINARY, os.path.join(work, name), env=env, wait=False) for name in ("a", "b")]
    for server in servers:
        server.wait_ready()
    return servers


def create_shared_event(creator, other, body):
    """Creates an event on one instance and waits (at most 5 s) until the other serves it; returns it and the wait."""
    status, event, _ = request(creator.port, "POST", "/api/events", body, {"Authorization": f"Bearer {TOKEN}"})
    if status != 201:
        raise AssertionError(f"creating event {body['title']!r} answered {status}: {event}")
    started = time.time()
    while request(other.port, "GET", f"/api/events/{event['id']}")[0] != 200 and time.time() - started < 5:
        time.sleep(0.01)
    return event, time.time() - started


def invariants(url, answered):
    """Reads the database back: no seat in two active bookings, claims match them, pools within capacity."""
    active = psql(url, "SELECT id, seat_ids, tickets, status FROM bookings WHERE status IN ('held', 'payment_pending', 'confirmed')")
    owners, problems = {}, []
    held_by_pool = {}
    for booking, seats, tickets, status in active:
        for seat in filter(None, seats.split(",")):
            if seat in owners:
                problems.append(f"seat {seat} in {owners[seat]} and {booking}")
            owners[seat] = booking
        for line in filter(None, tickets.split(",")):
            pool, quantity = line.split(":")
            if status == "held":
                held_by_pool[pool] = held_by_pool.get(pool, 0) + int(quantity)
    claims = {seat: booking for seat, booking in psql(url, "SELECT seat_id, booking_id FROM seat_claims")}
    if claims != owners:
        problems.append(f"{len(claims)} seat claims vs {len(owners)} seats of active bookings")
    for pool, capacity, held, sold in psql(url, "SELECT id, capacity, held, sold FROM ga_pools"):
        if int(held) + int(sold) > int(capacity):
            problems.append(f"pool {pool} over capacity")
        if int(held) != held_by_pool.get(pool, 0):
            problems.append(f"pool {pool} counts {held} held, bookings hold {held_by_pool.get(pool, 0)}")
    stored = {row[0] for row in psql(url, "SELECT id FROM bookings")}
    missing = [booking for booking in answered if booking not in stored]
    if missing:
        problems.append(f"{len(missing)} answered bookings are not stored")
    return problems


def two_instances(work):
    url = new_database()
    a, b = start_pair(work, url)
    migrations = psql(url, "SELECT count(*), max(version) FROM schema_migrations")
    check("two instances starting together migrate once", migrations[0][0] == migrations[0][1], migrations)
    check("... and add the demo events once", psql(url, "SELECT count(*) FROM events") == [["2"]])

    event, seen_after = create_shared_event(a, b, STORM_EVENT)
    event_id, first_seat, pool = event["id"], event["first_seat_id"], event["ga_pools"][0]["id"]
    check(f"an event created on one instance appears on the other within 1 s ({seen_after * 1000:.0f} ms)", seen_after < 1, seen_after)

    def attack(n):
        server = (a, b)[n % 2]
        return request(server.port, "POST", "/api/book/safe", {"seat_id": 25, "user_identifier": f"attacker-{n}"})[0]

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool_executor:
        statuses = list(pool_executor.map(attack, range(50)))
    check("the seed's attack across two instances: exactly one 200", statuses.count(200) == 1, statuses)
    check("... and 49 × 409", statuses.count(409) == 49, statuses)

    rng = random.Random(7)
    bodies = []
    for index in range(1000):
        start = rng.randrange(0, 38)
        seats = [] if index % 4 == 3 else [first_seat + s for s in range(start, start + rng.randint(1, 3))]
        quantity = rng.randint(1, 3) if index % 3 == 0 or not seats else 0
        body = {"event_id": event_id, "seat_ids": seats, "user_identifier": f"buyer-{index}"}
        if quantity:
            body["ga"] = [{"pool_id": pool, "quantity": quantity}]
        bodies.append(body)

    def book(index):
        server = (a, b)[index % 2]
        status, reply, _ = request(server.port, "POST", "/api/bookings", bodies[index])
        return status, (reply or {}).get("id")

    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool_executor:
        answers = list(pool_executor.map(book, range(len(bodies))))
    duration = time.time() - started
    codes = [status for status, _ in answers]
    created = [booking for status, booking in answers if status == 201]
    print(f"     storm: {len(answers)} requests over 2 instances in {duration:.2f} s: "
          f"{len(created)} × 201, {codes.count(409)} × 409, {len(codes) - len(created) - codes.count(409)} other")
    check("the storm gets only 201 and 409", set(codes) <= {201, 409}, sorted(set(codes)))
    problems = invariants(url, created)
    check("after the storm the database holds every invariant", not problems, problems)

    # Its own event: the storm above may have taken any seat of its event.
    watched, _ = create_shared_event(a, b, dict(STORM_EVENT, title="Watched"))
    status, hold, _ = request(a.port, "POST", "/api/book/safe", {"seat_id": watched["first_seat_id"] + 39, "user_identifier": "watcher"})
    started = time.time()
    visible = False
    while time.time() - started < 3 and status == 200:
        seats = request(b.port, "GET", f"/api/events/{watched['id']}/seats")[1]
        row = seats["sections"][0]["rows"][3]
        if row["status"][9] == "h":
            visible = True
            break
        time.sleep(0.01)
    latency = time.time() - started
    check(f"a hold on one instance shows on the other's seat map within 1 s ({latency * 1000:.0f} ms)", visible and latency < 1, (status, latency))

    short = dict(STORM_EVENT, title="Short holds", hold_ttl_seconds=1)
    event, _ = create_shared_event(b, a, short)
    short_id, short_seat = event["id"], event["first_seat_id"]
    holds = [request((a, b)[n % 2].port, "POST", "/api/book/safe", {"seat_id": short_seat + n, "user_identifier": f"brief-{n}"})
             for n in range(6)]
    check("holds on a short-TTL event on both instances", [h[0] for h in holds] == [200] * 6, [h[0] for h in holds])
    time.sleep(3.5)
    statuses = psql(url, f"SELECT status, count(*) FROM bookings WHERE event_id = {short_id} GROUP BY status")
    claims = psql(url, f"SELECT count(*) FROM seat_claims WHERE event_id = {short_id}")
    check("both instances' sweepers expire each hold exactly once", statuses == [["expired", "6"]] and claims == [["0"]], (statuses, claims))
    maps = [request(server.port, "GET", f"/api/events/{short_id}/seats")[1]["seats_available"] for server in (a, b)]
    check("both instances show the expired seats available again", maps == [40, 40], maps)

    revoked_tokens(a, b)
    waiting_room(a, b, url)
    door(a, b, url)
    refunds_on_both(a, b, url)
    prices_on_both(a, b)
    seat_maps_on_both(a, b)
    check("both instances stop cleanly", [a.stop(), b.stop()] == [0, 0])


def waiting_room(a, b, url):
    """One queue served by two instances: visitors join on either, one cursor admits them at the set rate (both
    instances move it, one at a time), a pass issued by one is accepted by the other, and no hold gets past without."""
    organizer = {"Authorization": f"Bearer {TOKEN}"}
    queued = dict(STORM_EVENT, title="Queued", queue={"admit_per_minute": 120})
    event, _ = create_shared_event(a, b, queued)
    check("an event created with a waiting room says so on both instances", event.get("waiting_room") is True and
          all(request(s.port, "GET", f"/api/events/{event['id']}")[1].get("waiting_room") is True for s in (a, b)))
    visitors = [guest((a, b)[n % 2].port) for n in range(8)]
    places = [request((a, b)[n % 2].port, "POST", f"/api/events/{event['id']}/queue", headers=visitors[n])[1] for n in range(8)]
    positions = sorted(place.get("position") or 0 for place in places)
    check("eight visitors joining on two instances get positions 1 … 8, once each", positions == list(range(1, 9)), places)
    refused = request(b.port, "POST", "/api/book/safe", {"seat_id": event["first_seat_id"]}, visitors[0])
    check("a hold without a pass is refused on either instance", refused[0] == 403 and refused[1]["type"].endswith("/queue-pass-required"), refused)
    started = time.time()
    admitted = {}
    while len(admitted) < 8 and time.time() - started < 15:
        for n, visitor in enumerate(visitors):
            if n in admitted:
                continue
            place = request((b, a)[n % 2].port, "GET", f"/api/events/{event['id']}/queue/me", headers=visitor)[1]
            if place.get("state") == "admitted":
                admitted[n] = (time.time() - started, place)
        time.sleep(0.1)
    took = max((when for when, _ in admitted.values()), default=None)
    # 120 a minute is one every half second: eight in about 4 s, whichever instance moves the cursor.
    check(f"the cursor admits all eight at the set rate, though both instances move it ({took and round(took, 1)} s)",
          len(admitted) == 8 and 2.5 <= took <= 8, (len(admitted), took))
    cursor = request(a.port, "GET", f"/api/events/{event['id']}/queue")[1]
    check("... and never past the last visitor", cursor.get("cursor") == 8 and cursor.get("waiting") == 0, cursor)
    n, (_, place) = next(iter(admitted.items()))
    visitor = dict(visitors[n], **{"Queue-Pass": place["pass"]})
    other = (b, a)[n % 2]
    held = request(other.port, "POST", "/api/book/safe", {"seat_id": event["first_seat_id"] + 1}, visitor)
    check("a pass read on one instance is accepted by the other", held[0] == 200, held)
    stolen = dict(visitors[(n + 1) % 8], **{"Queue-Pass": place["pass"]})
    check("... and refused with another identity's token", request(other.port, "POST", "/api/book/safe", {"seat_id": event["first_seat_id"] + 2}, stolen)[0] == 403)
    stored = psql(url, f"SELECT count(*) FROM bookings WHERE event_id = {event['id']}")
    check("only the hold with a pass was stored", stored == [["1"]], stored)
    status, _, _ = request(a.port, "PUT", f"/api/events/{event['id']}/queue", {"enabled": False}, organizer)
    opened = False
    deadline = time.time() + 5
    while not opened and time.time() < deadline:
        opened = request(b.port, "POST", "/api/book/safe", {"seat_id": event["first_seat_id"] + 3}, visitors[2])[0] == 200
        time.sleep(0.1)
    check("switching the waiting room off on one instance opens the sale on the other within 5 s", status == 200 and opened, status)


def door(a, b, url):
    """Two instances check in the same tickets at the same moment: each ticket is admitted once, read back from the
    database."""
    event, _ = create_shared_event(a, b, {
        "title": "Two doors", "venue": "Hall", "starts_at": "2030-01-01T20:00:00Z", "max_tickets_per_booking": 10,
        "categories": [{"id": "std", "price_minor": 100}], "seat_map": {"sections": []},
        "ga_pools": [{"name": "Standing", "price_minor": 100, "capacity": 60}],
    })
    buyer = guest(a.port)
    status, account, _ = request(a.port, "POST", "/api/accounts", {}, buyer)
    request(a.port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": 100000}, buyer)
    secrets = []
    for _ in range(5):
        status, booking, _ = request(a.port, "POST", "/api/bookings", {"event_id": event["id"], "ga": [{"pool_id": event["ga_pools"][0]["id"], "quantity": 10}]}, buyer)
        paid = pay_settled(a.port, booking["id"], buyer)
        tickets = request(b.port, "GET", f"/api/bookings/{booking['id']}/tickets", None, buyer)[1]
        secrets += [ticket["secret"] for ticket in tickets if paid.get("status") == "confirmed"]
    check("50 tickets bought on one instance, read on the other", len(secrets) == 50, len(secrets))
    organizer = {"Authorization": f"Bearer {TOKEN}"}

    def scan(job):
        server, secret, nonce = job
        return request(server.port, "POST", f"/api/events/{event['id']}/checkins", {"secret": secret, "nonce": nonce, "gate": f"gate-{server.port}"}, organizer)[1].get("result")

    jobs = [(server, secret, f"{index}-{server.port}") for index, secret in enumerate(secrets) for server in (a, b)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(scan, jobs))
    per_ticket = [results[2 * index: 2 * index + 2] for index in range(len(secrets))]
    check("each ticket scanned on both instances at once: one admitted, one already checked in",
          all(sorted(pair) == ["admitted", "already_checked_in"] for pair in per_ticket), [pair for pair in per_ticket if sorted(pair) != ["admitted", "already_checked_in"]][:3])
    stored = psql(url, f"SELECT count(*), count(DISTINCT ticket_id) FROM checkins WHERE event_id = {event['id']}")
    check("... and the database holds one check-in per ticket", stored == [["50", "50"]], stored)


def prices_on_both(a, b):
    """A price changed on one instance is the price the other charges, once it has read the change (within 1 s)."""
    organizer = {"Authorization": f"Bearer {TOKEN}"}
    event, _ = create_shared_event(a, b, {
        "title": "New prices", "venue": "Hall", "starts_at": "2030-01-01T20:00:00Z",
        "categories": [{"id": "std", "price_minor": 1000}],
        "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A", "seats": "1-5", "category": "std"}]}]},
    })
    status, _, _ = request(a.port, "PATCH", f"/api/events/{event['id']}", {"categories": [{"id": "std", "price_minor": 1800}]}, organizer)
    started = time.time()
    price = lambda: request(b.port, "GET", f"/api/events/{event['id']}")[1]["categories"][0]["price_minor"]
    while price() != 1800 and time.time() - started < 5:
        time.sleep(0.02)
    check(f"a price changed on one instance shows on the other ({(time.time() - started) * 1000:.0f} ms)", status == 200 and price() == 1800, status)
    _, hold, _ = request(b.port, "POST", "/api/book/safe", {"seat_id": event["first_seat_id"]}, guest(b.port))
    check("... and a hold there costs it", hold.get("amount_minor") == 1800, hold)
    status, _, _ = request(a.port, "PATCH", f"/api/events/{event['id']}", {"categories": [{"id": "std", "price_minor": 500}]}, organizer)
    check("... after which the price stays: a seat of it is held on the other instance (409)", status == 409, status)


def seat_maps_on_both(a, b):
    """A draft's seat map replaced on one instance (its seats get new ids) sells on the other once published; a published
    event's row renamed on one instance shows on the other."""
    organizer = {"Authorization": f"Bearer {TOKEN}"}
    hall = lambda rows: {"sections": [{"name": "Floor", "rows": [{"rows": row, "seats": seats, "category": "std"} for row, seats in rows]}]}
    _, event, _ = request(a.port, "POST", "/api/events", {
        "title": "Redrawn", "venue": "Hall", "starts_at": "2030-01-01T20:00:00Z", "status": "draft",
        "categories": [{"id": "std", "price_minor": 900}], "seat_map": hall([("A", "1-5")]),
    }, organizer)
    path = f"/api/events/{event['id']}"
    wait_for(lambda: request(b.port, "GET", path, None, organizer)[0] == 200, 5)
    status, grown, _ = request(a.port, "PATCH", path, {"seat_map": hall([("A", "1-5"), ("B", "1-5")])}, organizer)
    # Published on the other instance at once, maybe before it heard of the new map.
    published = request(b.port, "POST", f"{path}/publish", None, organizer)[0]
    waited = wait_for(lambda: request(b.port, "GET", path, None, organizer)[1].get("seats_total") == 10, 5)
    check(f"a draft's seat map grown on one instance, published on the other, shows there ({waited and waited * 1000:.0f} ms)",
          status == 200 and published == 200 and waited is not None, (status, grown, published))
    rows = lambda server: request(server.port, "GET", f"{path}/seats", None, organizer)[1].get("sections", [{}])[0].get("rows", [])
    last = rows(a)[-1]["first_seat_id"] + 4
    buyer = guest(b.port)
    waited = wait_for(lambda: request(b.port, "POST", "/api/book/safe", {"seat_id": last}, buyer)[0] == 200, 5)
    check("... a seat it added sells there", waited is not None, rows(b))
    old_ids = [request(server.port, "POST", "/api/book/safe", {"seat_id": event["first_seat_id"]}, guest(server.port))[0] for server in (a, b)]
    check("... and the seats' old ids sell nowhere", all(status != 200 for status in old_ids), old_ids)
    status, _, _ = request(a.port, "PATCH", path, {"seat_map": hall([("AA", "1-5"), ("B", "1-5")])}, organizer)
    waited = wait_for(lambda: [row["label"] for row in rows(b)] == ["AA", "B"], 5)
    check(f"a published event's free row renamed on one instance shows on the other ({waited and waited * 1000:.0f} ms)", status == 200 and waited is not None, (status, rows(b)))
    status, _, _ = request(b.port, "PATCH", path, {"seat_map": hall([("AA", "1-5"), ("C", "1-5")])}, organizer)
    check("... while the row with a seat held on the other keeps its label (409)", status == 409, status)


def wait_for(condition, seconds):
    """Tries `condition` until it holds or `seconds` pass; returns how long it took, or None."""
    started = time.time()
    while time.time() - started < seconds:
        if condition():
            return time.time() - started
        time.sleep(0.02)
    return None


def refunds_on_both(a, b, url):
    """The same refund asked on two instances at the same moment: one makes it, the other answers with it; each
    booking is refunded once; a seat released on one instance can be held on the other."""
    event, _ = create_shared_event(a, b, {
        "title": "Two desks", "venue": "Hall", "starts_at": "2030-01-01T20:00:00Z",
        "categories": [{"id": "std", "price_minor": 700}], "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A", "seats": "1-20", "category": "std"}]}]},
    })
    buyer = guest(a.port)
    status, account, _ = request(a.port, "POST", "/api/accounts", {}, buyer)
    request(a.port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": 100000}, buyer)
    bookings, outcomes = [], []
    for n in range(10):
        _, hold, _ = request(a.port, "POST", "/api/book/safe", {"seat_id": event["first_seat_id"] + n}, buyer)
        outcomes.append(pay_settled(a.port, hold["booking_id"], buyer))
        if outcomes[-1].get("status") == "confirmed":
            bookings.append(hold["booking_id"])
    check("10 paid bookings on one instance", len(bookings) == 10, [outcome for outcome in outcomes if outcome.get("status") != "confirmed"])
    organizer = {"Authorization": f"Bearer {TOKEN}"}

    def refund(job):
        server, booking = job
        status, answer, _ = request(server.port, "POST", f"/api/bookings/{booking}/refund", {"seats": "release"}, organizer)
        return status, answer.get("id")

    jobs = [(server, booking) for booking in bookings for server in (a, b)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(refund, jobs))
    pairs = [results[2 * index: 2 * index + 2] for index in range(len(bookings))]
    check("each refund asked on both instances at once: one 201, one 200 with the same refund",
          all(sorted(status for status, _ in pair) == [200, 201] and pair[0][1] == pair[1][1] for pair in pairs), pairs[:3])
    stored = psql(url, f"SELECT count(*), count(DISTINCT booking_id) FROM refunds WHERE event_id = {event['id']}")
    check("... and the database holds one refund per booking", stored == [["10", "10"]], stored)
    deadline = time.time() + 10
    status = None
    while time.time() < deadline and status != 200:
        status, _, _ = request(b.port, "POST", "/api/book/safe", {"seat_id": event["first_seat_id"], "user_identifier": "next"}, guest(b.port))
        time.sleep(0.1)
    check("a seat released on one instance is held on the other", status == 200, status)


def revoked_tokens(a, b):
    """A token revoked on one instance (a guest that signed up, a session that logged out) stops working on the
    other within seconds: each instance follows the revocations in the database."""
    old, _, _ = guest_identity(a.port)
    status, grant, _ = request(a.port, "POST", "/api/auth/signup", {"email": "pg-revoke@example.test", "password": "a-password-1"}, old)
    check("a guest signs up on instance A", status == 201, (status, grant))
    waited = refused_within(b.port, old)
    check(f"... its guest token is refused on instance B within 3 s ({waited and round(waited, 2)} s)", waited is not None, waited)
    new = {"Authorization": f"Bearer {grant['access_token']}"}
    check("... the customer's token works on B", request(b.port, "GET", "/api/auth/me", headers=new)[0] == 200)
    request(b.port, "POST", "/api/auth/logout", {"refresh_token": grant["refresh_token"]})
    waited = refused_within(a.port, new)
    check(f"... after a logout on B the access token is refused on A within 3 s ({waited and round(waited, 2)} s)", waited is not None, waited)


def refused_within(port, headers, seconds=3):
    started = time.time()
    while time.time() - started < seconds:
        if request(port, "GET", "/api/auth/me", headers=headers)[0] == 401:
            return time.time() - started
        time.sleep(0.05)
    return None


def faults(work):
    stop, start = os.environ.get("BOXOFFICE_TEST_PG_STOP"), os.environ.get("BOXOFFICE_TEST_PG_START")
    if not stop or not start:
        check("fault scenarios need BOXOFFICE_TEST_PG_STOP and BOXOFFICE_TEST_PG_START", False)
        return
    url = new_database()
    subprocess.run(stop, shell=True, check=True, executable="/bin/bash")
    server = Server(BINARY, os.path.join(work, "faults"), env={"BOXOFFICE_DATABASE_URL": url, "BOXOFFICE_ORGANIZER_TOKEN": TOKEN,
                                                               "BOXOFFICE_DATABASE_TIMEOUT": "2"}, wait=False)
    waited = time.time()
    while "retrying" not in server.log_text() and time.time() - waited < 15:
        time.sleep(0.1)
    ready = request(server.port, "GET", "/health/ready")[0]
    api, problem, _ = request(server.port, "GET", "/api/events")
    check("with PostgreSQL down at start, /health/ready answers 503", ready == 503, ready)
    check("... the API answers a 503 problem", api == 503 and "detail" in problem, (api, problem))
    check("... and the log says it is retrying", "retrying" in server.log_text())
    subprocess.run(start, shell=True, check=True, executable="/bin/bash")
    server.wait_ready(30)
    check("once PostgreSQL is up the instance becomes ready by itself", server.ready())

    status, kept, _ = request(server.port, "POST", "/api/bookings", {"event_id": 2, "seat_ids": [70, 71], "user_identifier": "kept"})
    check("a booking before the restart", status == 201, kept)
    subprocess.run(stop, shell=True, check=True, executable="/bin/bash")
    started = time.time()
    status, problem, _ = request(server.port, "POST", "/api/book/safe", {"seat_id": 80, "user_identifier": "during"})
    waited = time.time() - started
    check(f"while PostgreSQL is down a booking fails with a 503 problem, without hanging ({waited:.1f} s)", status == 503 and waited < 10, (status, problem))
    subprocess.run(start, shell=True, check=True, executable="/bin/bash")
    recovered = None
    started = time.time()
    while time.time() - started < 30:
        status, booking, _ = request(server.port, "POST", "/api/book/safe", {"seat_id": 81, "user_identifier": "after"})
        if status == 200:
            recovered = time.time() - started
            break
        time.sleep(0.2)
    check(f"after PostgreSQL restarts the instance recovers by itself ({recovered and round(recovered, 1)} s)", recovered is not None)
    status, again, _ = request(server.port, "GET", f"/api/bookings/{kept['id']}", headers={"Authorization": f"Bearer {kept.get('guest_token')}"})
    check("the booking made before the restart is intact", status == 200 and again["seat_ids"] == [70, 71] and again["status"] == "held", again)
    check("no booking is half-written", not invariants(url, [kept["id"]]), invariants(url, [kept["id"]]))
    check("the instance stops cleanly", server.stop() == 0)


def main():
    work = tempfile.mkdtemp(prefix="boxoffice-postgres-blackbox-")
    try:
        two_instances(work)
        faults(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary("postgres black-box")


if __name__ == "__main__":
    sys.exit(main())
