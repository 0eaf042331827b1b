#!/usr/bin/env python3
"""Black-box: webhooks to a local receiver that fails, times out and then accepts.

An organizer registers two endpoints: one that answers 500, then takes longer than the server waits, then 200 (for
every notice), and one that is down until the test brings it up. Bookings are paid, the hall sells out, a booking is
refunded, a ticket is let in and another event is called off. The receiver must get every notice, each signed with its
endpoint's secret, one booking's notices in order, at least once (a repeat has the same id, so it can be dropped); the
API must list every delivery with its attempts; deliveries to the endpoint that stays down are parked, and sent when
re-sent by hand.

Usage: webhook_test.py BINARY [POSTGRES_ADMIN_URL]
Without a URL the server is embedded (SQLite); with one, two instances share a new database and its deliveries.
"""
import collections
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from common import Server, check, guest, pay_settled, request, summary

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
ADMIN_URL = sys.argv[2] if len(sys.argv) > 2 else None
TOKEN = "webhook-test-organizer"
ORGANIZER = {"Authorization": f"Bearer {TOKEN}"}
TIMEOUT_MS = 800
FLAGS = ["--allow-private-webhooks", "--webhook-retry-base-ms", "200", "--webhook-timeout-ms", str(TIMEOUT_MS), "--webhook-retry-window", "5"]
HALL = {
    "title": "Webhook Hall", "venue": "Lab", "starts_at": "2030-01-01T20:00:00Z", "max_tickets_per_booking": 10,
    "categories": [{"id": "std", "price_minor": 1500}],
    "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A", "seats": "1-6", "category": "std"}]}]},
}


