#!/usr/bin/env python3
"""Browser tests of the web app in a real headless Chromium (Debian's chromium + chromium-driver, via selenium).

Starts `boxoffice serve` on a free loopback port and drives the app the way customers and organizers do:
a customer goes from the events list to a confirmed booking; two browsers on one event see each other's
holds live; a payment with too little money ends `cancelled`; an organizer creates an event (with a cap on tickets
per customer) that customers then see; a customer lets best available choose seats side by side and pays, and when none
are left side by side takes them split in one click; holds past an event's caps are refused in the server's words; a
visitor waits in an event's waiting room, moved by its live topic, is let in, holds with the pass and pays (which ends
the pass), while the organizer watches and pauses it; a visitor joins a waiting room that asks for a proof of work, which
its browser solves in a worker.
Tickets and the door (issue 24): a buyer pays, opens the ticket page, whose QR codes (the PNG download, a screenshot of
the inline SVG, and the page's own decoder) read back as the ticket's secret, which checks in; a door scanner films a
ticket with Chromium's fake camera (a Y4M video of its qr.png), decodes it with qrdecode.js, admits it and, a pause later,
says it is already checked in; two scanners go offline, both admit the same ticket from their offline lists (and refuse
a reissued code and a forged one), come back online and upload: the server admits one and the other page shows the
conflict; the organizer adds door staff by email and watches the check-in figures change live after a scan.
The back office: an organizer account logs in from the header and uses the organizer page with that session (the
bootstrap token a link away); it finds a paid booking by the buyer's email, a seat label or its id's first characters;
from the booking's detail it refunds one ticket with its seat kept off sale (confirmed, retried with the same
Idempotency-Key after a lost answer), and the ticket is revoked, the refund credited and the wallet up by its price; a
customer cancels a booking from My bookings before the event's cutoff and sees it refunded.
The event card and charts: the sales charts (inline SVG) show exactly what GET /api/events/{id}/stats answers for the
same windows, bar by bar, for each range, and refresh while on sale; an event's title and cancellation cutoff are
edited from its card (only what changed is sent), a draft saved from the create form is published from its card and
customers then list it; a category's and a pool's prices are changed from the card (typed in major units, sent exactly
in minor units), and once a seat is held at the new price changing it again shows the server's 409; an event with two paid bookings is cancelled (its title typed to confirm) and its progress
followed until both are refunded; the buyers' CSV downloads as the API's export, a line per ticket.
Webhooks: the organizer adds two endpoints on a local receiver (the secret shown is the API's; a refused URL shows the
server's detail); a paid booking is delivered to one (HTTP 200, signed) and parked at the other (503 each attempt), which
Resend delivers once it is back; the filter, Delete, Load more and Refresh list what the API lists.
Screenshots of the main screens go to docs/screenshots/ (or to $BOXOFFICE_SCREENSHOTS).
Usage: browser_test.py PATH/TO/boxoffice
BROWSER_TESTS=name,name runs only those scenarios (function names, e.g. tickets_page_shows_scannable_codes).
"""
import csv
import hashlib
import hmac
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from common import Server, check, guest, request, summary
from webapp import (browser, click_seat, console_errors, fake_camera, find, hold_seen_after_ms, open_event, open_wallet_with, seat_status, selected_seats,
                    sign_in, token_of, wait, write_y4m)

BINARY = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# BOXOFFICE_SCREENSHOTS=dir writes the screenshots elsewhere (a run that should leave docs/ alone).
SCREENSHOTS = os.environ.get("BOXOFFICE_SCREENSHOTS") or os.path.join(ROOT, "docs", "screenshots")
TOKEN = "browser-test-organizer-token"


def shot(driver, name):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SCREENSHOTS, name))


def customer_books_and_pays(base):
    driver = browser()
    try:
        sign_in(driver, base, "alice")
        check("the connection indicator turns live", wait(driver, lambda d: d.find_element(By.ID, "connection").get_attribute("data-state") == "live"))
        open_wallet_with(driver, base, 500)
        check("the wallet shows the top-up", "500" in find(driver, "balance").text, find(driver, "balance").text)
        shot(driver, "wallet.png")

        driver.get(base + "/#/")
        cards = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-event-id]"))
        check("the events list shows the demo events", len(cards) == 2, len(cards))
        shot(driver, "events.png")
        cards[0].find_element(By.CSS_SELECTOR, "h2 a").click()
        wait(driver, lambda d: d.execute_script("return !!document.querySelector('canvas.seatmap')?.seatMapView?.model"))
        click_seat(driver, 12)
        check("clicking a seat selects it", wait(driver, lambda d: selected_seats(d) == [12]), selected_seats(driver))
        canvas = driver.find_element(By.CSS_SELECTOR, "canvas.seatmap")
        canvas.click()
        driver.execute_script("arguments[0].focus()", canvas)
        ActionChains(driver).send_keys(Keys.ARROW_RIGHT, Keys.ENTER).perform()
        check("the keyboard moves along the row and selects the next seat",
              wait(driver, lambda d: selected_seats(d) == [12, 13]), selected_seats(driver))
        check("the total adds up both seats", "200" in find(driver, "total").text, find(driver, "total").text)
        find(driver, "hold").click()
        status = wait(driver, lambda d: find(d, "booking-status"))
        check("holding shows the booking as held", status.get_attribute("data-status") == "held", status.text)
        first = find(driver, "countdown").text
        time.sleep(1.2)
        check("the hold counts down", find(driver, "countdown").text != first and ":" in first, (first, find(driver, "countdown").text))
        check("held seats are drawn as taken", seat_status(driver, 12) == 1 and seat_status(driver, 13) == 1)
        check("the customer's own hold is not reported as taken by someone else", "someone else" not in find(driver, "message").text,
              find(driver, "message").text)
        shot(driver, "event-hold.png")

        find(driver, "pay").click()
        check("paying turns the booking confirmed, without reloading",
              wait(driver, lambda d: find(d, "booking-status").get_attribute("data-status") == "confirmed"), find(driver, "booking-status").text)
        check("sold seats are drawn as sold", wait(driver, lambda d: seat_status(d, 12) == 2))
        shot(driver, "event-confirmed.png")

        driver.get(base + "/#/bookings")
        check("My bookings lists the confirmed booking", wait(driver, lambda d: d.find_element(
            By.CSS_SELECTOR, "[data-testid='bookings'] tr[data-booking-id] .status").get_attribute("data-status") == "confirmed"))
        port = int(base.rsplit(":", 1)[1])
        alice = {"Authorization": f"Bearer {token_of(driver)}"}
        _, other, _ = request(port, "POST", "/api/book/safe", {"seat_id": 40}, alice)
        selector = f"[data-booking-id='{other['booking_id']}'] .status"
        check("a booking made elsewhere appears in My bookings live, held",
              wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, selector).get_attribute("data-status") == "held"))
        request(port, "POST", f"/api/bookings/{other['booking_id']}/pay", headers=alice)
        check("and turns confirmed live when it is paid elsewhere",
              wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, selector).get_attribute("data-status") == "confirmed"))
        shot(driver, "bookings.png")
        driver.get(base + "/#/wallet")
        check("the wallet is charged once per booking", wait(driver, lambda d: "200" in find(d, "balance").text), find(driver, "balance").text)
        errors = console_errors(driver)
        check("the customer's pages log no errors", not errors, errors)
    finally:
        driver.quit()


def accounts_keep_bookings(base):
    """A guest books, signs up and keeps the booking; logs out and in again and still has it; nobody else sees it."""
    driver = browser()
    try:
        sign_in(driver, base)
        guest_token = token_of(driver)
        port = int(base.rsplit(":", 1)[1])
        _, held, _ = request(port, "POST", "/api/book/safe", {"seat_id": 44}, {"Authorization": f"Bearer {guest_token}"})
        booking = held["booking_id"]
        driver.find_element(By.ID, "email-input").send_keys("gus@example.test")
        driver.find_element(By.ID, "password-input").send_keys("a long password")
        find(driver, "sign-up").click()
        check("a guest signs up from the header", wait(driver, lambda d: find(d, "customer-name").text == "gus@example.test"), find(driver, "customer-name").text)
        driver.get(base + "/#/bookings")
        selector = f"[data-booking-id='{booking}']"
        check("... and keeps the booking it made as a guest", wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, selector)))
        find(driver, "log-out").click()
        check("logging out leaves no one signed in", wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='continue-as-guest']")))
        driver.find_element(By.ID, "email-input").send_keys("gus@example.test")
        driver.find_element(By.ID, "password-input").send_keys("not the password")
        find(driver, "log-in").click()
        check("a wrong password is refused with a message", wait(driver, lambda d: "wrong" in find(d, "auth-message").text), find(driver, "auth-message").text)
        password = driver.find_element(By.ID, "password-input")
        password.clear()
        password.send_keys("a long password")
        find(driver, "log-in").click()
        wait(driver, lambda d: find(d, "customer-name").text == "gus@example.test")
        driver.get(base + "/#/bookings")
        check("logging in again shows the same bookings", wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, selector)))
        status, _, _ = request(port, "GET", f"/api/bookings/{booking}", headers={"Authorization": f"Bearer {token_of(driver)}"})
        check("... and the API answers the customer's new token for it", status == 200, status)
        errors = console_errors(driver)
        check("the account pages log no errors", not errors, errors)
    finally:
        driver.quit()


def api_docs(base):
    """/docs lists every operation of the served document and its "try it" sends with the signed-in token."""
    driver = browser()
    try:
        sign_in(driver, base)
        port = int(base.rsplit(":", 1)[1])
        status, document, _ = request(port, "GET", "/openapi.json")
        expected = {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item if method in ("get", "post", "put", "patch", "delete")}
        driver.get(base + "/docs/")
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid='operation']")) >= len(expected))
        listed = {element.get_attribute("data-operation") for element in driver.find_elements(By.CSS_SELECTOR, "[data-testid='operation']")}
        check(f"/docs lists every operation of /openapi.json ({len(expected)})", status == 200 and listed == expected, sorted(expected ^ listed))
        me = driver.find_element(By.CSS_SELECTOR, "[data-operation='GET /api/auth/me']")
        me.find_element(By.TAG_NAME, "summary").click()
        me.find_element(By.CSS_SELECTOR, "[data-testid='try-send']").click()
        output = me.find_element(By.CSS_SELECTOR, "[data-testid='try-output']")
        check("... and its 'try it' sends with the signed-in token: GET /api/auth/me answers 200 with the guest",
              wait(driver, lambda d: output.text.startswith("200") and '"role": "guest"' in output.text), output.text[:200])
        shot(driver, "api-docs.png")
        errors = console_errors(driver)
        check("/docs logs no errors", not errors, errors)
    finally:
        driver.quit()


def two_browsers_see_each_other(base):
    first, second = browser(), browser()
    try:
        sign_in(first, base)
        sign_in(second, base)
        open_event(first, base, 2)
        open_event(second, base, 2)
        wait(second, lambda d: d.find_element(By.ID, "connection").get_attribute("data-state") == "live")
        seat = 205
        latency = hold_seen_after_ms(first, second, seat)
        print(f"     a hold in one browser showed as taken in the other after {latency} ms")
        check("a hold in one browser shows as taken in the other within 500 ms", latency < 500, latency)
        check("the other browser loses the seat from its selection and says why",
              wait(second, lambda d: selected_seats(d) == [] and "taken by someone else" in find(d, "message").text), find(second, "message").text)
        shot(second, "two-browsers-taken.png")

        # The race a push cannot win: a seat taken a moment before this browser's hold arrives.
        second.execute_script("document.querySelector('canvas.seatmap').seatMapView.changed = () => {}")
        click_seat(second, seat + 1)
        wait(second, lambda d: selected_seats(d) == [seat + 1])
        status, _, _ = request(int(base.rsplit(":", 1)[1]), "POST", "/api/book/safe", {"seat_id": seat + 1, "user_identifier": "faster"})
        check("someone else takes the seat first (over the API)", status == 200, status)
        find(second, "hold").click()
        check("a hold that loses the race gets a clear 409 message",
              wait(second, lambda d: "already taken" in find(d, "message").text and "pick other seats" in find(d, "message").text),
              find(second, "message").text)
        errors = console_errors(first) + console_errors(second)
        check("the two browsers log no errors", not errors, errors)
    finally:
        first.quit()
        second.quit()


def payment_without_money_is_cancelled(base):
    driver = browser()
    try:
        sign_in(driver, base)
        open_wallet_with(driver, base, 10)
        open_event(driver, base, 1)
        click_seat(driver, 30)
        wait(driver, lambda d: selected_seats(d) == [30])
        find(driver, "hold").click()
        wait(driver, lambda d: find(d, "pay")).click()
        check("a payment above the balance turns the booking cancelled",
              wait(driver, lambda d: find(d, "booking-status").get_attribute("data-status") == "cancelled"), find(driver, "booking-status").text)
        check("the page says why and points to the wallet", "wallet" in find(driver, "message").text.lower(), find(driver, "message").text)
        check("the seat is back on sale", wait(driver, lambda d: seat_status(d, 30) == 0))
        shot(driver, "payment-cancelled.png")
        driver.get(base + "/#/wallet")
        check("nothing was charged", wait(driver, lambda d: "10" in find(d, "balance").text), find(driver, "balance").text)
    finally:
        driver.quit()


def customer_buys_now(base):
    """Buy now shows only while the wallet covers the selection, buys in one click, and follows the balance."""
    driver = browser()
    try:
        sign_in(driver, base)
        open_wallet_with(driver, base, 150)
        open_event(driver, base, 1)
        check("Buy now is hidden while nothing is selected", not find(driver, "buy-now").is_displayed())
        click_seat(driver, 20)
        wait(driver, lambda d: selected_seats(d) == [20])
        check("selecting a seat the wallet covers shows Buy now with the total",
              wait(driver, lambda d: find(d, "buy-now").is_displayed() and "100" in find(d, "buy-now").text), find(driver, "buy-now").text)
        click_seat(driver, 21)
        wait(driver, lambda d: selected_seats(d) == [20, 21])
        check("a selection above the balance hides it", wait(driver, lambda d: not find(d, "buy-now").is_displayed()))
        click_seat(driver, 21)
        wait(driver, lambda d: selected_seats(d) == [20])
        shot(driver, "event-buy-now.png")
        wait(driver, lambda d: find(d, "buy-now").is_displayed() and find(d, "buy-now").is_enabled())
        find(driver, "buy-now").click()
        check("one click answers confirmed, without a hold countdown in between",
              wait(driver, lambda d: find(d, "booking-status").get_attribute("data-status") == "confirmed"), find(driver, "booking-status").text)
        check("the page says it is paid", "confirmed" in find(driver, "message").text.lower(), find(driver, "message").text)
        check("the seat is drawn sold", wait(driver, lambda d: seat_status(d, 20) == 2))
        click_seat(driver, 22)
        wait(driver, lambda d: selected_seats(d) == [22])
        check("the balance left (50.00) no longer covers a seat: Buy now stays hidden, Hold selected stays",
              wait(driver, lambda d: not find(d, "buy-now").is_displayed() and find(d, "hold").is_enabled()))
        driver.get(base + "/#/wallet")
        check("the wallet was charged once", wait(driver, lambda d: "50" in find(d, "balance").text), find(driver, "balance").text)
        errors = console_errors(driver)
        check("no errors in the console", not errors, errors)
    finally:
        driver.quit()


def use_bootstrap_token(driver, base):
    """Opens the organizer page without an organizer account and types the bootstrap token into the field behind its
    "use a bootstrap token instead" link; returns the field."""
    driver.get(base + "/#/organizer")
    wait(driver, lambda d: find(d, "use-bootstrap-token")).click()
    field = wait(driver, lambda d: d.find_element(By.ID, "organizer-token"))
    field.send_keys(TOKEN)
    return field


def organizer_creates_an_event(base):
    organizer, customer = browser(), browser(390, 844)
    try:
        sign_in(customer, base)
        use_bootstrap_token(organizer, base)
        organizer.find_element(By.ID, "event-title").send_keys("Browser Test Gala")
        organizer.find_element(By.ID, "event-venue").send_keys("Loopback Hall")
        per_customer = organizer.find_element(By.ID, "event-customer-cap")
        per_address = organizer.find_element(By.ID, "event-address-cap")
        check("the form has 'Tickets per customer' (10 by default) and 'Tickets held per address' (empty), explained",
              per_customer.get_attribute("value") == "10" and per_address.get_attribute("value") == ""
              and "network address" in find(organizer, "caps-hint").text, (per_customer.get_attribute("value"), per_address.get_attribute("value")))
        per_customer.clear()
        per_customer.send_keys("3")
        shot(organizer, "organizer.png")
        find(organizer, "create").click()
        created = wait(organizer, lambda d: find(d, "created"))
        check("the organizer creates an event from the compact layout", "248 seats" in created.text, created.text)

        customer.get(base + "/#/")
        customer.refresh()
        titles = wait(customer, lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, "[data-event-id] h2")] or None)
        check("the new event appears for customers", "Browser Test Gala" in titles, titles)
        shot(customer, "events-phone.png")

        event_id = int(wait(organizer, lambda d: d.find_element(By.ID, "sales-event").get_attribute("value")))
        status, _, _ = request(int(base.rsplit(":", 1)[1]), "POST", "/api/bookings",
                               {"event_id": event_id, "seat_ids": [], "ga": [], "user_identifier": "x"})
        _, events, _ = request(int(base.rsplit(":", 1)[1]), "GET", f"/api/events/{event_id}")
        check("the form's 'Tickets per customer' reaches the event: max_tickets_per_customer == 3",
              events.get("max_tickets_per_customer") == 3, events.get("max_tickets_per_customer"))
        status, _, _ = request(int(base.rsplit(":", 1)[1]), "POST", "/api/book/safe", {"seat_id": events["first_seat_id"], "user_identifier": "erin"})
        check("a customer holds a seat of the new event", status == 200, status)
        check("the organizer sees the hold in the live sales figures", wait(organizer, lambda d: find(d, "held").text == "1"), find(organizer, "held").text)
        organizer.execute_script("document.querySelector(\"[data-testid='sales']\").scrollIntoView({block: 'start'})")
        shot(organizer, "organizer-sales.png")

        open_event(customer, base, event_id)
        check("the event page shows the cap", wait(customer, lambda d: find(d, "customer-cap").text == "Up to 3 tickets per customer"),
              find(customer, "customer-cap").text)
    finally:
        organizer.quit()
        customer.quit()


def mine(driver):
    """The seat ids the map draws as the customer's own booking, ascending."""
    return driver.execute_script(
        "const v = document.querySelector('canvas.seatmap').seatMapView; return [...v.mine].map((i) => v.model.seatId(i)).sort((a, b) => a - b)")


def places(driver, seat_ids):
    """[section, row label, seat number] of each seat, from the page's own seat map."""
    return driver.execute_script("""
        const m = document.querySelector('canvas.seatmap').seatMapView.model;
        return arguments[0].map((id) => { const i = m.indexOf(id), row = m.rows[m.rowOf[i]]; return [row.section, row.label, m.number[i]]; });
    """, seat_ids)


