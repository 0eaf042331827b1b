#!/usr/bin/env python3
"""Black-box tests of the `boxoffice` binary against hostile clients, over real HTTP on loopback.

Replays attacks with the default rate limits and checks each is refused: 700 silent connections under an
open-file limit of 512 (the server keeps answering, closes them after the header timeout and still stops on
SIGTERM), a slowloris head sent a byte at a time, non-canonical paths (`//api/...`, `/./`, `%00`) refused 400
before any limit or redirect, one address hoarding a hall (held seats capped per address, tickets per customer),
unauthenticated 16 MB bodies refused by their head without the process growing, security headers on pages, API
answers and refusals, an oversized declared body refused 413 without being sent, and a guest's token after it signed
up and an access token after its logout refused by the booking and the payment routes.
Usage: hostile_test.py PATH/TO/boxoffice
"""
import collections
import concurrent.futures
import json
import os
import selectors
import shutil
import signal
import socket
import stat
import sys
import tempfile
import time

from common import Server, check, guest_identity, request, rss_kib, summary

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PUBLIC = os.path.join(ROOT, "public")
DEFAULTS = {"BOXOFFICE_RATE_LIMITS": "default"}
DATA_DIRS = []


def fresh_dir():
    data_dir = tempfile.mkdtemp(prefix="boxoffice-hostile-")
    DATA_DIRS.append(data_dir)
    return data_dir


def start(env=None, binary=None):
    """A server with the default rate limits on a fresh data directory."""
    return Server(binary or BINARY, fresh_dir(), env=dict(DEFAULTS, **(env or {})))


def finish(server):
    """Stops a server a check left running (SIGKILL if SIGTERM does not do it)."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except Exception:
            server.process.kill()
            server.process.wait(timeout=10)
    if not server.log.closed:
        server.log.close()


def problem_type(body):
    return body.get("type", "") if isinstance(body, dict) else ""


def exchange(port, head, body=b"", timeout=10):
    """Sends a raw request head (and body) and reads one answer: status, headers (lower-case names), body."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head + body)
        return read_answer(sock, timeout)


def read_answer(sock, timeout):
    """Reads one HTTP answer from a socket within `timeout` seconds: (status, headers, body); status None if none came."""
    deadline = time.time() + timeout
    data = b""
    while b"\r\n\r\n" not in data:
        remaining = deadline - time.time()
        if remaining <= 0:
            return None, {}, data
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, OSError):
            return None, {}, data
        if not chunk:
            return None, {}, data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length and time.time() < deadline:
        sock.settimeout(max(0.01, deadline - time.time()))
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, OSError):
            break
        if not chunk:
            break
        rest += chunk
    try:
        parsed = json.loads(rest) if rest else None
    except ValueError:
        parsed = rest
    return status, headers, parsed


def closed_by(sock, deadline):
    """Whether the server closes the socket (EOF or reset) before `deadline`; an answer before the close is read past."""
    while True:
        remaining = deadline - time.time()
        if remaining <= 0:
            return False
        sock.settimeout(remaining)
        try:
            if not sock.recv(4096):
                return True
        except socket.timeout:
            return False
        except OSError:
            return True


