"""Helpers shared by the black-box suites: HTTP calls, starting and stopping `boxoffice serve`, results."""
import http.client
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

RESULTS = {"passed": 0, "failed": 0}

# What a request raises when the server dies under it: no connection, or an answer cut off mid-body.
CUT_OFF = (OSError, http.client.HTTPException)


def rss_kib(pid):
    """A process's resident memory, in KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, method, path, body=None, headers=None, timeout=15):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null"), dict(error.headers)


def guest(port):
    """A new guest's Authorization header (POST /api/auth/guest on a booking service)."""
    return guest_identity(port)[0]


def guest_identity(port):
    """A new guest: its Authorization header, its identity id and its token."""
    status, grant, _ = request(port, "POST", "/api/auth/guest")
    if status != 201:
        raise RuntimeError(f"no guest token: {status} {grant}")
    return {"Authorization": f"Bearer {grant['access_token']}"}, grant["identity"]["id"], grant["access_token"]


class Server:
    """One `boxoffice serve` process on a free loopback port."""

    def __init__(self, binary, data_dir, env=None, args=(), wait=True):
        self.port = free_port()
        os.makedirs(data_dir, exist_ok=True)
        # The suites send far more from one address than a person would: no rate limits unless a test sets them.
        environment = dict({"BOXOFFICE_RATE_LIMITS": "off"}, **os.environ)
        environment.update(BOXOFFICE_PORT=str(self.port), BOXOFFICE_DATA_DIR=data_dir, **(env or {}))
        self.log_path = os.path.join(data_dir, f"server-{self.port}.log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([binary, "serve", *args], env=environment, stdout=self.log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready()

    def ready(self):
        try:
            return request(self.port, "GET", "/health/ready", timeout=2)[0] == 200
        except OSError:
            return False

    def wait_ready(self, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.ready():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.log_path}")
            time.sleep(0.05)
        raise RuntimeError(f"server did not become ready in {seconds} s; see {self.log_path}")

    def stop(self, sig=signal.SIGTERM):
        self.process.send_signal(sig)
        code = self.process.wait(timeout=30)
        self.log.close()
        return code

    def log_text(self):
        with open(self.log_path) as log:
            return log.read()

    def failures(self):
        """The requests the server logged as failed (answered 503 for an unexpected error), so a check can show why."""
        self.log.flush()
        return [line for line in self.log_text().splitlines() if "request failed" in line][-3:]


def check(name, condition, detail=""):
    RESULTS["passed" if condition else "failed"] += 1
    print(f"{'ok  ' if condition else 'FAIL'} {name}{'' if condition else ' — ' + str(detail)}", flush=True)


def summary(suite):
    print(f"{suite}: {RESULTS['passed']} passed, {RESULTS['failed']} failed")
    return 1 if RESULTS["failed"] else 0


def answered(port, method, path, headers, body=None, seconds=30):
    """Sends a keyed request again and again, as a client whose answer was lost does, until it gets an answer other
    than "still running" (`409 idempotency-key-in-use`); returns it and how many tries it took."""
    started, tries = time.time(), 0
    while True:
        tries += 1
        try:
            status, answer, headers_back = request(port, method, path, body, headers, timeout=10)
            running = status == 409 and (answer or {}).get("type", "").endswith("/idempotency-key-in-use")
            if not running or time.time() - started > seconds:
                return status, answer, headers_back, tries
        except CUT_OFF:
            if time.time() - started > seconds:
                return None, None, {}, tries
        time.sleep(0.5)


def pay_settled(port, booking, headers, seconds=30):
    """Pays for a booking and, when the answer is `202 payment_pending` (the outcome took longer than the server
    waits, as on a busy machine), reads the booking until the outcome is in; returns the booking as last read."""
    answer = request(port, "POST", f"/api/bookings/{booking}/pay", None, headers)[1]
    deadline = time.time() + seconds
    while answer.get("status") == "payment_pending" and time.time() < deadline:
        time.sleep(0.1)
        answer = request(port, "GET", f"/api/bookings/{booking}", None, headers)[1]
    return answer


def keyed(owner, key):
    """`owner`'s headers with an Idempotency-Key."""
    return dict(owner, **{"Idempotency-Key": key})


def storm(calls, after, kill):
    """Runs `calls` on 32 threads and calls `kill` (a process's kill -9) `after` seconds in; returns each call's answer,
    or "killed" for one cut off."""
    def run(call):
        try:
            return call()
        except CUT_OFF:
            return "killed"

    killer = threading.Timer(after, kill)
    killer.start()
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(run, calls))
    killer.join()
    return answers