def best_available_seats(base):
    """A customer asks Best available for 3 seats, sees them lit as held, named as together, pays and sees them sold. On
    a phone, with no 3 seats left side by side, the page gives the server's reason and one click takes them split; a
    release gives them back and the seats can be picked by hand again."""
    port = int(base.rsplit(":", 1)[1])
    organizer = {"Authorization": f"Bearer {TOKEN}"}
    status, hall, _ = request(port, "POST", "/api/events", {
        "title": "Best Seats Hall", "venue": "Front Row", "starts_at": "2031-06-01T18:00:00Z", "max_tickets_per_booking": 6,
        "categories": [{"id": "stalls", "name": "Stalls", "price_minor": 4000}, {"id": "balcony", "name": "Balcony", "price_minor": 2000}],
        "seat_map": {"sections": [
            {"name": "Stalls", "rows": [{"rows": "A", "seats": "1-8", "category": "stalls", "accessible": "1-2"},
                                        {"rows": "B-D", "seats": "1-8", "category": "stalls"}]},
            {"name": "Balcony", "rank": 6, "rows": [{"rows": "A-B", "seats": "1-6", "category": "balcony"}]}]},
    }, headers=organizer)
    check("an event with accessible seats and 6 tickets per booking is created", status == 201 and hall.get("seats_total") == 44, hall)
    driver = browser()
    try:
        sign_in(driver, base, "bea")
        open_wallet_with(driver, base, 200)
        open_event(driver, base, hall["id"])
        quantity = Select(find(driver, "best-quantity"))
        values = [option.get_attribute("value") for option in quantity.options]
        check("Best available offers 1 … the event's 6 tickets per booking, 2 by default",
              values == ["1", "2", "3", "4", "5", "6"] and quantity.first_selected_option.get_attribute("value") == "2",
              (values, quantity.first_selected_option.get_attribute("value")))
        categories = [(option.get_attribute("value"), option.text) for option in Select(find(driver, "best-category")).options]
        check("... in any category or in one of the event's", [value for value, _ in categories] == ["", "stalls", "balcony"]
              and categories[0][1] == "Any category" and categories[1][1].startswith("Stalls"), categories)
        first = hall["first_seat_id"]
        accessible = driver.execute_script(
            "const m = document.querySelector('canvas.seatmap').seatMapView.model; return arguments[0].map((id) => m.isAccessible(m.indexOf(id)))",
            [first, first + 1, first + 2, first + 8])
        check("the map marks row A's seats 1-2 as accessible, and only those", accessible == [True, True, False, False], accessible)
        legend = driver.find_elements(By.CSS_SELECTOR, "[data-testid='legend-accessible']")
        check("... and the legend explains the mark", len(legend) == 1 and legend[0].get_attribute("title") == "Accessible seat"
              and "accessible seat" in legend[0].text, [element.text for element in legend])
        check("no split offer before anything was refused", not driver.find_elements(By.CSS_SELECTOR, "[data-testid='best-split']"))

        quantity.select_by_value("3")
        find(driver, "best-available").click()
        status = wait(driver, lambda d: find(d, "booking-status"))
        check("Find best seats holds a booking", status.get_attribute("data-status") == "held", status.text)
        lit = wait(driver, lambda d: mine(d) if len(mine(d)) == 3 else None)
        _, bookings, _ = request(port, "GET", "/api/bookings", headers={"Authorization": f"Bearer {token_of(driver)}"})
        held = [booking for booking in bookings if booking["event_id"] == hall["id"]]
        check("exactly the 3 seats the server chose light up as the customer's", len(held) == 1 and sorted(held[0]["seat_ids"]) == lit, (held, lit))
        check("... drawn as held", [seat_status(driver, seat) for seat in lit] == [1, 1, 1], [seat_status(driver, seat) for seat in lit])
        named = places(driver, lit)
        rows = {(section, label) for section, label, _ in named}
        numbers = [number for _, _, number in named]
        check("... side by side in one row", len(rows) == 1 and numbers == list(range(numbers[0], numbers[0] + 3)), named)
        section, label, _ = named[0]
        expected = f"Together in row {label}: {section}, row {label}, seats {numbers[0]}–{numbers[2]}."
        check("the message names the seats and says they are together", find(driver, "best-message").text.startswith(expected),
              (find(driver, "best-message").text, expected))
        first_count = find(driver, "countdown").text
        time.sleep(1.2)
        check("the hold counts down", ":" in first_count and find(driver, "countdown").text != first_count, (first_count, find(driver, "countdown").text))
        check("Find best seats waits while the customer holds a booking", not find(driver, "best-available").is_enabled())
        shot(driver, "best-available-hold.png")

        find(driver, "pay").click()
        check("paying the best seats confirms the booking",
              wait(driver, lambda d: find(d, "booking-status").get_attribute("data-status") == "confirmed"), find(driver, "booking-status").text)
        check("... and the seats turn sold", wait(driver, lambda d: [seat_status(d, seat) for seat in lit] == [2, 2, 2]),
              [seat_status(driver, seat) for seat in lit])
        errors = console_errors(driver)
        check("the best-available page logs no errors", not errors, errors)
    finally:
        driver.quit()

    status, small, _ = request(port, "POST", "/api/events", {
        "title": "Split Club", "venue": "Two Rows", "starts_at": "2031-06-01T18:00:00Z",
        "categories": [{"id": "std", "price_minor": 1000}],
        "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A-B", "seats": "1-5", "category": "std"}]}]},
    }, headers=organizer)
    first = small["first_seat_id"]
    status, _, _ = request(port, "POST", "/api/bookings", {"event_id": small["id"], "seat_ids": [first + 2, first + 7]}, guest(port))
    check("someone takes the middle seat of both rows over the API, leaving at most 2 side by side", status == 201, status)
    status, refused, _ = request(port, "POST", "/api/bookings", {"event_id": small["id"], "best_available": {"quantity": 3}}, guest(port))
    check("... so the API refuses 3 together: 409 not-enough-seats", status == 409 and refused["type"].endswith("/not-enough-seats"), refused)
    phone = browser(390, 844)
    try:
        sign_in(phone, base)
        open_event(phone, base, small["id"])
        above = phone.execute_script("""
            const best = document.querySelector("[data-testid='best-available']").getBoundingClientRect();
            return best.bottom <= document.querySelector('canvas.seatmap').getBoundingClientRect().top && best.bottom <= innerHeight;""")
        check("on a phone Best available comes first, on screen above the seat map", above)
        Select(find(phone, "best-quantity")).select_by_value("3")
        find(phone, "best-available").click()
        split = wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='best-split']"))
        check("the page says why in the server's words", refused["detail"] in find(phone, "best-message").text,
              (find(phone, "best-message").text, refused["detail"]))
        check("... holds nothing", find(phone, "hold-box").get_attribute("hidden") is not None and mine(phone) == [])
        check("... and offers 'Allow split seats'", split[0].text == "Allow split seats" and split[0].is_enabled(), split[0].text)
        shot(phone, "best-available-split.png")
        split[0].click()
        check("one click holds the seats split",
              wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='booking-status'][data-status='held']")))
        lit = wait(phone, lambda d: mine(d) if len(mine(d)) == 3 else None)
        check("... 3 of them, drawn as held", [seat_status(phone, seat) for seat in lit] == [1, 1, 1], lit)
        named = places(phone, lit)
        check("... which are not all side by side", not (len({label for _, label, _ in named}) == 1
              and [number for _, _, number in named] == list(range(named[0][2], named[0][2] + 3))), named)
        text = find(phone, "best-message").text
        check("the message says they are not side by side and names them",
              text.startswith("Not side by side: ") and all(f"row {label}" in text and str(number) in text for _, label, number in named), text)

        find(phone, "release").click()
        check("releasing gives the seats back", wait(phone, lambda d: [seat_status(d, seat) for seat in lit] == [0, 0, 0] and mine(d) == []),
              [seat_status(phone, seat) for seat in lit])
        check("... hides the booking and enables Find best seats again",
              wait(phone, lambda d: find(d, "hold-box").get_attribute("hidden") is not None and find(d, "best-available").is_enabled()))
        click_seat(phone, lit[0])
        check("a seat can then be picked by hand", wait(phone, lambda d: selected_seats(d) == [lit[0]]), selected_seats(phone))
        find(phone, "hold").click()
        check("... and held", wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='booking-status'][data-status='held']"))
              and wait(phone, lambda d: mine(d) == [lit[0]]), mine(phone))
        errors = console_errors(phone)
        check("the split page logs no errors", not errors, errors)
    finally:
        phone.quit()


def requests_to(driver, suffix):
    """How many requests the page sent to a path ending in `suffix` (from the page's resource timing)."""
    return driver.execute_script(
        "return performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith(arguments[0])).length", suffix)


def queue_look(driver):
    """The waiting room panel in one look (it redraws as frames come): its state and figures."""
    return driver.execute_script("""
        const text = (id) => document.querySelector(`[data-testid='${id}']`)?.textContent ?? null;
        return { state: document.querySelector("[data-testid='queue-state']")?.dataset.state ?? null,
                 position: text('queue-position'), ahead: text('queue-ahead'), eta: text('queue-eta') };
    """)


def waiting_room(base):
    """A visitor without a session opens an event sold behind a waiting room: the queue instead of the ways to hold. It
    joins (and becomes a guest), waits behind people who joined over the API, is let in at 60 a minute and holds a seat
    with its pass; over the API a hold without the pass is refused. Its figures follow the queue's live topic: the page
    reads its place once for the pass, not every second or so. It pays, and the page says its pass has ended; a hold
    with that pass is refused. The organizer creates an event with a waiting room from the form, sees the queue's numbers
    of the first event and pauses its admission from the page; then sets the new event's room to let 2 shop at once and
    ask for a 12-bit proof of work, which a second visitor's browser solves in a worker to join."""
    port = int(base.rsplit(":", 1)[1])
    organizer_headers = {"Authorization": f"Bearer {TOKEN}"}
    status, event, _ = request(port, "POST", "/api/events", {
        "title": "Queue Night", "venue": "Front Door", "starts_at": "2031-06-01T18:00:00Z",
        "categories": [{"id": "std", "name": "Standard", "price_minor": 1500}],
        "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A-B", "seats": "1-6", "category": "std"}]}]},
        "queue": {"admit_per_minute": 60},
    }, headers=organizer_headers)
    check("an event with a waiting room letting in 60 a minute is created", status == 201, event)
    event_id, first = event["id"], event["first_seat_id"]
    _, shown, _ = request(port, "GET", f"/api/events/{event_id}")
    check("... and it says so: waiting_room is true", shown.get("waiting_room") is True, shown.get("waiting_room"))
    queue_path = f"/api/events/{event_id}/queue"

    visitor = browser()
    try:
        open_event(visitor, base, event_id)
        # The page's requests are counted from its resource timing: room for all of them.
        visitor.execute_script("performance.setResourceTimingBufferSize(100000)")
        state = wait(visitor, lambda d: find(d, "queue-state") if find(d, "queue-state").get_attribute("data-state") == "not_joined" else None)
        check("the event page shows the waiting room to a visitor who has not joined", state.is_displayed(), state.text)
        hidden = [test_id for test_id in ("best-available", "hold") if not find(visitor, test_id).is_displayed()]
        check("... instead of Best available and the Hold button", hidden == ["best-available", "hold"], hidden)
        click_seat(visitor, first + 2)
        time.sleep(0.3)
        check("... and seats cannot be picked on the map yet", selected_seats(visitor) == [], selected_seats(visitor))
        check("... and offers 'Join the queue'", find(visitor, "queue-join").is_displayed() and find(visitor, "queue-join").is_enabled())

        # People ahead, so that the visitor waits some seconds at 60 a minute.
        for _ in range(8):
            status, joined, _ = request(port, "POST", queue_path, headers=guest(port))
        check("others join the queue over the API", status == 200 and joined.get("state") in ("waiting", "admitted"), joined)
        find(visitor, "queue-join").click()
        check("joining makes the visitor a guest", wait(visitor, lambda d: find(d, "customer-name").text == "Guest"), find(visitor, "customer-name").text)
        check("... who waits in the queue", wait(visitor, lambda d: find(d, "queue-state").get_attribute("data-state") == "waiting"),
              find(visitor, "queue-state").get_attribute("data-state"))
        figures = {test_id: find(visitor, test_id).text for test_id in ("queue-position", "queue-ahead", "queue-eta")}
        _, place, _ = request(port, "GET", f"{queue_path}/me", headers={"Authorization": f"Bearer {token_of(visitor)}"})
        check("... shown with its place (as the API has it), the people ahead and when its turn comes",
              figures["queue-position"] == str(place.get("position")) and figures["queue-ahead"].isdigit() and int(figures["queue-ahead"]) >= 1
              and figures["queue-eta"] != "", (figures, place))
        check("... and a progress bar", find(visitor, "queue-progress").is_displayed())
        shot(visitor, "waiting-room.png")
        place_reads = requests_to(visitor, "/queue/me")
        look = queue_look(visitor)
        # At 60 a minute the turn of a visitor with N ahead comes in about N + 1 seconds (format.js's duration()).
        due = int(look["ahead"]) + 1 if (look["ahead"] or "").isdigit() else -1
        check("... its turn worked out from the rate: (ahead + 1) × 60 / 60 seconds",
              look["state"] == "waiting" and look["eta"] == ("a few seconds" if 0 < due <= 5 else f"{due} s"), look)
        aheads = [int(look["ahead"])]
        looks = []

        def counting_down(d):
            # The panel redraws as frames come: read the state and the figures in one look.
            look = queue_look(d)
            looks.append(look)
            if look["state"] == "waiting" and (look["ahead"] or "").isdigit():
                aheads.append(int(look["ahead"]))
            return look["state"] == "admitted"

        admitted = wait(visitor, counting_down, 20)
        check("the visitor is let in within seconds, without reloading", admitted, find(visitor, "queue-state").get_attribute("data-state"))
        check("... the people ahead counting down meanwhile", aheads == sorted(aheads, reverse=True) and aheads[0] > aheads[-1], aheads)
        reads = requests_to(visitor, "/queue/me") - place_reads
        check("... moved by the live queue topic: while waiting the page read its place (GET …/queue/me) only once, for its pass "
              "(a poll every 1.5 s would have read it several times)", reads == 1, reads)
        pass_time = find(visitor, "queue-pass-time")
        minutes, _, seconds = pass_time.text.partition(":")
        left = int(minutes) * 60 + int(seconds) if minutes.isdigit() and seconds.isdigit() else -1
        check("the page shows the pass's time left, about 10 minutes", pass_time.is_displayed() and 580 <= left <= 600, pass_time.text)
        check("... and Best available and the Hold button appear",
              wait(visitor, lambda d: find(d, "best-available").is_displayed() and find(d, "hold").is_displayed()))
        click_seat(visitor, first + 2)
        check("seats can now be picked", wait(visitor, lambda d: selected_seats(d) == [first + 2]), selected_seats(visitor))
        find(visitor, "hold").click()
        check("holding with the pass holds the seat",
              wait(visitor, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='booking-status'][data-status='held']")), find(visitor, "message").text)
        check("... drawn as held", wait(visitor, lambda d: seat_status(d, first + 2) == 1))
        shot(visitor, "waiting-room-admitted.png")
        _, bookings, _ = request(port, "GET", "/api/bookings", headers={"Authorization": f"Bearer {token_of(visitor)}"})
        check("... and the API has the visitor's hold of it", [b["seat_ids"] for b in bookings if b["event_id"] == event_id] == [[first + 2]], bookings)

        me = {"Authorization": f"Bearer {token_of(visitor)}"}
        status, refused, _ = request(port, "POST", "/api/bookings", {"event_id": event_id, "seat_ids": [first + 3]}, me)
        check("over the API a hold without the pass is refused: 403 queue-pass-required",
              status == 403 and refused.get("type", "").endswith("/queue-pass-required"), (status, refused))
        status, refused, _ = request(port, "POST", "/api/book/safe", {"seat_id": first + 3}, dict(me, **{"Queue-Pass": "not-a-pass"}))
        check("... and one with a made-up pass: 403 queue-pass-invalid", status == 403 and refused.get("type", "").endswith("/queue-pass-invalid"), (status, refused))

        # The visitor pays: its pass has done its work.
        _, place, _ = request(port, "GET", f"{queue_path}/me", headers=me)
        queue_pass = place.get("pass") or ""
        _, account, _ = request(port, "POST", "/api/accounts", {"currency": event.get("currency", "EUR")}, me)
        request(port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": 5000}, me)
        held = next(b for b in bookings if b["event_id"] == event_id)
        status, paid, _ = request(port, "POST", f"/api/bookings/{held['id']}/pay", headers=me)
        check("the admitted visitor pays for its hold (over the API)", status == 200 and paid.get("status") in ("confirmed", "payment_pending"), (status, paid))
        check("... and the page says so: its pass has ended (state done), the ways to hold gone",
              wait(visitor, lambda d: find(d, "queue-state").get_attribute("data-state") == "done"
                   and "bought your tickets" in find(d, "queue-state").text and not find(d, "hold").is_displayed()),
              (queue_look(visitor), find(visitor, "hold").is_displayed()))
        _, place, _ = request(port, "GET", f"{queue_path}/me", headers=me)
        check("... as the API has it: GET …/queue/me says done, with no pass", place.get("state") == "done" and not place.get("pass"), place)
        status, refused, _ = request(port, "POST", "/api/book/safe", {"seat_id": first + 3}, dict(me, **{"Queue-Pass": queue_pass}))
        check("... and a hold with the pass it paid with is refused: 403 queue-pass-used",
              bool(queue_pass) and status == 403 and refused.get("type", "").endswith("/queue-pass-used"), (status, refused))
        errors = console_errors(visitor)
        check("the waiting room's pages log no errors", not errors, errors)
    finally:
        visitor.quit()

    organizer = browser()
    try:
        use_bootstrap_token(organizer, base)
        organizer.find_element(By.ID, "event-title").send_keys("Queue Form Gig")
        organizer.find_element(By.ID, "event-venue").send_keys("Side Door")
        find(organizer, "event-queue").click()
        find(organizer, "create").click()
        wait(organizer, lambda d: find(d, "created"))
        created = int(wait(organizer, lambda d: d.find_element(By.ID, "sales-event").get_attribute("value")))
        _, made, _ = request(port, "GET", f"/api/events/{created}")
        status, room, _ = request(port, "GET", f"/api/events/{created}/queue")
        check("the New event form's 'Sell behind a waiting room' makes an event with one, from the defaults",
              made.get("title") == "Queue Form Gig" and made.get("waiting_room") is True and status == 200
              and room.get("enabled") is True and room.get("admit_per_minute") == 600, (made.get("waiting_room"), status, room))
        check("... and the Waiting room card shows it for the new event",
              wait(organizer, lambda d: find(d, "queue-status").text == "letting in" and find(d, "queue-rate").get_attribute("value") == "600"),
              find(organizer, "queue-stats").text)

        Select(organizer.find_element(By.ID, "sales-event")).select_by_value(str(event_id))
        _, room, _ = request(port, "GET", queue_path)
        check("for the chosen event the card shows the queue's numbers as the API has them",
              wait(organizer, lambda d: find(d, "queue-joined").text == str(room["joined"]) and find(d, "queue-cursor").text == str(room["cursor"])
                   and find(d, "queue-admit-rate").text == "60 / min" and find(d, "queue-rate").get_attribute("value") == "60"),
              (find(organizer, "queue-stats").text, room))
        check("... 9 joined, none waiting any more", room["joined"] == 9 and room["waiting"] == 0, room)
        status, _, _ = request(port, "POST", queue_path, headers=guest(port))
        check("someone else joins over the API, and the card's count follows within its 2 s refresh",
              status == 200 and wait(organizer, lambda d: find(d, "queue-joined").text == "10", 6), find(organizer, "queue-joined").text)
        check("the card offers to pause admission", find(organizer, "queue-pause").text == "Pause")
        find(organizer, "queue-pause").click()
        check("pausing from the page pauses the queue: GET …/queue has paused true",
              wait(organizer, lambda d: request(port, "GET", queue_path)[1].get("paused") is True), request(port, "GET", queue_path)[1])
        check("... and the card says so and offers Resume",
              wait(organizer, lambda d: find(d, "queue-status").text == "paused" and find(d, "queue-pause").text == "Resume"),
              (find(organizer, "queue-status").text, find(organizer, "queue-pause").text))
        rate = find(organizer, "queue-rate")
        rate.clear()
        rate.send_keys("120")
        time.sleep(2.5)
        check("a refresh leaves a field being edited alone", rate.get_attribute("value") == "120", rate.get_attribute("value"))
        find(organizer, "queue-save").click()
        check("Save sends the new rate: GET …/queue has admit_per_minute 120, still paused",
              wait(organizer, lambda d: request(port, "GET", queue_path)[1].get("admit_per_minute") == 120), request(port, "GET", queue_path)[1])
        check("... and it stays paused", request(port, "GET", queue_path)[1].get("paused") is True)
        organizer.execute_script("document.querySelector(\"[data-testid='queue-card']\").scrollIntoView({block: 'center'})")
        shot(organizer, "organizer-queue.png")
        proof_of_work_to_join(base, organizer, created)
        errors = console_errors(organizer)
        check("the organizer's page logs no errors", not errors, errors)
    finally:
        organizer.quit()


def proof_of_work_to_join(base, organizer, event_id):
    """The organizer's card sets a waiting room to let 2 shop at once and ask for a 12-bit proof of work, and pauses it;
    a visitor's browser solves the proof in a worker and joins, waits while admission is paused, and is let in live when
    the organizer resumes it."""
    port = int(base.rsplit(":", 1)[1])
    queue_path = f"/api/events/{event_id}/queue"
    Select(organizer.find_element(By.ID, "sales-event")).select_by_value(str(event_id))
    wait(organizer, lambda d: find(d, "queue-rate").get_attribute("value") == "600" and find(d, "queue-proof-of-work").get_attribute("value") == "0")
    check("the card offers 'Shopping at once' (empty: no limit) and 'Proof of work' (0: off)",
          find(organizer, "queue-active-shoppers").get_attribute("value") == "" and find(organizer, "queue-proof").text == "off",
          find(organizer, "queue-stats").text)
    find(organizer, "queue-active-shoppers").send_keys("2")
    proof = find(organizer, "queue-proof-of-work")
    proof.clear()
    proof.send_keys("12")
    find(organizer, "queue-save").click()

    def room():
        return request(port, "GET", queue_path)[1]

    check("Save sends them: GET …/queue has active_shoppers 2 and proof_of_work 12",
          wait(organizer, lambda d: room().get("active_shoppers") == 2 and room().get("proof_of_work") == 12), room())
    check("... and the card shows them: the proof's bits, and who shops of the 2",
          wait(organizer, lambda d: find(d, "queue-proof").text == "12 bits" and find(d, "queue-shopping").text == "0 / 2"),
          find(organizer, "queue-stats").text)
    find(organizer, "queue-pause").click()
    wait(organizer, lambda d: room().get("paused") is True)
    status, refused, _ = request(port, "POST", queue_path, headers=guest(port))
    check("over the API a join without a proof is refused: 403 proof-of-work-required",
          status == 403 and refused.get("type", "").endswith("/proof-of-work-required"), (status, refused))
    status, challenge, _ = request(port, "GET", f"{queue_path}/challenge")
    check("... and GET …/queue/challenge gives one of 12 bits", status == 200 and challenge.get("difficulty") == 12, (status, challenge))
    before = room()

    visitor = browser()
    try:
        open_event(visitor, base, event_id)
        visitor.execute_script("performance.setResourceTimingBufferSize(100000)")
        wait(visitor, lambda d: find(d, "queue-state").get_attribute("data-state") == "not_joined")
        samples = ["", "abc", "é✓ queue 😀", "x" * 55, "y" * 56, "z" * 64, "w" * 119]
        digests = visitor.execute_async_script("""
            const [texts, done] = arguments;
            const worker = new Worker('/js/powworker.js');
            const out = [];
            worker.onerror = (error) => done(['error: ' + error.message]);
            worker.onmessage = ({ data }) => {
              out.push(data.hex);
              if (out.length === texts.length) { worker.terminate(); done(out); } else worker.postMessage({ hash: texts[out.length] });
            };
            worker.postMessage({ hash: texts[0] });
        """, samples)
        check("the page may start the proof-of-work worker, whose SHA-256 agrees with Python's hashlib",
              digests == [hashlib.sha256(text.encode()).hexdigest() for text in samples], digests)
        find(visitor, "queue-join").click()
        check("Join the queue solves the proof of work in the browser and joins: the visitor (a new guest) waits",
              wait(visitor, lambda d: find(d, "queue-state").get_attribute("data-state") == "waiting", 20), queue_look(visitor))
        check("... having read a challenge for it", requests_to(visitor, "/queue/challenge") == 1, requests_to(visitor, "/queue/challenge"))
        look = queue_look(visitor)
        check("... told that admission is paused", look["eta"] == "paused", look)
        after = room()
        _, place, _ = request(port, "GET", f"{queue_path}/me", headers={"Authorization": f"Bearer {token_of(visitor)}"})
        check("the API has the visitor in the queue: joined one more, the visitor waiting at the last place",
              after["joined"] == before["joined"] + 1 and place.get("state") == "waiting" and place.get("position") == after["joined"]
              and look["position"] == str(after["joined"]), (before, after, place, look))
        find(organizer, "queue-pause").click()
        check("the organizer resumes admission from the card, and the visitor is let in live",
              wait(visitor, lambda d: find(d, "queue-state").get_attribute("data-state") == "admitted", 15), queue_look(visitor))
        check("... and the card counts it shopping, 1 of 2 (as the API has it)",
              wait(organizer, lambda d: find(d, "queue-shopping").text == "1 / 2" and room().get("shopping") == 1, 8),
              (find(organizer, "queue-stats").text, room()))
        errors = console_errors(visitor)
        check("the proof-of-work visitor's page logs no errors", not errors, errors)
    finally:
        visitor.quit()


def hold_standing(driver, quantity):
    """Asks for `quantity` tickets of the event page's first general admission pool and presses Hold."""
    pool = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "input[data-testid^='pool-']"))
    pool.clear()
    pool.send_keys(str(quantity))
    wait(driver, lambda d: find(d, "hold").is_enabled())
    find(driver, "hold").click()


