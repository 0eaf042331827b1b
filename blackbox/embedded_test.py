#!/usr/bin/env python3
"""Black-box tests of the `boxoffice` binary in embedded mode, over real HTTP.

Starts the binary on a free loopback port with a temporary data directory, and checks what a newcomer
would: it serves, the seed's 50-on-one-seat attack gives exactly one success, SIGTERM stops it cleanly,
and a restart keeps the bookings; SIGTERM with a live socket (closed with 1001) and with a client whose body never
comes (the shutdown is bounded), and an idle connection closed. Usage: embedded_test.py PATH/TO/boxoffice
"""
import concurrent.futures
import http.client
import json
import shutil
import signal
import socket
import sys
import tempfile
import time
import urllib.request

import websocket

from common import Server, check, guest, request, summary

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"


def shutdown_with_clients(data_dir):
    """SIGTERM with a live socket and a client whose request body never comes: both must not hold the process."""
    server = Server(BINARY, data_dir, env={"BOXOFFICE_SHUTDOWN_TIMEOUT": "3"})
    live = websocket.create_connection(f"ws://127.0.0.1:{server.port}/api/ws", timeout=10)
    live.send(json.dumps({"action": "subscribe", "event_id": 1}))
    live.recv()
    started = time.time()
    server.process.send_signal(signal.SIGTERM)
    try:
        opcode, frame = live.recv_data_frame(True)
        code = int.from_bytes(frame.data[:2], "big") if opcode == websocket.ABNF.OPCODE_CLOSE else None
    except websocket.WebSocketConnectionClosedException:
        code = None
    check("SIGTERM closes a live socket with 1001 (going away)", code == 1001, (opcode, code))
    exit_code = server.process.wait(timeout=20)
    took = time.time() - started
    check(f"... and the server exits at once, not held by the socket ({took:.1f} s)", exit_code == 0 and took < 3, (exit_code, took))

    server = Server(BINARY, data_dir, env={"BOXOFFICE_SHUTDOWN_TIMEOUT": "3"})
    slow = socket.create_connection(("127.0.0.1", server.port))
    slow.sendall(b"POST /api/book/safe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{\"seat_id\":")
    time.sleep(0.3)
    started = time.time()
    server.process.send_signal(signal.SIGTERM)
    exit_code = server.process.wait(timeout=30)
    took = time.time() - started
    check(f"SIGTERM with a request body that never comes: the server exits after the shutdown timeout, 3 s ({took:.1f} s)", took < 6, (exit_code, took))
    slow.close()
    server.log.close()

    server = Server(BINARY, data_dir, env={"BOXOFFICE_IDLE_TIMEOUT": "1"})
    idle = socket.create_connection(("127.0.0.1", server.port))
    idle.sendall(b"POST /api/book/safe HTTP/1.1\r\nHost: x\r\nContent-Length: 60\r\n\r\n{")
    idle.settimeout(10)
    started = time.time()
    try:
        while idle.recv(4096):
            pass
        closed = True
    except socket.timeout:
        closed = False
    except OSError:
        closed = True
    took = time.time() - started
    check(f"a connection silent for the idle timeout (1 s) is closed ({took:.1f} s)", closed and took < 5, (closed, took))
    idle.close()
    check("... and the server stops cleanly after", server.stop(signal.SIGTERM) == 0)


def limits(data_dir):
    server = Server(BINARY, data_dir, env={"BOXOFFICE_RATE_LIMITS": "default"})
    # Refreshes count as logins, and an unknown refresh token is refused without bcrypt's work: the 30 arrive
    # within a fraction of a second even on a busy machine.
    def refresh(n):
        return request(server.port, "POST", "/api/auth/refresh", {"refresh_token": "6f1c3c1e-3f5d-4c47-9d0a-7a1e0b7f2a11." + "A" * 43},
                       headers={"X-Forwarded-For": f"198.51.100.{n}"})

    with concurrent.futures.ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(refresh, range(30)))
    statuses = sorted(status for status, _, _ in answers)
    waits = [headers.get("Retry-After") for status, _, headers in answers if status == 429]
    # The address's bucket holds 10 and refills 5 a second while the 30 arrive.
    check("30 logins at once from one address: the bucket's 10 (and its refill) answered 401, the rest refused 429",
          statuses.count(401) >= 10 and statuses.count(429) >= 10 and set(statuses) == {401, 429}, statuses)
    check("... each 429 says when to come back (Retry-After), and a spoofed X-Forwarded-For is not trusted", all(w and int(w) >= 1 for w in waits), waits)
    guest = request(server.port, "POST", "/api/auth/guest")[1]["access_token"]
    status, _, _ = request(server.port, "POST", "/api/book/safe", {"seat_id": 30}, headers={"Authorization": f"Bearer {guest}", "Origin": "https://evil.example"})
    check("a write from a page of another origin is refused 403", status == 403, status)
    server.stop()


