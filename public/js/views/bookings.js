// The customer's bookings, whose statuses change live from /api/ws pushes; a paid one may be cancelled for a refund
// until its event's cutoff.

import * as api from "../api.js";
import { clock, dateTime, h, money, statusLabel } from "../format.js";
import * as session from "../session.js";
import { bookingLines } from "../ticketinfo.js";

export async function renderBookings(root, { live }) {
  root.append(h("h1", {}, "My bookings"));
  const customer = session.customer();
  if (!customer) {
    root.append(h("p", { class: "notice warn" }, "Sign in or continue as a guest (top right) to see your bookings."));
    return null;
  }
  const message = h("div", { "aria-live": "polite", "data-testid": "bookings-message" });
  const body = h("tbody", { "data-testid": "bookings" });
  root.append(message, h("table", {},
    h("thead", {}, h("tr", {}, h("th", {}, "Event"), h("th", {}, "Tickets"), h("th", { class: "num" }, "Amount"), h("th", {}, "Status"), h("th", {}, ""))),
    body));
  const rows = new Map();
  let stopped = false;
  const seen = new Map();
  // Each event's cancellation cutoff (null: customers may not cancel), read once per event.
  const cutoffs = new Map();

  async function learnCutoffs(bookings) {
    const unknown = [...new Set(bookings.map((booking) => booking.event_id))].filter((id) => !cutoffs.has(id));
    await Promise.all(unknown.map(async (id) => {
      try {
        cutoffs.set(id, (await api.event(id)).cancellation_cutoff ?? null);
      } catch {
        // No Cancel button for now; the event is read again with the next list.
      }
    }));
  }

  /** "Cancel and refund", asked to be confirmed; a try whose answer was lost keeps its Idempotency-Key, so trying
   * again cancels once. */
  function cancelControl(booking, cutoff) {
    const box = h("div", { class: "cancel" });
    let key = null;
    const offer = () => {
      key = null;
      box.replaceChildren(h("button", { type: "button", class: "danger", "data-testid": "cancel-booking", onclick: confirm }, "Cancel and refund"),
        h("div", { class: "muted hint" }, `until ${dateTime(cutoff)}`));
    };
    const confirm = () => box.replaceChildren(
      h("p", { class: "hint" }, "Cancel this booking? Its tickets stop working and its money goes back to your wallet."),
      h("div", { class: "row" },
        h("button", { type: "button", class: "danger", "data-testid": "confirm-cancel", onclick: send }, key ? "Try again" : "Yes, cancel"),
        h("button", { type: "button", class: "secondary", onclick: offer }, "Keep it")));
    async function send(click) {
      click.currentTarget.disabled = true;
      key ??= crypto.randomUUID();
      const asked = Date.now();
      try {
        const refund = await api.cancelBooking(booking.id, key);
        message.replaceChildren(h("p", { class: "notice ok", "data-testid": "cancel-done" }, `Cancelled: ${money(refund.amount_minor, refund.currency)} `,
          refund.status === "credited" ? "is back in your wallet." : "is on its way back to your wallet."));
        update(await api.booking(booking.id), asked);
      } catch (error) {
        message.replaceChildren(h("p", { class: "notice bad" }, error.message));
        if (error.retryable) confirm();
        else offer();
      }
    }
    offer();
    return box;
  }

  function row(booking) {
    // Each seat by its label and each GA line by its pool's name; a long list shows its first few and a count.
    const lines = bookingLines(booking);
    const shown = lines.length > 8 ? [...lines.slice(0, 6), `and ${lines.length - 6} more`] : lines;
    const event = booking.event || {};
    const actions = h("td", {});
    const element = h("tr", { "data-booking-id": booking.id, "data-status": booking.status },
      h("td", {}, h("a", { href: `#/events/${booking.event_id}` }, event.title || `Event ${booking.event_id}`),
        // The show's date (not when the booking was made), and where.
        event.starts_at ? h("div", { class: "muted", "data-testid": "booking-date" }, h("time", { datetime: event.starts_at }, dateTime(event.starts_at))) : null,
        event.venue ? h("div", { class: "muted" }, event.venue) : null),
      h("td", {}, h("ul", { class: "plain", "data-testid": "booking-seats" }, shown.map((line) => h("li", {}, line)))),
      h("td", { class: "num" }, money(booking.amount_minor, booking.currency)),
      h("td", {}, h("span", { class: "status", "data-status": booking.status }, statusLabel(booking.status))),
      actions);
    if (booking.status === "confirmed") {
      actions.append(h("a", { class: "button", href: `#/bookings/${booking.id}/tickets`, "data-testid": "tickets-link" }, "Tickets"));
      const cutoff = cutoffs.get(booking.event_id);
      if (cutoff && Date.parse(cutoff) > Date.now()) actions.append(cancelControl(booking, cutoff));
    }
    if (booking.status === "refunded") actions.append(h("span", { class: "muted" }, "Refunded to your wallet"));
    if (booking.status === "held") {
      const left = h("span", { class: "muted" });
      const tick = () => { left.textContent = ` expires in ${clock((new Date(booking.expires_at) - Date.now()) / 1000)}`; };
      tick();
      element.timer = setInterval(tick, 1000);
      actions.append(
        h("button", { type: "button", onclick: async () => { await act(() => api.pay(booking.id)); } }, "Pay"), " ",
        h("button", { type: "button", class: "danger", onclick: async () => { await act(() => api.release(booking.id)); } }, "Release"),
        left);
    }
    return element;
  }

  async function act(action) {
    const asked = Date.now();
    try {
      update(await action(), asked);
    } catch (error) {
      message.replaceChildren(h("p", { class: "notice bad" }, error.message));
    }
  }

  /** Shows a booking as read at `asked` (ms); a reply older than one already shown is dropped. */
  function update(booking, asked = Date.now()) {
    if (stopped || (seen.get(booking.id) ?? 0) > asked) return;
    seen.set(booking.id, asked);
    const old = rows.get(booking.id);
    if (old?.dataset.status === booking.status) return;
    const next = row(booking);
    rows.set(booking.id, next);
    if (old) {
      clearInterval(old.timer);
      old.replaceWith(next);
    } else {
      body.querySelector("[data-empty]")?.remove();
      body.prepend(next);
    }
  }

  async function load() {
    const asked = Date.now();
    const bookings = await api.myBookings();
    await learnCutoffs(bookings);
    for (const booking of bookings.reverse()) update(booking, asked);
    if (!bookings.length && !rows.size && !body.children.length) {
      body.append(h("tr", { "data-empty": true }, h("td", { colspan: "5" }, "No bookings yet. ", h("a", { href: "#/" }, "Find an event"), ".")));
    }
  }
  await load();

  const stops = [
    live.subscribe({ customer }),
    live.on("booking", async (change) => {
      if (change.customer !== customer) return;
      const asked = Date.now();
      const booking = await api.booking(change.booking_id);
      await learnCutoffs([booking]);
      update(booking, asked);
    }),
    // After a reconnect the pushes of changes made meanwhile may be lost: read the list again.
    live.on("subscribed", (message) => { if (message.customer === customer) load(); }),
  ];
  return () => {
    stopped = true;
    for (const element of rows.values()) clearInterval(element.timer);
    for (const stop of stops) stop();
  };
}