def caps_are_explained():
    """Holds past an event's caps are refused in the server's words. The caps hold only with the rate limits on (the
    suites' `off` lifts them), so this runs on a server of its own, its limits on but for sign-ups and logins."""
    data_dir = tempfile.mkdtemp(prefix="boxoffice-browser-limits-")
    server = Server(BINARY, data_dir, env={"BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_PUBLIC_DIR": os.path.join(ROOT, "public"),
                                            "BOXOFFICE_RATE_LIMITS": "signups=off,logins=off"})
    base = f"http://127.0.0.1:{server.port}"
    driver = browser()
    try:
        status, capped, _ = request(server.port, "POST", "/api/events", {
            "title": "Capped Gig", "venue": "Side Stage", "starts_at": "2031-06-01T18:00:00Z", "max_tickets_per_customer": 3,
            "categories": [{"id": "std", "price_minor": 1000}],
            "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A", "seats": "1-5", "category": "std"}]}]},
            "ga_pools": [{"name": "Standing", "price_minor": 500, "capacity": 20}],
        }, headers={"Authorization": f"Bearer {TOKEN}"})
        check("an event with 3 tickets per customer is created", status == 201 and capped.get("max_tickets_per_customer") == 3, capped)
        sign_in(driver, base)
        open_event(driver, base, capped["id"])
        hold_standing(driver, 3)
        check("a customer holds up to the cap", wait(driver, lambda d: find(d, "booking-status").get_attribute("data-status") == "held"))
        driver.refresh()
        wait(driver, lambda d: d.execute_script("return !!document.querySelector('canvas.seatmap')?.seatMapView?.model"))
        hold_standing(driver, 1)
        check("one more is refused, and the page says so in the server's words",
              wait(driver, lambda d: "at most 3 tickets" in find(d, "message").text and "you have 3" in find(d, "message").text),
              find(driver, "message").text)

        status, event, _ = request(server.port, "POST", "/api/events", {
            "title": "Small Club", "venue": "Back Room", "starts_at": "2031-06-01T18:00:00Z", "max_tickets_per_customer": None, "held_per_address": 2,
            "categories": [{"id": "std", "price_minor": 1000}],
            "seat_map": {"sections": [{"name": "Floor", "rows": [{"rows": "A", "seats": "1-5", "category": "std"}]}]},
            "ga_pools": [{"name": "Standing", "price_minor": 500, "capacity": 20}],
        }, headers={"Authorization": f"Bearer {TOKEN}"})
        check("an event with no customer cap and 2 tickets per address is created",
              status == 201 and event.get("max_tickets_per_customer") is None and event.get("held_per_address") == 2, event)
        status, _, _ = request(server.port, "POST", "/api/bookings",
                               {"event_id": event["id"], "seat_ids": [], "ga": [{"pool_id": event["ga_pools"][0]["id"], "quantity": 2}]}, guest(server.port))
        check("someone else at the same address holds 2", status == 201, status)
        open_event(driver, base, event["id"])
        check("an event without a customer cap shows none", not driver.find_elements(By.CSS_SELECTOR, "[data-testid='customer-cap']"))
        hold_standing(driver, 1)
        check("a hold past the address's cap says so in the server's words, with when to try again",
              wait(driver, lambda d: "from your network" in find(d, "message").text and "try again in" in find(d, "message").text),
              find(driver, "message").text)
        check("... and the Hold button waits meanwhile", not find(driver, "hold").is_enabled())
        errors = console_errors(driver)
        check("the capped events' pages log no errors", not errors, errors)
    finally:
        driver.quit()
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def big_hall_stays_usable(base):
    """A 20,000-seat hall: the map loads, draws, and follows a hold live. The times are printed, not asserted."""
    port = int(base.rsplit(":", 1)[1])
    status, event, _ = request(port, "POST", "/api/events", {
        "title": "Stadium", "venue": "Big Arena", "starts_at": "2031-06-01T18:00:00Z",
        "categories": [{"id": "a", "name": "Lower", "price_minor": 9000}, {"id": "b", "name": "Upper", "price_minor": 4000}],
        "seat_map": {"sections": [{"name": "Lower", "rows": [{"rows": "1-40", "seats": "1-250", "category": "a"}]},
                                  {"name": "Upper", "rows": [{"rows": "1-40", "seats": "1-250", "category": "b"}]}]},
    }, headers={"Authorization": f"Bearer {TOKEN}"})
    check("a 20,000-seat event is created", status == 201 and event["seats_total"] == 20000, event)
    driver = browser()
    try:
        sign_in(driver, base)
        started = time.time()
        open_event(driver, base, event["id"])
        loaded = time.time() - started
        draw_ms = driver.execute_script("""
            const view = document.querySelector('canvas.seatmap').seatMapView;
            const started = performance.now();
            for (let i = 0; i < 10; i += 1) view.draw();
            return (performance.now() - started) / 10;
        """)
        print(f"     20,000 seats: page and map ready in {loaded * 1000:.0f} ms (through WebDriver); one full redraw {draw_ms:.1f} ms")
        page = driver.find_element(By.ID, "view").text
        check("the event page shows no placeholder text", "null" not in page and "undefined" not in page, page[:200])
        check("the big map holds every seat", driver.execute_script("return document.querySelector('canvas.seatmap').seatMapView.model.count") == 20000)
        seat = event["first_seat_id"] + 19999
        request(port, "POST", "/api/book/safe", {"seat_id": seat, "user_identifier": "someone"})
        check("a hold at the far end of the big map shows live", wait(driver, lambda d: seat_status(d, seat) == 1))
        shot(driver, "stadium.png")
    finally:
        driver.quit()


# MARK: Tickets and the door (issue 24)

def port_of(base):
    return int(base.rsplit(":", 1)[1])


ORGANIZER = {"Authorization": f"Bearer {TOKEN}"}


def door_event(port, title):
    """An event of 15 seats (Stalls, rows A-C, seats 1-5) and 20 standing places, starting 2031-06-01 18:00 UTC."""
    status, event, _ = request(port, "POST", "/api/events", {
        "title": title, "venue": "Door Hall", "starts_at": "2031-06-01T18:00:00Z",
        "categories": [{"id": "std", "name": "Standard", "price_minor": 2000}],
        "seat_map": {"sections": [{"name": "Stalls", "rows": [{"rows": "A-C", "seats": "1-5", "category": "std"}]}]},
        "ga_pools": [{"name": "Standing", "price_minor": 1000, "capacity": 20}],
    }, headers=ORGANIZER)
    if status != 201:
        raise RuntimeError(f"no event: {status} {event}")
    return event


def bought(port, event, seat_ids, standing=0, email=None):
    """A new guest (or, with `email`, a customer who signs up with it) holds seats (and standing tickets) of an event and
    pays: its headers, the booking and its tickets."""
    owner = signed_up(port, email) if email else guest(port)
    ga = [{"pool_id": event["ga_pools"][0]["id"], "quantity": standing}] if standing else []
    status, booking, _ = request(port, "POST", "/api/bookings", {"event_id": event["id"], "seat_ids": seat_ids, "ga": ga}, owner)
    if status != 201:
        raise RuntimeError(f"no hold: {status} {booking}")
    _, account, _ = request(port, "POST", "/api/accounts", {}, owner)
    request(port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": 1000000}, owner)
    request(port, "POST", f"/api/bookings/{booking['id']}/pay", headers=owner)
    deadline = time.time() + 15
    while request(port, "GET", f"/api/bookings/{booking['id']}", headers=owner)[1]["status"] != "confirmed":
        if time.time() > deadline:
            raise RuntimeError("the booking was not confirmed")
        time.sleep(0.1)
    status, tickets, _ = request(port, "GET", f"/api/bookings/{booking['id']}/tickets", headers=owner)
    if status != 200:
        raise RuntimeError(f"no tickets: {status} {tickets}")
    return owner, booking, tickets


def signed_up(port, email):
    """A new customer's Authorization header (POST /api/auth/signup)."""
    status, grant, _ = request(port, "POST", "/api/auth/signup", {"email": email, "password": "a long password"})
    if status != 201:
        raise RuntimeError(f"no sign-up: {status} {grant}")
    return {"Authorization": f"Bearer {grant['access_token']}"}


def raw_get(port, path, headers):
    """GET that keeps the body as bytes: (status, bytes, content type)."""
    with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers), timeout=15) as response:
        return response.status, response.read(), response.headers.get("Content-Type")


def zbar(png):
    """What zbarimg reads from PNG bytes (its --raw text; stderr, where it complains about D-Bus, left out)."""
    with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as file:
        file.write(png)
    try:
        return subprocess.run(["zbarimg", "--raw", "-q", file.name], capture_output=True, text=True, timeout=30).stdout.strip()
    finally:
        os.unlink(file.name)


def add_staff(port, event_id, email):
    status, body, _ = request(port, "POST", f"/api/events/{event_id}/staff", {"email": email}, ORGANIZER)
    if status != 201:
        raise RuntimeError(f"not added as staff: {status} {body}")


def open_scanner(driver, base, event_id, gate):
    """Opens an event's scanner page at a gate (remembered in localStorage) once it has its offline list."""
    driver.get(base + "/#/")
    driver.execute_script("localStorage.setItem('boxoffice.scanner.gate', arguments[0])", gate)
    driver.get(f"{base}/#/scan/{event_id}")
    wait(driver, lambda d: find(d, "offline-list").text.startswith("Offline list from"), 15)


def scans(driver):
    """The scanner page's list of last scans, oldest first: dicts of result, offline, ticket, source, at (ms)."""
    return driver.execute_script("""
        return [...document.querySelectorAll("[data-testid='scan']")].reverse().map((li) => ({ result: li.dataset.result,
          offline: li.dataset.offline === 'true', ticket: li.dataset.ticketId, source: li.dataset.source, at: Number(li.dataset.at), text: li.textContent }));""")


def scan_by_hand(driver, code):
    """Types a code into the scanner's manual field and waits for its answer; returns that scan."""
    before = len(scans(driver))
    field = find(driver, "manual-code")
    field.send_keys(code)
    find(driver, "manual-submit").click()
    wait(driver, lambda d: len(scans(d)) > before, 15)
    return scans(driver)[-1]


