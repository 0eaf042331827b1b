// The organizer's orders of one event: a search box (an email, a booking id or its first characters, a seat label such
// as "Stalls C 12") and filters over GET /api/events/{id}/bookings, a page at a time; a row opens the booking's detail.

import * as api from "../api.js";
import { dateTime, h, money, statusLabel } from "../format.js";
import { bookingLines } from "../ticketinfo.js";
import { orderDetail } from "./orderdetail.js";

const pageSize = 25;
const statusChoices = [
  ["", "Any status"],
  ["confirmed", "Paid"],
  ["refunded", "Refunded"],
  ["confirmed,refunded", "Paid or refunded"],
  ["held,payment_pending", "Held or paying"],
  ["cancelled,released,expired", "Not bought"],
];

/** A local day ("2026-12-05") as the instant it starts here, `days` later. */
function dayStart(day, days = 0) {
  const date = new Date(`${day}T00:00`);
  date.setDate(date.getDate() + days);
  return date.toISOString();
}

/** The orders card; `show(event)` lists that event's orders; `stop()` ends the open detail's live updates. */
export function ordersCard(access, live) {
  let typing = 0;
  const search = h("input", { id: "orders-search", type: "search", "data-testid": "orders-search", maxlength: "200", style: "min-width:16rem",
    placeholder: "email, booking id, Stalls C 12", oninput: () => {
      clearTimeout(typing);
      typing = setTimeout(() => list(), 300);
    } });
  const status = h("select", { id: "orders-status", "data-testid": "orders-status", onchange: () => list() },
    ...statusChoices.map(([value, label]) => h("option", { value }, label)));
  const category = h("select", { id: "orders-category", "data-testid": "orders-category", onchange: () => list() });
  const from = h("input", { id: "orders-from", type: "date", "data-testid": "orders-from", onchange: () => list() });
  const to = h("input", { id: "orders-to", type: "date", "data-testid": "orders-to", onchange: () => list() });
  const rows = h("tbody", { "data-testid": "orders" });
  const more = h("button", { type: "button", class: "secondary", "data-testid": "orders-more", hidden: true, onclick: () => list(next) }, "More");
  const message = h("div", { "aria-live": "polite", "data-testid": "orders-message" });
  const detail = h("div", { "data-testid": "order-detail-slot" });
  const field = (id, label, input) => h("div", {}, h("label", { for: id }, label), input);
  const element = h("div", { class: "card", "data-testid": "orders-card" },
    h("form", { class: "row", role: "search", onsubmit: (submitted) => {
      submitted.preventDefault();
      clearTimeout(typing);
      list();
    } },
      field("orders-search", "Search", search), h("button", { type: "submit", "data-testid": "orders-find" }, "Find"),
      field("orders-status", "Status", status), field("orders-category", "Category", category),
      field("orders-from", "Booked from", from), field("orders-to", "to", to)),
    message,
    h("div", { class: "table-scroll" }, h("table", { class: "orders" },
      h("thead", {}, h("tr", {}, h("th", {}, "Booking"), h("th", {}, "Customer"), h("th", {}, "Tickets"), h("th", { class: "num" }, "Amount"),
        h("th", {}, "Status"), h("th", {}, "Booked"))),
      rows)),
    more, detail);

  let event = null;
  let next = null;
  let reads = 0;
  // The open detail, and its booking's id.
  let opened = null;
  let openedId = null;

  function row({ booking, customer_email: email }) {
    const lines = bookingLines(booking);
    const shown = lines.length > 4 ? [...lines.slice(0, 3), `and ${lines.length - 3} more`] : lines;
    const openIt = () => openDetail(booking.id);
    return h("tr", { class: "order", tabindex: "0", "data-booking-id": booking.id, "data-status": booking.status, "aria-current": String(openedId === booking.id),
      onclick: openIt, onkeydown: (key) => { if (key.key === "Enter" || key.key === " ") { key.preventDefault(); openIt(); } } },
    h("td", {}, h("code", { title: booking.id }, booking.id.slice(0, 8))),
    h("td", { "data-testid": "order-customer" }, email || "Guest"),
    h("td", {}, h("ul", { class: "plain" }, shown.map((line) => h("li", {}, line)))),
    h("td", { class: "num" }, money(booking.amount_minor, booking.currency)),
    h("td", {}, h("span", { class: "status", "data-status": booking.status }, statusLabel(booking.status))),
    h("td", {}, h("time", { datetime: booking.created_at }, dateTime(booking.created_at))));
  }

  /** Lists the first page of what the fields ask for, or with `after` the page after it. */
  async function list(after) {
    if (!event) return;
    const mine = ++reads;
    const eventId = event.id;
    if (!access.ready()) {
      rows.replaceChildren();
      more.hidden = true;
      message.replaceChildren(h("p", { class: "notice warn" }, access.askToSignIn));
      return;
    }
    const q = search.value.trim();
    try {
      const page = await api.orders(eventId, {
        q, status: status.value, category: category.value, limit: pageSize, after,
        from: from.value && dayStart(from.value), to: to.value && dayStart(to.value, 1),
      }, access.token());
      if (mine !== reads) return;
      message.replaceChildren();
      const found = page.orders.map(row);
      if (after) rows.append(...found);
      else rows.replaceChildren(...found);
      if (!rows.children.length) rows.append(h("tr", { "data-empty": true }, h("td", { colspan: "6", class: "muted" }, "No orders match.")));
      rows.dataset.eventId = String(eventId);
      rows.dataset.query = q;
      next = page.next ?? null;
      more.hidden = !next;
    } catch (error) {
      if (mine === reads) message.replaceChildren(h("p", { class: "notice bad" }, access.refusal(error)));
    }
  }

  function openDetail(bookingId) {
    opened?.stop();
    opened = orderDetail(bookingId, { access, live, onChange: (booking) => {
      const line = rows.querySelector(`tr[data-booking-id="${booking.id}"]`);
      if (!line) return;
      line.dataset.status = booking.status;
      const badge = line.querySelector(".status");
      badge.dataset.status = booking.status;
      badge.textContent = statusLabel(booking.status);
    }, onClose: closeDetail });
    openedId = bookingId;
    for (const line of rows.querySelectorAll("tr.order")) line.setAttribute("aria-current", String(line.dataset.bookingId === bookingId));
    detail.replaceChildren(opened.element);
    opened.element.scrollIntoView({ block: "nearest" });
  }

  function closeDetail() {
    opened?.stop();
    opened = null;
    openedId = null;
    detail.replaceChildren();
    for (const line of rows.querySelectorAll("tr.order")) line.setAttribute("aria-current", "false");
  }

  return {
    element,
    show(shown) {
      event = shown;
      closeDetail();
      const names = [...(shown.categories || []).map((entry) => entry.name || entry.id), ...(shown.ga_pools || []).map((pool) => pool.name)];
      category.replaceChildren(h("option", { value: "" }, "Any category"), ...names.map((name) => h("option", { value: name }, name)));
      list();
    },
    /** Lists again, as the fields ask (the organizer's authority changed). */
    refresh: () => list(),
    stop() {
      clearTimeout(typing);
      closeDetail();
    },
  };
}
