// One booking in the organizer's back office: who bought what, its payment and ledger, its tickets, its refunds and
// its history as a timeline; and refunds of some or all of its tickets, seats back on sale or kept off.

import * as api from "../api.js";
import { dateTime, h, money, statusLabel } from "../format.js";
import { placeLabel } from "../ticketinfo.js";

const kinds = {
  held: "Held", payment_requested: "Payment asked", confirmed: "Paid", cancelled: "Cancelled", released: "Released",
  expired: "Expired", refund_requested: "Refund asked", refunded: "Refunded", checked_in: "Checked in",
};
const causes = { organizer: "by the organizer", customer: "cancelled by the customer", event_cancelled: "event cancelled" };

/** The detail of booking `bookingId`; `onChange(booking)` hears its status as each read finds it, `onClose()` its Close. */
export function orderDetail(bookingId, { access, live, onChange, onClose }) {
  const summary = h("div");
  const ticketsPart = h("div");
  const actions = h("div", { class: "refund-actions" });
  const message = h("div", { "aria-live": "polite", "data-testid": "refund-message" });
  const paymentPart = h("div");
  const refundsPart = h("div");
  const historyPart = h("div");
  const element = h("section", { class: "card order-detail", "data-testid": "order-detail", "data-booking-id": bookingId, "aria-label": "Booking detail" },
    h("div", { class: "row detail-head" }, h("h3", {}, "Booking ", h("code", {}, bookingId)),
      h("button", { type: "button", class: "secondary", "data-testid": "detail-close", onclick: () => onClose() }, "Close")),
    summary, ticketsPart, actions, message,
    h("div", { class: "detail-columns" }, h("div", {}, paymentPart, refundsPart), historyPart));

  let data = null;
  const chosen = new Set();
  let seats = "release";
  // The refund being confirmed: its body, fixed when asked for, and its Idempotency-Key, kept while it may be tried again.
  let asking = null;
  let busy = false;
  let stopped = false;
  let reads = 0;
  let again = 0;
  let pendingWait = 1000;
  const stops = [];

  async function load() {
    const mine = ++reads;
    const token = access.token();
    try {
      const [history, paid, tickets] = await Promise.all([
        api.bookingHistory(bookingId, token),
        api.payment(bookingId, token),
        api.bookingTickets(bookingId, token).catch((error) => { if (error.is("tickets-not-issued")) return []; throw error; }),
      ]);
      if (stopped || mine !== reads) return;
      const first = !data;
      data = { ...history, payment: paid, tickets };
      if (first && access.onSharedSocket) watch(history.booking.user_identifier);
      for (const ordinal of chosen) if (!refundable().some((ticket) => ticketOrdinal(ticket) === ordinal)) chosen.delete(ordinal);
      render();
      onChange(history.booking);
      followPending();
    } catch (error) {
      if (!stopped && mine === reads) message.replaceChildren(h("p", { class: "notice bad" }, access.refusal(error)));
    }
  }

  /** The booking's pushes (its customer's topic): a status change, or a refund credited, is read again. */
  function watch(customer) {
    stops.push(live.subscribe({ customer }),
      live.on("booking", (change) => { if (change.booking_id === bookingId) load(); }),
      live.on("subscribed", (answer) => { if (answer.customer === customer) load(); }));
  }

  /** While a refund waits for the wallet, reads again shortly (1 s, doubling to 8 s), pushes or not. */
  function followPending() {
    clearTimeout(again);
    if (!data.refunds.some((refund) => refund.status === "pending")) {
      pendingWait = 1000;
      return;
    }
    again = setTimeout(load, pendingWait);
    pendingWait = Math.min(8000, pendingWait * 2);
  }

  const ticketOrdinal = (ticket) => Number(ticket.id.slice(ticket.id.lastIndexOf(".") + 1));
  const refundable = () => (data.booking.status === "confirmed" ? data.tickets.filter((ticket) => ticket.status === "valid") : []);

  function render() {
    const { booking, customer_email: email, payment, tickets } = data;
    summary.replaceChildren(h("dl", { class: "facts" },
      h("dt", {}, "Customer"), h("dd", { "data-testid": "detail-customer" }, email || "Guest"),
      h("dt", {}, "Event"), h("dd", {}, booking.event?.title || `Event ${booking.event_id}`),
      h("dt", {}, "Status"), h("dd", {}, h("span", { class: "status", "data-status": booking.status, "data-testid": "detail-status" }, statusLabel(booking.status))),
      h("dt", {}, "Amount"), h("dd", {}, money(booking.amount_minor, booking.currency)),
      h("dt", {}, "Booked"), h("dd", {}, dateTime(booking.created_at))));

    const open = refundable();
    ticketsPart.replaceChildren(h("h4", {}, "Tickets"), tickets.length
      ? h("table", { "data-testid": "detail-tickets" },
        h("thead", {}, h("tr", {}, h("th", {}, h("span", { class: "sr-only" }, "Refund")), h("th", {}, "Ticket"), h("th", {}, "Place"),
          h("th", { class: "num" }, "Price"), h("th", {}, "Status"), h("th", {}, "Checked in"))),
        h("tbody", {}, tickets.map((ticket) => {
          const ordinal = ticketOrdinal(ticket);
          const box = open.includes(ticket) ? h("input", { type: "checkbox", "aria-label": `Refund ticket ${ordinal}`, "data-testid": "refund-ticket",
            "data-ordinal": String(ordinal), checked: chosen.has(ordinal), onchange: () => {
              if (box.checked) chosen.add(ordinal);
              else chosen.delete(ordinal);
              asking = null;
              renderActions();
            } }) : null;
          return h("tr", { "data-ticket-id": ticket.id, "data-status": ticket.status },
            h("td", {}, box), h("td", {}, h("code", {}, `.${ordinal}`)), h("td", {}, placeLabel(ticket)),
            h("td", { class: "num" }, money(ticket.price_minor, ticket.currency)),
            h("td", {}, h("span", { class: "status", "data-status": ticket.status }, ticket.status)),
            h("td", {}, ticket.checked_in_at ? `${dateTime(ticket.checked_in_at)}${ticket.gate ? ` at ${ticket.gate}` : ""}` : "–"));
        })))
      : h("p", { class: "muted" }, "No tickets: they are issued once the booking is paid."));

    paymentPart.replaceChildren(h("h4", {}, "Payment"), payment
      ? h("div", { "data-testid": "detail-payment", "data-status": payment.status },
        h("p", {}, `${payment.status}: ${money(payment.amount_minor, payment.currency)} charged, ${money(payment.refunded_minor, payment.currency)} back`,
          payment.reason ? ` (${payment.reason})` : ""),
        h("ul", { class: "plain" }, payment.ledger.map((entry) => h("li", { "data-kind": entry.kind },
          h("span", { class: "muted" }, dateTime(entry.created_at)), ` ${entry.kind} ${money(entry.amount_minor, payment.currency)}`))))
      : h("p", { class: "muted" }, "Not paid."));

    refundsPart.replaceChildren(h("h4", {}, "Refunds"), data.refunds.length
      ? h("ul", { class: "plain refunds", "data-testid": "detail-refunds" }, data.refunds.map((refund) => h("li", { "data-refund-id": refund.id, "data-status": refund.status },
        h("span", { class: "status", "data-status": refund.status }, refund.status), " ",
        `${money(refund.amount_minor, refund.currency)} for ticket${refund.tickets.length === 1 ? "" : "s"} ${refund.tickets.join(", ")}, `,
        `${causes[refund.cause] || refund.cause}, seats ${refund.seats === "released" ? "back on sale" : "kept off sale"}`,
        h("div", { class: "muted" }, `asked ${dateTime(refund.created_at)}${refund.credited_at ? `, credited ${dateTime(refund.credited_at)}` : ""}`))))
      : h("p", { class: "muted" }, "None."));

    historyPart.replaceChildren(h("h4", {}, "History"), h("ol", { class: "timeline", "data-testid": "detail-history" },
      data.history.map((line) => h("li", { "data-kind": line.kind },
        h("time", { datetime: line.at }, dateTime(line.at)), h("strong", {}, kinds[line.kind] || line.kind), h("div", {}, line.detail)))));
    renderActions();
  }

  function renderActions() {
    const open = refundable();
    if (!open.length) {
      actions.replaceChildren();
      return;
    }
    const picked = open.filter((ticket) => chosen.has(ticketOrdinal(ticket)));
    const choice = (value, label) => h("label", { class: "check" }, h("input", { type: "radio", name: `refund-seats-${bookingId}`, value,
      "data-testid": `refund-seats-${value}`, checked: seats === value, onchange: () => {
        seats = value;
        asking = null;
        renderActions();
      } }), label);
    const total = picked.reduce((sum, ticket) => sum + ticket.price_minor, 0);
    const currency = data.booking.currency;
    const controls = [
      h("div", { class: "row" }, choice("release", "Seats back on sale"), choice("block", "Keep seats off sale")),
      h("button", { type: "button", class: "danger", "data-testid": "refund", disabled: !picked.length || busy || Boolean(asking), onclick: () => {
        asking = { body: { tickets: picked.map(ticketOrdinal), seats }, key: null, total };
        message.replaceChildren();
        renderActions();
      } }, picked.length ? `Refund ${picked.length} ticket${picked.length === 1 ? "" : "s"}…` : "Tick the tickets to refund"),
    ];
    if (asking) {
      const { body } = asking;
      controls.push(h("div", { class: "notice warn", "data-testid": "refund-confirm" },
        h("p", { style: "margin:0 0 .5rem" }, `Refund ticket${body.tickets.length === 1 ? "" : "s"} ${body.tickets.join(", ")}: `,
          `${money(asking.total, currency)} back to the customer's wallet; `,
          body.tickets.length === 1
            ? `the ticket stops admitting and its place ${body.seats === "release" ? "goes back on sale" : "stays off sale"}.`
            : `the tickets stop admitting and their places ${body.seats === "release" ? "go back on sale" : "stay off sale"}.`),
        h("div", { class: "row" },
          h("button", { type: "button", class: "danger", "data-testid": "refund-confirm-button", disabled: busy, onclick: send },
            asking.key ? "Try again" : "Confirm refund"),
          h("button", { type: "button", class: "secondary", disabled: busy, onclick: () => { asking = null; renderActions(); } }, "Back"))));
    }
    actions.replaceChildren(h("h4", {}, "Refund"), ...controls);
  }

  /** Sends the refund being confirmed; a try whose answer was lost keeps its key, so trying again refunds once. */
  async function send() {
    const request = asking;
    request.key ??= crypto.randomUUID();
    busy = true;
    renderActions();
    try {
      const refund = await api.refund(bookingId, request.body, request.key, access.token());
      asking = null;
      chosen.clear();
      message.replaceChildren(h("p", { class: "notice ok", "data-testid": "refund-done" },
        `Refund of ${money(refund.amount_minor, refund.currency)} for ticket${refund.tickets.length === 1 ? "" : "s"} ${refund.tickets.join(", ")}: `,
        refund.status === "credited" ? "back in the wallet." : "on its way to the wallet."));
    } catch (error) {
      if (!error.retryable) asking = null;
      message.replaceChildren(h("p", { class: "notice bad" }, access.refusal(error), error.retryable ? " Trying again refunds only once." : ""));
    } finally {
      busy = false;
      renderActions();
    }
    load();
  }

  function stop() {
    stopped = true;
    clearTimeout(again);
    for (const each of stops.splice(0)) each();
  }

  load();
  return { element, stop };
}