def set_offline(driver, offline):
    """Cuts the page off the network (DevTools' network emulation, as the Offline box does), or gives it back."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def tickets_page_shows_scannable_codes(base):
    """A buyer holds a seat and a standing ticket in the browser; their ticket page says the tickets come once paid, and
    shows them live when the booking is paid. My bookings shows the show's date, the seat's label and the pool's name,
    and a Tickets link; the ticket page shows each ticket with its QR code. The code read back from the
    page's PNG download (with zbarimg), from a screenshot of the inline SVG (zbarimg) and by the page's own qrdecode.js is
    the ticket's secret, which then checks in as the organizer. It prints one ticket a page without the header."""
    port = port_of(base)
    event = door_event(port, "Ticket Night")
    seat = event["first_seat_id"] + 2
    driver = browser()
    try:
        sign_in(driver, base, "tina")
        open_wallet_with(driver, base, 500)
        open_event(driver, base, event["id"])
        click_seat(driver, seat)
        wait(driver, lambda d: selected_seats(d) == [seat])
        pool = driver.find_element(By.CSS_SELECTOR, f"[data-testid='pool-{event['ga_pools'][0]['id']}']")
        pool.clear()
        pool.send_keys("1")
        wait(driver, lambda d: find(d, "hold").is_enabled())
        find(driver, "hold").click()
        wait(driver, lambda d: find(d, "booking-status").get_attribute("data-status") == "held")
        owner = {"Authorization": f"Bearer {token_of(driver)}"}
        held = [booking for booking in request(port, "GET", "/api/bookings", headers=owner)[1] if booking["event_id"] == event["id"]][0]
        driver.get(f"{base}/#/bookings/{held['id']}/tickets")
        check("the ticket page of a booking not yet paid says the tickets come once it is paid",
              wait(driver, lambda d: "once the booking is paid" in find(d, "tickets-not-issued").text))
        status, paid, _ = request(port, "POST", f"/api/bookings/{held['id']}/pay", headers=owner)
        check("... and shows them live when it is paid (here over the API)", status == 200 and wait(driver, lambda d: len(d.find_elements(
            By.CSS_SELECTOR, "[data-testid='ticket-qr'] svg")) == 2, 15), (status, paid))

        driver.get(base + "/#/bookings")
        row = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='bookings'] tr[data-status='confirmed']"))
        booking_id = row.get_attribute("data-booking-id")
        shown_date = row.find_element(By.CSS_SELECTOR, "[data-testid='booking-date']").text
        expected_date = driver.execute_script(
            "return new Date(arguments[0]).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })", event["starts_at"])
        check("My bookings shows the show's date (starts_at), not when it was booked", shown_date == expected_date and "2031" in shown_date,
              (shown_date, expected_date))
        lines = [item.text for item in row.find_elements(By.CSS_SELECTOR, "[data-testid='booking-seats'] li")]
        check("... the seat by its label and the standing ticket by its pool's name", lines == ["Stalls row A seat 3", "1 × Standing"], lines)
        link = row.find_element(By.CSS_SELECTOR, "[data-testid='tickets-link']")
        check("... and a Tickets link for the confirmed booking", link.get_attribute("href").endswith(f"#/bookings/{booking_id}/tickets"),
              link.get_attribute("href"))
        link.click()

        cards = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='ticket']") if len(d.find_elements(
            By.CSS_SELECTOR, "[data-testid='ticket-qr'] svg path")) == 2 and len(d.find_elements(By.CSS_SELECTOR, "a[data-testid='download-png'][href^='blob:']")) == 2 else None, 15)
        status, tickets, _ = request(port, "GET", f"/api/bookings/{booking_id}/tickets", headers=owner)
        check("the ticket page shows both tickets, each with its QR code inline", status == 200 and [c.get_attribute("data-ticket-id") for c in cards]
              == [t["id"] for t in tickets], (status, [c.get_attribute("data-ticket-id") for c in cards]))
        first = cards[0]
        text = lambda card, test_id: card.find_element(By.CSS_SELECTOR, f"[data-testid='{test_id}']").text
        check("... with the event, its date, the seat or pool, the category and the holder",
              text(first, "ticket-title") == "Ticket Night" and text(first, "ticket-date") == expected_date
              and text(first, "ticket-place") == "Stalls row A seat 3" and text(cards[1], "ticket-place") == "Standing"
              and text(first, "ticket-category") == "Standard" and text(first, "ticket-holder") == "tina@example.test" and "Door Hall" in first.text,
              first.text)
        secret = tickets[0]["secret"]

        # Download PNG, clicked, saves the file (the content security policy lets no script fetch a blob: URL).
        downloads = tempfile.mkdtemp(prefix="boxoffice-downloads-")
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        name = f"ticket-{tickets[0]['id']}.png"
        first.find_element(By.CSS_SELECTOR, "[data-testid='download-png']").click()
        saved = os.path.join(downloads, name)
        try:
            wait(driver, lambda d: os.path.exists(saved) and os.path.getsize(saved) > 0 and not os.path.exists(saved + ".crdownload"), 15)
            with open(saved, "rb") as file:
                png = file.read()
        except Exception:
            png = b""
        finally:
            shutil.rmtree(downloads, ignore_errors=True)
        check("Download PNG saves a PNG file named after the ticket", png[:8] == b"\x89PNG\r\n\x1a\n", (png[:8], name))
        read = zbar(png)
        check("zbarimg reads the downloaded PNG as the ticket's secret", read == secret, (read, secret))
        svg = first.find_element(By.CSS_SELECTOR, "[data-testid='ticket-qr'] svg")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", svg)
        read = zbar(svg.screenshot_as_png)
        check("... and a screenshot of the page's inline SVG as the same secret", read == secret, (read, secret))
        decoded = driver.execute_async_script("""
            const [link, done] = arguments;
            import('/js/qrdecode.js').then(async ({ decodeQR }) => {
              const bitmap = new Image();
              bitmap.src = link.href;
              await bitmap.decode();
              const canvas = document.createElement('canvas');
              canvas.width = bitmap.width; canvas.height = bitmap.height;
              const context = canvas.getContext('2d');
              context.drawImage(bitmap, 0, 0);
              const result = decodeQR(context.getImageData(0, 0, canvas.width, canvas.height));
              done(result ? [result.text, result.version, result.level] : null);
            }).catch((error) => done('error ' + error));""", first.find_element(By.CSS_SELECTOR, "[data-testid='download-png']"))
        check("... and the scanner's own decoder (qrdecode.js) reads the PNG as the secret too", decoded and decoded[0] == secret, decoded)
        status, answer, _ = request(port, "POST", f"/api/events/{event['id']}/checkins",
                                    {"secret": read, "nonce": f"browser-{time.time()}", "gate": "Main"}, ORGANIZER)
        check("the secret read back checks in as the organizer: admitted", status == 200 and answer.get("result") == "admitted"
              and (answer.get("ticket") or {}).get("id") == tickets[0]["id"], (status, answer))
        driver.refresh()
        check("the ticket page then says it was checked in, and where",
              wait(driver, lambda d: "Checked in" in text(d.find_element(By.CSS_SELECTOR, f"[data-ticket-id='{tickets[0]['id']}']"), "ticket-status")
                   and "Main" in text(d.find_element(By.CSS_SELECTOR, f"[data-ticket-id='{tickets[0]['id']}']"), "ticket-status")))
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid='ticket-qr'] svg")) == 2)
        check("the page has a Print button", find(driver, "print").is_enabled())
        peek(driver, "tickets.png")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        printed = driver.execute_script("""
            const style = (element) => getComputedStyle(element);
            const cards = [...document.querySelectorAll("[data-testid='ticket']")];
            return { header: style(document.querySelector('header.top')).display, print: style(document.querySelector("[data-testid='print']")).display,
                     breaks: cards.map((card) => style(card).breakAfter), qr: style(document.querySelector("[data-testid='ticket-qr']")).display };""")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        check("printed: no header or buttons, a page break after each ticket but the last, the codes shown",
              printed["header"] == "none" and printed["print"] == "none" and printed["breaks"] == ["page", "auto"] and printed["qr"] != "none", printed)
        standing = driver.find_element(By.CSS_SELECTOR, f"[data-ticket-id='{tickets[1]['id']}']")
        standing.find_element(By.CSS_SELECTOR, "[data-testid='reissue']").click()
        standing.find_element(By.CSS_SELECTOR, "[data-testid='reissue']").click()
        selector = f"[data-ticket-id='{tickets[1]['id']}'][data-version='2'] [data-testid='ticket-qr'] svg"
        check("'New code' (clicked twice) reissues a ticket: the page shows version 2 with its code", wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, selector)))
        status, answer, _ = request(port, "POST", f"/api/events/{event['id']}/checkins",
                                    {"secret": tickets[1]["secret"], "nonce": f"browser-old-{time.time()}"}, ORGANIZER)
        check("... and the old code then checks in as revoked", status == 200 and answer.get("result") == "revoked", (status, answer))
        errors = console_errors(driver)
        check("the ticket pages log no errors", not errors, errors)
    finally:
        driver.quit()


def scanner_reads_the_camera(base):
    """Door staff open the scanner with a camera filming a ticket (Chromium's fake camera playing a Y4M video made from the
    ticket's qr.png). Without BarcodeDetector the page decodes the frames itself and admits the ticket; the camera still
    on it, the same code is read again only after the pause, and is then already checked in, with the time and the gate.
    A second page load says the same."""
    port = port_of(base)
    event = door_event(port, "Camera Gig")
    owner, _, tickets = bought(port, event, [event["first_seat_id"]])
    status, png, kind = raw_get(port, f"/api/tickets/{tickets[0]['id']}/qr.png", owner)
    check("GET …/qr.png answers a PNG", status == 200 and kind == "image/png" and png[:4] == b"\x89PNG", (status, kind))
    video_dir = tempfile.mkdtemp(prefix="boxoffice-camera-")
    video = os.path.join(video_dir, "ticket.y4m")
    write_y4m(video, png)
    driver = browser(arguments=fake_camera(video))
    try:
        sign_in(driver, base, "gina")
        add_staff(port, event["id"], "gina@example.test")
        open_scanner(driver, base, event["id"], "North")
        wait(driver, lambda d: find(d, "camera-status").get_attribute("data-state") == "on", 15)
        decoder = find(driver, "decoder").get_attribute("data-decoder")
        print(f"     the scanner reads frames with: {find(driver, 'decoder').text}")
        check("the camera starts (the fake one), read by our own decoder where Chromium has no BarcodeDetector",
              decoder == ("barcode-detector" if driver.execute_script("return 'BarcodeDetector' in window") else "qrdecode"), decoder)
        wait(driver, lambda d: len(scans(d)) >= 1, 20)
        first = scans(driver)[0]
        check("the camera's frame is decoded and the ticket admitted, online",
              first["result"] == "admitted" and not first["offline"] and first["source"] == "camera" and first["ticket"] == tickets[0]["id"], first)
        result = find(driver, "scan-result")
        check("... shown in big letters with the seat", result.get_attribute("data-result") == "admitted" and find(driver, "result-word").text == "ADMITTED"
              and "Stalls row A seat 1" in find(driver, "result-ticket").text, result.text)
        colour = driver.execute_script("return getComputedStyle(arguments[0]).backgroundColor", result)
        check("... on green", colour == "rgb(26, 127, 55)", colour)
        peek(driver, "scanner-admitted.png")
        wait(driver, lambda d: len(scans(d)) >= 2, 15)
        second = scans(driver)[1]
        gap = second["at"] - first["at"]
        check("the code still in front of the camera is read again only after the pause (~3 s), and is already checked in",
              second["result"] == "already_checked_in" and 2900 <= gap <= 8000 and second["ticket"] == tickets[0]["id"], (second, gap))
        wait(driver, lambda d: find(d, "scan-result").get_attribute("data-result") == "already_checked_in")
        check("... saying when and at which gate it was first checked in", find(driver, "result-word").text == "ALREADY CHECKED IN"
              and "North" in find(driver, "result-first").text, find(driver, "scan-result").text)
        peek(driver, "scanner-already.png")
        check("the page counts 1 admitted and the refusals", find(driver, "count-admitted").text == "1" and int(find(driver, "count-refused").text) >= 1,
              (find(driver, "count-admitted").text, find(driver, "count-refused").text))
        _, figures, _ = request(port, "GET", f"/api/events/{event['id']}/checkins", headers=ORGANIZER)
        check("the server has the ticket checked in once, at gate North",
              figures.get("checked_in") == 1 and figures.get("gates") == [{"gate": "North", "checked_in": 1}], figures)
        driver.refresh()
        wait(driver, lambda d: len(scans(d)) >= 1, 20)
        check("a second page load reads it again: already checked in", scans(driver)[0]["result"] == "already_checked_in", scans(driver))
        errors = console_errors(driver)
        check("the scanner page logs no errors", not errors, errors)
    finally:
        driver.quit()
        shutil.rmtree(video_dir, ignore_errors=True)


def scanners_offline_conflict(base):
    """Two gates' scanners load their offline lists, lose the network and both admit the same ticket, each deciding alone
    (WebCrypto checks the Ed25519 signature); they refuse a reissued ticket's old code, a forged code and a second scan.
    Back online, both upload their queues: the server admits the ticket once and the page that came second lists the
    conflict (first scan wins)."""
    port = port_of(base)
    event = door_event(port, "Offline Fest")
    owner, _, tickets = bought(port, event, [event["first_seat_id"] + 5, event["first_seat_id"] + 6])
    status, reissued, _ = request(port, "POST", f"/api/tickets/{tickets[1]['id']}/reissue", headers=owner)
    check("a ticket is reissued: version 2, a new secret", status == 200 and reissued.get("version") == 2 and reissued.get("secret") != tickets[1]["secret"],
          (status, reissued))
    secret = tickets[0]["secret"]
    forged = secret[:-10] + ("A" if secret[-10] != "A" else "B") + secret[-9:]
    east, west = browser(), browser()
    try:
        for driver, name, gate in ((east, "east-door", "East"), (west, "west-door", "West")):
            sign_in(driver, base, name)
            add_staff(port, event["id"], f"{name}@example.test")
            open_scanner(driver, base, event["id"], gate)
        for driver in (east, west):
            set_offline(driver, True)
        check("both scanners see they are offline", all(wait(d, lambda d: find(d, "scanner-network").text == "Offline") for d in (east, west)))
        east_scan = scan_by_hand(east, secret)
        west_scan = scan_by_hand(west, secret)
        check("offline, each gate admits the ticket from its offline list, marked offline",
              [east_scan["result"], west_scan["result"]] == ["admitted", "admitted"] and east_scan["offline"] and west_scan["offline"]
              and east_scan["ticket"] == tickets[0]["id"], (east_scan, west_scan))
        check("... the big answer says offline", find(east, "offline-badge").text.lower() == "offline" and find(east, "result-word").text.startswith("ADMITTED"),
              find(east, "scan-result").text)
        check("... and each queues it: 1 to upload", find(east, "queue-length").text == "1" and find(west, "queue-length").text == "1",
              (find(east, "queue-length").text, find(west, "queue-length").text))
        peek(east, "scanner-offline.png")
        again = scan_by_hand(east, secret)
        check("offline, the same ticket again is already checked in", again["result"] == "already_checked_in" and again["offline"], again)
        old = scan_by_hand(east, tickets[1]["secret"])
        check("offline, the reissued ticket's old code is revoked (the offline list has the reissue)", old["result"] == "revoked" and old["offline"], old)
        bad = scan_by_hand(east, forged)
        check("offline, a code with a forged signature is invalid", bad["result"] == "invalid" and bad["offline"], bad)
        check("... and only the admission is queued", find(east, "queue-length").text == "1", find(east, "queue-length").text)
        _, figures, _ = request(port, "GET", f"/api/events/{event['id']}/checkins", headers=ORGANIZER)
        check("the server knows nothing of them yet", figures.get("checked_in") == 0, figures)

        for driver in (east, west):
            set_offline(driver, False)
        check("back online, both upload their queue",
              all(wait(d, lambda d: find(d, "queue-length").text == "0" and find(d, "scanner-network").text == "Online", 20) for d in (east, west)))
        conflicts = {name: [(c.get_attribute("data-ticket-id"), c.text) for c in d.find_elements(By.CSS_SELECTOR, "[data-testid='conflict']")]
                     for name, d in (("East", east), ("West", west))}
        losers = [name for name, found in conflicts.items() if found]
        check("exactly one page lists a conflict, for that ticket (first scan wins)",
              len(losers) == 1 and conflicts[losers[0]][0][0] == tickets[0]["id"] and "CONFLICT" in conflicts[losers[0]][0][1], conflicts)
        winner = ({"East", "West"} - set(losers)).pop() if len(losers) == 1 else None
        _, figures, _ = request(port, "GET", f"/api/events/{event['id']}/checkins", headers=ORGANIZER)
        check("the server has it checked in once, at the gate that uploaded first",
              figures.get("checked_in") == 1 and figures.get("gates") == [{"gate": winner, "checked_in": 1}], (figures, winner))
        if losers:
            loser = east if losers[0] == "East" else west
            check("... and the conflict names that gate", winner in conflicts[losers[0]][0][1], conflicts[losers[0]][0][1])
            peek(loser, "scanner-conflict.png")
        errors = console_errors(east) + console_errors(west)
        check("the offline scanners log no errors", not errors, errors)
    finally:
        east.quit()
        west.quit()


def organizer_watches_the_doors(base):
    """The organizer adds door staff by email (an unknown email is refused with a reason) and watches the event's door
    panel: checked in of expected, per gate, live from the `checkins` topic. A scan on the staff's scanner shows there
    within seconds; removing the staff member stops their scanner."""
    port = port_of(base)
    event = door_event(port, "Door Watch")
    _, _, tickets = bought(port, event, [event["first_seat_id"] + 10], standing=1)
    organizer, door = browser(), browser()
    try:
        use_bootstrap_token(organizer, base).send_keys(Keys.TAB)
        wait(organizer, lambda d: d.find_elements(By.CSS_SELECTOR, f"#sales-event option[value='{event['id']}']"))
        Select(organizer.find_element(By.ID, "sales-event")).select_by_value(str(event["id"]))
        check("the door panel shows 0 of the 2 tickets checked in", wait(organizer, lambda d: find(d, "checkin-count").text == "0 / 2"), find(organizer, "checkin-count").text)
        check("... live from the checkins topic", wait(organizer, lambda d: find(d, "checkin-live").get_attribute("data-state") == "live"),
              find(organizer, "checkin-live").text)
        check("... with a link to the event's scanner", find(organizer, "scanner-link").get_attribute("href").endswith(f"#/scan/{event['id']}"),
              find(organizer, "scanner-link").get_attribute("href"))
        email = find(organizer, "staff-email")
        email.send_keys("nobody-here@example.test")
        find(organizer, "staff-add").click()
        check("adding an email nobody signed up with is refused, saying why",
              wait(organizer, lambda d: "Nobody signed up" in find(d, "staff-message").text), find(organizer, "staff-message").text)
        sign_in(door, base, "dora")
        email.clear()
        email.send_keys("dora@example.test")
        find(organizer, "staff-add").click()
        check("the organizer adds a signed-up account as door staff by email",
              wait(organizer, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='staff-list'] li[data-email='dora@example.test']")))
        _, staff, _ = request(port, "GET", f"/api/events/{event['id']}/staff", headers=ORGANIZER)
        check("... which the API lists", [person["email"] for person in staff] == ["dora@example.test"], staff)
        organizer.execute_script("document.querySelector(\"[data-testid='door-card']\").scrollIntoView({block: 'start'})")

        open_scanner(door, base, event["id"], "South")
        scanned = scan_by_hand(door, tickets[0]["secret"])
        started = time.time()
        check("the door staff's scanner admits a ticket typed in", scanned["result"] == "admitted" and not scanned["offline"], scanned)
        check("the organizer's panel counts it live: 1 / 2, 1 at gate South",
              wait(organizer, lambda d: find(d, "checkin-count").text == "1 / 2" and d.find_elements(
                  By.CSS_SELECTOR, "[data-testid='checkin-gates'] li[data-gate='South'] strong") and d.find_element(
                  By.CSS_SELECTOR, "[data-testid='checkin-gates'] li[data-gate='South'] strong").text == "1", 10),
              (find(organizer, "checkin-count").text, find(organizer, "checkin-gates").text))
        print(f"     the panel showed the scan {1000 * (time.time() - started):.0f} ms after the scanner did")
        peek(organizer, "organizer-door.png")
        organizer.find_element(By.CSS_SELECTOR, "[data-testid='staff-list'] li[data-email='dora@example.test'] [data-testid='staff-remove']").click()
        check("the organizer removes the door staff member",
              wait(organizer, lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-testid='staff-list'] li[data-email='dora@example.test']"))
              and request(port, "GET", f"/api/events/{event['id']}/staff", headers=ORGANIZER)[1] == [])
        refused = scan_by_hand(door, tickets[1]["secret"])
        check("... whose scanner is then refused, saying so", refused["result"] == "error" and "not door staff" in find(door, "result-detail").text,
              (refused, find(door, "scan-result").text))
        check("... and the panel still counts 1", find(organizer, "checkin-count").text == "1 / 2", find(organizer, "checkin-count").text)
        errors = console_errors(organizer) + [error for error in console_errors(door) if "403" not in error]
        check("the organizer's and the door's pages log no errors", not errors, errors)
    finally:
        organizer.quit()
        door.quit()


# MARK: The back office: organizer accounts, orders, refunds, cancellations

ORGANIZER_EMAIL = "boss@example.test"
ORGANIZER_PASSWORD = "organizer's long password"


def sign_in_as_organizer(driver, base):
    """Logs in with the organizer account from the header, as a customer would."""
    driver.get(base + "/#/")
    wait(driver, lambda d: d.find_element(By.ID, "email-input")).send_keys(ORGANIZER_EMAIL)
    driver.find_element(By.ID, "password-input").send_keys(ORGANIZER_PASSWORD)
    find(driver, "log-in").click()
    wait(driver, lambda d: find(d, "customer-name").text == ORGANIZER_EMAIL)


def open_orders(driver, base, event_id):
    """The organizer page with `event_id` chosen, once its orders are listed."""
    driver.get(base + "/#/organizer")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"#sales-event option[value='{event_id}']"))
    Select(driver.find_element(By.ID, "sales-event")).select_by_value(str(event_id))
    wait(driver, lambda d: find(d, "orders").get_attribute("data-event-id") == str(event_id))