def silent_connections():
    """700 silent connections under an open-file limit of 512 and a 3 s header timeout."""
    wrapper = os.path.join(fresh_dir(), "boxoffice-nofile-512")
    with open(wrapper, "w") as script:
        script.write(f'#!/bin/sh\nexec prlimit --nofile=512:512 "{os.path.abspath(BINARY)}" "$@"\n')
    os.chmod(wrapper, os.stat(wrapper).st_mode | stat.S_IXUSR)
    server = start({"BOXOFFICE_HEADER_TIMEOUT": "3"}, binary=wrapper)
    silent = []
    try:
        log = server.log_text()
        check("under an open-file limit of 512 the server logs the room it leaves for connections",
              "the open-file limit leaves room for" in log, log[-600:])

        failed = 0
        deadline = time.time() + 15
        for _ in range(700):
            if time.time() > deadline:
                failed += 1
                continue
            try:
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=1)
                silent.append((sock, time.time()))
            except OSError:
                failed += 1
        print(f"     700 silent connections: {len(silent)} connected, {failed} refused or timed out", flush=True)

        started = time.time()
        answered = None
        while time.time() - started < 8 and answered != 200:
            try:
                answered = request(server.port, "GET", "/api/events", timeout=3)[0]
            except OSError as error:
                answered = repr(error)
                time.sleep(0.2)
        took = time.time() - started
        check(f"with 700 silent connections open, GET /api/events still answers 200 ({took:.1f} s)",
              answered == 200 and took < 8 and server.process.poll() is None, (answered, took, server.process.poll()))

        still_open = [opened for sock, opened in silent if not closed_by(sock, opened + 3 + 2)]
        check(f"the server closes the silent connections within the header timeout + 2 s ({len(silent) - len(still_open)} of {len(silent)})",
              silent and not still_open, f"{len(still_open)} still open")
        for sock, _ in silent:
            sock.close()
        silent = []

        for _ in range(20):
            silent.append((socket.create_connection(("127.0.0.1", server.port), timeout=2), time.time()))
        started = time.time()
        server.process.send_signal(signal.SIGTERM)
        try:
            code = server.process.wait(timeout=10)
        except Exception:
            code = "still running"
        took = time.time() - started
        check(f"SIGTERM with 20 silent connections open: the server exits 0 ({took:.1f} s)", code == 0 and took < 10, (code, took))
    finally:
        for sock, _ in silent:
            sock.close()
        finish(server)


def slowloris():
    """A request head sent one byte every 0.5 s is closed within the header timeout (3 s)."""
    server = start({"BOXOFFICE_HEADER_TIMEOUT": "3"})
    try:
        head = b"GET /api/events HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 64
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        started = time.time()
        selector = selectors.DefaultSelector()
        selector.register(sock, selectors.EVENT_READ)
        closed = False
        for byte in head[:24]:  # 24 bytes × 0.5 s = 12 s: the loop's bound
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            if selector.select(timeout=0.5):
                closed = closed_by(sock, time.time() + 1)
                if closed:
                    break
        took = time.time() - started
        selector.close()
        sock.close()
        check(f"slowloris (a byte every 0.5 s) is closed within the header timeout of 3 s ({took:.1f} s)", closed and took < 6, (closed, took))
    finally:
        finish(server)


def non_canonical_paths():
    """Paths spelt more than one way are refused 400 before any route, redirect or rate limit."""
    server = start({"BOXOFFICE_PUBLIC_DIR": PUBLIC})
    try:
        login = json.dumps({"email": "nobody@example.com", "password": "wrong-password"}).encode()
        hold = json.dumps({"seat_id": 1}).encode()
        for method, path, body in [("POST", "//api/auth/login", login), ("POST", "/./api/auth/login", login),
                                   ("POST", "/api//auth/login", login), ("POST", "/api/auth/./login", login),
                                   ("GET", "//docs", b""), ("GET", "/index.html%00.png", b""), ("POST", "//api/book/safe", hold)]:
            head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            if body:
                head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            status, headers, problem = exchange(server.port, (head + "\r\n").encode(), body)
            check(f"{method} {path} is refused 400 non-canonical-path", status == 400 and problem_type(problem).endswith("non-canonical-path")
                  and headers.get("content-type") == "application/problem+json", (status, problem))
            if path == "//docs":
                check("GET //docs is not redirected (no Location)", "location" not in headers and not 300 <= (status or 0) < 400, (status, headers))

        def wrong_login(_):
            return request(server.port, "POST", "/api/auth/login", {"email": "nobody@example.com", "password": "wrong-password"})

        # All 60 at once: their heads arrive within a fraction of a second even when bcrypt is slow on a busy machine.
        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(max_workers=60) as pool:
            answers = list(pool.map(wrong_login, range(60)))
        took = time.time() - started
        statuses = sorted(status for status, _, _ in answers)
        refused = [headers for status, _, headers in answers if status == 429]
        check(f"60 logins with a wrong password from one address (canonical path, {took:.1f} s): some are refused 429 with Retry-After",
              refused and all(headers.get("Retry-After") for headers in refused), statuses)
    finally:
        finish(server)

    server = start()
    try:
        head = b"POST //api/auth/guest HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        statuses = [exchange(server.port, head)[0] for _ in range(40)]
        check("40 × POST //api/auth/guest are all refused 400", statuses == [400] * 40, statuses)
        status, grant, _ = request(server.port, "POST", "/api/auth/guest")
        check("... and created no guest nor drained the sign-up bucket: POST /api/auth/guest then gets 201", status == 201, (status, grant))
    finally:
        finish(server)