class Receiver:
    """A local endpoint: `/flaky` answers a notice's first attempt 500, its second with a 200 head at once and its body
    only after the server gave up waiting, and every later one 200; `/down` answers 503 until `down` is cleared. It keeps every request it got."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.tries = collections.Counter()
        self.down = True
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                arrived = time.time()
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                notice = self.headers.get("Boxoffice-Notice", "")
                with receiver.lock:
                    receiver.tries[(self.path, notice)] += 1
                    attempt = receiver.tries[(self.path, notice)]
                stall = self.path == "/flaky" and attempt == 2
                if self.path == "/flaky":
                    status = 500 if attempt == 1 else 200
                else:
                    status = 503 if receiver.down else 200
                with receiver.lock:
                    receiver.requests.append({
                        "path": self.path, "headers": dict(self.headers), "body": body, "at": arrived, "status": status,
                        "late": self.path == "/flaky" and attempt == 2})
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    if stall:
                        # The head at once, the body only after the server's timeout: the whole exchange is timed.
                        self.wfile.flush()
                        time.sleep(TIMEOUT_MS / 1000 + 0.7)
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the server stopped waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def got(self, path):
        with self.lock:
            return [dict(r) for r in self.requests if r["path"] == path]


def signed(headers, body, secret):
    parts = dict(part.split("=", 1) for part in headers.get("Boxoffice-Signature", "").split(",") if "=" in part)
    expected = hmac.new(secret.encode(), f"{parts.get('t')}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", "")) and abs(time.time() - int(parts.get("t", "0"))) < 300


def start(work):
    env = {"BOXOFFICE_ORGANIZER_TOKEN": TOKEN}
    if ADMIN_URL is None:
        return [Server(BINARY, os.path.join(work, "embedded"), env=env, args=FLAGS)]
    name = "webhooks_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", ADMIN_URL, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    env |= {"BOXOFFICE_DATABASE_URL": ADMIN_URL.rsplit("/", 1)[0] + "/" + name, "BOXOFFICE_AUTH_SECRET": "webhook-test-signing-secret-32-bytes-long"}
    servers = [Server(BINARY, os.path.join(work, n), env=env, args=FLAGS, wait=False) for n in ("a", "b")]
    for server in servers:
        server.wait_ready()
    return servers


def buy(port, event, seats):
    """A new customer pays for `seats`; returns the booking id and the customer's Authorization header."""
    buyer = guest(port)
    _, account, _ = request(port, "POST", "/api/accounts", {}, buyer)
    request(port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": 100000}, buyer)
    status, booking, _ = request(port, "POST", "/api/bookings", {"event_id": event["id"], "seat_ids": seats}, buyer)
    assert status == 201, (status, booking)
    paid = pay_settled(port, booking["id"], buyer)
    assert paid.get("status") == "confirmed", paid
    return booking["id"], buyer


def wait_for(condition, seconds):
    started = time.time()
    while time.time() - started < seconds:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def main():
    work = tempfile.mkdtemp(prefix="boxoffice-webhooks-")
    receiver = Receiver()
    servers = []
    try:
        servers = start(work)
        port = servers[0].port
        base = f"http://127.0.0.1:{receiver.port}"
        status, flaky, _ = request(port, "POST", "/api/webhooks", {"url": f"{base}/flaky", "events": [
            "booking.confirmed", "booking.refunded", "checkin.admitted", "event.sold_out", "event.cancelled"]}, ORGANIZER)
        check("an organizer registers an endpoint: 201 with its id and secret", status == 201 and flaky["secret"].startswith("whsec_"), (status, flaky))
        status, down, _ = request(port, "POST", "/api/webhooks", {"url": f"{base}/down", "events": ["booking.confirmed"]}, ORGANIZER)
        check("... and a second one for one topic", status == 201 and down["events"] == ["booking.confirmed"], (status, down))
        listed = request(port, "GET", "/api/webhooks", headers=ORGANIZER)[1]
        check("both are listed, without their secrets", {w["id"] for w in listed["webhooks"]} == {flaky["id"], down["id"]}
              and all("secret" not in w for w in listed["webhooks"]), listed)
        check("a customer may not register one", request(port, "POST", "/api/webhooks", {"url": f"{base}/x", "events": ["booking.confirmed"]}, guest(port))[0] == 403)

        _, hall, _ = request(port, "POST", "/api/events", HALL, ORGANIZER)
        _, other, _ = request(port, "POST", "/api/events", HALL | {"title": "Called off"}, ORGANIZER)
        first = hall["first_seat_id"]
        # Customers buy on every instance; the last sale sells the hall out.
        bought = [buy(servers[n % len(servers)].port, hall, [first + 2 * n, first + 2 * n + 1]) for n in range(3)]
        refunded, second = bought[0][0], bought[1]
        sold_out = lambda: any(json.loads(r["body"])["type"] == "event.sold_out" for r in receiver.got("/flaky"))
        check("the hall's last sale sends event.sold_out", wait_for(sold_out, 10))
        status, _, _ = request(port, "POST", f"/api/bookings/{refunded}/refund", {}, ORGANIZER)
        check("a booking is refunded", status in (200, 201), status)
        tickets = request(port, "GET", f"/api/bookings/{second[0]}/tickets", headers=second[1])[1]
        scan = request(port, "POST", f"/api/events/{hall['id']}/checkins", {"secret": tickets[0]["secret"], "nonce": "n-1", "gate": "North"}, ORGANIZER)[1]
        check("a ticket is let in", scan.get("result") == "admitted", scan)
        check("another event is called off", request(port, "POST", f"/api/events/{other['id']}/cancel", headers=ORGANIZER)[0] == 202)

        expected = 7  # 3 confirmed, sold out, refunded, checked in, cancelled
        accepted = lambda: {json.loads(r["body"])["id"] for r in receiver.got("/flaky") if r["status"] == 200 and not r["late"]}
        delivered = wait_for(lambda: len(accepted()) >= expected, 40)
        time.sleep(TIMEOUT_MS / 1000 + 1)  # the answers the server stopped waiting for are kept too
        got = sorted(receiver.got("/flaky"), key=lambda r: r["at"])
        bodies = [json.loads(r["body"]) for r in got]
        kinds = collections.Counter(b["type"] for b in {b["id"]: b for b in bodies}.values())
        check(f"every notice reached the flaky endpoint ({len(accepted())} of {expected}, {len(got)} requests)", delivered and kinds == {
            "booking.confirmed": 3, "event.sold_out": 1, "booking.refunded": 1, "checkin.admitted": 1, "event.cancelled": 1}, kinds)
        check("every request is signed with the endpoint's secret, with a fresh timestamp",
              all(signed(r["headers"], r["body"], flaky["secret"]) for r in got))
        check("... and not with another endpoint's", not any(signed(r["headers"], r["body"], down["secret"]) for r in got))
        check("the Boxoffice-Notice header is the body's id, the topic header its type",
              all(r["headers"]["Boxoffice-Notice"] == b["id"] and r["headers"]["Boxoffice-Topic"] == b["type"] for r, b in zip(got, bodies)))
        per_notice = collections.defaultdict(list)
        for r, b in zip(got, bodies):
            per_notice[b["id"]].append(r)
        check("each notice was answered 500, then timed out, then accepted: at least once, three times here",
              all([r["status"] for r in rs][:3] == [500, 200, 200] and len(rs) == 3 for rs in per_notice.values()),
              {k: [r["status"] for r in rs] for k, rs in per_notice.items()})
        repeats = [rs for rs in per_notice.values() if len({r["body"] for r in rs}) != 1]
        check("a repeat is the same body with the same id, so a receiver drops it by id", not repeats)
        lines = collections.defaultdict(list)
        for r, b in zip(got, bodies):
            if b.get("booking"):
                lines[b["booking"]["id"]].append((r["at"], r["status"], b["type"]))
        refund_line = lines[refunded]
        confirmed_taken = max(at for at, status, kind in refund_line if kind == "booking.confirmed")
        refund_first = min(at for at, status, kind in refund_line if kind == "booking.refunded")
        check("one booking's notices arrive in order: its refund only after its confirmation's last attempt", confirmed_taken < refund_first, refund_line)
        refund_body = next(b for b in bodies if b["type"] == "booking.refunded")
        check("the refund's notice names the booking, the amount and the seats", refund_body["refund"]["amount_minor"] == 3000
              and refund_body["booking"]["status"] == "refunded" and len(refund_body["booking"]["seats"]) == 2, refund_body)
        checkin_body = next(b for b in bodies if b["type"] == "checkin.admitted")
        check("the check-in's notice names the ticket and the gate", checkin_body["checkin"] == {
            "ticket_id": tickets[0]["id"], "gate": "North", "at": checkin_body["checkin"]["at"]}, checkin_body)

        page = request(port, "GET", f"/api/webhooks/{flaky['id']}/deliveries?limit=100", headers=ORGANIZER)[1]
        logs = [[a.get("status_code") for a in d["attempt_log"]] for d in page["deliveries"]]
        check("the API lists each delivery, delivered, with its attempts: 500, no answer, 200",
              len(page["deliveries"]) == expected and all(d["status"] == "delivered" for d in page["deliveries"])
              and all(log == [500, None, 200] for log in logs), [[(a.get("status_code"), a["detail"]) for a in d["attempt_log"]] for d in page["deliveries"]])
        timed_out = page["deliveries"][-1]["attempt_log"][1]["detail"]
        check("the attempt that got no answer says so", "no answer within" in timed_out, timed_out)

        parked = lambda: request(port, "GET", f"/api/webhooks/{down['id']}/deliveries?status=parked", headers=ORGANIZER)[1]["deliveries"]
        check("deliveries to the endpoint that stays down are parked once their retry window passed", wait_for(lambda: len(parked()) == 3, 30), parked())
        attempts = [len(d["attempt_log"]) for d in parked()]
        check("... after several attempts, each answered 503", all(n >= 3 for n in attempts)
              and all(a["status_code"] == 503 for d in parked() for a in d["attempt_log"]), attempts)
        receiver.down = False
        for delivery in parked():
            status, resent, _ = request(port, "POST", f"/api/webhooks/{down['id']}/deliveries/{delivery['id']}/resend", headers=ORGANIZER)
            check("a parked delivery is sent again on request: 202", status == 202 and resent["status"] == "pending", (status, resent))
        taken = lambda: request(port, "GET", f"/api/webhooks/{down['id']}/deliveries?status=delivered", headers=ORGANIZER)[1]["deliveries"]
        check("... and the endpoint, back up, takes them", wait_for(lambda: len(taken()) == 3, 20), taken())

        check("an endpoint deleted is gone: 204, then 404", request(port, "DELETE", f"/api/webhooks/{down['id']}", headers=ORGANIZER)[0] == 204
              and request(port, "GET", f"/api/webhooks/{down['id']}", headers=ORGANIZER)[0] == 404)
    finally:
        for server in servers:
            server.stop()
        receiver.server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    return summary("webhooks black-box" + (" (PostgreSQL, two instances)" if ADMIN_URL else " (embedded)"))


if __name__ == "__main__":
    sys.exit(main())