def listed_orders(driver):
    """The booking ids the orders table lists, in its order."""
    return [row.get_attribute("data-booking-id") for row in driver.find_elements(By.CSS_SELECTOR, "[data-testid='orders'] tr[data-booking-id]")]


def search_orders(driver, text):
    """Types `text` into the orders' search box, presses Find and returns what the list shows once answered for it."""
    box = find(driver, "orders-search")
    box.clear()
    box.send_keys(text)
    driver.execute_script("delete document.querySelector(\"[data-testid='orders']\").dataset.query")
    find(driver, "orders-find").click()
    wait(driver, lambda d: find(d, "orders").get_attribute("data-query") == text)
    return wait(driver, lambda d: (listed_orders(d),))[0]


def balance(port, owner):
    return request(port, "GET", "/api/accounts", headers=owner)[1]["balance_minor"]


def organizer_signs_in_from_the_header(base):
    """Without an organizer account the organizer page asks to log in, its bootstrap token field hidden behind a link; an
    organizer account logs in from the header (marked as organizer) and the page works with that session: no token,
    an event created with a cancellation cutoff, door staff and check-ins live, the orders listed."""
    port = port_of(base)
    driver = browser()
    try:
        driver.get(base + "/#/organizer")
        wait(driver, lambda d: find(d, "organizer-sign-in"))
        check("signed out, the organizer page asks to log in, the bootstrap token a link away",
              "Log in with an organizer account" in find(driver, "organizer-sign-in").text and find(driver, "use-bootstrap-token").is_displayed()
              and not driver.find_element(By.ID, "organizer-token").is_displayed(), find(driver, "organizer-sign-in").text)
        sign_in_as_organizer(driver, base)
        check("an organizer account logs in from the header and is marked as organizer",
              wait(driver, lambda d: find(d, "organizer-badge").text == "organizer"), driver.find_element(By.ID, "who").text)
        driver.get(base + "/#/organizer")
        wait(driver, lambda d: find(d, "organizer-session"))
        check("the organizer page uses the session: it names the organizer and asks for no token",
              ORGANIZER_EMAIL in find(driver, "organizer-session").text and not driver.find_elements(By.ID, "organizer-token"),
              find(driver, "organizer-session").text)
        driver.find_element(By.ID, "event-title").send_keys("Account Gala")
        driver.find_element(By.ID, "event-venue").send_keys("Session Hall")
        # The cutoff is at the latest the show's start.
        driver.execute_script("arguments[0].value = '2031-01-01T20:00'", driver.find_element(By.ID, "event-starts"))
        driver.execute_script("arguments[0].value = '2030-12-24T18:00'", find(driver, "cancel-until"))
        find(driver, "create").click()
        created = wait(driver, lambda d: find(d, "created"))
        event_id = int(wait(driver, lambda d: d.find_element(By.ID, "sales-event").get_attribute("value")))
        _, event, _ = request(port, "GET", f"/api/events/{event_id}")
        expected = driver.execute_script("return new Date('2030-12-24T18:00').toISOString().replace('.000Z', 'Z')")
        check("the organizer creates an event with the session, 'Customers may cancel until' sent as cancellation_cutoff",
              "Account Gala" in created.text and event.get("cancellation_cutoff") == expected, (created.text, event.get("cancellation_cutoff"), expected))
        check("the door panel reads the staff and goes live with the session's token",
              wait(driver, lambda d: find(d, "checkin-live").get_attribute("data-state") == "live" and "No door staff yet" in find(d, "staff-list").text),
              (find(driver, "checkin-live").text, find(driver, "staff-list").text))
        check("the new event's orders are listed (none yet)",
              wait(driver, lambda d: "No orders match" in find(d, "orders").text and not find(d, "orders-message").text),
              (find(driver, "orders").text, find(driver, "orders-message").text))
        peek(driver, "organizer-account.png")
        errors = console_errors(driver)
        check("the organizer's page with an account logs no errors", not errors, errors)
    finally:
        driver.quit()


def orders_are_searched(base):
    """The organizer finds a paid booking among an event's orders by the buyer's email, by a seat label such as
    "Stalls B 3", by its id's first characters, and filters them by status; a guest's order says Guest."""
    port = port_of(base)
    event = door_event(port, "Search Night")
    seat = event["first_seat_id"] + 7  # Stalls B 3
    _, booking, _ = bought(port, event, [seat, seat + 1], standing=1, email="finder@example.test")
    _, other, _ = bought(port, event, [event["first_seat_id"]])
    driver = browser()
    try:
        sign_in_as_organizer(driver, base)
        open_orders(driver, base, event["id"])
        check("the event's orders list both paid bookings, newest first",
              wait(driver, lambda d: listed_orders(d) == [other["id"], booking["id"]]), listed_orders(driver))
        row = driver.find_element(By.CSS_SELECTOR, f"[data-testid='orders'] tr[data-booking-id='{other['id']}']")
        check("a guest's order says Guest, with its short id, seat, amount and status",
              row.find_element(By.CSS_SELECTOR, "[data-testid='order-customer']").text == "Guest" and other["id"][:8] in row.text
              and "Stalls row A seat 1" in row.text and "20.00" in row.text and row.get_attribute("data-status") == "confirmed", row.text)
        check("searching the buyer's email finds their booking alone", search_orders(driver, "finder@example.test") == [booking["id"]], listed_orders(driver))
        row = driver.find_element(By.CSS_SELECTOR, f"[data-testid='orders'] tr[data-booking-id='{booking['id']}']")
        check("... listed with the email, its seats and standing ticket, and its amount",
              "finder@example.test" in row.text and "Stalls row B seat 3" in row.text and "1 × Standing" in row.text and "50.00" in row.text, row.text)
        check("searching a seat label, Stalls B 3, finds the booking holding it", search_orders(driver, "Stalls B 3") == [booking["id"]], listed_orders(driver))
        check("searching the id's first 8 characters finds the booking", search_orders(driver, booking["id"][:8]) == [booking["id"]], listed_orders(driver))
        check("a seat nobody booked finds nothing, and says so",
              search_orders(driver, "Stalls C 5") == [] and "No orders match" in find(driver, "orders").text, find(driver, "orders").text)
        search_orders(driver, "")
        Select(find(driver, "orders-status")).select_by_value("refunded")
        check("the status filter Refunded lists none of the paid bookings", wait(driver, lambda d: listed_orders(d) == []), listed_orders(driver))
        Select(find(driver, "orders-status")).select_by_value("confirmed")
        check("... and Paid lists both", wait(driver, lambda d: listed_orders(d) == [other["id"], booking["id"]]), listed_orders(driver))
        Select(find(driver, "orders-category")).select_by_value("Standing")
        check("the category filter Standing lists the booking with a standing ticket",
              wait(driver, lambda d: listed_orders(d) == [booking["id"]]), listed_orders(driver))

        set_day = ("delete document.querySelector(\"[data-testid='orders']\").dataset.query;"
                   "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))")
        answered = lambda d: find(d, "orders").get_attribute("data-query") == ""
        today = driver.execute_script("const d = new Date(); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0')")
        driver.execute_script(set_day, find(driver, "orders-to"), today)
        check("booked up to today (the day's end included) lists it", wait(driver, lambda d: answered(d) and listed_orders(d) == [booking["id"]]),
              listed_orders(driver))
        driver.execute_script(set_day, find(driver, "orders-from"), "2099-01-01")
        check("booked from a day to come lists nothing", wait(driver, lambda d: answered(d) and "No orders match" in find(d, "orders").text),
              listed_orders(driver))
        driver.execute_script(set_day, find(driver, "orders-from"), "")
        driver.execute_script(set_day, find(driver, "orders-to"), "")
        taken = {seat, seat + 1, event["first_seat_id"]}
        free = [each for each in range(event["first_seat_id"], event["first_seat_id"] + 15) if each not in taken]
        for index in range(25):
            lines = {"seat_ids": [free[index]], "ga": []} if index < len(free) else {"seat_ids": [], "ga": [{"pool_id": event["ga_pools"][0]["id"], "quantity": 1}]}
            status, _, _ = request(port, "POST", "/api/bookings", {"event_id": event["id"], **lines})
            if status != 201:
                raise RuntimeError(f"no hold: {status}")
        Select(find(driver, "orders-status")).select_by_value("")
        Select(find(driver, "orders-category")).select_by_value("")
        first_page = search_orders(driver, "")
        check("with 27 orders the list shows a page of 25 and a More button",
              len(first_page) == 25 and find(driver, "orders-more").is_displayed(), (len(first_page), find(driver, "orders-more").is_displayed()))
        find(driver, "orders-more").click()
        check("More adds the next page, the oldest last, and goes away at the end",
              wait(driver, lambda d: len(listed_orders(d)) == 27 and not find(d, "orders-more").is_displayed())
              and listed_orders(driver)[-2:] == [other["id"], booking["id"]] and len(set(listed_orders(driver))) == 27, listed_orders(driver)[-3:])
        peek(driver, "organizer-orders.png")
        errors = console_errors(driver)
        check("the orders' search logs no errors", not errors, errors)
    finally:
        driver.quit()


LOSE_THE_FIRST_REFUND_ANSWER = """
    window.__refundKeys = [];
    const real = window.fetch;
    let lose = true;
    window.fetch = async (url, init = {}) => {
      if (!String(url).endsWith('/refund')) return real(url, init);
      window.__refundKeys.push(init.headers['Idempotency-Key']);
      const answer = await real(url, init);
      if (lose) { lose = false; throw new TypeError('the answer was lost'); }
      return answer;
    };"""