def hoarding():
    """One address may hold at most `held_per_address` seats of an event; one identity `max_tickets_per_customer`."""
    server = start()
    try:
        status, events, _ = request(server.port, "GET", "/api/events")
        by_id = {event["id"]: event for event in events} if status == 200 else {}
        check("the demo events exist: event 1 of 50 seats, event 2 of 2,020 seats and 500 standing",
              by_id.get(1, {}).get("seats_total") == 50 and by_id.get(2, {}).get("seats_total") == 2020
              and by_id.get(2, {}).get("ga_available") == 500, events)
        details = {n: request(server.port, "GET", f"/api/events/{n}")[1] for n in (1, 2)}
        check("each event caps tickets per customer (10) and seats held per address (100)",
              all(details[n].get("max_tickets_per_customer") == 10 and details[n].get("held_per_address") == 100 for n in (1, 2)),
              {n: (details[n].get("max_tickets_per_customer"), details[n].get("held_per_address")) for n in (1, 2)})
        pools = [pool.get("name") for pool in details[2].get("ga_pools", [])]
        check("event 2 has a Standing pool", "Standing" in pools, pools)
        first = details[2]["first_seat_id"]

        def hold(n):
            return request(server.port, "POST", "/api/bookings", {"event_id": 2, "seat_ids": list(range(first + 10 * n, first + 10 * n + 10))})

        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(hold, range(202)))
        held = sum(1 for status, _, _ in answers if status == 201)
        refused = [(body, headers) for status, body, headers in answers if status == 429]
        kinds = collections.Counter(f"{status} {problem_type(body).rsplit('/', 1)[-1]}".strip() for status, body, _ in answers)
        check(f"202 anonymous holds of 10 seats from one address: at most 100 seats held ({held * 10})", held * 10 <= 100, kinds)
        check("... every other answer is 429 with Retry-After", held + len(refused) == 202
              and all(headers.get("Retry-After") for _, headers in refused), kinds)
        check("... refused as address-limit-reached (or rate-limited)", refused
              and all(problem_type(body).endswith(("address-limit-reached", "rate-limited")) for body, _ in refused)
              and any(problem_type(body).endswith("address-limit-reached") for body, _ in refused), kinds)
        available = request(server.port, "GET", "/api/events/2")[1].get("seats_available")
        check(f"... and the hall still has at least 1,920 seats available ({available})", available is not None and available >= 2020 - 100, available)
    finally:
        finish(server)

    server = start()
    try:
        auth, _, _ = guest_identity(server.port)
        first = request(server.port, "GET", "/api/events/2")[1]["first_seat_id"]
        status, booking, _ = request(server.port, "POST", "/api/bookings", {"event_id": 2, "seat_ids": list(range(first, first + 10))}, auth)
        check("one guest holds 10 seats of event 2", status == 201, (status, booking))
        status, problem, _ = request(server.port, "POST", "/api/bookings", {"event_id": 2, "seat_ids": [first + 500]}, auth)
        check("... and an 11th is refused 409 ticket-limit-reached, naming the limit of 10",
              status == 409 and problem_type(problem).endswith("ticket-limit-reached") and "10" in str(problem.get("detail", "")), (status, problem))
    finally:
        finish(server)