def main():
    data_dir = tempfile.mkdtemp(prefix="boxoffice-blackbox-")
    try:
        # The default rate limits: the seed's scenarios pass them.
        server = Server(BINARY, data_dir, env={"BOXOFFICE_RATE_LIMITS": "default"})
        status, events, _ = request(server.port, "GET", "/api/events")
        check("GET /api/events lists the demo events", status == 200 and len(events) == 2, events)
        check("the seed's concert has 50 seats", events[0]["seats_total"] == 50, events[0])

        def attack(n):
            return request(server.port, "POST", "/api/book/safe", {"seat_id": 7, "user_identifier": f"attacker-{n}"})[0]

        with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(attack, range(50)))
        check("the seed's attack: exactly one 200", statuses.count(200) == 1, statuses)
        check("the seed's attack: 49 × 409 and nothing else", statuses.count(409) == 49, statuses)

        status, booking, _ = request(server.port, "POST", "/api/bookings",
                                     {"event_id": 2, "seat_ids": [100, 101], "ga": [{"pool_id": 1, "quantity": 2}], "user_identifier": "zoe"})
        check("POST /api/bookings without a token holds seats and GA tickets for a new guest", status == 201 and booking["status"] == "held"
              and booking.get("guest_token"), booking)
        zoe = {"Authorization": f"Bearer {booking.get('guest_token')}"}
        status, seats, headers = request(server.port, "GET", "/api/events/2/seats")
        check("the seat map shows the hold", status == 200 and seats["seats_available"] == seats["seats_total"] - 2, seats.get("seats_available"))
        status, _, _ = request(server.port, "GET", "/api/events/2/seats", headers={"If-None-Match": headers["ETag"]})
        check("the seat map revalidates with 304", status == 304, status)
        status, problem, headers = request(server.port, "POST", "/api/book/safe", {"seat_id": "x"})
        check("bad input gets a problem response", status == 400 and headers["Content-Type"] == "application/problem+json", problem)

        status, _, _ = request(server.port, "GET", f"/api/bookings/{booking['id']}", headers=guest(server.port))
        check("another guest cannot see that booking", status == 404, status)
        _, account, _ = request(server.port, "POST", "/api/accounts", {}, zoe)
        request(server.port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": 100000}, zoe)
        status, paid, _ = request(server.port, "POST", f"/api/bookings/{booking['id']}/pay", headers=zoe)
        check("paying from the wallet confirms the booking", status == 200 and paid["status"] == "confirmed", paid)
        # A plain body on a kept-alive connection is answered on the event loop (urllib's Connection: close is not).
        plain = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        plain.request("POST", "/api/book/safe", body=json.dumps({"seat_id": 102}), headers={"Content-Type": "application/json"})
        check("a plain hold on a kept-alive connection is held", plain.getresponse().status == 200)
        plain.close()
        status, _, _ = request(server.port, "GET", "/metrics")
        check("GET /metrics without the organizer's token is 401", status == 401, status)
        with open(f"{data_dir}/organizer-token") as file:
            organizer = {"Authorization": f"Bearer {file.read().strip()}"}
        metrics = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{server.port}/metrics", headers=organizer)).read().decode()
        check("GET /metrics counts the published messages", 'boxoffice_outbox_published_total{outbox="booking"}' in metrics, metrics[:300])
        for name, what in [
            ('http_server_requests_total{http_route="/api/events"', "requests by route, method and status"),
            ('http_server_request_duration_seconds_bucket{http_route="/api/bookings/{id}/pay"', "... their latency as a histogram"),
            ('boxoffice_fast_path_answers_total{route="POST /api/book/safe",status="200"}', "the event loop's own answers by route and status"),
            ('boxoffice_holds_total{event="1"}', "holds per event"),
            ('boxoffice_batch_changes_bucket{event="1"', "batch sizes per event"),
            ('boxoffice_outbox_oldest_unsent_seconds{outbox="booking"}', "outbox lag"),
            ('boxoffice_message_delay_seconds_bucket{consumer=', "consumer lag"),
            ("boxoffice_live_connections", "live connections"),
        ]:
            check(f"GET /metrics has {what}", name in metrics, [line for line in metrics.splitlines() if name.split("{")[0] in line][:3])

        code = server.stop(signal.SIGTERM)
        check("SIGTERM stops the server cleanly", code == 0, code)

        server = Server(BINARY, data_dir)
        status, kept, _ = request(server.port, "GET", f"/api/bookings/{booking['id']}", headers=zoe)
        check("a restart keeps the booking", status == 200 and kept["status"] == "confirmed" and kept["seat_ids"] == [100, 101], kept)
        status, events, _ = request(server.port, "GET", "/api/events")
        check("a restart adds no second set of demo events", len(events) == 2, events)
        check("a restart keeps the attack's winner", events[0]["seats_available"] == 49, events[0])
        code = server.stop(signal.SIGINT)
        check("SIGINT stops the server cleanly", code == 0, code)
        limits(data_dir)
        shutdown_with_clients(data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return summary("embedded black-box")


if __name__ == "__main__":
    sys.exit(main())