def refund_one_ticket_kept_off_sale(base):
    """From a booking's detail (payment, tickets, timeline) the organizer refunds one ticket of three, its seat kept off
    sale, after a confirm step. The first answer is lost on the way: the page offers to try again, which sends the same
    Idempotency-Key and refunds once. Afterwards the API shows the ticket revoked, the refund credited (the page follows it
    from pending), the wallet up by the ticket's price and the seat still taken; a ticket refunded elsewhere meanwhile gets
    the server's 409 in its words."""
    port = port_of(base)
    event = door_event(port, "Refund Night")
    seats = [event["first_seat_id"] + 2, event["first_seat_id"] + 3]  # Stalls A 3 and A 4
    owner, booking, tickets = bought(port, event, seats, standing=1, email="refundee@example.test")
    before = balance(port, owner)
    refunded = next(ticket for ticket in tickets if ticket["id"].endswith(".2"))
    driver = browser()
    try:
        sign_in_as_organizer(driver, base)
        open_orders(driver, base, event["id"])
        search_orders(driver, "refundee@example.test")
        driver.find_element(By.CSS_SELECTOR, f"[data-testid='orders'] tr[data-booking-id='{booking['id']}']").click()
        detail = wait(driver, lambda d: find(d, "order-detail"))
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid='refund-ticket']")) == 3)
        history = [item.get_attribute("data-kind") for item in driver.find_elements(By.CSS_SELECTOR, "[data-testid='detail-history'] li")]
        check("the detail shows the customer, the payment and a timeline: held, payment asked, paid",
              find(driver, "detail-customer").text == "refundee@example.test" and find(driver, "detail-payment").get_attribute("data-status") == "succeeded"
              and history == ["held", "payment_requested", "confirmed"], (find(driver, "detail-customer").text, history))
        driver.find_element(By.CSS_SELECTOR, "[data-testid='refund-ticket'][data-ordinal='2']").click()
        find(driver, "refund-seats-block").click()
        find(driver, "refund").click()
        confirm = wait(driver, lambda d: find(d, "refund-confirm"))
        check("refunding asks to confirm, naming the ticket, the amount and that its place stays off sale",
              "Refund ticket 2" in confirm.text and "20.00" in confirm.text and "its place stays off sale" in confirm.text, confirm.text)
        driver.execute_script(LOSE_THE_FIRST_REFUND_ANSWER)
        find(driver, "refund-confirm-button").click()
        check("a refund whose answer is lost offers to try again",
              wait(driver, lambda d: find(d, "refund-confirm-button").text == "Try again" and "cannot be reached" in find(d, "refund-message").text),
              find(driver, "refund-message").text)
        find(driver, "refund-confirm-button").click()
        done = wait(driver, lambda d: find(d, "refund-done"))
        keys = driver.execute_script("return window.__refundKeys")
        check("trying again sends the same Idempotency-Key (a UUID) and the refund is made",
              len(keys) == 2 and keys[0] == keys[1] and len(keys[0]) == 36 and "20.00" in done.text, (keys, done.text))
        check("the refund shows in the detail, and turns credited",
              wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='detail-refunds'] li[data-status='credited']"), 15),
              find(driver, "detail-refunds").text)
        history = [item.get_attribute("data-kind") for item in driver.find_elements(By.CSS_SELECTOR, "[data-testid='detail-history'] li")]
        check("the timeline adds the refund asked and the money back", history[-2:] == ["refund_requested", "refunded"], history)
        check("the refunded ticket shows revoked, without a box to tick",
              driver.find_element(By.CSS_SELECTOR, f"[data-testid='detail-tickets'] tr[data-ticket-id='{refunded['id']}']").get_attribute("data-status") == "revoked"
              and len(driver.find_elements(By.CSS_SELECTOR, "[data-testid='refund-ticket']")) == 2)
        _, now, _ = request(port, "GET", f"/api/bookings/{booking['id']}/tickets", headers=ORGANIZER)
        check("the API shows that ticket revoked and the others valid",
              {ticket["id"]: ticket["status"] for ticket in now} == {ticket["id"]: "revoked" if ticket["id"] == refunded["id"] else "valid" for ticket in tickets}, now)
        _, told, _ = request(port, "GET", f"/api/bookings/{booking['id']}/history", headers=ORGANIZER)
        check("the API has one refund, of ticket 2, seats blocked, credited",
              [(r["tickets"], r["seats"], r["status"]) for r in told["refunds"]] == [([2], "blocked", "credited")], told["refunds"])
        check("the wallet went up by the ticket's price", balance(port, owner) == before + refunded["price_minor"], (before, balance(port, owner)))
        status, _, _ = request(port, "POST", "/api/bookings", {"event_id": event["id"], "seat_ids": [refunded["seat"]["id"]], "ga": []}, guest(port))
        check("the seat kept off sale cannot be held", status == 409, status)

        driver.find_element(By.CSS_SELECTOR, "[data-testid='refund-ticket'][data-ordinal='1']").click()
        driver.find_element(By.CSS_SELECTOR, "[data-testid='refund-ticket'][data-ordinal='3']").click()
        find(driver, "refund").click()
        wait(driver, lambda d: "Refund tickets 1, 3" in find(d, "refund-confirm").text)
        status, _, _ = request(port, "POST", f"/api/bookings/{booking['id']}/refund", {"tickets": [1]}, ORGANIZER)
        check("(ticket 1 is refunded elsewhere while the page asks to confirm tickets 1 and 3; the page hears of it)", status == 201 and wait(
            driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='detail-tickets'] tr[data-ticket-id$='.1']").get_attribute("data-status") == "revoked"), status)
        find(driver, "refund-confirm-button").click()
        check("confirming then shows the server's 409 in its words, and ticket 3 stays valid",
              wait(driver, lambda d: "refunded before" in find(d, "refund-message").text) and driver.find_element(
                  By.CSS_SELECTOR, "[data-testid='detail-tickets'] tr[data-ticket-id$='.3']").get_attribute("data-status") == "valid",
              find(driver, "refund-message").text)
        detail.find_element(By.CSS_SELECTOR, "[data-testid='detail-refunds']").location_once_scrolled_into_view
        peek(driver, "organizer-refund.png")
        errors = [error for error in console_errors(driver) if "the answer was lost" not in error]
        check("the booking detail logs no errors", not errors, errors)
    finally:
        driver.quit()


def customer_cancels_before_the_cutoff(base):
    """A customer's paid booking of an event whose cutoff is ahead has "Cancel and refund" in My bookings; one of an event
    without a cutoff has not. Cancelling (confirmed) shows it refunded, its seats back on sale and the money back in the
    wallet; a cancel asked after the cutoff passed gets the server's 409 in its words."""
    port = port_of(base)
    driver = browser()
    try:
        sign_in(driver, base, "canceller")
        owner = {"Authorization": f"Bearer {token_of(driver)}"}
        _, account, _ = request(port, "POST", "/api/accounts", {}, owner)
        request(port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": 100000}, owner)
        layout = {"categories": [{"id": "std", "name": "Standard", "price_minor": 2000}],
                  "seat_map": {"sections": [{"name": "Stalls", "rows": [{"rows": "A", "seats": "1-5", "category": "std"}]}]}}

        def paid(title, cutoff):
            body = {"title": title, "venue": "Cancel Hall", "starts_at": "2031-06-01T18:00:00Z", **layout, **({"cancellation_cutoff": cutoff} if cutoff else {})}
            status, event, _ = request(port, "POST", "/api/events", body, ORGANIZER)
            status, booking, _ = request(port, "POST", "/api/bookings", {"event_id": event["id"], "seat_ids": [event["first_seat_id"]], "ga": []}, owner)
            request(port, "POST", f"/api/bookings/{booking['id']}/pay", headers=owner)
            wait(driver, lambda d: request(port, "GET", f"/api/bookings/{booking['id']}", headers=owner)[1]["status"] == "confirmed")
            return event, booking

        cancellable, open_booking = paid("Cancellable Show", "2031-05-31T18:00:00Z")
        _, fixed_booking = paid("Final Sale Show", None)
        closes_at = time.time() + 8
        _, closing_booking = paid("Closing Show", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(closes_at)))
        before = balance(port, owner)
        driver.get(base + "/#/bookings")
        row = lambda d, booking: d.find_element(By.CSS_SELECTOR, f"[data-testid='bookings'] tr[data-booking-id='{booking['id']}']")
        wait(driver, lambda d: row(d, open_booking).find_elements(By.CSS_SELECTOR, "[data-testid='cancel-booking']"))
        check("a paid booking before its event's cutoff offers Cancel and refund; one of an event without a cutoff does not",
              not row(driver, fixed_booking).find_elements(By.CSS_SELECTOR, "[data-testid='cancel-booking']")
              and row(driver, closing_booking).find_elements(By.CSS_SELECTOR, "[data-testid='cancel-booking']"))
        row(driver, open_booking).find_element(By.CSS_SELECTOR, "[data-testid='cancel-booking']").click()
        row(driver, open_booking).find_element(By.CSS_SELECTOR, "[data-testid='confirm-cancel']").click()
        check("cancelling (confirmed) shows the booking refunded",
              wait(driver, lambda d: row(d, open_booking).get_attribute("data-status") == "refunded" and "20.00" in find(d, "cancel-done").text),
              row(driver, open_booking).text)
        check("... as refunded, without Tickets or Cancel",
              "Refunded to your wallet" in row(driver, open_booking).text
              and not row(driver, open_booking).find_elements(By.CSS_SELECTOR, "[data-testid='tickets-link'], [data-testid='cancel-booking']"),
              row(driver, open_booking).text)
        check("the money is back in the wallet", wait(driver, lambda d: balance(port, owner) == before + 2000), balance(port, owner))
        _, told, _ = request(port, "GET", f"/api/bookings/{open_booking['id']}/history", headers=owner)
        check("the API has the customer's refund of the whole booking, seats released",
              [(r["cause"], r["seats"]) for r in told["refunds"]] == [("customer", "released")] and told["booking"]["status"] == "refunded", told["refunds"])
        status, _, _ = request(port, "POST", "/api/bookings", {"event_id": cancellable["id"], "seat_ids": [cancellable["first_seat_id"]], "ga": []}, guest(port))
        check("its seat is back on sale", status == 201, status)
        peek(driver, "bookings-cancelled.png")
        time.sleep(max(0.0, closes_at - time.time() + 1))
        row(driver, closing_booking).find_element(By.CSS_SELECTOR, "[data-testid='cancel-booking']").click()
        row(driver, closing_booking).find_element(By.CSS_SELECTOR, "[data-testid='confirm-cancel']").click()
        check("a cancel asked once the cutoff passed shows the server's 409 in its words",
              wait(driver, lambda d: "could be cancelled until" in find(d, "bookings-message").text), find(driver, "bookings-message").text)
        check("... and the booking stays confirmed", row(driver, closing_booking).get_attribute("data-status") == "confirmed")
        errors = console_errors(driver)
        check("My bookings with cancellations logs no errors", not errors, errors)
    finally:
        driver.quit()


# MARK: The organizer's event card, the buyers' export and the sales charts

def open_event_card(driver, base, event_id):
    """Logs in as the organizer and opens the organizer page with `event_id` chosen, once its event card shows it."""
    sign_in_as_organizer(driver, base)
    open_orders(driver, base, event_id)
    wait(driver, lambda d: find(d, "event-admin").get_attribute("data-event-id") == str(event_id))


def wait_for(condition, seconds=15, every=0.25):
    """Polls a condition that needs no browser until it holds (returning its value), or returns its last value."""
    deadline = time.time() + seconds
    while True:
        value = condition()
        if value or time.time() > deadline:
            return value
        time.sleep(every)


def stats_of(port, event_id, window=None):
    """GET /api/events/{id}/stats for a window ({from, to, step}), or the server's default window."""
    query = "" if window is None else "?" + urllib.parse.urlencode({"from": window["from"], "to": window["to"], "step": window["step"]})
    status, body, _ = request(port, "GET", f"/api/events/{event_id}/stats{query}", headers=ORGANIZER)
    if status != 200:
        raise RuntimeError(f"no stats: {status} {body}")
    return body


# Every number the charts show: each figure's window, each bar's and point's data-value (with its bucket's start), the
# totals and the category bars. Read in one script, so a refresh cannot fall between two reads.
CHART_NUMBERS = """
    const one = (id) => document.querySelector(`[data-testid='${id}']`);
    const figure = (id) => ({ from: one(id).dataset.from, to: one(id).dataset.to, step: Number(one(id).dataset.step) });
    const series = (id) => [...document.querySelectorAll(`[data-testid='${id}']`)].map((e) => [e.dataset.start, Number(e.dataset.value)]);
    const labels = (id) => [...one(id).querySelectorAll("[data-testid='x-label'], [data-testid='y-label']")].map((e) => e.textContent);
    const charts = ['chart-sold', 'chart-revenue', 'chart-categories', 'chart-checked-in', 'chart-holds', 'chart-conflicts'];
    return {
      reads: Number(one('charts').dataset.reads || 0),
      range: one('charts').dataset.range,
      windows: Object.fromEntries(charts.map((id) => [id, figure(id)])),
      labels: Object.fromEntries(charts.filter((id) => id !== 'chart-categories').map((id) => [id, labels(id)])),
      series: Object.fromEntries(['sold-bar', 'revenue-point', 'refunded-point', 'checked-in-bar', 'holds-bar', 'conflicts-bar'].map((id) => [id, series(id)])),
      totals: Object.fromEntries(['total-sold', 'total-revenue', 'total-refunded', 'total-checked-in', 'total-holds', 'total-conflicts',
        'total-categories'].map((id) => [id, Number(one(id).dataset.value)])),
      categories: [...document.querySelectorAll("[data-testid='category-bar']")].map((e) => [e.dataset.name, Number(e.dataset.value), Number(e.dataset.revenue)]),
    };"""


def chart_differences(port, event_id, page):
    """Where the page's charts differ from GET /api/events/{id}/stats asked for the same windows: a list of
    (what, page, API), empty when every number agrees."""
    ranged, hour = page["windows"]["chart-sold"], page["windows"]["chart-holds"]
    wrong = [(f"{name}'s window", page["windows"][name], ranged) for name in ("chart-revenue", "chart-categories", "chart-checked-in")
             if page["windows"][name] != ranged]
    if page["windows"]["chart-conflicts"] != hour:
        wrong.append(("chart-conflicts' window", page["windows"]["chart-conflicts"], hour))
    answer, activity = stats_of(port, event_id, ranged), stats_of(port, event_id, hour)
    expected = {
        "sold-bar": [[b["start"], b["sold"]] for b in answer["buckets"]],
        "revenue-point": [[b["start"], b["revenue_minor"]] for b in answer["buckets"]],
        "refunded-point": [[b["start"], b["refunded_minor"]] for b in answer["buckets"]],
        "checked-in-bar": [[b["start"], b["checked_in"]] for b in answer["buckets"]],
        "holds-bar": [[b["start"], b["holds"]] for b in activity["buckets"]],
        "conflicts-bar": [[b["start"], b["conflicts"]] for b in activity["buckets"]],
    }
    wrong += [(name, [v for v in page["series"][name] if v[1]], [v for v in values if v[1]]) for name, values in expected.items() if page["series"][name] != values]
    totals = {"total-sold": answer["totals"]["sold"], "total-revenue": answer["totals"]["revenue_minor"], "total-refunded": answer["totals"]["refunded_minor"],
              "total-checked-in": answer["totals"]["checked_in"], "total-holds": activity["totals"]["holds"],
              "total-conflicts": activity["totals"]["conflicts"], "total-categories": sum(c["sold"] for c in answer["by_category"])}
    if page["totals"] != totals:
        wrong.append(("totals", page["totals"], totals))
    categories = [[c["name"], c["sold"], c["revenue_minor"]] for c in answer["by_category"]]
    if page["categories"] != categories:
        wrong.append(("by category", page["categories"], categories))
    return wrong


def charts_agree(driver, port, event_id, range_value, step):
    """Waits until the charts drawn for `range_value` (a step of `step` seconds) show exactly what the API answers for
    their windows; returns (agreed, the page's numbers, the differences last seen)."""
    seen = {"page": None, "wrong": ["never read"]}

    def agreed(d):
        page = d.execute_script(CHART_NUMBERS)
        if page["range"] != range_value or any(window["step"] != (60 if name in ("chart-holds", "chart-conflicts") else step) or not window["from"]
                                               for name, window in page["windows"].items()):
            return False
        seen["page"], seen["wrong"] = page, chart_differences(port, event_id, page)
        return not seen["wrong"]

    try:
        wait(driver, agreed, 15)
        return True, seen["page"], []
    except Exception:
        return False, seen["page"], seen["wrong"]


def sales_charts_match_the_api(base):
    """Sales made through the API (two paid bookings, one ticket refunded, a hold refused for a taken seat, a check-in)
    show in the organizer's charts, drawn as SVG: every bar's and point's data-value, the totals and the category bars
    equal GET /api/events/{id}/stats for the same windows, exactly, for the last hour (per minute), the last 24 h (per
    hour) and since sales opened (per day); the charts carry axis labels; a new hold shows within the 5 s refresh."""
    port = port_of(base)
    event = door_event(port, "Chart Night")
    first = event["first_seat_id"]
    _, paid, _ = bought(port, event, [first, first + 1], standing=1, email="charted@example.test")
    _, other, tickets = bought(port, event, [first + 2])
    status, _, _ = request(port, "POST", f"/api/bookings/{paid['id']}/refund", {"tickets": [1]}, ORGANIZER)
    refused, problem, _ = request(port, "POST", "/api/bookings", {"event_id": event["id"], "seat_ids": [first + 2], "ga": []}, guest(port))
    checked, admitted, _ = request(port, "POST", f"/api/events/{event['id']}/checkins", {"secret": tickets[0]["secret"], "nonce": f"chart-{time.time()}"},
                                   ORGANIZER)
    check("(sales made: a refund of one ticket, a hold of a taken seat refused with 409 seat-taken, a check-in admitted)",
          status == 201 and refused == 409 and problem["type"].endswith("seat-taken") and admitted.get("result") == "admitted", (status, refused, problem, admitted))
    # Refused holds reach the statistics through each instance's rollup, every 2 s.
    counted = wait_for(lambda: stats_of(port, event["id"])["totals"]["conflicts"] >= 1 and stats_of(port, event["id"]))
    totals = counted and counted["totals"]
    check("the API's stats count it all: 4 sold for 70.00, 20.00 refunded, 2 holds, 1 refused, 1 checked in; Standard 3, Standing 1",
          totals and (totals["sold"], totals["revenue_minor"], totals["refunded_minor"], totals["holds"], totals["conflicts"], totals["checked_in"])
          == (4, 7000, 2000, 2, 1, 1) and [(c["name"], c["sold"], c["revenue_minor"]) for c in counted["by_category"]]
          == [("Standard", 3, 6000), ("Standing", 1, 1000)], counted)
    driver = browser()
    try:
        open_event_card(driver, base, event["id"])
        wait(driver, lambda d: find(d, "charts").get_attribute("data-state") == "ready")
        agreed, page, wrong = charts_agree(driver, port, event["id"], "hour", 60)
        check("an event on sale opens its charts on the last hour, a bar a minute (60 buckets), and every number equals the API's",
              agreed and len(page["series"]["sold-bar"]) == 60, wrong)
        check("... 4 sold, 70.00 revenue, 20.00 refunded, 2 holds, 1 refused, 1 checked in, Standard 3 and Standing 1 on the page",
              page and (page["totals"]["total-sold"], page["totals"]["total-revenue"], page["totals"]["total-refunded"], page["totals"]["total-holds"],
                        page["totals"]["total-conflicts"], page["totals"]["total-checked-in"]) == (4, 7000, 2000, 2, 1, 1)
              and page["categories"] == [["Standard", 3, 6000], ["Standing", 1, 1000]] and "70.00" in find(driver, "total-revenue").text
              and find(driver, "total-sold").text == "4", page and (page["totals"], page["categories"]))
        check("each chart over time has labels on both axes",
              page and all(len(labels) >= 4 and all(label.strip() for label in labels) for labels in page["labels"].values()), page and page["labels"])
        peek(driver, "organizer-charts.png")
        Select(find(driver, "chart-range")).select_by_value("day")
        agreed, page, wrong = charts_agree(driver, port, event["id"], "day", 3600)
        check("'last 24 h' draws 24 hourly buckets, every number equal to the API's for that window (holds and refusals stay per minute)",
              agreed and len(page["series"]["sold-bar"]) == 24 and len(page["series"]["holds-bar"]) == 60 and page["totals"]["total-sold"] == 4, wrong)
        Select(find(driver, "chart-range")).select_by_value("sales")
        agreed, page, wrong = charts_agree(driver, port, event["id"], "sales", 86400)
        check("'since sales opened' draws daily buckets from the day they opened, every number equal to the API's",
              agreed and len(page["series"]["sold-bar"]) >= 1 and page["totals"]["total-sold"] == 4 and page["totals"]["total-checked-in"] == 1, wrong)
        reads = page["reads"] if page else 0
        status, _, _ = request(port, "POST", "/api/bookings", {"event_id": event["id"], "seat_ids": [first + 3], "ga": []}, guest(port))
        started = time.time()
        shown = wait(driver, lambda d: find(d, "total-holds").get_attribute("data-value") == "3", 12)
        print(f"     a new hold showed in the charts after {time.time() - started:.1f} s")
        agreed, page, wrong = charts_agree(driver, port, event["id"], "sales", 86400)
        check("while on sale the charts are read again every 5 s: a new hold shows, still equal to the API",
              status == 201 and shown and agreed and page["reads"] > reads and page["totals"]["total-holds"] == 3, (status, wrong))
        errors = console_errors(driver)
        check("the charts log no errors", not errors, errors)
    finally:
        driver.quit()


def organizer_edits_and_publishes(base):
    """The organizer edits an event's title and cancellation cutoff from its card (only what changed is sent: the
    other fields stay to the second), sees a refused edit in the server's words, clears the cutoff (null); saves a new
    event as a draft from the create form (customers do not see it) and publishes it from its card, after which
    customers list it."""
    port = port_of(base)
    event = door_event(port, "Edit Night")
    driver = browser()
    customer = None
    try:
        open_event_card(driver, base, event["id"])
        check("the event card shows its status and phase: published, on sale",
              find(driver, "event-status").text == "published" and find(driver, "event-phase").get_attribute("data-phase") == "on_sale"
              and not find(driver, "event-publish").is_displayed(), (find(driver, "event-status").text, find(driver, "event-phase").text))
        find(driver, "event-edit").click()
        title = wait(driver, lambda d: find(d, "edit-title") if find(d, "edit-title").is_displayed() else None)
        check("Edit opens the form filled with the event", title.get_attribute("value") == "Edit Night"
              and find(driver, "edit-hold").get_attribute("value") == "600" and find(driver, "edit-cutoff").get_attribute("value") == "",
              title.get_attribute("value"))
        title.clear()
        title.send_keys("Edited Night")
        driver.execute_script("arguments[0].value = '2031-05-30T20:00'", find(driver, "edit-cutoff"))
        patches = []
        driver.execute_script("""
            window.__patches = [];
            const real = window.fetch;
            window.fetch = (url, init = {}) => { if (init.method === 'PATCH') window.__patches.push(JSON.parse(init.body)); return real(url, init); };""")
        find(driver, "event-save").click()
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='event-saved']"))
        patches = driver.execute_script("return window.__patches")
        expected = driver.execute_script("return new Date('2031-05-30T20:00').toISOString().replace('.000Z', 'Z')")
        _, now, _ = request(port, "GET", f"/api/events/{event['id']}")
        check("saving sends only the title and the cutoff (PATCH), and the API returns them",
              patches == [{"title": "Edited Night", "cancellation_cutoff": expected}] and now["title"] == "Edited Night"
              and now.get("cancellation_cutoff") == expected, (patches, now.get("title"), now.get("cancellation_cutoff"), expected))
        check("... the rest stays as it was, to the second",
              all(now[key] == event[key] for key in ("venue", "starts_at", "sales_start", "sales_end", "hold_ttl_seconds", "max_tickets_per_booking",
                                                      "max_tickets_per_customer")), {key: (event[key], now[key]) for key in ("sales_start", "sales_end")})
        check("the card and the event picker show the new title",
              "Edited Night" in find(driver, "event-admin").text
              and "Edited Night" in driver.find_element(By.CSS_SELECTOR, f"#sales-event option[value='{event['id']}']").text, find(driver, "event-admin").text[:80])

        find(driver, "event-edit").click()
        driver.execute_script("arguments[0].value = '2020-01-01T00:00'", find(driver, "edit-sales-end"))
        sent = driver.execute_script("return new Date('2020-01-01T00:00').toISOString().replace('.000Z', 'Z')")
        _, refusal, _ = request(port, "PATCH", f"/api/events/{event['id']}", {"sales_end": sent}, ORGANIZER)
        find(driver, "event-save").click()
        check("an edit the server refuses shows its 422 detail, and changes nothing",
              refusal["status"] == 422 and wait(driver, lambda d: refusal["detail"] in find(d, "event-message").text)
              and request(port, "GET", f"/api/events/{event['id']}")[1]["sales_end"] == event["sales_end"], (refusal, find(driver, "event-message").text))
        find(driver, "event-edit-close").click()
        find(driver, "event-edit").click()
        driver.execute_script("arguments[0].value = ''", find(driver, "edit-cutoff"))
        driver.execute_script("window.__patches = []")
        find(driver, "event-save").click()
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='event-saved']"))
        _, now, _ = request(port, "GET", f"/api/events/{event['id']}")
        check("emptying the cutoff sends null and clears it",
              driver.execute_script("return window.__patches") == [{"cancellation_cutoff": None}] and now.get("cancellation_cutoff") is None,
              (driver.execute_script("return window.__patches"), now.get("cancellation_cutoff")))
        peek(driver, "organizer-event-card.png")

        driver.find_element(By.ID, "event-title").send_keys("Draft Night")
        driver.find_element(By.ID, "event-venue").send_keys("Draft Hall")
        find(driver, "create-draft").click()
        created = wait(driver, lambda d: find(d, "created"))
        draft_id = int(created.get_attribute("data-event-id"))
        wait(driver, lambda d: find(d, "event-admin").get_attribute("data-event-id") == str(draft_id))
        listed = [each["id"] for each in request(port, "GET", "/api/events")[1]]
        hidden_status, _, _ = request(port, "GET", f"/api/events/{draft_id}")
        check("'Save as draft' makes a draft: the card says draft with Publish, customers neither list it nor read it (404)",
              created.get_attribute("data-status") == "draft" and find(driver, "event-status").text == "draft" and find(driver, "event-publish").is_displayed()
              and draft_id not in listed and hidden_status == 404, (created.text, listed, hidden_status))
        customer = browser()
        sign_in(customer, base)
        find(driver, "event-publish").click()
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='event-published']"))
        _, published, _ = request(port, "GET", f"/api/events/{draft_id}")
        check("Publish puts it on show: the card says published, the API too",
              find(driver, "event-status").text == "published" and not find(driver, "event-publish").is_displayed()
              and published.get("status") == "published", (find(driver, "event-status").text, published.get("status")))
        customer.get(base + "/#/")
        customer.refresh()
        titles = wait(customer, lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, "[data-event-id] h2")] or None)
        check("... and customers list it", "Draft Night" in titles and draft_id in [each["id"] for each in request(port, "GET", "/api/events")[1]], titles)
        errors = console_errors(driver)
        check("editing and publishing log no errors", not errors, errors)
    finally:
        driver.quit()
        if customer:
            customer.quit()