def big_bodies(server):
    """20 unauthenticated 16 MB bodies are refused by their head: the process does not grow."""
    before = rss_kib(server.process.pid)
    socks = []

    def attack(n):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        socks.append(sock)
        head = (f"POST /api/bookings HTTP/1.1\r\nHost: x\r\nIdempotency-Key: k{n}\r\nContent-Type: application/json\r\n"
                "Content-Length: 16000000\r\n\r\n").encode()
        try:
            sock.sendall(head + b"[" * 65536)
        except OSError:
            pass
        status = read_answer(sock, 10)[0]
        # Keep trying to stream the body slowly for a moment (bounded): the server must not take it.
        for _ in range(10):
            try:
                sock.settimeout(0.5)
                sock.sendall(b"[" * 65536)
            except OSError:
                break
            time.sleep(0.05)
        return status

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(attack, range(20)))
        after = rss_kib(server.process.pid)
    finally:
        for sock in socks:
            sock.close()
    check("20 unauthenticated POST /api/bookings declaring 16 MB are each answered 401 or 413 by their head",
          all(status in (401, 413) for status in statuses), statuses)
    grown = (after - before) / 1024
    check(f"... and the server's RSS grows less than 20 MB ({grown:.1f} MB)", grown < 20, (before, after))


def security_headers(server):
    """Pages, API answers and refusals carry CSP, nosniff, DENY and a referrer policy."""
    for method, path, expected in [("GET", "/", 200), ("GET", "/docs/", 200), ("GET", "/api/events", 200), ("POST", "/api/bookings/1/pay", 401)]:
        status, headers, _ = exchange(server.port, f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".encode())
        csp = headers.get("content-security-policy", "")
        check(f"{method} {path} ({status}) carries the security headers", status == expected and "default-src 'self'" in csp
              and "frame-ancestors 'none'" in csp and headers.get("x-content-type-options") == "nosniff"
              and headers.get("x-frame-options") == "DENY" and headers.get("referrer-policy"), (status, headers))


def oversized_body(server):
    """A hold declaring 70,000 bytes is refused 413 before its body is sent."""
    _, _, token = guest_identity(server.port)
    head = (f"POST /api/book/safe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            "Content-Length: 70000\r\n\r\n").encode()
    status, _, problem = exchange(server.port, head, timeout=5)
    check("POST /api/book/safe declaring 70,000 bytes is refused 413 body-too-large without the body",
          status == 413 and problem_type(problem).endswith("body-too-large"),
          (status, problem) if status else "no answer within 5 s to the head alone (kept-alive connection)")


def revoked_tokens(server):
    """A guest's token after that guest signed up, and an access token after its session logged out, are refused by
    the booking routes and the payment routes alike."""
    old, _, _ = guest_identity(server.port)
    request(server.port, "POST", "/api/accounts", {"currency": "EUR"}, old)
    status, grant, _ = request(server.port, "POST", "/api/auth/signup", {"email": "hostile-revoke@example.test", "password": "a-password-1"}, old)
    check("a guest signs up", status == 201, (status, grant))
    answers = [request(server.port, "GET", path, headers=old)[0] for path in ("/api/auth/me", "/api/bookings", "/api/accounts")]
    check("... its old guest token is refused on bookings and on the wallet", answers == [401, 401, 401], answers)
    new = {"Authorization": f"Bearer {grant['access_token']}"}
    check("... the new token reads the wallet the guest opened", request(server.port, "GET", "/api/accounts", headers=new)[0] == 200)
    request(server.port, "POST", "/api/auth/logout", {"refresh_token": grant["refresh_token"]})
    answers = [request(server.port, "GET", path, headers=new)[0] for path in ("/api/auth/me", "/api/bookings", "/api/accounts")]
    check("after logout the session's access token is refused on bookings and on the wallet", answers == [401, 401, 401], answers)


def queue_bypass():
    """An event behind a waiting room: every way around its pass is refused, on the event loop's path and the router's."""
    token = "hostile-queue-organizer-token"
    server = start({"BOXOFFICE_ORGANIZER_TOKEN": token})
    try:
        organizer = {"Authorization": f"Bearer {token}"}
        status, queue, _ = request(server.port, "PUT", "/api/events/1/queue", {"enabled": True, "admit_per_minute": 600}, organizer)
        check("an organizer puts the demo concert behind a waiting room", status == 200 and queue.get("enabled") is True, (status, queue))
        ann, _, _ = guest_identity(server.port)
        bob, _, _ = guest_identity(server.port)
        request(server.port, "POST", "/api/events/1/queue", headers=ann)
        deadline, place = time.time() + 10, {}
        while place.get("state") != "admitted" and time.time() < deadline:
            place = request(server.port, "GET", "/api/events/1/queue/me", headers=ann)[1]
            time.sleep(0.2)
        check("a visitor who joined is admitted and reads a pass", bool(place.get("pass")), place)
        tampered = place.get("pass", "x.y")[:-2] + ("AA" if not place.get("pass", "").endswith("AA") else "BB")
        attempts = {
            "no pass (event loop)": ("/api/book/safe", {"seat_id": 11}, ann),
            "no pass (router)": ("/api/bookings", {"event_id": 1, "seat_ids": [12]}, ann),
            "no pass, best available": ("/api/bookings", {"event_id": 1, "best_available": {"quantity": 2}}, ann),
            "no pass, anonymous": ("/api/book/safe", {"seat_id": 13}, {}),
            "another identity's pass": ("/api/book/safe", {"seat_id": 14}, dict(bob, **{"Queue-Pass": place.get("pass", "")})),
            "a tampered pass": ("/api/book/safe", {"seat_id": 15}, dict(ann, **{"Queue-Pass": tampered})),
            "a made-up pass": ("/api/bookings", {"event_id": 1, "seat_ids": [16]}, dict(ann, **{"Queue-Pass": "v1.1.someone.1.9999999999"})),
            "a pass without a token": ("/api/book/safe", {"seat_id": 17}, {"Queue-Pass": place.get("pass", "")}),
        }
        answers = {name: request(server.port, "POST", path, body, headers)[0] for name, (path, body, headers) in attempts.items()}
        check("every way around the pass is refused 403", all(status == 403 for status in answers.values()), answers)
        spelled = request(server.port, "POST", "//api/book/safe", {"seat_id": 18}, ann)[0]
        check("... and the path's other spellings are refused before that (400)", spelled == 400, spelled)
        held = request(server.port, "POST", "/api/book/safe", {"seat_id": 19}, dict(ann, **{"Queue-Pass": place.get("pass", "")}))
        check("the holder's own pass holds", held[0] == 200, held)
        seats = request(server.port, "GET", "/api/events/1/seats")[1].get("seats_available")
        check("... and only that hold took a seat", seats == 49, seats)
    finally:
        finish(server)


def main():
    started = time.time()
    try:
        silent_connections()
        slowloris()
        non_canonical_paths()
        hoarding()
        queue_bypass()
        server = start({"BOXOFFICE_PUBLIC_DIR": PUBLIC})
        try:
            big_bodies(server)
            security_headers(server)
            oversized_body(server)
            revoked_tokens(server)
        finally:
            finish(server)
    finally:
        for data_dir in DATA_DIRS:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"     took {time.time() - started:.1f} s", flush=True)
    return summary("hostile black-box")


if __name__ == "__main__":
    sys.exit(main())
