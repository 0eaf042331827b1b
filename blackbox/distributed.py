"""Helpers for black-box suites on the distributed topology: PostgreSQL databases, the throw-away RabbitMQ node of
scripts/lib/rabbitmq.sh, `boxoffice serve --role …` processes, and the invariants of DESIGN.md §6 read back from
both services' databases."""
import os
import subprocess
import time
import uuid

from common import Server, request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "distributed-organizer"
AUTH_SECRET = "distributed-test-signing-secret-of-32-bytes-or-more"


def psql(url, sql):
    output = subprocess.run(["psql", url, "-qtAF", "|", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in output.splitlines() if line]


def new_database(admin_url, prefix="blackbox"):
    name = f"{prefix}_" + uuid.uuid4().hex[:12]
    psql(admin_url, f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + "/" + name


class RabbitNode:
    """The throw-away node scripts/test started (BOXOFFICE_TEST_RABBITMQ_DIR), controlled through rabbitmq.sh."""

    def __init__(self, directory, url):
        self.directory = directory
        self.url = url

    def shell(self, command, check=True):
        script = os.path.join(ROOT, "scripts", "lib", "rabbitmq.sh")
        return subprocess.run(["bash", "-c", f"source '{script}' && {command}"], check=check, capture_output=True, text=True).stdout

    def ctl(self, *args):
        return self.shell("rabbitmq_ctl '%s' %s" % (self.directory, " ".join(f"'{arg}'" for arg in args)))

    def kill(self):
        """kill -9 of the node's Erlang VM."""
        with open(os.path.join(self.directory, "rabbitmq.pid")) as pid_file:
            pid = int(pid_file.read().strip())
        os.kill(pid, 9)
        while os.path.exists(f"/proc/{pid}"):
            time.sleep(0.05)

    def start(self):
        port = open(os.path.join(self.directory, "port")).read().strip()
        self.shell(f"rabbitmq_start '{self.directory}' {port}")

    def close_boxoffice_connections(self):
        """Closes every connection of ours from the broker's side; returns how many it closed."""
        script = os.path.join(ROOT, "scripts", "lib", "rabbitmq.sh")
        pids = [line.split("\t")[0] for line in self.ctl("list_connections", "pid", "client_properties").splitlines()
                if '"connection_name","boxoffice' in line]
        closed = 0
        for pid in pids:
            result = subprocess.run(["bash", "-c", f"source '{script}' && rabbitmq_ctl '{self.directory}' close_connection '{pid}' 'closed by the test'"],
                                    capture_output=True, text=True)
            closed += result.returncode == 0
        return closed

    def queue_messages(self, queue):
        for line in self.ctl("list_queues", "name", "messages").splitlines():
            parts = line.split("\t")
            if parts[0] == queue:
                return int(parts[1])
        return None


class Topology:
    """A payment service and booking instances as separate processes on their own PostgreSQL databases, talking
    through RabbitMQ."""

    def __init__(self, binary, admin_url, amqp_url, work, bookings=2, env=None):
        self.binary, self.work, self.amqp_url = binary, work, amqp_url
        self.booking_url = new_database(admin_url, "booking")
        self.payments_url = new_database(admin_url, "payments")
        self.env = dict(env or {})
        self.payments = self.start_payments()
        self.bookings = [self.start_booking(n) for n in range(bookings)]
        for server in [self.payments, *self.bookings]:
            server.wait_ready()

    def common_env(self):
        return {"BOXOFFICE_BROKER_URL": self.amqp_url, "BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_AUTH_SECRET": AUTH_SECRET, **self.env}

    def start_payments(self, wait=False):
        env = dict(self.common_env(), BOXOFFICE_ROLE="payments", BOXOFFICE_PAYMENTS_DATABASE_URL=self.payments_url)
        return Server(self.binary, os.path.join(self.work, "payments"), env=env, wait=wait)

    def start_booking(self, n, wait=False):
        env = dict(self.common_env(), BOXOFFICE_ROLE="booking", BOXOFFICE_DATABASE_URL=self.booking_url)
        return Server(self.binary, os.path.join(self.work, f"booking-{n}"), env=env, wait=wait)

    def restart_payments(self):
        self.payments = self.start_payments(wait=True)

    def stop(self):
        codes = [server.stop() for server in [*self.bookings, self.payments] if server.process.poll() is None]
        return codes

    def logs(self):
        return "".join(server.log_text() for server in [self.payments, *self.bookings])


def wallet(payments_port, owner, balance):
    """Opens the wallet of `owner` (an Authorization header) and puts `balance` in it; returns its id."""
    status, account, _ = request(payments_port, "POST", "/api/accounts", {}, owner)
    if balance:
        request(payments_port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": balance}, owner)
    return account["id"]


def wait_terminal(booking_url, seconds=60):
    """Waits until no booking is held or waiting for its payment; returns how many are left."""
    deadline = time.time() + seconds
    left = None
    while time.time() < deadline:
        left = int(psql(booking_url, "SELECT count(*) FROM bookings WHERE status = 'payment_pending'")[0][0])
        if left == 0:
            return 0
        time.sleep(0.2)
    return left


def refunding(booking_url, booking):
    """Whether a booking has a refund the payment service has not answered yet (the booking reads refunded first)."""
    return psql(booking_url, f"SELECT count(*) FROM refunds WHERE booking_id = '{booking}' AND credited_at IS NULL")[0][0] != "0"


def problems(booking_url, payments_url):
    """DESIGN.md §6, read back from both databases: no seat in two active bookings; sold seats are those of
    confirmed bookings; no negative balance; balances equal their ledgers; no booking charged twice; money
    conserved; a booking confirmed only if its payment succeeded, and every successful payment confirmed or
    refunded."""
    found = []
    owners = {}
    for booking, seats in psql(booking_url, "SELECT id, seat_ids FROM bookings WHERE status IN ('held', 'payment_pending', 'confirmed')"):
        for seat in filter(None, seats.split(",")):
            if seat in owners:
                found.append(f"seat {seat} in {owners[seat]} and {booking}")
            owners[seat] = booking
    sold = int(psql(booking_url, "SELECT count(*) FROM seat_claims WHERE status = 'sold'")[0][0])
    confirmed_seats = sum(len(seats.split(",")) for (seats,) in psql(booking_url, "SELECT seat_ids FROM bookings WHERE status = 'confirmed' AND seat_ids <> ''"))
    # A refund that kept its seats off sale leaves them claimed by the refunded booking: its tickets that are seats (a
    # booking's seats are its first tickets).
    blocked = 0
    for ordinals, seats in psql(booking_url, "SELECT r.ordinals, b.seat_ids FROM refunds r JOIN bookings b ON b.id = r.booking_id WHERE NOT r.releases_seats"):
        count = len(list(filter(None, seats.split(","))))
        blocked += sum(1 for ordinal in ordinals.split(",") if ordinal and int(ordinal) <= count)
    if sold != confirmed_seats + blocked:
        found.append(f"{sold} seats sold, confirmed bookings hold {confirmed_seats}, refunds keep {blocked} off sale")
    # Every refund credited is one ledger entry under the refund's id, of its amount.
    ledger = dict(psql(payments_url, "SELECT id, amount_minor FROM payments.ledger WHERE kind = 'refund'"))
    for refund, amount in psql(booking_url, "SELECT id, amount_minor FROM refunds WHERE credited_at IS NOT NULL"):
        if ledger.get(refund) != amount:
            found.append(f"refund {refund} of {amount} reads credited; the ledger has {ledger.get(refund)}")
    for account, balance, ledger in psql(payments_url, "SELECT id, balance_minor, (SELECT COALESCE(SUM(amount_minor), 0) FROM payments.ledger WHERE account_id = accounts.id) FROM payments.accounts"):
        if int(balance) < 0 or int(balance) != int(ledger):
            found.append(f"account {account}: balance {balance}, ledger {ledger}")
    for booking, charges in psql(payments_url, "SELECT booking_id, count(*) FROM payments.ledger WHERE kind = 'charge' GROUP BY booking_id HAVING count(*) > 1"):
        found.append(f"booking {booking} charged {charges} times")
    totals = dict(psql(payments_url, "SELECT kind, COALESCE(SUM(amount_minor), 0) FROM payments.ledger GROUP BY kind"))
    balances = int(psql(payments_url, "SELECT COALESCE(SUM(balance_minor), 0) FROM payments.accounts")[0][0])
    if balances != sum(int(value) for value in totals.values()):
        found.append(f"money not conserved: balances {balances}, ledger {totals}")
    status = dict(psql(booking_url, "SELECT id, status FROM bookings"))
    paid = dict(psql(payments_url, "SELECT booking_id, status FROM payments.payments"))
    for booking, payment in paid.items():
        if payment == "succeeded" and status.get(booking) not in ("confirmed",) and not refunding(booking_url, booking):
            found.append(f"payment of {booking} succeeded, the booking is {status.get(booking)}")
        if payment == "refunded" and status.get(booking) != "refunded":
            found.append(f"payment of {booking} refunded, the booking is {status.get(booking)}")
    for booking, state in status.items():
        if state == "confirmed" and paid.get(booking) != "succeeded":
            found.append(f"booking {booking} confirmed, its payment is {paid.get(booking)}")
    return found