def organizer_edits_seat_map(base):
    """Edit seat map shows the event's map as the JSON a PATCH takes (ranks and accessible seats kept), so saving it
    unchanged changes nothing; free seats moved to another category are saved (a hold then costs its price); a map that
    moves a held seat shows the server's 409 and changes nothing; text that is not JSON is not sent."""
    port = port_of(base)
    _, event, _ = request(port, "POST", "/api/events", {
        "title": "Redrawn Night", "venue": "Door Hall", "starts_at": "2031-06-01T18:00:00Z",
        "categories": [{"id": "std", "name": "Standard", "price_minor": 2000}, {"id": "vip", "name": "VIP", "price_minor": 5000}],
        "seat_map": {"sections": [{"name": "Stalls", "rows": [
            {"rows": "A", "seats": "1-5", "category": "std", "accessible": "1-2"}, {"rows": "B", "seats": "1-5", "category": "std", "rank": 5}]}]},
    }, headers=ORGANIZER)
    original = {"sections": [{"name": "Stalls", "rows": [
        {"rows": "A", "seats": "1-5", "category": "std", "accessible": "1-2"}, {"rows": "B", "seats": "1-5", "category": "std", "rank": 5}]}]}
    path = f"/api/events/{event['id']}"
    request(port, "POST", "/api/book/safe", {"seat_id": event["first_seat_id"]}, guest(port))
    driver = browser()

    def text_area(d):
        area = d.find_elements(By.CSS_SELECTOR, "[data-testid='seatmap-text']")
        return area[0] if area and area[0].is_displayed() and area[0].get_attribute("value") else None

    def save(d, seat_map_text):
        d.execute_script("arguments[0].value = arguments[1]", text_area(d), seat_map_text)
        find(d, "seatmap-save").click()

    def message(d):
        return find(d, "seatmap-message").text

    try:
        open_event_card(driver, base, event["id"])
        find(driver, "seatmap-edit").click()
        shown = json.loads(wait(driver, text_area).get_attribute("value"))
        check("Edit seat map shows the map as the JSON a PATCH takes, ranks and accessible seats kept", shown == original, shown)
        driver.execute_script("""
            window.__patches = [];
            const real = window.fetch;
            window.fetch = (url, init = {}) => { if (init.method === 'PATCH') window.__patches.push(JSON.parse(init.body)); return real(url, init); };""")
        save(driver, json.dumps(shown))
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='seatmap-saved']"))
        rows = request(port, "GET", f"{path}/seats")[1]["sections"][0]["rows"]
        check("saving it unchanged changes nothing (10 seats, the rank and the accessible seats stay)",
              "10 seats" in message(driver) and rows[1].get("rank") == 5 and rows[0].get("accessible") == "1-2", (message(driver), rows))

        moved = json.loads(json.dumps(shown))
        moved["sections"][0]["rows"][1]["category"] = "vip"
        save(driver, json.dumps(moved))
        wait(driver, lambda d: "Seat map saved" in message(d) and len(d.execute_script("return window.__patches")) == 2)
        rows = request(port, "GET", f"{path}/seats")[1]["sections"][0]["rows"]
        status, held, _ = request(port, "POST", "/api/book/safe", {"seat_id": rows[1]["first_seat_id"]}, guest(port))
        check("free row B moved to VIP is saved, and a hold there costs the VIP price",
              rows[1].get("category") == "vip" and held.get("amount_minor") == 5000, (rows, held))

        taken = json.loads(json.dumps(moved))
        taken["sections"][0]["rows"][0]["category"] = "vip"
        _, refusal, _ = request(port, "PATCH", path, {"seat_map": taken}, ORGANIZER)
        save(driver, json.dumps(taken))
        check("moving the held seat A1 shows the server's 409 detail, naming it",
              refusal["status"] == 409 and "Stalls row A seat 1" in refusal["detail"]
              and wait(driver, lambda d: refusal["detail"] in message(d)), (refusal, message(driver)))
        rows = request(port, "GET", f"{path}/seats")[1]["sections"][0]["rows"]
        check("... and changes nothing", rows[0].get("category") == "std", rows)
        driver.execute_script("window.__patches = []")
        save(driver, "{not json")
        check("text that is not JSON is not sent", wait(driver, lambda d: "not JSON" in message(d)) and driver.execute_script("return window.__patches") == [],
              message(driver))
        peek(driver, "organizer-seat-map.png")
        errors = console_errors(driver)
        check("editing the seat map logs no errors", not errors, errors)
    finally:
        driver.quit()


def organizer_changes_prices(base):
    """The edit form lists each category and pool with its price in major units; the organizer changes a category's and
    a pool's price (sent in minor units, exactly, and only those two), and the API, the card and the form then have them;
    a price out of range shows the server's 422. Once a seat of the category is held (at its new price), changing that
    price again shows the server's 409 and changes nothing."""
    port = port_of(base)
    event = door_event(port, "Price Night")
    pool_id = event["ga_pools"][0]["id"]
    driver = browser()

    def price_inputs(d):
        """The category's and the pool's price fields, once the form shows them."""
        category = d.find_elements(By.CSS_SELECTOR, "[data-testid='edit-category-price'][data-category-id='std']")
        pool = d.find_elements(By.CSS_SELECTOR, f"[data-testid='edit-pool-price'][data-pool-id='{pool_id}']")
        return (category[0], pool[0]) if category and pool and category[0].is_displayed() else None

    def typed(field, text):
        field.clear()
        field.send_keys(text)

    def prices_of(now):
        return [each["price_minor"] for each in now["categories"]], [each["price_minor"] for each in now["ga_pools"]]

    def card_prices(d):
        return {(fact.get_attribute("data-kind"), fact.get_attribute("data-id")): int(fact.get_attribute("data-price-minor"))
                for fact in d.find_elements(By.CSS_SELECTOR, "[data-testid='event-prices'] .price-fact")}

    try:
        open_event_card(driver, base, event["id"])
        check("the card lists the prices", card_prices(driver) == {("category", "std"): 2000, ("pool", str(pool_id)): 1000}, card_prices(driver))
        find(driver, "event-edit").click()
        category, pool = wait(driver, price_inputs)
        check("Edit lists the category and the pool with their prices in major units and the currency",
              category.get_attribute("value") == "20.00" and pool.get_attribute("value") == "10.00"
              and "Standard" in find(driver, "edit-prices").text and "Standing" in find(driver, "edit-prices").text
              and "EUR" in find(driver, "edit-prices").text, find(driver, "edit-prices").text)
        driver.execute_script("""
            window.__patches = [];
            const real = window.fetch;
            window.fetch = (url, init = {}) => { if (init.method === 'PATCH') window.__patches.push(JSON.parse(init.body)); return real(url, init); };""")

        typed(pool, "12.345")
        find(driver, "event-save").click()
        time.sleep(0.3)
        check("an amount with three decimals is not taken (nothing sent)",
              driver.execute_script("return window.__patches") == [] and not driver.execute_script("return arguments[0].checkValidity()", pool),
              driver.execute_script("return window.__patches"))
        typed(pool, "1000000.01")
        _, too_dear, _ = request(port, "PATCH", f"/api/events/{event['id']}", {"ga_pools": [{"id": pool_id, "price_minor": 100000001}]}, ORGANIZER)
        find(driver, "event-save").click()
        check("a price out of range shows the server's 422 detail, and changes nothing",
              too_dear["status"] == 422 and wait(driver, lambda d: too_dear["detail"] in find(d, "event-message").text)
              and prices_of(request(port, "GET", f"/api/events/{event['id']}")[1]) == ([2000], [1000]), (too_dear, find(driver, "event-message").text))

        driver.execute_script("window.__patches = []")
        typed(category, "65.5")
        # 0.29 * 100 is 28.999999999999996 in floating point: the amount is read from its digits.
        typed(pool, "0.29")
        find(driver, "event-save").click()
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='event-saved']"))
        patches = driver.execute_script("return window.__patches")
        _, now, _ = request(port, "GET", f"/api/events/{event['id']}")
        check("saving sends only the two prices, in minor units, and the API has them",
              patches == [{"categories": [{"id": "std", "price_minor": 6550}], "ga_pools": [{"id": pool_id, "price_minor": 29}]}]
              and prices_of(now) == ([6550], [29]), (patches, prices_of(now)))
        check("... the card shows the new prices", card_prices(driver) == {("category", "std"): 6550, ("pool", str(pool_id)): 29}
              and "Saved: prices." in find(driver, "event-message").text, (card_prices(driver), find(driver, "event-message").text))
        find(driver, "event-edit").click()
        category, pool = wait(driver, price_inputs)
        check("... and the form opens with them", (category.get_attribute("value"), pool.get_attribute("value")) == ("65.50", "0.29"),
              (category.get_attribute("value"), pool.get_attribute("value")))

        status, held, _ = request(port, "POST", "/api/book/safe", {"seat_id": event["first_seat_id"]}, guest(port))
        check("a seat of the category is held at the new price", status == 200 and held.get("amount_minor") == 6550, (status, held))
        driver.execute_script("window.__patches = []")
        typed(category, "70")
        _, refusal, _ = request(port, "PATCH", f"/api/events/{event['id']}", {"categories": [{"id": "std", "price_minor": 7000}]}, ORGANIZER)
        find(driver, "event-save").click()
        check("changing it again shows the server's 409 detail (the price stays)",
              refusal["status"] == 409 and "65.50 EUR" in refusal["detail"] and wait(driver, lambda d: refusal["detail"] in find(d, "event-message").text)
              and driver.execute_script("return window.__patches") == [{"categories": [{"id": "std", "price_minor": 7000}]}],
              (refusal, find(driver, "event-message").text, driver.execute_script("return window.__patches")))
        _, now, _ = request(port, "GET", f"/api/events/{event['id']}")
        check("... and changes nothing: the API and the card keep 65.50, the form stays open",
              prices_of(now) == ([6550], [29]) and card_prices(driver) == {("category", "std"): 6550, ("pool", str(pool_id)): 29}
              and find(driver, "event-edit-form").is_displayed(), (prices_of(now), card_prices(driver)))
        peek(driver, "organizer-prices.png")
        errors = console_errors(driver)
        check("changing prices logs no errors", not errors, errors)
    finally:
        driver.quit()


def organizer_cancels_an_event(base):
    """Cancelling an event with two paid bookings from its card asks for its title first; then the refunds' progress
    shows until finished, and the API has both bookings refunded (cause: event cancelled) and the event cancelled."""
    port = port_of(base)
    event = door_event(port, "Doomed Night")
    first = event["first_seat_id"]
    owner_one, one, _ = bought(port, event, [first, first + 1])
    owner_two, two, _ = bought(port, event, [first + 5], standing=2, email="doomed@example.test")
    driver = browser()
    try:
        open_event_card(driver, base, event["id"])
        find(driver, "event-cancel").click()
        confirm = wait(driver, lambda d: find(d, "cancel-confirm") if find(d, "cancel-confirm").is_displayed() else None)
        button = find(driver, "cancel-event-confirm")
        check("Cancel event asks to type the title, the button disabled until then", "cannot be undone" in confirm.text and not button.is_enabled(), confirm.text)
        find(driver, "cancel-title").send_keys("Doomed")
        check("... a title typed wrong leaves it disabled", not button.is_enabled())
        find(driver, "cancel-title").send_keys(" Night")
        check("... the exact title enables it", button.is_enabled())
        button.click()
        progress = wait(driver, lambda d: find(d, "cancel-progress") if find(d, "cancel-progress").is_displayed() else None)
        seen = {progress.get_attribute("data-status")}
        finished = wait(driver, lambda d: seen.add(find(d, "cancel-progress").get_attribute("data-status")) or find(d, "cancel-progress").get_attribute("data-status") == "finished", 30)
        print(f"     the progress went through {sorted(seen)}")
        check("the progress is shown and reaches finished with both bookings refunded",
              finished and find(driver, "cancel-progress").get_attribute("data-refunded") == "2" and "2 bookings refunded" in find(driver, "cancel-progress").text,
              find(driver, "cancel-progress").text)
        _, job, _ = request(port, "GET", f"/api/events/{event['id']}/cancel", headers=ORGANIZER)
        states = [request(port, "GET", f"/api/bookings/{booking['id']}", headers=owner)[1]["status"] for booking, owner in ((one, owner_one), (two, owner_two))]
        causes = [[refund["cause"] for refund in request(port, "GET", f"/api/bookings/{booking['id']}/history", headers=ORGANIZER)[1]["refunds"]]
                  for booking in (one, two)]
        check("the API shows the job finished and both bookings refunded, for the event's cancellation",
              job["status"] == "finished" and job["refunded"] == 2 and states == ["refunded", "refunded"] and causes == [["event_cancelled"], ["event_cancelled"]],
              (job, states, causes))
        _, now, _ = request(port, "GET", f"/api/events/{event['id']}", headers=ORGANIZER)
        check("the event reads cancelled, on the page too (no Edit or Cancel left, the picker says so)",
              now["status"] == "cancelled" and wait(driver, lambda d: find(d, "event-status").text == "cancelled")
              and not find(driver, "event-edit").is_displayed() and not find(driver, "event-cancel").is_displayed()
              and "cancelled" in driver.find_element(By.CSS_SELECTOR, f"#sales-event option[value='{event['id']}']").text, now["status"])
        peek(driver, "organizer-cancelled.png")
        errors = console_errors(driver)
        check("cancelling an event logs no errors", not errors, errors)
    finally:
        driver.quit()


def buyers_csv_is_downloaded(base):
    """Download buyers (CSV) fetches the export with the organizer's authority and saves it as event-<id>-tickets.csv:
    the file is the API's export byte for byte, a header and one line per ticket (its price and status, refunded
    included)."""
    port = port_of(base)
    event = door_event(port, "Export Night")
    first = event["first_seat_id"]
    _, paid, tickets = bought(port, event, [first, first + 1], standing=1, email="exported@example.test")
    _, other, more = bought(port, event, [first + 4])
    request(port, "POST", f"/api/bookings/{paid['id']}/refund", {"tickets": [3]}, ORGANIZER)
    folder = tempfile.mkdtemp(prefix="boxoffice-downloads-")
    driver = browser()
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": folder})
        open_event_card(driver, base, event["id"])
        find(driver, "export-csv").click()
        name = f"event-{event['id']}-tickets.csv"
        path = os.path.join(folder, name)
        saved = wait(driver, lambda d: os.path.exists(path) and not [f for f in os.listdir(folder) if f.endswith(".crdownload")], 15)
        check(f"the button downloads {name}, and says so", saved and name in find(driver, "export-done").text, os.listdir(folder))
        with open(path, "rb") as file:
            data = file.read()
        _, api_bytes, content_type = raw_get(port, f"/api/events/{event['id']}/export.csv", ORGANIZER)
        check("the file is the API's export byte for byte", data == api_bytes and content_type.startswith("text/csv"), (len(data), len(api_bytes)))
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        lines = data.decode("utf-8-sig").split("\r\n")
        expected = {ticket["id"]: (f"{ticket['price_minor'] / 100:.2f}", "refunded" if ticket["id"].endswith(".3") and ticket in tickets else "valid")
                    for ticket in tickets + more}
        check("its lines are a header and one per ticket: 4 tickets, each with its price and status (the refunded one refunded)",
              len([line for line in lines if line]) == 5 and {row["ticket"]: (row["price"], row["status"]) for row in rows} == expected and len(rows) == 4
              and {row["customer_email"] for row in rows if row["booking"] == paid["id"]} == {"exported@example.test"},
              ([(row["ticket"], row["price"], row["status"]) for row in rows], expected))
        errors = console_errors(driver)
        check("the export logs no errors", not errors, errors)
    finally:
        driver.quit()
        shutil.rmtree(folder, ignore_errors=True)


# MARK: Webhooks

# The shared server's webhooks may reach the receivers on loopback, and retry fast: 200 ms doubling, 800 ms an attempt,
# parked 3 s after the notice (harmless to the other scenarios, which register no webhook).
WEBHOOK_FLAGS = ["--allow-private-webhooks", "--webhook-retry-base-ms", "200", "--webhook-timeout-ms", "800", "--webhook-retry-window", "3"]


class Receiver:
    """A webhook receiver on a free loopback port: `/ok` answers 200, `/down` 503 until `down` is cleared. It keeps
    every request: its path, headers, body and the status it answered."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.down = True
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = 503 if self.path == "/down" and receiver.down else 200
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body, "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def got(self, path, status=None):
        with self.lock:
            return [dict(r) for r in self.requests if r["path"] == path and (status is None or r["status"] == status)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def signed_with(secret, request_got):
    """Whether a request the receiver got carries a Boxoffice-Signature of its body made with `secret`."""
    parts = dict(part.split("=", 1) for part in request_got["headers"].get("Boxoffice-Signature", "").split(",") if "=" in part)
    expected = hmac.new(secret.encode(), f"{parts.get('t')}.".encode() + request_got["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


def webhook_card(driver, webhook_id):
    return driver.find_element(By.CSS_SELECTOR, f"[data-testid='webhook'][data-webhook-id='{webhook_id}']")


def listed_deliveries(driver, webhook_id):
    """What the page lists of an endpoint's deliveries, newest first: (id, status, attempts)."""
    return [tuple(row) for row in driver.execute_script(
        "return [...document.querySelectorAll(`[data-testid='webhook'][data-webhook-id='${arguments[0]}'] tr.delivery`)]"
        ".map((row) => [row.dataset.deliveryId, row.dataset.status, Number(row.dataset.attempts)])", webhook_id)]


def api_deliveries(port, webhook_id, status=""):
    """What the API lists of an endpoint's deliveries, newest first (up to 100)."""
    query = f"?limit=100&status={status}" if status else "?limit=100"
    return request(port, "GET", f"/api/webhooks/{webhook_id}/deliveries{query}", headers=ORGANIZER)[1]["deliveries"]


def as_listed(deliveries):
    return [(delivery["id"], delivery["status"], delivery["attempts"]) for delivery in deliveries]


def attempts_shown(driver, webhook_id, delivery_id):
    """The attempts an opened delivery shows: (number, status code text, detail, ms text)."""
    return [tuple(cell.text for cell in row.find_elements(By.TAG_NAME, "td")[:1] + row.find_elements(By.TAG_NAME, "td")[2:5])
            for row in webhook_card(driver, webhook_id).find_elements(
                By.CSS_SELECTOR, f"tr.delivery-detail[data-delivery-id='{delivery_id}'] [data-testid='delivery-attempt-log'] tbody tr")]


def open_delivery(driver, webhook_id, delivery_id):
    """Opens a delivery's details (unless open) and answers its detail row."""
    card = webhook_card(driver, webhook_id)
    toggle = card.find_element(By.CSS_SELECTOR, f"tr.delivery[data-delivery-id='{delivery_id}'] [data-testid='delivery-toggle']")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return wait(driver, lambda d: (lambda row: row if row.is_displayed() else None)(
        webhook_card(d, webhook_id).find_element(By.CSS_SELECTOR, f"tr.delivery-detail[data-delivery-id='{delivery_id}']")))


def add_endpoint(driver, url, topics):
    """Fills the form with `url` and exactly `topics` ticked, sends it and answers the confirmation shown."""
    field = find(driver, "webhook-url")
    field.clear()
    field.send_keys(url)
    for box in driver.find_elements(By.CSS_SELECTOR, "[data-testid='webhook-topic']"):
        if box.is_selected() != (box.get_attribute("data-topic") in topics):
            box.click()
    driver.execute_script("document.querySelector(\"[data-testid='webhook-form-message']\").replaceChildren()")
    find(driver, "webhook-add").click()
    return wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='webhook-created'], [data-testid='webhook-error']"))[0]


# Records every status a delivery row of the page takes, rows being replaced when they change.
WATCH_STATUSES = """
    const [tbody, id] = arguments;
    window.__statuses = [];
    const note = () => {
      const row = tbody.querySelector(`tr.delivery[data-delivery-id='${id}']`);
      const status = row?.dataset.status;
      if (status && window.__statuses.at(-1) !== status) window.__statuses.push(status);
    };
    note();
    new MutationObserver(note).observe(tbody, { childList: true, subtree: true, attributes: true });"""


def paid_now(port, event, seat_ids=()):
    """A new guest pays for `seat_ids` (or a standing ticket) of an event; answers the booking id."""
    owner = guest(port)
    _, account, _ = request(port, "POST", "/api/accounts", {}, owner)
    request(port, "POST", f"/api/accounts/{account['id']}/deposits", {"amount_minor": 100000}, owner)
    lines = {"seat_ids": list(seat_ids), "ga": [] if seat_ids else [{"pool_id": event["ga_pools"][0]["id"], "quantity": 1}]}
    status, booking, _ = request(port, "POST", "/api/bookings", {"event_id": event["id"], **lines}, owner)
    if status != 201:
        raise RuntimeError(f"no hold: {status} {booking}")
    status, paid, _ = request(port, "POST", f"/api/bookings/{booking['id']}/pay", headers=owner)
    if paid.get("status") != "confirmed":
        raise RuntimeError(f"not paid: {status} {paid}")
    return booking["id"]


def webhooks_are_listed_and_resent(base):
    """The organizer opens Webhooks from the organizer page's tabs; a URL the server refuses (ftp://) shows its detail;
    two endpoints are added, each showing its secret once added, the one the API reads. A paid booking is delivered to
    the one that answers 200 (one attempt, HTTP 200, the JSON body shown, signed with the secret) and parked at the one
    that answers 503 (several attempts, each 503); that one, back up, is sent again with Resend: the row turns pending,
    then delivered. The status filter lists what the API lists for each status; Delete asks first and the endpoint is
    gone; with 22 deliveries Load more shows the last 2. What the page shows (statuses, attempts) is what the API says."""
    port = port_of(base)
    receiver = Receiver()
    hook = f"http://127.0.0.1:{receiver.port}"
    added = []
    driver = browser()
    try:
        sign_in_as_organizer(driver, base)
        driver.get(base + "/#/organizer")
        wait(driver, lambda d: find(d, "organizer-nav-webhooks")).click()
        wait(driver, lambda d: find(d, "webhook-form"))
        check("the organizer page's Webhooks tab opens #/organizer/webhooks, marked as the current section",
              driver.current_url.endswith("#/organizer/webhooks") and find(driver, "organizer-nav-webhooks").get_attribute("aria-current") == "page"
              and find(driver, "organizer-nav-events").get_attribute("aria-current") is None, driver.current_url)
        check("no endpoint is listed yet", wait(driver, lambda d: "No endpoints yet" in find(d, "webhooks").text), find(driver, "webhooks").text)

        _, refused, _ = request(port, "POST", "/api/webhooks", {"url": "ftp://x", "events": ["booking.confirmed"]}, ORGANIZER)
        shown = add_endpoint(driver, "ftp://x", ["booking.confirmed"])
        check("a URL the server refuses shows its detail in the form", shown.get_attribute("data-testid") == "webhook-error"
              and shown.text == refused["detail"] and "http://" in shown.text, (shown.text, refused))

        shown = add_endpoint(driver, f"{hook}/ok", ["booking.confirmed"])
        ok_id = shown.get_attribute("data-webhook-id")
        added.append(ok_id)
        secret = find(driver, "webhook-secret").text
        _, ok, _ = request(port, "GET", f"/api/webhooks/{ok_id}", headers=ORGANIZER)
        check("adding an endpoint shows its secret, the one the API reads, with how to check a signature",
              secret.startswith("whsec_") and secret == ok["secret"] and ok["url"] == f"{hook}/ok" and ok["events"] == ["booking.confirmed"]
              and "Boxoffice-Signature: t=<unix seconds>,v1=<hex>" in shown.text and "HMAC-SHA256" in shown.text and "Store it now" in shown.text,
              (secret, ok, shown.text))
        shown = add_endpoint(driver, f"{hook}/down", ["booking.confirmed", "event.sold_out"])
        down_id = shown.get_attribute("data-webhook-id")
        added.append(down_id)
        down_secret = find(driver, "webhook-secret").text
        _, down, _ = request(port, "GET", f"/api/webhooks/{down_id}", headers=ORGANIZER)
        check("... and a second one, with two topics", down_secret == down["secret"] and down["events"] == ["booking.confirmed", "event.sold_out"],
              (down_secret, down))
        peek(driver, "organizer-webhook-added.png")
        _, listed, _ = request(port, "GET", "/api/webhooks", headers=ORGANIZER)
        cards = lambda d: [card.get_attribute("data-webhook-id") for card in d.find_elements(By.CSS_SELECTOR, "[data-testid='webhook']")]
        check("both are listed, newest first, with their topics", wait(driver, lambda d: cards(d) == [down_id, ok_id])
              and [w["id"] for w in listed["webhooks"]] == [ok_id, down_id]
              and webhook_card(driver, down_id).find_element(By.CSS_SELECTOR, "[data-testid='webhook-topics']").text.split() == down["events"],
              (cards(driver), listed))
        check("... each with no deliveries yet", wait(driver, lambda d: all("No deliveries yet" in webhook_card(d, each).find_element(
            By.CSS_SELECTOR, "[data-testid='deliveries']").text for each in (ok_id, down_id))))
        webhook_card(driver, ok_id).find_element(By.CSS_SELECTOR, "[data-testid='webhook-show-secret']").click()
        check("Show secret shows an endpoint's secret, as the API reads it", wait(driver, lambda d: webhook_card(d, ok_id).find_elements(
            By.CSS_SELECTOR, "[data-testid='webhook-secret']")) and webhook_card(driver, ok_id).find_element(
            By.CSS_SELECTOR, "[data-testid='webhook-secret']").text == ok["secret"])

        event = door_event(port, "Webhook Night")
        booking_id = paid_now(port, event, seat_ids=[event["first_seat_id"]])
        check("a paid booking is delivered to /ok: the page lists it delivered, after one attempt",
              wait(driver, lambda d: [(s, n) for _, s, n in listed_deliveries(d, ok_id)] == [("delivered", 1)], 15), listed_deliveries(driver, ok_id))
        (ok_delivery, _, _), = listed_deliveries(driver, ok_id)
        answer = webhook_card(driver, ok_id).find_element(By.CSS_SELECTOR, "[data-testid='delivery-answer']")
        check("... its last answer HTTP 200", answer.get_attribute("data-status-code") == "200" and answer.text == "HTTP 200", answer.text)
        got = receiver.got("/ok")
        check("the receiver got it once, for that booking, signed with the secret shown",
              len(got) == 1 and json.loads(got[0]["body"])["booking"]["id"] == booking_id and signed_with(secret, got[0])
              and got[0]["headers"]["Boxoffice-Topic"] == "booking.confirmed", [r["headers"] for r in got])
        detail = open_delivery(driver, ok_id, ok_delivery)
        (api_ok,) = api_deliveries(port, ok_id)
        body = json.loads(detail.find_element(By.CSS_SELECTOR, "[data-testid='delivery-body']").text)
        check("Details shows its attempt (1, HTTP 200) and the JSON sent, as the API lists them",
              attempts_shown(driver, ok_id, ok_delivery) == [("1", "200", a["detail"], str(a["milliseconds"])) for a in api_ok["attempt_log"]]
              and body == json.loads(api_ok["body"]) == json.loads(got[0]["body"]) and api_ok["notice_id"] in detail.text,
              (attempts_shown(driver, ok_id, ok_delivery), body))

        check("the delivery to /down is parked once its retry window passed",
              wait(driver, lambda d: [s for _, s, _ in listed_deliveries(d, down_id)] == ["parked"], 15), listed_deliveries(driver, down_id))
        (api_down,) = api_deliveries(port, down_id)
        down_delivery = api_down["id"]
        open_delivery(driver, down_id, down_delivery)
        shown_attempts = attempts_shown(driver, down_id, down_delivery)
        check("... after several attempts, each answered 503, as the page and the API both say",
              listed_deliveries(driver, down_id) == as_listed([api_down]) and api_down["attempts"] >= 3
              and [(n, code) for n, code, _, _ in shown_attempts] == [(str(a["number"]), "503") for a in api_down["attempt_log"]]
              and len(receiver.got("/down", 503)) == api_down["attempts"], (shown_attempts, api_down["attempts"]))
        check("... the row says HTTP 503 and offers Resend", webhook_card(driver, down_id).find_element(
            By.CSS_SELECTOR, "[data-testid='delivery-answer']").text == "HTTP 503"
            and webhook_card(driver, down_id).find_elements(By.CSS_SELECTOR, "[data-testid='delivery-resend']"))
        peek(driver, "organizer-webhooks.png")

        receiver.down = False
        driver.execute_script(WATCH_STATUSES, webhook_card(driver, down_id).find_element(By.CSS_SELECTOR, "[data-testid='deliveries']"), down_delivery)
        webhook_card(driver, down_id).find_element(By.CSS_SELECTOR, "[data-testid='delivery-resend']").click()
        check("Resend turns the row pending, then delivered once the receiver is back",
              wait(driver, lambda d: driver.execute_script("return window.__statuses") == ["parked", "pending", "delivered"], 15),
              driver.execute_script("return window.__statuses"))
        (api_down,) = api_deliveries(port, down_id)
        check("... as the API says: delivered, one attempt more, the last one 200; the receiver got it signed",
              api_down["status"] == "delivered" and api_down["attempt_log"][-1]["status_code"] == 200
              and len(receiver.got("/down", 200)) == 1 and signed_with(down_secret, receiver.got("/down", 200)[0])
              and wait(driver, lambda d: listed_deliveries(d, down_id) == as_listed([api_down])), (api_down, listed_deliveries(driver, down_id)))
        check("... and the open delivery shows its new attempt, HTTP 200",
              wait(driver, lambda d: [code for _, code, _, _ in attempts_shown(d, down_id, down_delivery)][-1:] == ["200"]),
              attempts_shown(driver, down_id, down_delivery))

        status_filter = Select(webhook_card(driver, down_id).find_element(By.CSS_SELECTOR, "[data-testid='deliveries-status']"))
        table = lambda d: webhook_card(d, down_id).find_element(By.CSS_SELECTOR, "[data-testid='deliveries']")
        for status, count in (("parked", 0), ("pending", 0), ("delivered", 1), ("", 1)):
            status_filter.select_by_value(status)
            check(f"the status filter {status or 'all'} lists what the API lists ({count})", wait(driver, lambda d: table(d).get_attribute("data-filter") == status
                  and listed_deliveries(d, down_id) == as_listed(api_deliveries(port, down_id, status))) and len(listed_deliveries(driver, down_id)) == count
                  and (count or f"No {status} deliveries." in table(driver).text), (listed_deliveries(driver, down_id), table(driver).text))

        webhook_card(driver, down_id).find_element(By.CSS_SELECTOR, "[data-testid='webhook-delete']").click()
        ask = webhook_card(driver, down_id).find_element(By.CSS_SELECTOR, "[data-testid='webhook-delete-ask']")
        check("Delete asks first, naming the endpoint", ask.is_displayed() and f"{hook}/down" in ask.text and "cannot be undone" in ask.text, ask.text)
        ask.find_element(By.CSS_SELECTOR, "[data-testid='webhook-delete-confirm']").click()
        check("... then the endpoint is gone from the page and from the API",
              wait(driver, lambda d: cards(d) == [ok_id] and f"{hook}/down" in find(d, "webhook-deleted").text)
              and request(port, "GET", f"/api/webhooks/{down_id}", headers=ORGANIZER)[0] == 404
              and [w["id"] for w in request(port, "GET", "/api/webhooks", headers=ORGANIZER)[1]["webhooks"]] == [ok_id], cards(driver))
        added.remove(down_id)

        for index in range(21):  # the hall's 14 other seats, then standing tickets
            paid_now(port, event, seat_ids=[event["first_seat_id"] + 1 + index] if index < 14 else ())
        check("21 more paid bookings: the page lists the newest 20, all delivered, with Load more",
              wait(driver, lambda d: len(listed_deliveries(d, ok_id)) == 20 and all(s == "delivered" for _, s, _ in listed_deliveries(d, ok_id)), 20)
              and webhook_card(driver, ok_id).find_element(By.CSS_SELECTOR, "[data-testid='deliveries-more']").is_displayed(),
              listed_deliveries(driver, ok_id)[:2])
        webhook_card(driver, ok_id).find_element(By.CSS_SELECTOR, "[data-testid='deliveries-more']").click()
        everything = api_deliveries(port, ok_id)
        check("Load more adds the last 2 (the first delivery last) and goes away; the page lists what the API lists",
              wait(driver, lambda d: listed_deliveries(d, ok_id) == as_listed(everything))
              and not webhook_card(driver, ok_id).find_element(By.CSS_SELECTOR, "[data-testid='deliveries-more']").is_displayed()
              and everything[-1]["id"] == ok_delivery and len(everything) == 22, (len(listed_deliveries(driver, ok_id)), len(everything)))
        open_delivery(driver, ok_id, ok_delivery)
        driver.execute_script("arguments[0].textContent = ''", find(driver, "webhooks-refreshed"))
        find(driver, "webhooks-refresh").click()
        check("Refresh reads them again: all 22 still listed, the oldest (past the first page) still open",
              wait(driver, lambda d: find(d, "webhooks-refreshed").text)
              and wait(driver, lambda d: listed_deliveries(d, ok_id) == as_listed(api_deliveries(port, ok_id)))
              and webhook_card(driver, ok_id).find_element(By.CSS_SELECTOR, f"tr.delivery-detail[data-delivery-id='{ok_delivery}']").is_displayed(),
              len(listed_deliveries(driver, ok_id)))
        errors = console_errors(driver)
        check("the webhooks page logs no errors", not errors, errors)
    finally:
        driver.quit()
        for webhook_id in added:
            request(port, "DELETE", f"/api/webhooks/{webhook_id}", headers=ORGANIZER)
        receiver.close()


PEEKS = os.environ.get("BOXOFFICE_PEEKS")


def peek(driver, name):
    """A screenshot of a new page, only when $BOXOFFICE_PEEKS names a directory for them."""
    if PEEKS:
        os.makedirs(PEEKS, exist_ok=True)
        driver.save_screenshot(os.path.join(PEEKS, name))


def main():
    data_dir = tempfile.mkdtemp(prefix="boxoffice-browser-")
    subprocess.run([BINARY, "organizer", "add", ORGANIZER_EMAIL, "--data-dir", data_dir], check=True, capture_output=True,
                   env=dict(os.environ, BOXOFFICE_ORGANIZER_PASSWORD=ORGANIZER_PASSWORD))
    server = Server(BINARY, data_dir, env={"BOXOFFICE_ORGANIZER_TOKEN": TOKEN, "BOXOFFICE_PUBLIC_DIR": os.path.join(ROOT, "public")}, args=WEBHOOK_FLAGS)
    base = f"http://127.0.0.1:{server.port}"
    chosen = {name.strip() for name in os.environ.get("BROWSER_TESTS", "").split(",") if name.strip()}
    try:
        for scenario in (customer_books_and_pays, accounts_keep_bookings, api_docs, two_browsers_see_each_other, payment_without_money_is_cancelled, customer_buys_now,
                         organizer_creates_an_event, best_available_seats, waiting_room, big_hall_stays_usable, tickets_page_shows_scannable_codes, scanner_reads_the_camera,
                         scanners_offline_conflict, organizer_watches_the_doors, organizer_signs_in_from_the_header, orders_are_searched,
                         refund_one_ticket_kept_off_sale, customer_cancels_before_the_cutoff, sales_charts_match_the_api,
                         organizer_edits_and_publishes, organizer_changes_prices, organizer_edits_seat_map, organizer_cancels_an_event, buyers_csv_is_downloaded, webhooks_are_listed_and_resent):
            if chosen and scenario.__name__ not in chosen:
                continue
            print(f"-- {scenario.__name__.replace('_', ' ')}", flush=True)
            try:
                scenario(base)
            except Exception as error:  # a timeout or a missing element fails this scenario, not the suite
                check(f"{scenario.__name__} ran to the end", False, f"{error!r}\n{traceback.format_exc()}")
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    if not chosen or "caps_are_explained" in chosen:
        print("-- caps are explained", flush=True)
        try:
            caps_are_explained()
        except Exception as error:
            check("caps_are_explained ran to the end", False, f"{error!r}\n{traceback.format_exc()}")
    return summary("browser")


if __name__ == "__main__":
    sys.exit(main())
